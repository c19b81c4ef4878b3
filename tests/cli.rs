//! The `civitas` admin client, driven as an editor would, against a real server.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

use crate::support::{Server, civitas};

/// Runs the client with its own config directory, against `server` with `token`.
pub fn client(home: &Path, server: &Server, token: Option<&str>, args: &[&str]) -> Output {
    let mut command = civitas(home);
    command
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CIVITAS_URL", &server.base);
    if let Some(token) = token {
        command.env("CIVITAS_TOKEN", token);
    }
    command.output().expect("civitas runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\n{}\n{}",
        output.status.code(),
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

#[tokio::test]
async fn login_saves_owner_only_credentials_and_logout_forgets_them() {
    let server = Server::start().await;
    let token = server.create_token(&["preview", "write"]).await;
    let home = TempDir::new().expect("home");
    let mut command = civitas(home.path());
    command
        .args(["login", "--url", &server.base, "--token", &token])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"));
    let printed = ok(command.output().expect("runs"));
    assert!(printed.contains("logged in"), "{printed}");
    let saved = home.path().join("config/civitas/credentials.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&saved).expect("saved").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Without CIVITAS_TOKEN the saved token is used.
    let mut whoami = civitas(home.path());
    whoami
        .args(["whoami"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"));
    let me = ok(whoami.output().expect("runs"));
    assert!(me.contains("(token)") && me.contains("write"), "{me}");

    let mut logout = civitas(home.path());
    logout
        .args(["logout"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"));
    ok(logout.output().expect("runs"));
    assert!(!saved.exists());

    // With an email and password, the session is what is saved.
    server.create_user("editor@example.org", "editor").await;
    let mut child = civitas(home.path())
        .args([
            "login",
            "--url",
            &server.base,
            "--email",
            "editor@example.org",
            "--password-stdin",
        ])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{}\n", crate::support::PASSWORD).as_bytes())
        .expect("password");
    let printed = ok(child.wait_with_output().expect("finishes"));
    assert!(printed.contains("as editor@example.org"), "{printed}");
    assert!(fs::read_to_string(&saved).expect("saved").contains("cvs_"));
}

#[tokio::test]
async fn an_editor_does_the_daily_work_from_the_terminal() {
    let server = Server::start().await;
    let token = server.create_token(&["preview", "write", "publish"]).await;
    let home = TempDir::new().expect("home");
    let run = |args: &[&str]| client(home.path(), &server, Some(&token), args);

    let types = ok(run(&["types"]));
    assert!(
        types.starts_with("TYPE") && types.contains("partner"),
        "{types}"
    );

    let file = home.path().join("mobility.md");
    fs::write(
        &file,
        "---\ntitle: Mobility in Lisbon\ntags: [mobility]\nauthors: [john-marwel]\n---\nCities **move**.\n",
    )
    .expect("file");
    let created = ok(run(&[
        "create",
        "post",
        "--file",
        file.to_str().expect("path"),
    ]));
    assert!(created.contains("mobility-in-lisbon draft"), "{created}");

    let listed = ok(run(&[
        "list",
        "post",
        "--filter",
        "tags[contains]=mobility",
        "--sort",
        "-created_at",
    ]));
    assert!(
        listed
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("mobility-in-lisbon")),
        "{listed}"
    );

    let markdown = ok(run(&["get", "post", "mobility-in-lisbon", "--markdown"]));
    assert!(
        markdown.starts_with("---\n") && markdown.ends_with("Cities **move**.\n"),
        "{markdown}"
    );

    ok(run(&[
        "update",
        "post",
        "mobility-in-lisbon",
        "--set",
        "excerpt=Short",
        "--set",
        r#"tags=["mobility","lisbon"]"#,
    ]));
    let published = ok(run(&["publish", "post", "mobility-in-lisbon"]));
    assert!(published.contains("published"), "{published}");
    let (_, public) = crate::support::json(
        server
            .get("/api/v1/content/post/mobility-in-lisbon")
            .send()
            .await,
    )
    .await;
    assert_eq!(
        public["data"]["tags"],
        serde_json::json!(["mobility", "lisbon"])
    );

    let scheduled = ok(run(&[
        "schedule",
        "post",
        "mobility-in-lisbon",
        "--unpublish-at",
        "2999-01-01T00:00:00Z",
    ]));
    assert!(scheduled.contains("published"), "{scheduled}");
    ok(run(&["schedule", "post", "mobility-in-lisbon", "--cancel"]));
    let revisions = ok(run(&["revisions", "post", "mobility-in-lisbon"]));
    assert!(
        revisions
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with('5') && l.ends_with("scheduled_unpublish_at")),
        "{revisions}"
    );
    let restored = ok(run(&[
        "--json",
        "restore",
        "post",
        "mobility-in-lisbon",
        "1",
    ]));
    let restored: Value = serde_json::from_str(&restored).expect("JSON");
    assert_eq!(restored["data"]["unpublished_changes"], true);

    // The server saying no is exit 1, with its error code; a usage problem is exit 2.
    let missing = run(&["get", "post", "no-such-post"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("entry_not_found"),
        "{}",
        stderr(&missing)
    );
    let bad = run(&["update", "post", "mobility-in-lisbon"]);
    assert_eq!(bad.status.code(), Some(2));
    let unreachable = civitas(home.path())
        .args(["types"])
        .env("CIVITAS_URL", "http://127.0.0.1:9")
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("runs");
    assert_eq!(unreachable.status.code(), Some(2));

    ok(run(&["delete", "post", "mobility-in-lisbon"]));
    assert_eq!(
        run(&["get", "post", "mobility-in-lisbon"]).status.code(),
        Some(1)
    );
}

async fn page_now(server: &Server) -> Value {
    let path = "/content/page/who-we-are";
    let (_, page) =
        crate::support::json(server.admin(reqwest::Method::GET, path).send().await).await;
    page["data"].clone()
}

#[tokio::test]
async fn edit_saves_on_close_and_refuses_a_stale_save() {
    let server = Server::start().await;
    let token = server.create_token(&["preview", "write"]).await;
    let home = TempDir::new().expect("home");
    let editor = home.path().join("editor.sh");
    fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/^title: .*/title: Edited in vi/' \"$1\"\n",
    )
    .expect("editor");
    let edit_with = |script: &Path| {
        civitas(home.path())
            .args(["edit", "page", "who-we-are"])
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("CIVITAS_URL", &server.base)
            .env("CIVITAS_TOKEN", &token)
            .env("EDITOR", format!("sh {}", script.display()))
            .output()
            .expect("runs")
    };
    ok(edit_with(&editor));
    assert_eq!(page_now(&server).await["title"], "Edited in vi");

    // Someone else saves while the editor is open: the save is refused, the edit kept.
    let racing = home.path().join("racing.sh");
    let other = format!(
        "#!/bin/sh\nCIVITAS_URL={} CIVITAS_TOKEN={} {} update page who-we-are --set summary=Meanwhile >/dev/null\nsed -i 's/^title: .*/title: Lost/' \"$1\"\n",
        server.base,
        token,
        env!("CARGO_BIN_EXE_civitas")
    );
    fs::write(&racing, other).expect("editor");
    let refused = edit_with(&racing);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("precondition_failed"),
        "{}",
        stderr(&refused)
    );
    let page = page_now(&server).await;
    assert_eq!(page["title"], "Edited in vi");
    assert_eq!(page["summary"], "Meanwhile");
}

#[test]
fn completions_and_help_cover_every_command() {
    let home = TempDir::new().expect("home");
    let bash = civitas(home.path())
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    let script = stdout(&bash);
    assert!(bash.status.success() && script.contains("civitas") && script.contains("unpublish"));
    let help = civitas(home.path())
        .args(["update", "--help"])
        .output()
        .expect("runs");
    assert!(stdout(&help).contains("Examples:"), "{}", stdout(&help));
}

/// Every file under `dir`, by relative path, with its text (binary files, such as media,
/// as their bytes written out).
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in fs::read_dir(&path).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                let bytes = fs::read(&path).expect("readable");
                let text =
                    String::from_utf8(bytes).unwrap_or_else(|e| format!("{:?}", e.into_bytes()));
                files.insert(name, text);
            }
        }
    }
    files
}

