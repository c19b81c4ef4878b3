//! Writers at the same moment: editors, the scheduler and API clients racing on one entry
//! get answers (2xx, 409 or 412), never a 500, and every answer that says "written"
//! left exactly one revision behind.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Server, json};

const CLIENTS: usize = 16;
const ROUNDS: usize = 6;

/// One client's write number `round`: a mix of everything that changes an entry.
fn write(server: &Server, id: &str, client: usize, round: usize) -> reqwest::RequestBuilder {
    let path = format!("/content/post/{id}");
    match (client + round) % 5 {
        0 => server.admin(Method::POST, &format!("{path}/publish")),
        1 => server
            .admin(Method::PATCH, &path)
            .json(&json!({"excerpt": format!("client {client} round {round}")})),
        2 => server
            .admin(Method::POST, &format!("{path}/schedule"))
            .json(&json!({"publish_at": "2099-01-01T00:00:00Z"})),
        3 => server.admin(Method::DELETE, &format!("{path}/schedule")),
        _ => server.admin(Method::POST, &format!("{path}/unpublish")),
    }
}

async fn revisions_listed(server: &Server, id: &str) -> usize {
    let mut count = 0;
    let mut after: Option<Value> = None;
    loop {
        let mut path = format!("/content/post/{id}/revisions?page[size]=100");
        if let Some(number) = &after {
            path += &format!("&page[after]={number}");
        }
        let (status, body) = json(server.admin(Method::GET, &path).send().await).await;
        assert_eq!(status, 200, "{body}");
        count += body["data"].as_array().map_or(0, Vec::len);
        match &body["meta"]["page"]["next"] {
            Value::Null => return count,
            next => after = Some(next.clone()),
        }
    }
}

#[tokio::test]
async fn racing_writers_to_one_entry_never_get_a_server_error() {
    let server = Server::start().await;
    let (status, created) = json(
        server
            .admin(Method::POST, "/content/post")
            .json(&json!({"title": "Contended", "body": "Everyone edits this."}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["id"].as_str().expect("id").to_owned();

    let tasks = (0..CLIENTS).map(|client| {
        let requests: Vec<_> = (0..ROUNDS)
            .map(|round| write(&server, &id, client, round))
            .collect();
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            for request in requests {
                let (status, body) = json(request.send().await).await;
                statuses.push((status, body));
            }
            statuses
        })
    });
    let mut tally: BTreeMap<u16, usize> = BTreeMap::new();
    for task in futures_util::future::join_all(tasks).await {
        for (status, body) in task.expect("client task") {
            assert!(
                matches!(status, 200..=299 | 409 | 412),
                "a racing write answered {status}: {body}"
            );
            if status == 409 {
                assert_eq!(body["error"]["code"], "write_conflict", "{body}");
            }
            *tally.entry(status).or_default() += 1;
        }
    }
    let written: usize = tally
        .iter()
        .filter(|(status, _)| (200..300).contains(*status))
        .map(|(_, count)| count)
        .sum();
    let (_, entry) = json(
        server
            .admin(Method::GET, &format!("/content/post/{id}"))
            .send()
            .await,
    )
    .await;
    // The create, then one revision per write that answered 2xx, and no others.
    assert_eq!(entry["data"]["revision"], json!(written + 1), "{tally:?}");
    assert_eq!(revisions_listed(&server, &id).await, written + 1);
    let retried = server.log().matches("write conflict; retrying").count();
    eprintln!(
        "{CLIENTS} clients x {ROUNDS} writes on one entry: answers {tally:?}, {retried} conflicts retried"
    );
}

#[tokio::test]
async fn concurrent_creates_of_different_entries_never_conflict() {
    let server = Server::start().await;
    let tasks = (0..32).map(|n| {
        let request = server
            .admin(Method::POST, "/content/post")
            .json(&json!({"title": format!("Parallel post {n}"), "body": "One of many."}));
        tokio::spawn(async move { json(request.send().await).await })
    });
    for task in futures_util::future::join_all(tasks).await {
        let (status, body) = task.expect("create task");
        assert_eq!(status, 201, "{body}");
    }
    assert_eq!(
        server.log().matches("write conflict").count(),
        0,
        "creates of different entries must not conflict"
    );
}
