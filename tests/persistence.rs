//! Embedded on-disk storage: data survives a restart, seeding is idempotent, shutdown
//! is graceful.

use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;

use crate::support::{Options, Server, create_published, edit_stopped_database, json, run, slugs};

fn on_disk() -> Options {
    Options {
        storage: "surrealkv://data".into(),
        ..Options::default()
    }
}

#[tokio::test]
async fn the_storage_engine_gets_the_configured_memory() {
    let options = Options {
        env: vec![
            ("CIVITAS_STORAGE__CACHE_MIB".into(), "12".into()),
            ("CIVITAS_STORAGE__MEMTABLE_MIB".into(), "8".into()),
            (
                "CIVITAS_LOG__LEVEL".into(),
                "info,surrealdb::core::kvs::surrealkv=info".into(),
            ),
        ],
        ..on_disk()
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let (status, _) = json(server.get("/api/v1/content/page").send().await).await;
    assert_eq!(status, 200);
    // SurrealKV's own lines, as it configures itself: not the machine-sized defaults.
    let log = server.log();
    assert!(
        log.contains("Setting block cache capacity: 12582912"),
        "{log}"
    );
    assert!(log.contains("Setting max memtable size: 8388608"), "{log}");
}

#[tokio::test]
async fn a_published_post_survives_a_restart() {
    let server = Server::start_with(on_disk(), TempDir::new().expect("temp dir")).await;
    let body = json!({"title": "Kept", "body": "Still here after a restart."});
    let (status, created) = json(
        server
            .admin(Method::POST, "/content/post")
            .json(&body)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let (status, _) = json(
        server
            .admin(Method::POST, &format!("/content/post/{id}/publish"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let dir = server.into_dir();

    let server = Server::start_with(on_disk(), dir).await;
    let (_, list) = json(server.get("/api/v1/content/post").send().await).await;
    assert_eq!(slugs(&list), ["kept", "this-is-wsco"]);
    let (_, pages) = json(server.get("/api/v1/content/page").send().await).await;
    assert_eq!(
        pages["meta"]["total"], 3,
        "seeding at the second start added nothing"
    );
}

#[test]
fn seeding_twice_changes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let env = [("CIVITAS_STORAGE__URL", "surrealkv://data")];
    let first = run(dir.path(), &["seed"], &env);
    assert!(first.status.success(), "{first:?}");
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("10 entries created, 0 already present"),
        "{first:?}"
    );
    let second = run(dir.path(), &["seed"], &env);
    assert!(second.status.success(), "{second:?}");
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("0 entries created, 10 already present"),
        "{second:?}"
    );
}

#[tokio::test]
async fn stops_gracefully_on_sigterm() {
    let mut server = Server::start().await;
    let (status, _) = json(server.get("/api/v1/health").send().await).await;
    assert_eq!(status, 200);
    let exit = server.stop();
    assert!(exit.success(), "clean exit: {exit:?}");
    let log = server.log();
    assert!(log.contains("SIGTERM received"), "{log}");
    assert!(log.contains("server stopped"), "{log}");
    assert!(
        log.contains("method=GET path=/api/v1/health status=200"),
        "one line per request: {log}"
    );
}

#[tokio::test]
async fn a_database_from_before_the_list_projection_gets_one_at_start() {
    // As a release without the projection left the database: no table, no event.
    lists_are_whole_after_a_start_on(
        "REMOVE TABLE sys_order_post; REMOVE EVENT civitas_projection ON post",
    )
    .await;
}

#[tokio::test]
async fn a_list_projection_left_half_built_by_a_crash_is_rebuilt_at_start() {
    // As a start killed while copying rows left it: the table and its indexes, some
    // rows, and not yet the fingerprint that says the copy finished.
    lists_are_whole_after_a_start_on(
        "DEFINE TABLE OVERWRITE sys_order_post SCHEMALESS; DELETE (SELECT VALUE id FROM sys_order_post LIMIT 2)",
    )
    .await;
}

/// Three older posts, the stopped database edited by `edit`, a new start: a list the
/// projection serves finds all three, in order.
async fn lists_are_whole_after_a_start_on(edit: &str) {
    let server = Server::start_with(on_disk(), TempDir::new().expect("temp dir")).await;
    for (n, day) in ["03", "01", "02"].iter().enumerate() {
        let post = json!({
            "title": format!("Older {n}"),
            "body": "Written before lists had their projection.",
            "tags": ["older"],
            "published_at": format!("2024-05-{day}T08:00:00Z"),
        });
        create_published(&server, "post", post).await;
    }
    let dir = server.into_dir();
    edit_stopped_database(&dir, edit, json!({})).await;

    let server = Server::start_with(on_disk(), dir).await;
    let older = "/api/v1/content/post?filter[tags][contains]=older&sort=-published_at&page[size]=1";
    let mut seen = Vec::new();
    for n in [3, 1, 2] {
        let (status, page) = json(
            server
                .get(&format!("{older}&page[number]={n}"))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["meta"]["total"], 3);
        seen.push(slugs(&page));
    }
    assert_eq!(seen, [["older-1"], ["older-0"], ["older-2"]]);
}

#[tokio::test]
async fn partial_uploads_left_by_a_crash_are_swept_at_start_and_live_ones_kept() {
    let dir = TempDir::new().expect("temp dir");
    let tmp = dir.path().join("data/media/tmp");
    std::fs::create_dir_all(&tmp).expect("tmp folder");
    let write = |name: &str, age_secs: u64| {
        let path = tmp.join(name);
        std::fs::write(&path, b"half an upload").expect("partial upload");
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(when))
            .expect("backdated");
        path
    };
    let abandoned = write("01JABANDONED0000000000000A", 2 * 3600);
    let running = write("01JRUNNING00000000000000AA", 60);
    let server = Server::start_with(on_disk(), dir).await;
    let started = std::time::Instant::now();
    while abandoned.exists() && started.elapsed() < std::time::Duration::from_secs(10) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!abandoned.exists(), "an upload cut off hours ago is swept");
    assert!(running.exists(), "one still arriving is left alone");
    drop(server);
}
