//! Several nodes, each its own process, on one SurrealDB server: one truth.

use reqwest::Method;
use serde_json::json;

use tempfile::TempDir;

use super::{node, node_with};
use crate::support::media::{body_of, uncompressed_png};
use crate::support::nodes::{warm, within_a_second, write_on};
use crate::support::sse::Stream;
use crate::support::surreal::SurrealServer;
use crate::support::{TOKEN, create_published, json, slugs, text};

const LIST: &str = "/api/v1/content/post?sort=-published_at";

#[tokio::test]
async fn what_one_node_writes_every_node_serves_within_a_second() {
    let database = SurrealServer::start().await;
    let a = node(&database, true).await;
    let b = node(&database, false).await;

    let before = warm(&b, &b.base, LIST).await;
    let published = create_published(
        &a,
        "post",
        json!({"title": "Cluster news", "body": "Written on A."}),
    )
    .await;
    let id = text(&published["id"]).to_owned();
    let list = within_a_second(&b, &b.base, LIST, |status, body| {
        status == 200 && slugs(body).first().map(String::as_str) == Some("cluster-news")
    })
    .await;
    assert_eq!(
        list["meta"]["total"],
        before["meta"]["total"].as_u64().expect("a total") + 1
    );

    // And back: an unpublish through B takes the post off A's cached answers.
    let single = "/api/v1/content/post/cluster-news";
    warm(&a, &a.base, single).await;
    write_on(
        &b,
        &b.base,
        Method::POST,
        &format!("/content/post/{id}/unpublish"),
        None,
    )
    .await;
    within_a_second(&a, &a.base, single, |status, _| status == 404).await;
}

#[tokio::test]
async fn a_session_or_token_made_on_one_node_works_on_the_other() {
    let database = SurrealServer::start().await;
    let a = node(&database, true).await;
    let b = node(&database, false).await;
    a.create_user("ines@example.org", "editor").await;
    let session = a.login("ines@example.org").await;
    let token = a.create_token(&["read", "preview"]).await;

    let (status, me) = json(
        b.with_token(Method::GET, "/api/v1/auth/me", &session)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["data"]["user"]["email"], "ines@example.org");
    let (status, listed) = json(
        b.with_token(Method::GET, "/api/v1/content/post?preview=true", &token)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{listed}");

    // Logging out on B ends the session on A too.
    let (status, _) = json(
        b.with_token(Method::POST, "/api/v1/auth/logout", &session)
            .send()
            .await,
    )
    .await;
    assert!((200..300).contains(&status), "logout: {status}");
    let (status, _) = json(
        a.with_token(Method::GET, "/api/v1/auth/me", &session)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn login_throttling_counts_attempts_on_every_node() {
    let database = SurrealServer::start().await;
    let a = node(&database, true).await;
    let b = node(&database, false).await;
    a.create_user("target@example.org", "editor").await;
    let attempt = |server: &crate::support::Server| {
        server
            .client
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"email": "target@example.org", "password": "wrong guess"}))
            .send()
    };
    // `auth.login_max_failures_per_account` is 5, spread over both nodes.
    for n in 0..5 {
        let node = if n % 2 == 0 { &a } else { &b };
        let (status, body) = json(attempt(node).await).await;
        assert_eq!(status, 401, "attempt {n}: {body}");
    }
    for node in [&a, &b] {
        let response = attempt(node).await.expect("an answer");
        let retry = crate::support::header(&response, "retry-after");
        let (status, body) = json(Ok(response)).await;
        assert_eq!(status, 429, "{body}");
        assert_eq!(body["error"]["code"], "rate_limited");
        assert!(retry.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (1..=900).contains(&s))));
    }
}

