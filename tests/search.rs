//! Public full-text search from the local index: built from storage at start, kept in
//! step with every write (edit, publish, unpublish, delete), ranked with the title
//! first, and showing only what is published.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{Options, Server, create_published, json, slugs};

/// Waits until the server has built its index from storage and logs how many entries
/// it holds; returns that line.
async fn index_built(server: &Server) -> String {
    let started = Instant::now();
    loop {
        let log = server.log();
        if let Some(line) = log.lines().find(|l| l.contains("full-text index built")) {
            return line.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "index not built:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn found(server: &Server, query: &str) -> (Vec<String>, Value) {
    let (status, body) = json(
        server
            .get(&format!("/api/v1/content/post?q={query}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (slugs(&body), body["meta"]["total"].clone())
}

async fn admin(server: &Server, method: Method, path: &str, body: Option<Value>) {
    let mut request = server.admin(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let (status, answer) = json(request.send().await).await;
    assert!((200..300).contains(&status), "{path}: {answer}");
}

#[tokio::test]
async fn the_index_follows_every_write() {
    let server = Server::start().await;
    index_built(&server).await;
    let quokka = create_published(
        &server,
        "post",
        json!({"title": "Quokkas in growing cities", "body": "Cities need them."}),
    )
    .await;
    create_published(
        &server,
        "post",
        json!({"title": "Parks", "body": "A note on a quokka in parks."}),
    )
    .await;
    let id = quokka["id"].as_str().expect("id");

    let (ranked, total) = found(&server, "quokka").await;
    assert_eq!(
        ranked,
        ["quokkas-in-growing-cities", "parks"],
        "title first"
    );
    assert_eq!(total, 2);
    let (ranked, _) = found(&server, "quokka%20cities%20need").await;
    assert_eq!(
        ranked,
        ["quokkas-in-growing-cities"],
        "words from title and body"
    );
    let (ranked, total) = found(&server, "quokka&page[size]=1&page[number]=2").await;
    assert_eq!((ranked, total), (vec!["parks".to_owned()], json!(2)));
    let far = "quokka&page[size]=100&page[number]=100000000000000";
    let (ranked, total) = found(&server, far).await;
    assert_eq!((ranked.len(), total), (0, json!(2)), "a far page is empty");

    let path = format!("/content/post/{id}");
    let renamed = json!({"title": "Wombats in growing cities"});
    admin(&server, Method::PATCH, &path, Some(renamed)).await;
    let (ranked, _) = found(&server, "wombat").await;
    assert!(ranked.is_empty(), "unpublished changes are not searchable");
    admin(&server, Method::POST, &format!("{path}/publish"), None).await;
    let (ranked, _) = found(&server, "wombat").await;
    assert_eq!(
        ranked,
        ["quokkas-in-growing-cities"],
        "published: searchable"
    );
    let (ranked, _) = found(&server, "quokka").await;
    assert_eq!(ranked, ["parks"], "the old title is gone");

    admin(&server, Method::POST, &format!("{path}/unpublish"), None).await;
    let (ranked, total) = found(&server, "wombat").await;
    assert_eq!((ranked.len(), total), (0, json!(0)));
    admin(&server, Method::POST, &format!("{path}/publish"), None).await;
    admin(&server, Method::DELETE, &path, None).await;
    let (ranked, _) = found(&server, "wombat").await;
    assert!(ranked.is_empty(), "deleted");
}

#[tokio::test]
async fn search_across_types_marks_the_words() {
    let server = Server::start().await;
    index_built(&server).await;
    create_published(
        &server,
        "post",
        json!({"title": "Night", "body": "Where <b>bats</b> & owls hunt over the river."}),
    )
    .await;
    let (status, body) = json(server.get("/api/v1/search?q=owl%20river").send().await).await;
    assert_eq!(status, 200, "{body}");
    let hits = body["data"].as_array().expect("hits");
    assert_eq!(hits.len(), 1, "{body}");
    assert_eq!(hits[0]["slug"], "night");
    assert_eq!(hits[0]["title"], "Night");
    assert_eq!(
        hits[0]["snippet"],
        "Where &lt;b&gt;bats&lt;/b&gt; &amp; <mark>owls</mark> hunt over the <mark>river</mark>."
    );
    let (_, body) = json(server.get("/api/v1/search?q=smart%20cities").send().await).await;
    let types: Vec<&str> = body["data"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["type"].as_str())
        .collect();
    assert!(types.contains(&"page") && types.contains(&"post"), "{body}");
}

#[tokio::test]
async fn the_index_is_rebuilt_from_storage_at_start() {
    let on_disk = || Options {
        storage: "surrealkv://data".into(),
        ..Options::default()
    };
    let server = Server::start_with(on_disk(), TempDir::new().expect("temp dir")).await;
    create_published(
        &server,
        "post",
        json!({"title": "Axolotl ponds", "body": "Kept across a restart."}),
    )
    .await;
    let dir = server.into_dir();

    let server = Server::start_with(on_disk(), dir).await;
    let line = index_built(&server).await;
    assert!(line.contains("entries="), "{line}");
    let (ranked, _) = found(&server, "axolotl%20restart").await;
    assert_eq!(ranked, ["axolotl-ponds"], "a title word and a body word");
}

#[tokio::test]
async fn without_the_index_searches_run_in_the_database() {
    let options = Options {
        env: vec![("CIVITAS_STORAGE__TEXT_INDEX".into(), "false".into())],
        ..Options::default()
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    create_published(
        &server,
        "post",
        json!({"title": "Quokka ponds", "body": "Cities need them."}),
    )
    .await;
    let (ranked, total) = found(&server, "quokka").await;
    assert_eq!((ranked, total), (vec!["quokka-ponds".to_owned()], json!(1)));
    let (ranked, _) = found(&server, "quokka%20need").await;
    assert!(
        ranked.is_empty(),
        "in the database every word must be in one field"
    );
    assert!(!server.log().contains("full-text index built"));
}
