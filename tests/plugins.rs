//! WebAssembly plugins end to end: the `study` plugin as a first-class type, and hostile
//! plugins (built from source under tests/plugins/) contained to their own calls.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{
    Options, Server, create_published, details, expect_error, expect_invalid, json,
};

/// The plugins the project's build packages (build.rs).
fn packaged(folder: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(folder)
        .display()
        .to_string()
}

pub fn with_plugins(folder: &str) -> Options {
    Options {
        env: vec![
            ("CIVITAS_PLUGINS__DIR".into(), packaged(folder)),
            ("CIVITAS_PLUGINS__CACHE_DIR".into(), "plugin-cache".into()),
        ],
        ..Options::default()
    }
}

async fn studies() -> Server {
    Server::start_with(with_plugins("plugins"), TempDir::new().expect("temp dir")).await
}

async fn hostile() -> Server {
    Server::start_with(
        with_plugins("test-plugins"),
        TempDir::new().expect("temp dir"),
    )
    .await
}

fn study(title: &str) -> Value {
    json!({
        "title": title, "city": "  Lisbon ", "country": "PT", "region": "europe", "year": 2021,
        "challenge": "Traffic jams cost the city hours every day. Buses were slow.",
        "solution": "Dedicated bus lanes and real-time signal priority.",
        "outcomes": ["Bus journeys 20 % faster"], "sdgs": [11, 13],
        "metrics": [{"name": "Speed gain", "value": 20, "unit": "%"}],
        "experts": ["john-marwel"], "partners": ["demo-city-hall-of-northbridge"]
    })
}

