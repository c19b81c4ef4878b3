//! Two servers on one database (`civitas serve --nodes 2`: two nodes in one process, each
//! with its own port, caches and change-log follower): a write through one is served by
//! the other within a second, though the other had the old answer cached, and a stream
//! on one gets the other's changes.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;

use super::stream::{events_env, pairs, whats};
use crate::support::nodes::{warm, within_a_second, write_on};
use crate::support::sse::Stream;
use crate::support::{Options, Server, TOKEN, create_published, slugs, text};

/// Two nodes; answers with the server and the address of each (A is `server.base`).
async fn two_nodes() -> (Server, String, String) {
    let options = Options {
        env: events_env(),
        args: vec!["--nodes".into(), "2".into()],
        ..Options::default()
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let started = Instant::now();
    loop {
        let log = server.log();
        let mut addresses: Vec<String> = log
            .split("listening on http://")
            .skip(1)
            .map(|rest| {
                let address: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                format!("http://{address}")
            })
            .collect();
        addresses.dedup();
        if addresses.len() >= 2 {
            assert_eq!(addresses.len(), 2, "two nodes, two addresses:\n{log}");
            assert!(addresses.contains(&server.base), "{addresses:?}");
            let b = addresses
                .into_iter()
                .find(|a| *a != server.base)
                .expect("a second address");
            let a = server.base.clone();
            return (server, a, b);
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the second node did not start:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const LIST: &str = "/api/v1/content/post?sort=-published_at";
const SEEDED: &str = "/api/v1/content/post/this-is-wsco";

#[tokio::test]
async fn a_write_through_one_node_is_served_by_the_other_within_a_second() {
    let (server, a, b) = two_nodes().await;
    assert_ne!(a, b);

    // Node B caches the list and an entry.
    let before = warm(&server, &b, LIST).await;
    assert!(!slugs(&before).contains(&"node-news".to_owned()));
    let seeded = warm(&server, &b, SEEDED).await;
    assert_ne!(seeded["data"]["excerpt"], "Changed through A", "{seeded}");

    // A new post, published through A (server.admin goes to A).
    let published = create_published(
        &server,
        "post",
        json!({"title": "Node news", "body": "Written on A."}),
    )
    .await;
    let id = text(&published["id"]).to_owned();
    let list = within_a_second(&server, &b, LIST, |status, body| {
        status == 200 && slugs(body).first().map(String::as_str) == Some("node-news")
    })
    .await;
    assert_eq!(
        list["meta"]["total"],
        before["meta"]["total"].as_u64().unwrap() + 1
    );
    within_a_second(
        &server,
        &b,
        "/api/v1/content/post/node-news",
        |status, _| status == 200,
    )
    .await;

    // An edit of the cached entry, published again through A.
    write_on(
        &server,
        &a,
        Method::PATCH,
        "/content/post/this-is-wsco",
        Some(json!({"excerpt": "Changed through A"})),
    )
    .await;
    write_on(
        &server,
        &a,
        Method::POST,
        "/content/post/this-is-wsco/publish",
        None,
    )
    .await;
    within_a_second(&server, &b, SEEDED, |status, body| {
        status == 200 && body["data"]["excerpt"] == "Changed through A"
    })
    .await;

    // The other way: node A caches, an unpublish through B takes the post off A.
    let single = "/api/v1/content/post/node-news";
    warm(&server, &a, LIST).await;
    warm(&server, &a, single).await;
    write_on(
        &server,
        &b,
        Method::POST,
        &format!("/content/post/{id}/unpublish"),
        None,
    )
    .await;
    within_a_second(&server, &a, LIST, |status, body| {
        status == 200 && !slugs(body).contains(&"node-news".to_owned())
    })
    .await;
    within_a_second(&server, &a, single, |status, _| status == 404).await;
}

#[tokio::test]
async fn a_stream_on_one_node_gets_the_other_nodes_writes() {
    let (server, a, b) = two_nodes().await;
    let events = |base: &str| server.client.get(format!("{base}/api/v1/events"));
    let mut admin_on_b = Stream::open(events(&b).bearer_auth(TOKEN)).await;
    let mut public_on_b = Stream::open(events(&b)).await;
    let mut admin_on_a = Stream::open(events(&a).bearer_auth(TOKEN)).await;

    let sent = Instant::now();
    let published = create_published(
        &server,
        "post",
        json!({"title": "Streamed across", "body": "Written on A."}),
    )
    .await;
    let id = text(&published["id"]).to_owned();
    let seen = admin_on_b.take(2).await;
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "{:?}",
        sent.elapsed()
    );
    assert_eq!(
        whats(&seen),
        pairs(&[("entry.created", &id), ("entry.published", &id)])
    );
    assert_eq!(seen[1].seq(), seen[0].seq() + 1);
    let public = public_on_b.take(1).await;
    assert_eq!(whats(&public), pairs(&[("entry.published", &id)]));
    assert_eq!(public[0].seq(), seen[1].seq());
    // Node A's own stream has the same events, numbered alike.
    let own = admin_on_a.take(2).await;
    assert_eq!(
        own.iter()
            .map(|e| e.facts()["event_id"].clone())
            .collect::<Vec<_>>(),
        seen.iter()
            .map(|e| e.facts()["event_id"].clone())
            .collect::<Vec<_>>()
    );

    // And a write through B reaches A's stream.
    write_on(
        &server,
        &b,
        Method::POST,
        &format!("/content/post/{id}/unpublish"),
        None,
    )
    .await;
    let seen = admin_on_a.take(1).await;
    assert_eq!(whats(&seen), pairs(&[("entry.unpublished", &id)]));
    assert_eq!(seen[0].seq(), own[1].seq() + 1);
}