#[tokio::test]
async fn scheduled_publishing_happens_once_with_three_nodes_polling() {
    let database = SurrealServer::start().await;
    let often = |mut options: crate::support::Options| {
        options
            .env
            .push(("CIVITAS_API__SCHEDULER_INTERVAL_MS".into(), "100".into()));
        options
    };
    let mut nodes = Vec::new();
    for seed in [true, false, false] {
        let options = often(database.node_options(seed));
        nodes.push(
            crate::support::Server::start_with(options, tempfile::TempDir::new().expect("dir"))
                .await,
        );
    }
    let a = &nodes[0];
    let mut log = Stream::open(
        a.client
            .get(a.url("/api/v1/events?types=entry.published"))
            .bearer_auth(TOKEN),
    )
    .await;
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(2500);
    let mut ids = Vec::new();
    for n in 0..6 {
        let (status, created) = json(
            a.admin(Method::POST, "/content/post")
                .json(&json!({"title": format!("Due {n}"), "body": "Later."}))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let id = text(&created["data"]["id"]).to_owned();
        let (status, body) = json(
            a.admin(Method::POST, &format!("/content/post/{id}/schedule"))
                .json(
                    &json!({"publish_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)}),
                )
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        ids.push(id);
    }
    let published = log.take(ids.len()).await;
    log.expect_silence(std::time::Duration::from_secs(2)).await;
    let mut subjects: Vec<String> = published.iter().map(|e| e.subject().to_owned()).collect();
    subjects.sort();
    ids.sort();
    assert_eq!(subjects, ids, "each entry published once");
    assert!(
        published
            .iter()
            .all(|e| e.facts()["trigger"] == "scheduled"),
        "{published:#?}"
    );
}

#[tokio::test]
async fn a_plugin_reload_on_one_node_reaches_the_others() {
    let database = SurrealServer::start().await;
    let with_studies = |seed: bool| {
        let mut options = database.node_options(seed);
        options
            .env
            .extend(crate::plugins::with_plugins("plugins").env);
        // Generous: three nodes, a SurrealDB server and the seeding share two cores.
        options.env.extend([
            ("CIVITAS_PLUGINS__DEFAULT_TIMEOUT_MS".into(), "1000".into()),
            ("CIVITAS_PLUGINS__REQUEST_BUDGET_MS".into(), "10000".into()),
        ]);
        options
    };
    let a = crate::support::Server::start_with(
        with_studies(true),
        tempfile::TempDir::new().expect("dir"),
    )
    .await;
    let b = crate::support::Server::start_with(
        with_studies(false),
        tempfile::TempDir::new().expect("dir"),
    )
    .await;
    let loaded_at = |server: &crate::support::Server| {
        let request = server.admin(Method::GET, "/plugins").send();
        async move {
            let (status, body) = json(request.await).await;
            assert_eq!(status, 200, "{body}");
            body["data"][0]["loaded_at"]
                .as_str()
                .expect("loaded_at")
                .to_owned()
        }
    };
    let before = loaded_at(&b).await;
    let (status, body) = json(
        a.admin(Method::POST, "/plugins/studies/reload")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let started = std::time::Instant::now();
    // B's new version shows a moment before its log line is written: wait for both.
    while loaded_at(&b).await == before
        || !b
            .log()
            .contains("plugin reloaded after another node's reload")
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "B did not reload:\n{}",
            b.log()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A reloaded once: by request, not again from its own event.
    assert!(
        !a.log()
            .contains("plugin reloaded after another node's reload")
    );
}

#[tokio::test]
async fn nodes_started_at_once_on_an_empty_database_all_come_up() {
    let database = SurrealServer::start().await;
    // Each applies the schema as it starts, at the same moment as the others.
    let (a, b, c) = tokio::join!(
        node(&database, true),
        node(&database, false),
        node(&database, false)
    );
    for server in [&a, &b, &c] {
        let (status, ready) = json(server.get("/api/v1/health/ready").send().await).await;
        assert_eq!(status, 200, "{ready}");
        let (status, pages) = json(server.get("/api/v1/content/page").send().await).await;
        assert_eq!(status, 200, "{pages}");
        assert!(!server.log().contains("ERROR"), "{}", server.log());
    }
}

#[tokio::test]
async fn media_uploaded_through_one_node_are_served_by_another_sharing_the_store() {
    let database = SurrealServer::start().await;
    let shared = TempDir::new().expect("temp dir");
    let store = format!("file://{}", shared.path().display());
    let env = [("CIVITAS_MEDIA__STORE", store.as_str())];
    let a = node_with(&database, true, &env).await;
    let b = node_with(&database, false, &env).await;

    let record = crate::media::upload(&a, "shared.png", &uncompressed_png(64, 48, 7), &[]).await;
    let url = text(&record["url"]);
    assert_eq!(body_of(&b, url).await, body_of(&a, url).await);
    let variant = format!("{url}&w=32");
    assert!(
        !body_of(&b, &variant).await.is_empty(),
        "B renders variants too"
    );
    let (status, listed) = json(b.admin(Method::GET, "/media").send().await).await;
    assert_eq!(status, 200);
    assert!(
        listed["data"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["id"] == record["id"]),
        "{listed}"
    );
}
