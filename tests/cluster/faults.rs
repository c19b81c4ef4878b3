//! A node and its database apart: started before the database, and riding out the
//! database going away and coming back, without a restart.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;

use crate::support::surreal::{PASS, SurrealServer, free_port};
use crate::support::{Server, create_published, header, json};

/// How long a node may wait on its database before answering 503, in these tests.
const TIMEOUT: &str = "2s";

#[tokio::test]
async fn a_node_rides_out_a_database_restart() {
    let mut database = SurrealServer::start().await;
    let mut options = database.node_options(true);
    options
        .env
        .push(("CIVITAS_STORAGE__TIMEOUT".into(), TIMEOUT.into()));
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let before = create_published(
        &server,
        "post",
        json!({"title": "Before the outage", "body": "Kept."}),
    )
    .await;
    let (status, ready) = json(server.get("/api/v1/health/ready").send().await).await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["status"], "ready");

    database.kill();
    // Every answer, from the first, is a 503 with Retry-After within the time limit
    // (or, for a list the node has cached, still the cached answer); never a 500, never
    // a hang.
    let paths = [
        "/api/v1/content/post/before-the-outage?fields=title",
        "/api/v1/content/page",
        "/api/v1/search?q=outage",
    ];
    for round in 0..3 {
        for path in paths {
            let asked = Instant::now();
            let response = server
                .get(path)
                .timeout(Duration::from_secs(10))
                .send()
                .await
                .expect("the node answers");
            let status = response.status().as_u16();
            let retry = header(&response, "retry-after");
            let (_, body) = json(Ok(response)).await;
            assert!(
                asked.elapsed() < Duration::from_secs(4),
                "round {round} {path}: answered after {:?}",
                asked.elapsed()
            );
            assert_eq!(status, 503, "round {round} {path}: {body}");
            assert_eq!(body["error"]["code"], "storage_unavailable", "{body}");
            assert!(retry.is_some(), "{path}: Retry-After");
        }
    }
    let write = server
        .admin(Method::POST, "/content/post")
        .json(&json!({"title": "During the outage", "body": "Refused."}))
        .send()
        .await;
    let (status, body) = json(write).await;
    assert_eq!(status, 503, "{body}");
    let (status, ready) = json(server.get("/api/v1/health/ready").send().await).await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["storage"], "unavailable");
    let (status, _) = json(server.get("/api/v1/health").send().await).await;
    assert_eq!(status, 200, "liveness does not depend on the database");

    database.run().await;
    let back = Instant::now();
    loop {
        let (status, _) = json(server.get("/api/v1/health/ready").send().await).await;
        if status == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "not ready again:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, kept) = json(
        server
            .get("/api/v1/content/post/before-the-outage")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["data"]["id"], before["id"]);
    let after = create_published(
        &server,
        "post",
        json!({"title": "After the outage", "body": "Written."}),
    )
    .await;
    assert_eq!(after["status"], "published");
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

#[tokio::test]
async fn a_node_started_before_its_database_waits_for_it() {
    let port = free_port();
    let starting = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        SurrealServer::start_on(port).await
    });
    let options = SurrealServer::options_for(port, true);
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let _database = starting.await.expect("the database started");
    assert!(
        server.log().contains("storage not reachable yet"),
        "{}",
        server.log()
    );
    let (status, page) = json(server.get("/api/v1/content/page").send().await).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        !server.log().contains(PASS),
        "the storage password is never logged"
    );
}

/// Writers creating posts through a node until it fails; answers the ids it acknowledged
/// and how many writes found the node gone. Writers on both nodes collide on the change
/// log's counter, and one that loses every retry is refused with `write_conflict`,
/// documented as written nowhere and safe to send again: not acknowledged either.
async fn write_until_refused(server: &Server, writer: usize, until: Instant) -> (Vec<String>, u32) {
    let mut acknowledged = Vec::new();
    let mut gone = 0;
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let sent = server
            .admin(Method::POST, "/content/post")
            .json(&json!({"title": format!("Load {writer} {n}"), "body": "Under load."}))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match sent {
            Ok(response) if response.status().as_u16() == 201 => {
                let (_, body) = json(Ok(response)).await;
                acknowledged.push(body["data"]["id"].as_str().expect("id").to_owned());
            }
            Ok(response) => {
                let status = response.status().as_u16();
                let (_, body) = json(Ok(response)).await;
                assert!(
                    status == 409 && body["error"]["code"] == "write_conflict",
                    "writer {writer}: {status} {body}"
                );
            }
            // The node is gone: the write was not acknowledged.
            Err(_) => gone += 1,
        }
    }
    (acknowledged, gone)
}

#[tokio::test]
async fn killing_a_node_under_load_loses_no_acknowledged_write() {
    let database = SurrealServer::start().await;
    let a = super::node(&database, true).await;
    let b = super::node(&database, false).await;
    let until = Instant::now() + Duration::from_secs(4);
    let (on_a, on_b, reads, ()) = tokio::join!(
        async {
            let writers = (0..3).map(|w| write_until_refused(&a, w, until));
            futures_util::future::join_all(writers).await
        },
        async {
            let writers = (10..13).map(|w| write_until_refused(&b, w, until));
            futures_util::future::join_all(writers).await
        },
        async {
            // Reads through B keep answering, before, during and after the kill.
            let mut answered = 0;
            while Instant::now() < until {
                let (status, body) = json(b.get("/api/v1/content/page").send().await).await;
                assert_eq!(status, 200, "{body}");
                answered += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answered
        },
        async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let pid = a.pid().expect("A runs").to_string();
            let killed = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status();
            assert!(killed.is_ok_and(|s| s.success()), "kill -9 works");
        },
    );
    assert!(reads > 10, "B answered reads throughout");
    let refused: u32 = on_a.iter().map(|(_, refused)| refused).sum();
    assert!(refused > 0, "writes through A failed once it was killed");
    assert!(on_b.iter().all(|(_, refused)| *refused == 0));
    let acknowledged: Vec<&String> = on_a.iter().chain(&on_b).flat_map(|(ids, _)| ids).collect();
    assert!(acknowledged.len() > 20, "{} writes", acknowledged.len());
    for id in acknowledged {
        let (status, body) = json(
            b.admin(Method::GET, &format!("/content/post/{id}"))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "acknowledged {id} is kept: {body}");
    }
}
