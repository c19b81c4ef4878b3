//! Backups end to end: `civitas backup FILE` from a running server, `civitas restore FILE`
//! into a fresh embedded database, and a server on it that shows everything the first
//! one did (content in every status, revisions, users who can still log in, tokens that
//! still work, webhooks and their deliveries, the audit log, media records). A cut-off
//! file and a non-empty database are refused without writing anything.

use std::path::Path;
use std::process::Output;

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::receiver::{
    Receiver, create_post, create_webhook, entry_action, patch_entry, wait_for_deliveries,
    webhook_env,
};
use crate::support::{Options, PASSWORD, Server, TOKEN, json as response_json, run};

/// Writes through every kind of record a backup must carry; answers the read token's
/// secret and the webhook's id.
pub async fn fill(server: &Server) -> (String, String) {
    let receiver = Receiver::start().await;
    let hook = create_webhook(
        server,
        json!({"url": receiver.url("/hook"), "event_types": ["entry.*"]}),
    )
    .await;
    server.create_user("editor@example.org", "editor").await;
    let token = server.create_token(&["read"]).await;
    let id = create_post(server, "Kept in the backup").await;
    patch_entry(server, "post", &id, json!({"excerpt": "Second revision"})).await;
    entry_action(server, "post", &id, "publish").await;
    create_post(server, "A draft that stays a draft").await;
    wait_for_deliveries(server, &hook.id, 4).await;
    (token, hook.id)
}

/// What users see of the things a backup carries, for comparing two servers.
pub async fn observe(server: &Server, webhook: &str) -> Vec<(String, Value)> {
    let admin_paths = [
        "/content/post?sort=title".to_owned(),
        "/content/page".to_owned(),
        "/content/expert".to_owned(),
        "/users".to_owned(),
        "/tokens".to_owned(),
        "/webhooks".to_owned(),
        format!("/webhooks/{webhook}/deliveries"),
        "/audit?page[size]=100".to_owned(),
        "/media".to_owned(),
    ];
    let mut seen = Vec::new();
    for path in admin_paths {
        let (status, body) = response_json(server.admin(Method::GET, &path).send().await).await;
        assert_eq!(status, 200, "{path}: {body}");
        seen.push((path, body["data"].clone()));
    }
    let (_, posts) = response_json(server.admin(Method::GET, "/content/post").send().await).await;
    for post in posts["data"].as_array().into_iter().flatten() {
        let path = format!(
            "/content/post/{}/revisions",
            post["id"].as_str().unwrap_or_default()
        );
        let (_, revisions) = response_json(server.admin(Method::GET, &path).send().await).await;
        seen.push((path, revisions["data"].clone()));
    }
    let (_, public) = response_json(server.get("/api/v1/content/post").send().await).await;
    seen.push(("public posts".to_owned(), public["data"].clone()));
    seen
}

/// `observe`, once two looks in a row agree: the webhook worker stores its progress
/// just after its last delivery.
pub async fn settled(server: &Server, webhook: &str) -> Vec<(String, Value)> {
    let mut last = observe(server, webhook).await;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = observe(server, webhook).await;
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("the server kept changing: {last:?}");
}

/// Asserts that two servers show the same things.
pub fn assert_same(before: &[(String, Value)], after: &[(String, Value)]) {
    assert_eq!(before.len(), after.len());
    for ((path, was), (_, is)) in before.iter().zip(after) {
        assert_eq!(was, is, "{path} differs after the restore");
    }
}

/// Runs a client command against `server` with the admin token.
pub fn client(dir: &Path, server: &Server, args: &[&str]) -> Output {
    run(
        dir,
        args,
        &[
            ("CIVITAS_URL", server.base.as_str()),
            ("CIVITAS_TOKEN", TOKEN),
        ],
    )
}

pub fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn embedded_options(dir: &Path) -> Options {
    Options {
        storage: format!("surrealkv://{}", dir.join("data").display()),
        seed: false,
        env: webhook_env(&[]),
        ..Options::default()
    }
}

#[tokio::test]
async fn a_backup_restores_everything_into_a_fresh_database() {
    let first = Server::start_with(
        Options {
            env: webhook_env(&[]),
            ..Options::default()
        },
        TempDir::new().expect("temp dir"),
    )
    .await;
    let (token, webhook) = fill(&first).await;
    let before = settled(&first, &webhook).await;
    let work = TempDir::new().expect("temp dir");
    let file = work.path().join("site.backup");
    let file_arg = file.display().to_string();
    let saved = succeeded(&client(work.path(), &first, &["backup", &file_arg]));
    assert!(saved.contains("records in"), "{saved}");
    assert!(
        !work.path().join("site.backup.partial").exists(),
        "no partial file is left"
    );

    let target = TempDir::new().expect("temp dir");
    let storage = format!("surrealkv://{}", target.path().join("data").display());
    let env = [("CIVITAS_STORAGE__URL", storage.as_str())];
    let restored = succeeded(&run(work.path(), &["restore", &file_arg], &env));
    assert!(restored.contains("restored"), "{restored}");
    let refused = run(work.path(), &["restore", &file_arg], &env);
    assert!(
        !refused.status.success(),
        "a second restore needs --replace"
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already holds records"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    succeeded(&run(
        work.path(),
        &["restore", &file_arg, "--replace"],
        &env,
    ));

    let second = Server::start_with(embedded_options(target.path()), target).await;
    assert_same(&before, &observe(&second, &webhook).await);
    let (status, _) = response_json(
        second
            .with_token(Method::GET, "/api/v1/content/post", &token)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "the API token still works");
    let session = second.login("editor@example.org").await;
    assert!(!session.is_empty(), "{PASSWORD} still logs in");
    let id = create_post(&second, "Written after the restore").await;
    assert!(!id.is_empty());
}