#[tokio::test]
async fn a_site_moves_to_another_server_with_export_and_import() {
    let source = Server::start_with(
        crate::plugins::with_plugins("plugins"),
        TempDir::new().expect("dir"),
    )
    .await;
    // A published post with unpublished changes, an archived one and a scheduled one.
    let post = |title: &str| serde_json::json!({"title": title, "body": "Text.", "authors": ["john-marwel"]});
    for (title, then) in [
        ("Changed later", "publish"),
        ("Old news", "archive"),
        ("Coming", "schedule"),
    ] {
        let (status, made) = crate::support::json(
            source
                .admin(reqwest::Method::POST, "/content/post")
                .json(&post(title))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 201, "{made}");
        let path = format!("/content/post/{}", made["data"]["id"].as_str().expect("id"));
        let request = source.admin(reqwest::Method::POST, &format!("{path}/{then}"));
        let request = if then == "schedule" {
            request.json(&serde_json::json!({"publish_at": "2999-01-01T00:00:00Z"}))
        } else {
            request
        };
        assert!(
            request
                .send()
                .await
                .expect("response")
                .status()
                .is_success()
        );
        if title == "Changed later" {
            let patched = source
                .admin(reqwest::Method::PATCH, &path)
                .json(&serde_json::json!({"excerpt": "Not yet public"}))
                .send()
                .await;
            assert!(patched.expect("response").status().is_success());
        }
    }
    let home = TempDir::new().expect("home");
    let exported = home.path().join("site");
    let reader = source.create_token(&["preview"]).await;
    let site = exported.to_str().expect("path");
    let printed = ok(client(
        home.path(),
        &source,
        Some(&reader),
        &["export", site],
    ));
    assert!(printed.contains("exported"), "{printed}");
    let first = tree(&exported);
    assert!(
        first.contains_key("types/study.json") && first.contains_key("content/page/who-we-are.md"),
        "{:?}",
        first.keys()
    );
    let changed = &first["content/post/changed-later.md"];
    assert!(
        changed.contains("published_version:") && changed.contains("Not yet public"),
        "{changed}"
    );
    assert!(first["content/page/who-we-are.md"].contains("Qui sommes-nous"));
    assert!(
        first["content/post/changed-later.md"].contains("- john-marwel"),
        "references are slugs"
    );

    let target = Server::start_with(
        crate::support::Options {
            seed: false,
            ..crate::plugins::with_plugins("plugins")
        },
        TempDir::new().expect("dir"),
    )
    .await;
    let writer = target.create_token(&["preview", "write", "publish"]).await;
    let dry = ok(client(
        home.path(),
        &target,
        Some(&writer),
        &["import", site, "--dry-run"],
    ));
    assert!(
        dry.contains("create post/changed-later") && dry.contains("0 updated, 0 unchanged"),
        "{dry}"
    );
    let (_, nothing) = crate::support::json(
        target
            .admin(reqwest::Method::GET, "/content/post")
            .send()
            .await,
    )
    .await;
    assert_eq!(nothing["meta"]["total"], 0, "a dry run writes nothing");

    let done = ok(client(
        home.path(),
        &target,
        Some(&writer),
        &["import", site],
    ));
    assert!(done.contains("0 updated, 0 unchanged"), "{done}");
    let again = home.path().join("again");
    ok(client(
        home.path(),
        &target,
        Some(&writer),
        &["export", again.to_str().expect("path")],
    ));
    assert_eq!(
        first,
        tree(&again),
        "export, import, export gives identical files"
    );
    let (_, public) = crate::support::json(
        target
            .get("/api/v1/content/post/changed-later")
            .send()
            .await,
    )
    .await;
    assert!(
        public["data"]["excerpt"].is_null(),
        "the unpublished change stays unpublished: {public}"
    );

    let twice = ok(client(
        home.path(),
        &target,
        Some(&writer),
        &["import", site],
    ));
    assert!(twice.contains("0 created, 0 updated"), "{twice}");

    // A bad file stops the import before anything is written, naming file and field.
    let page = exported.join("content/page/who-we-are.md");
    fs::write(
        &page,
        first["content/page/who-we-are.md"].replace("order: 1", "order: many"),
    )
    .expect("write");
    fs::write(
        exported.join("content/post/new-one.md"),
        "---\nslug: new-one\ntitle: New\n---\nBody.\n",
    )
    .expect("write");
    let refused = client(home.path(), &target, Some(&writer), &["import", site]);
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("who-we-are.md") && message.contains("order"),
        "{message}"
    );
    assert_eq!(
        target
            .admin(reqwest::Method::GET, "/content/post/new-one")
            .send()
            .await
            .expect("response")
            .status()
            .as_u16(),
        404
    );

    // A refusal only a plugin can make comes while writing: what was written is undone.
    fs::write(&page, &first["content/page/who-we-are.md"]).expect("write");
    let study = exported.join("content/study/northbridge-smart-street-lighting.md");
    let text = fs::read_to_string(&study).expect("study");
    let year = text
        .lines()
        .find(|l| l.starts_with("year:"))
        .expect("a year")
        .to_owned();
    fs::write(&study, text.replace(&year, "year: 1900")).expect("write");
    let refused = client(home.path(), &target, Some(&writer), &["import", site]);
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("year_out_of_range") || message.contains("year"),
        "{message}"
    );
    assert!(message.contains("rolled back"), "{message}");
    let gone = target
        .admin(reqwest::Method::GET, "/content/post/new-one")
        .send()
        .await;
    assert_eq!(
        gone.expect("response").status().as_u16(),
        404,
        "the new post was undone"
    );
}
