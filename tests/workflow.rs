//! The editorial workflow: drafts of published entries, archive, optimistic locking,
//! revisions with diff and restore, preview, and slug history.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{
    Options, Server, expect_error, expect_invalid_field, expect_refused, header, json,
};

async fn send(server: &Server, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = server.admin(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    json(request.send().await).await
}

/// A published post; returns its admin path.
async fn published_post(server: &Server, title: &str) -> String {
    let (status, created) = send(
        server,
        Method::POST,
        "/content/post",
        Some(json!({"title": title, "body": "The first version."})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let path = format!(
        "/content/post/{}",
        created["data"]["id"].as_str().expect("id")
    );
    let (status, _) = send(server, Method::POST, &format!("{path}/publish"), None).await;
    assert_eq!(status, 200);
    path
}

async fn public_title(server: &Server, slug: &str) -> Value {
    let (_, body) = json(
        server
            .get(&format!("/api/v1/content/post/{slug}"))
            .send()
            .await,
    )
    .await;
    body["data"]["title"].clone()
}

#[tokio::test]
async fn editing_a_published_entry_changes_its_draft_until_it_is_published_again() {
    let server = Server::start().await;
    let path = published_post(&server, "Smart lighting").await;
    let (status, edited) = send(
        &server,
        Method::PATCH,
        &path,
        Some(json!({"title": "Smart lighting, revised"})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["data"]["status"], "published");
    assert_eq!(edited["data"]["unpublished_changes"], true);
    assert_eq!(edited["data"]["title"], "Smart lighting, revised");

    // The public still gets what was published, in lists, by slug, and in search.
    assert_eq!(
        public_title(&server, "smart-lighting").await,
        "Smart lighting"
    );
    let (_, list) = json(
        server
            .get("/api/v1/content/post?filter[slug]=smart-lighting")
            .send()
            .await,
    )
    .await;
    assert_eq!(list["data"][0]["title"], "Smart lighting");
    assert!(
        list["data"][0].get("unpublished_changes").is_none(),
        "{list}"
    );

    let (status, republished) = send(&server, Method::POST, &format!("{path}/publish"), None).await;
    assert_eq!(status, 200);
    assert_eq!(republished["data"]["unpublished_changes"], false);
    assert_eq!(
        public_title(&server, "smart-lighting").await,
        "Smart lighting, revised"
    );

    // Archived entries leave the public API and editors' default lists.
    let (status, archived) = send(&server, Method::POST, &format!("{path}/archive"), None).await;
    assert_eq!(
        (status, &archived["data"]["status"]),
        (200, &json!("archived"))
    );
    expect_error(
        server
            .get("/api/v1/content/post/smart-lighting")
            .send()
            .await,
        404,
        "entry_not_found",
    )
    .await;
    let (_, drafts) = send(&server, Method::GET, "/content/post", None).await;
    assert!(!drafts.to_string().contains("smart-lighting"), "{drafts}");
    let (_, archive) = send(&server, Method::GET, "/content/post?status=archived", None).await;
    assert_eq!(archive["data"][0]["slug"], "smart-lighting");
}

#[tokio::test]
async fn a_stale_write_is_refused_with_412() {
    let server = Server::start().await;
    let path = published_post(&server, "Water sensors").await;
    let response = server
        .admin(Method::GET, &path)
        .send()
        .await
        .expect("response");
    let etag = header(&response, "etag").expect("an ETag");
    assert!(etag.starts_with("\"r2-"), "{etag}");

    let (status, _) = json(
        server
            .admin(Method::PATCH, &path)
            .header("if-match", &etag)
            .json(&json!({"excerpt": "First editor"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    // The second editor read the same revision: their write would undo the first's.
    expect_error(
        server
            .admin(Method::PUT, &path)
            .header("if-match", &etag)
            .json(&json!({"title": "Water sensors", "body": "Second editor"}))
            .send()
            .await,
        412,
        "precondition_failed",
    )
    .await;
    let (_, entry) = send(&server, Method::GET, &path, None).await;
    assert_eq!(entry["data"]["excerpt"], "First editor");
    // A GET answers 304 to its own ETag.
    let response = server
        .admin(Method::GET, &path)
        .send()
        .await
        .expect("response");
    let fresh = header(&response, "etag").expect("an ETag");
    let response = server
        .admin(Method::GET, &path)
        .header("if-none-match", &fresh)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 304);
}

#[tokio::test]
async fn every_write_leaves_a_revision_that_can_be_compared_and_restored() {
    let server = Server::start().await;
    let path = published_post(&server, "Urban heat").await;
    for excerpt in ["One", "Two"] {
        let (status, _) = send(
            &server,
            Method::PATCH,
            &path,
            Some(json!({"excerpt": excerpt})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, list) = send(&server, Method::GET, &format!("{path}/revisions"), None).await;
    assert_eq!(status, 200, "{list}");
    let numbers: Vec<i64> = list["data"]
        .as_array()
        .expect("revisions")
        .iter()
        .filter_map(|r| r["number"].as_i64())
        .collect();
    assert_eq!(numbers, [4, 3, 2, 1]);
    assert_eq!(list["data"][0]["changed"], json!(["excerpt"]));
    assert_eq!(
        list["data"][2]["changed"],
        json!(["status", "published_at"])
    );
    assert!(
        list["data"][0]["actor"]
            .as_str()
            .is_some_and(|a| a == "emergency"),
        "{list}"
    );

    let (status, one) = send(&server, Method::GET, &format!("{path}/revisions/3"), None).await;
    assert_eq!(status, 200);
    assert_eq!(one["data"]["entry"]["excerpt"], "One");
    let (_, diff) = send(
        &server,
        Method::GET,
        &format!("{path}/revisions/4/diff?against=2"),
        None,
    )
    .await;
    assert_eq!(
        diff["data"]["changes"],
        json!([{"field": "excerpt", "before": null, "after": "Two"}])
    );

    let (status, restored) = send(
        &server,
        Method::POST,
        &format!("{path}/revisions/3/restore"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["data"]["excerpt"], "One");
    assert_eq!(restored["data"]["revision"], 5);
    let (_, list) = send(
        &server,
        Method::GET,
        &format!("{path}/revisions?page[size]=2"),
        None,
    )
    .await;
    assert_eq!(list["data"][0]["number"], 5);
    assert_eq!(list["meta"]["page"]["next"], 4);
    expect_error(
        server
            .admin(Method::GET, &format!("{path}/revisions/99"))
            .send()
            .await,
        404,
        "revision_not_found",
    )
    .await;
}

#[tokio::test]
async fn a_preview_token_reads_drafts_through_the_public_routes() {
    let server = Server::start().await;
    let (_, created) = send(
        &server,
        Method::POST,
        "/content/post",
        Some(json!({"title": "Coming soon", "body": "Draft **body**."})),
    )
    .await;
    assert_eq!(created["data"]["status"], "draft");
    let preview = server.create_token(&["preview"]).await;
    let reader = server.create_token(&["read"]).await;

    expect_error(
        server.get("/api/v1/content/post/coming-soon").send().await,
        404,
        "entry_not_found",
    )
    .await;
    expect_refused(
        server.get("/api/v1/content/post/coming-soon?preview=true"),
        401,
    )
    .await;
    expect_refused(
        server.with_token(
            Method::GET,
            "/api/v1/content/post/coming-soon?preview=true",
            &reader,
        ),
        403,
    )
    .await;
    let (status, body) = json(
        server
            .with_token(
                Method::GET,
                "/api/v1/content/post/coming-soon?preview=true",
                &preview,
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["body"]["html"],
        "<p>Draft <strong>body</strong>.</p>\n"
    );
    // Shaped as the public will see it: no editor identity.
    assert!(body["data"].get("created_by").is_none(), "{body}");
    let (_, list) = json(
        server
            .with_token(
                Method::GET,
                "/api/v1/content/post?preview=true&sort=-created_at",
                &preview,
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(list["data"][0]["slug"], "coming-soon");
    // A preview is never cached, so the anonymous list after it is still the public one.
    let (_, public) = json(server.get("/api/v1/content/post").send().await).await;
    assert!(!public.to_string().contains("coming-soon"));
}

#[tokio::test]
async fn an_old_slug_redirects_to_the_entry_at_its_new_one() {
    let server = Server::start().await;
    let path = published_post(&server, "Old name").await;
    let (status, _) = send(
        &server,
        Method::PATCH,
        &path,
        Some(json!({"slug": "new-name"})),
    )
    .await;
    assert_eq!(status, 200);
    // Only published slugs move: until the change is published, the old one is live.
    assert_eq!(public_title(&server, "old-name").await, "Old name");
    send(&server, Method::POST, &format!("{path}/publish"), None).await;

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client
        .get(server.url("/api/v1/content/post/old-name?fields=title"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 301);
    assert_eq!(
        header(&response, "location").as_deref(),
        Some("/api/v1/content/post/new-name?fields=title")
    );
    // Clients that follow redirects land on the entry.
    assert_eq!(public_title(&server, "old-name").await, "Old name");
    assert_eq!(public_title(&server, "new-name").await, "Old name");
    expect_error(
        server.get("/api/v1/content/post/never-was").send().await,
        404,
        "entry_not_found",
    )
    .await;
}

fn on_disk_with_fast_scheduler() -> Options {
    Options {
        storage: "surrealkv://data".into(),
        env: vec![("CIVITAS_API__SCHEDULER_INTERVAL_MS".into(), "200".into())],
        ..Options::default()
    }
}

/// Polls the public API until `slug` answers `status`, for at most `limit`.
async fn wait_for(server: &Server, slug: &str, status: u16, limit: Duration) -> Instant {
    let started = Instant::now();
    loop {
        let response = server
            .get(&format!("/api/v1/content/post/{slug}"))
            .send()
            .await
            .expect("response");
        if response.status().as_u16() == status {
            return Instant::now();
        }
        assert!(started.elapsed() < limit, "{slug} never answered {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_scheduler_publishes_and_unpublishes_on_time_across_a_restart() {
    let server =
        Server::start_with(on_disk_with_fast_scheduler(), TempDir::new().expect("dir")).await;
    let (_, created) = send(
        &server,
        Method::POST,
        "/content/post",
        Some(json!({"title": "Timed", "body": "On time."})),
    )
    .await;
    let path = format!(
        "/content/post/{}",
        created["data"]["id"].as_str().expect("id")
    );
    let in_secs = |secs: i64| (Utc::now() + TimeDelta::seconds(secs)).to_rfc3339();

    for (input, field) in [
        (json!({"publish_at": "2001-01-01T00:00:00Z"}), "publish_at"),
        (
            json!({"publish_at": in_secs(60), "unpublish_at": in_secs(30)}),
            "unpublish_at",
        ),
        (json!({}), "publish_at"),
    ] {
        expect_invalid_field(
            server
                .admin(Method::POST, &format!("{path}/schedule"))
                .json(&input),
            field,
        )
        .await;
    }
    // Scheduled, then cancelled: back to a draft.
    let (_, scheduled) = send(
        &server,
        Method::POST,
        &format!("{path}/schedule"),
        Some(json!({"publish_at": in_secs(600)})),
    )
    .await;
    assert_eq!(scheduled["data"]["status"], "scheduled");
    let (_, cancelled) = send(&server, Method::DELETE, &format!("{path}/schedule"), None).await;
    assert_eq!(cancelled["data"]["status"], "draft");
    assert!(cancelled["data"]["scheduled_publish_at"].is_null());

    let publish_at = Utc::now() + TimeDelta::seconds(3);
    let (status, scheduled) = send(
        &server,
        Method::POST,
        &format!("{path}/schedule"),
        Some(json!({"publish_at": publish_at.to_rfc3339(), "unpublish_at": in_secs(6)})),
    )
    .await;
    assert_eq!(status, 200, "{scheduled}");
    assert_eq!(scheduled["data"]["status"], "scheduled");
    expect_error(
        server.get("/api/v1/content/post/timed").send().await,
        404,
        "entry_not_found",
    )
    .await;

    // The server goes down before the time comes; the schedule is in the database.
    let dir = server.into_dir();
    let server = Server::start_with(on_disk_with_fast_scheduler(), dir).await;
    wait_for(&server, "timed", 200, Duration::from_secs(15)).await;
    let late = Utc::now() - publish_at;
    assert!(late < TimeDelta::seconds(10), "published {late} late");
    let (_, entry) = send(&server, Method::GET, &path, None).await;
    assert_eq!(entry["data"]["status"], "published");
    assert!(entry["data"]["scheduled_publish_at"].is_null(), "{entry}");
    assert!(
        entry["data"]["scheduled_unpublish_at"].is_string(),
        "{entry}"
    );

    wait_for(&server, "timed", 404, Duration::from_secs(15)).await;
    let id = path.trim_start_matches("/content/post/");
    let (_, audit) = send(
        &server,
        Method::GET,
        &format!("/audit?target={id}&actor=system:scheduler"),
        None,
    )
    .await;
    let actions: Vec<&str> = audit["data"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["entry.scheduled_unpublish", "entry.scheduled_publish"]
    );
}

#[tokio::test]
async fn entries_are_served_in_the_locale_asked_for_with_fallback() {
    let server = Server::start().await;
    // The demo has a French translation of "Who we are".
    let (status, page) = json(
        server
            .get("/api/v1/content/page/who-we-are?locale=fr")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"]["title"], "Qui sommes-nous");
    assert_eq!(page["data"]["locale"], "fr");
    assert_eq!(page["data"]["locales"], json!(["en", "fr"]));
    // Fields without a translation fall back to the default locale.
    assert!(
        page["data"]["seo_description"]
            .as_str()
            .is_some_and(|d| d.starts_with("WSCO brings")),
        "{page}"
    );
    assert!(page["data"].get("translations").is_none());
    let (_, english) = json(server.get("/api/v1/content/page/who-we-are").send().await).await;
    assert_eq!(
        (&english["data"]["title"], &english["data"]["locale"]),
        (&json!("Who we are"), &json!("en"))
    );
    // A page without a French translation is served in English, and says so.
    let (_, untranslated) = json(
        server
            .get("/api/v1/content/page?locale=fr&sort=order")
            .send()
            .await,
    )
    .await;
    assert_eq!(untranslated["data"][1]["locale"], "en");
    assert_eq!(untranslated["data"][0]["locale"], "fr");
    let body = expect_error(
        server.get("/api/v1/content/page?locale=de").send().await,
        400,
        "invalid_parameter",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "locale");

    // Translating a post: a draft change until published, like any edit.
    let path = published_post(&server, "Mobility").await;
    let (status, translated) = send(
        &server,
        Method::PUT,
        &format!("{path}/translations/fr"),
        Some(json!({"title": "Mobilité", "body": "Les villes **bougent**."})),
    )
    .await;
    assert_eq!(status, 200, "{translated}");
    assert_eq!(translated["data"]["locales"], json!(["en", "fr"]));
    assert_eq!(
        translated["data"]["translations"]["fr"]["body"]["html"],
        "<p>Les villes <strong>bougent</strong>.</p>\n"
    );
    let (_, before) = json(
        server
            .get("/api/v1/content/post/mobility?locale=fr")
            .send()
            .await,
    )
    .await;
    assert_eq!(before["data"]["title"], "Mobility");
    send(&server, Method::POST, &format!("{path}/publish"), None).await;
    let (_, after) = json(
        server
            .get("/api/v1/content/post/mobility?locale=fr")
            .send()
            .await,
    )
    .await;
    assert_eq!(after["data"]["title"], "Mobilité");

    // A locale the site does not have, or the default one, is not a translation at all.
    for (locale, body) in [
        ("de", json!({"title": "Mobilität"})),
        ("en", json!({"title": "Mobility"})),
    ] {
        let request = server
            .admin(Method::PUT, &format!("{path}/translations/{locale}"))
            .json(&body);
        let refused = expect_error(request.send().await, 400, "invalid_parameter").await;
        assert_eq!(
            refused["error"]["details"][0]["field"], "locale",
            "{refused}"
        );
    }
    expect_invalid_field(
        server
            .admin(Method::PUT, &format!("{path}/translations/fr"))
            .json(&json!({"tags": ["mobilite"]})),
        "translations.fr.tags",
    )
    .await;
    let (status, removed) = send(
        &server,
        Method::DELETE,
        &format!("{path}/translations/fr"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(removed["data"]["locales"], json!(["en"]));
}