#[tokio::test]
async fn only_admins_back_up_and_each_backup_is_audited() {
    let server = Server::start().await;
    let token = server.create_token(&["write"]).await;
    let (status, _) = response_json(
        server
            .with_token(Method::GET, "/api/v1/admin/backup", &token)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let response = server
        .admin(Method::GET, "/backup")
        .send()
        .await
        .expect("backup answers");
    assert_eq!(response.status(), 200);
    let disposition = crate::support::header(&response, "content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename=\"civitas-"),
        "{disposition}"
    );
    let text = response.text().await.expect("backup body");
    assert!(
        text.starts_with("@civitas-backup 1 "),
        "{}",
        &text[..80.min(text.len())]
    );
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("@end ")
    );
    let (_, audit) = response_json(
        server
            .admin(Method::GET, "/audit?action=backup.download")
            .send()
            .await,
    )
    .await;
    assert_eq!(audit["data"].as_array().map(Vec::len), Some(1), "{audit}");
}

#[tokio::test]
async fn a_cut_off_or_foreign_file_is_refused_and_nothing_is_written() {
    let server = Server::start().await;
    let work = TempDir::new().expect("temp dir");
    let file = work.path().join("whole.backup");
    succeeded(&client(
        work.path(),
        &server,
        &["backup", &file.display().to_string()],
    ));
    let whole = std::fs::read_to_string(&file).expect("backup");
    let cut = work.path().join("cut.backup");
    let without_end: Vec<&str> = whole.lines().filter(|l| !l.starts_with("@end ")).collect();
    std::fs::write(&cut, without_end.join("\n")).expect("cut file");
    let foreign = work.path().join("notes.txt");
    std::fs::write(&foreign, "shopping list\n").expect("foreign file");

    let target = TempDir::new().expect("temp dir");
    let storage = format!("surrealkv://{}", target.path().join("data").display());
    let env = [("CIVITAS_STORAGE__URL", storage.as_str())];
    for (file, problem) in [(&cut, "cut off"), (&foreign, "not a Civitas backup")] {
        let refused = run(work.path(), &["restore", &file.display().to_string()], &env);
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(problem), "{stderr}");
    }
    // Nothing was written: the whole file restores without --replace.
    succeeded(&run(
        work.path(),
        &["restore", &file.display().to_string()],
        &env,
    ));
}

/// Editors keep saving while the backup is read: the restored database is still one
/// moment of it. Every post's revisions run exactly from 1 to its revision number (the
/// post and its revisions are written in one transaction, but read as two tables).
#[tokio::test]
async fn a_backup_taken_under_writes_is_one_consistent_moment() {
    let server = Server::start().await;
    let mut ids = Vec::new();
    for n in 0..8 {
        ids.push(create_post(&server, &format!("Busy post {n}")).await);
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let saved = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mut writers = Vec::new();
    for id in ids.clone() {
        let (client, url, stop) = (server.client.clone(), server.url(""), stop.clone());
        let saved = saved.clone();
        writers.push(tokio::spawn(async move {
            let mut saves = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let response = client
                    .patch(format!("{url}/api/v1/admin/content/post/{id}"))
                    .bearer_auth(TOKEN)
                    .json(&json!({"excerpt": format!("Save {saves}")}))
                    .send()
                    .await
                    .expect("patch answers");
                assert_eq!(response.status(), 200);
                saves += 1;
                saved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            saves
        }));
    }
    // Enough history that reading it takes a while, with writes still coming.
    while saved.load(std::sync::atomic::Ordering::Relaxed) < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let work = TempDir::new().expect("temp dir");
    let file = work.path().join("busy.backup").display().to_string();
    // Off the test's thread, so the writers keep writing while the backup is read.
    let (dir, base, target_file) = (work.path().to_owned(), server.base.clone(), file.clone());
    let output = tokio::task::spawn_blocking(move || {
        let env = [("CIVITAS_URL", base.as_str()), ("CIVITAS_TOKEN", TOKEN)];
        run(&dir, &["backup", &target_file], &env)
    })
    .await
    .expect("backup runs");
    succeeded(&output);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        assert!(writer.await.expect("writer") > 0, "every writer saved");
    }

    let target = TempDir::new().expect("temp dir");
    let storage = format!("surrealkv://{}", target.path().join("data").display());
    succeeded(&run(
        work.path(),
        &["restore", &file],
        &[("CIVITAS_STORAGE__URL", storage.as_str())],
    ));
    let restored = Server::start_with(embedded_options(target.path()), target).await;
    for id in &ids {
        let path = format!("/content/post/{id}");
        let (_, entry) = response_json(restored.admin(Method::GET, &path).send().await).await;
        let revision = entry["data"]["revision"].as_u64().expect("a revision");
        let mut numbers = revision_numbers(&restored, id).await;
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=revision).collect::<Vec<_>>(), "post {id}");
    }
}

/// Every revision number of a post, page by page.
async fn revision_numbers(server: &Server, id: &str) -> Vec<u64> {
    let mut numbers = Vec::new();
    let mut after = String::new();
    loop {
        let path = format!("/content/post/{id}/revisions?page[size]=100{after}");
        let (status, page) = response_json(server.admin(Method::GET, &path).send().await).await;
        assert_eq!(status, 200, "{page}");
        let revisions = page["data"].as_array().cloned().unwrap_or_default();
        numbers.extend(revisions.iter().filter_map(|r| r["number"].as_u64()));
        match page["meta"]["page"]["next"].as_i64() {
            Some(next) => after = format!("&page[after]={next}"),
            None => return numbers,
        }
    }
}
