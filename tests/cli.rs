//! The `civitas` admin client, driven as an editor would, against a real server.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

use crate::support::{Server, civitas};

/// Runs the client with its own config directory, against `server` with `token`.
fn client(home: &Path, server: &Server, token: Option<&str>, args: &[&str]) -> Output {
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn ok(output: Output) -> String {
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

    let revisions = ok(run(&["revisions", "post", "mobility-in-lisbon"]));
    assert!(
        revisions.lines().nth(1).is_some_and(|l| l.starts_with('3')),
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
    let mut command = civitas(home.path());
    command
        .args(["edit", "page", "who-we-are"])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("CIVITAS_URL", &server.base)
        .env("CIVITAS_TOKEN", &token)
        .env("EDITOR", format!("sh {}", editor.display()));
    ok(command.output().expect("runs"));
    let (_, page) = crate::support::json(
        server
            .admin(reqwest::Method::GET, "/content/page/who-we-are")
            .send()
            .await,
    )
    .await;
    assert_eq!(page["data"]["title"], "Edited in vi");

    // Someone else saves while the editor is open: the save is refused, the edit kept.
    let racing = home.path().join("racing.sh");
    let other = format!(
        "#!/bin/sh\nCIVITAS_URL={} CIVITAS_TOKEN={} {} update page who-we-are --set summary=Meanwhile >/dev/null\nsed -i 's/^title: .*/title: Lost/' \"$1\"\n",
        server.base,
        token,
        env!("CARGO_BIN_EXE_civitas")
    );
    fs::write(&racing, other).expect("editor");
    let mut command = civitas(home.path());
    command
        .args(["edit", "page", "who-we-are"])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("CIVITAS_URL", &server.base)
        .env("CIVITAS_TOKEN", &token)
        .env("EDITOR", format!("sh {}", racing.display()));
    let refused = command.output().expect("runs");
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("precondition_failed"),
        "{}",
        stderr(&refused)
    );
    let (_, page) = crate::support::json(
        server
            .admin(reqwest::Method::GET, "/content/page/who-we-are")
            .send()
            .await,
    )
    .await;
    assert_eq!(page["data"]["title"], "Edited in vi");
    assert_eq!(page["data"]["summary"], "Meanwhile");
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