#[tokio::test]
async fn the_study_type_works_like_a_built_in_one() {
    let server = studies().await;
    let (status, types) = json(server.get("/api/v1/types/study").send().await).await;
    assert_eq!(status, 200, "{types}");
    let (_, seeded) = json(server.get("/api/v1/content/study?sort=-year").send().await).await;
    assert_eq!(seeded["meta"]["total"], 2, "the demo studies: {seeded}");

    let (status, created) = json(
        server
            .admin(Method::POST, "/content/study")
            .json(&study("Faster   buses"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let entry = &created["data"];
    let keys: Vec<&String> = entry.as_object().expect("object").keys().collect();
    assert_eq!(
        (keys[0].as_str(), keys[keys.len() - 1].as_str()),
        ("id", "sdg_labels"),
        "schema order, computed fields last: {keys:?}"
    );
    assert_eq!(
        entry["title"], "Faster buses",
        "before-save tidied the title"
    );
    assert_eq!(entry["city"], "Lisbon");
    assert_eq!(entry["country"], "PT");
    assert_eq!(
        entry["summary"], "Traffic jams cost the city hours every day. Buses were slow.",
        "filled from the challenge"
    );
    assert_eq!(entry["reading_time_minutes"], 1);
    assert_eq!(
        entry["sdg_labels"],
        json!(["Sustainable Cities and Communities", "Climate Action"]),
        "after-read"
    );
    let id = entry["id"].as_str().expect("id");
    let (status, _) = json(
        server
            .admin(Method::POST, &format!("/content/study/{id}/publish"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, listed) = json(
        server
            .get("/api/v1/content/study?filter[country]=PT&include=experts")
            .send()
            .await,
    )
    .await;
    assert_eq!(listed["data"][0]["slug"], "faster-buses");
    assert_eq!(listed["data"][0]["experts"][0]["slug"], "john-marwel");
    assert!(listed["data"][0]["sdg_labels"].is_array());
    let (_, spec) = json(server.get("/api/v1/openapi.json").send().await).await;
    assert!(spec["components"]["schemas"]["StudyInput"].is_object());
    assert!(spec["paths"]["/api/v1/content/study"].is_object());
}

#[tokio::test]
async fn a_plugin_type_takes_media_fields_through_the_sdk() {
    let server = studies().await;
    let (_, study_type) = json(server.get("/api/v1/types/study").send().await).await;
    let images = study_type["data"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "images")
        .cloned()
        .expect("the study plugin declares `images`");
    assert_eq!(
        (&images["kind"], &images["accept"], &images["many"]),
        (&json!("media"), &json!(["image/*"]), &json!(true)),
        "{images}"
    );
    let (_, expert) = json(
        server
            .get("/api/v1/content/expert/john-marwel")
            .send()
            .await,
    )
    .await;
    let photo = expert["data"]["photo"]["id"].clone();
    assert!(photo.is_string(), "the demo expert has a photo: {expert}");
    let mut body = study("Pictured buses");
    body["images"] = json!([photo]);
    let (status, created) = json(
        server
            .admin(Method::POST, "/content/study")
            .json(&body)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let shown = &created["data"]["images"][0];
    assert_eq!(shown["id"], photo);
    assert_eq!(shown["mime"], "image/png");
    assert!(
        shown["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("/assets/")),
        "{shown}"
    );
    body["images"] = json!(["01JZZZZZZZZZZZZZZZZZZZZZZZ"]);
    let refused = expect_invalid(server.admin(Method::POST, "/content/study").json(&body)).await;
    assert_eq!(
        refused["error"]["details"][0]["code"], "media_not_found",
        "{refused}"
    );
}

#[tokio::test]
async fn one_422_shows_the_schema_and_the_plugin_problems_together() {
    // What is checked is which problems are reported, not how fast: a generous request
    // budget and a first call that warms the plugin keep a busy machine from turning the
    // plugin's problems into a failed (and so silent) call.
    let mut options = with_plugins("plugins");
    options
        .env
        .push(("CIVITAS_PLUGINS__REQUEST_BUDGET_MS".into(), "5000".into()));
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let (status, _) = json(server.get("/api/v1/content/study").send().await).await;
    assert_eq!(status, 200);
    let mut bad = study("Bad");
    bad["region"] = json!("atlantis");
    bad["year"] = json!(1800);
    bad["translations"] = json!({"de": {"title": "Schlecht"}});
    let body = expect_invalid(server.admin(Method::POST, "/content/study").json(&bad)).await;
    let found = details(&body);
    for field in ["translations.de", "region", "year"] {
        assert!(
            found.iter().any(|&(f, _)| f == field),
            "{field} (a locale, a schema and a plugin problem): {body}"
        );
    }
    let mut bad = study("Bad");
    bad["year"] = json!(1800);
    bad["sdgs"] = json!([0, 18]);
    bad["outcomes"] = json!([]);
    bad["experts"] = json!([]);
    bad["metrics"] = json!([{"name": "x"}]);
    let body = expect_invalid(server.admin(Method::POST, "/content/study").json(&bad)).await;
    let found = details(&body);
    for field in ["year", "sdgs", "outcomes", "metrics"] {
        assert!(
            found.iter().any(|&(f, _)| f == field),
            "the plugin's message for {field}: {body}"
        );
    }
}

#[tokio::test]
async fn lists_plugins_for_admins() {
    let server = studies().await;
    let (status, body) = json(server.admin(Method::GET, "/plugins").send().await).await;
    assert_eq!(status, 200);
    let plugin = &body["data"][0];
    assert_eq!(plugin["id"], "studies");
    assert_eq!(plugin["types"], json!(["study"]));
    assert_eq!(plugin["state"], "active");
    assert_eq!(
        plugin["capabilities"]["content_read"],
        json!(["expert", "partner"])
    );
    let (status, reloaded) = json(
        server
            .admin(Method::POST, "/plugins/studies/reload")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{reloaded}");
    let (status, graphql) = json(
        server
            .client
            .post(server.url("/api/v1/graphql"))
            .json(&json!({"query": "{ study_list { totalCount } }"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        (status, graphql["data"]["study_list"]["totalCount"].is_u64()),
        (200, true),
        "GraphQL reads the plugin's type through the schema rebuilt on reload: {graphql}"
    );
    expect_error(
        server
            .admin(Method::POST, "/plugins/nope/reload")
            .send()
            .await,
        404,
        "plugin_not_found",
    )
    .await;
    expect_error(
        server
            .client
            .get(server.url("/api/v1/admin/plugins"))
            .send()
            .await,
        401,
        "unauthorized",
    )
    .await;
}

/// Sends a write to a hostile plugin's type and checks it fails alone, within its deadline.
async fn contained(server: &Server, type_id: &str, code: &str, within: Duration) -> Value {
    let started = Instant::now();
    let body = expect_error(
        server
            .admin(Method::POST, &format!("/content/{type_id}"))
            .json(&json!({"title": "x"}))
            .send()
            .await,
        if code == "plugin_failed" { 502 } else { 422 },
        code,
    )
    .await;
    assert!(
        started.elapsed() < within,
        "{type_id} answered after {:?}",
        started.elapsed()
    );
    let (status, _) = json(server.get("/api/v1/content/page").send().await).await;
    assert_eq!(status, 200, "the server goes on serving after {type_id}");
    body
}

#[tokio::test]
async fn hostile_plugins_fail_only_their_own_calls() {
    let server = hostile().await;
    let log = server.log();
    for refused in ["claims-post", "bad-hash"] {
        assert!(
            log.contains(refused),
            "{refused} refused with a log line:\n{log}"
        );
    }
    let (_, post) = json(server.get("/api/v1/types/post").send().await).await;
    assert_eq!(
        post["data"]["label"], "Post",
        "the built-in post type is untouched"
    );
    expect_error(
        server.get("/api/v1/types/bad_hash_item").send().await,
        404,
        "type_not_found",
    )
    .await;

    let body = contained(
        &server,
        "hostile_loop",
        "plugin_failed",
        Duration::from_secs(2),
    )
    .await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("infinite-loop") && message.contains("validate"),
        "names plugin and hook: {message}"
    );
    contained(
        &server,
        "hostile_recursion",
        "plugin_failed",
        Duration::from_secs(2),
    )
    .await;
    contained(
        &server,
        "hostile_panic",
        "plugin_failed",
        Duration::from_secs(2),
    )
    .await;
    contained(
        &server,
        "hostile_memory",
        "plugin_failed",
        Duration::from_secs(2),
    )
    .await;
    let body = contained(
        &server,
        "hostile_read",
        "validation_failed",
        Duration::from_secs(2),
    )
    .await;
    assert_eq!(
        body["error"]["details"][0]["code"], "not_permitted",
        "{body}"
    );

    // after-read returning 100 MB: the write succeeds (no write hooks), the read fails.
    let (status, created) = json(
        server
            .admin(Method::POST, "/content/hostile_output")
            .json(&json!({"title": "big"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        status, 502,
        "the created entry is answered through after-read: {created}"
    );
    let (_, list) = json(
        server
            .admin(Method::GET, "/content/hostile_output")
            .send()
            .await,
    )
    .await;
    assert_eq!(list["error"]["code"], "plugin_failed");

    let (status, greeting) = json(
        server
            .admin(Method::POST, "/content/greeting")
            .json(&json!({"title": "Hello world"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        status, 201,
        "a well-behaved plugin beside them works: {greeting}"
    );
}

#[tokio::test]
async fn repeated_faults_disable_a_plugin_until_reloaded() {
    let server = hostile().await;
    for _ in 0..3 {
        contained(
            &server,
            "hostile_panic",
            "plugin_failed",
            Duration::from_secs(2),
        )
        .await;
    }
    expect_error(
        server
            .admin(Method::POST, "/content/hostile_panic")
            .json(&json!({"title": "x"}))
            .send()
            .await,
        503,
        "plugin_unavailable",
    )
    .await;
    let (_, plugins) = json(server.admin(Method::GET, "/plugins").send().await).await;
    let panics = plugins["data"]
        .as_array()
        .expect("plugins")
        .iter()
        .find(|p| p["id"] == "panics")
        .cloned()
        .expect("panics");
    assert_eq!(panics["state"], "disabled", "{panics}");
    let (status, _) = json(
        server
            .admin(Method::POST, "/plugins/panics/reload")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    contained(
        &server,
        "hostile_panic",
        "plugin_failed",
        Duration::from_secs(2),
    )
    .await;
}

/// Starts a server with the test plugins and `env`, and creates `count` published slow
/// notes, each then given an unpublished change: the public has never seen them at
/// their current revision, so nothing is kept for their public reads yet (each write's
/// own answer, an editor's view, did go through `after-read`).
pub async fn slow_notes(env: &[(&str, &str)], count: usize) -> Server {
    let mut options = with_plugins("test-plugins");
    options
        .env
        .extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let mut previous: Option<String> = None;
    for n in 0..count {
        let body = json!({"title": format!("note {n}"), "related": previous});
        let published = create_published(&server, "slow_note", body).await;
        let id = published["id"].as_str().expect("id").to_owned();
        let (status, changed) = json(
            server
                .admin(Method::PATCH, &format!("/content/slow_note/{id}"))
                .json(&json!({"title": format!("note {n}, revised")}))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "{changed}");
        previous = Some(id);
    }
    server
}

/// A public read and how long it took.
async fn timed_read(server: &Server, path: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let (status, body) = json(server.get(path).send().await).await;
    (status, body, started.elapsed())
}

#[tokio::test]
async fn a_slow_after_read_costs_each_entry_once_not_each_request() {
    let server = slow_notes(&[("CIVITAS_PLUGINS__REQUEST_BUDGET_MS", "5000")], 20).await;
    let (status, cold, cold_time) =
        timed_read(&server, "/api/v1/content/slow_note?page[size]=20").await;
    assert_eq!(status, 200, "{cold}");
    assert_eq!(cold["data"][0]["shout"], "NOTE 19", "{cold}");
    // Another query string misses the response cache, but not the kept results.
    let (status, warm, warm_time) =
        timed_read(&server, "/api/v1/content/slow_note?page[size]=20&sort=slug").await;
    assert_eq!(status, 200, "{warm}");
    assert_eq!(warm["data"].as_array().map(Vec::len), Some(20));
    assert!(
        warm_time * 2 < cold_time,
        "kept results make the second list cheap: {warm_time:?} vs {cold_time:?}"
    );
    eprintln!(
        "20 entries through a 40 ms after-read: first list {cold_time:?}, again under another query {warm_time:?}"
    );
    // Embedded entries go through their own type's after-read too.
    let (status, included) = json(
        server
            .get("/api/v1/content/slow_note?page[size]=3&include=related")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{included}");
    assert_eq!(
        included["data"][0]["related"]["shout"], "NOTE 18",
        "{included}"
    );
}

#[tokio::test]
async fn a_request_cannot_spend_more_than_its_plugin_budget() {
    // 6 entries burn at least 240 ms of the clock, past a 200 ms budget, while each write
    // of the set-up (one 40 ms call) has five times what it needs on a busy machine.
    let server = slow_notes(&[("CIVITAS_PLUGINS__REQUEST_BUDGET_MS", "200")], 6).await;
    let (status, body, took) = timed_read(&server, "/api/v1/content/slow_note").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "plugin_failed");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("plugins.request_budget_ms"), "{message}");
    eprintln!("a list of 6 entries through a 40 ms after-read, 200 ms budget: 502 after {took:?}");
    // The budget is the request's limit, not the plugin's fault: it stays enabled.
    let (_, plugins) = json(server.admin(Method::GET, "/plugins").send().await).await;
    let slow = plugins["data"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] == "slow-read").cloned())
        .expect("slow-read is loaded");
    assert_eq!(slow["state"], "active", "{slow}");
    assert_eq!(slow["consecutive_faults"], 0, "{slow}");
}
