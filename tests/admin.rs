//! The admin API: writes, publication, and every error code a write can meet.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Options, Server, TOKEN, details, expect_error, expect_invalid, json, slugs};

fn post_body(title: &str) -> Value {
    json!({"title": title, "body": "Smart cities **work**.", "authors": ["john-marwel"], "tags": ["mobility"]})
}

async fn create(server: &Server, type_id: &str, body: &Value) -> Value {
    let (status, created) = json(
        server
            .admin(Method::POST, &format!("/content/{type_id}"))
            .json(body)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created["data"].clone()
}

#[tokio::test]
async fn a_published_post_appears_in_the_public_list() {
    let server = Server::start().await;
    let response = server
        .admin(Method::POST, "/content/post")
        .json(&post_body("Mobility in Lisbon"))
        .send()
        .await
        .expect("response");
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap_or("").to_owned());
    let (status, created) = json(Ok(response)).await;
    assert_eq!(status, 201);
    let entry = &created["data"];
    let id = entry["id"].as_str().expect("id");
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/admin/content/post/{id}").as_str())
    );
    assert_eq!(entry["slug"], "mobility-in-lisbon");
    assert_eq!(entry["status"], "draft");
    assert_eq!(entry["revision"], 1);
    assert_eq!(
        entry["body"]["html"],
        "<p>Smart cities <strong>work</strong>.</p>\n"
    );
    expect_error(
        server
            .get("/api/v1/content/post/mobility-in-lisbon")
            .send()
            .await,
        404,
        "entry_not_found",
    )
    .await;

    let (status, published) = json(
        server
            .admin(Method::POST, &format!("/content/post/{id}/publish"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(published["data"]["status"], "published");
    assert!(published["data"]["published_at"].is_string());
    let (_, list) = json(server.get("/api/v1/content/post").send().await).await;
    assert_eq!(
        slugs(&list),
        ["mobility-in-lisbon", "this-is-wsco"],
        "newest first"
    );

    let (status, _) = json(
        server
            .admin(Method::POST, &format!("/content/post/{id}/unpublish"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, list) = json(server.get("/api/v1/content/post").send().await).await;
    assert_eq!(slugs(&list), ["this-is-wsco"]);
}

#[tokio::test]
async fn reads_replaces_patches_and_deletes() {
    let server = Server::start().await;
    let entry = create(&server, "post", &post_body("Draft one")).await;
    let id = entry["id"].as_str().expect("id");
    let path = format!("/content/post/{id}");
    let (status, read) = json(server.admin(Method::GET, &path).send().await).await;
    assert_eq!(status, 200);
    assert_eq!(read["data"], entry);
    let (_, by_slug) = json(
        server
            .admin(Method::GET, "/content/post/draft-one")
            .send()
            .await,
    )
    .await;
    assert_eq!(by_slug["data"]["id"], id);

    let (status, patched) = json(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"excerpt": "Short", "tags": null}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["data"]["excerpt"], "Short");
    assert_eq!(patched["data"]["tags"], Value::Null);
    assert_eq!(
        patched["data"]["title"], "Draft one",
        "untouched fields stay"
    );
    assert_eq!(patched["data"]["revision"], 2);

    // An entry read from the API can be sent back whole.
    let mut round_trip = patched["data"].clone();
    round_trip["title"] = json!("Draft one, revised");
    let (status, replaced) = json(
        server
            .admin(Method::PUT, &path)
            .json(&round_trip)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["data"]["title"], "Draft one, revised");
    assert_eq!(
        replaced["data"]["slug"], "draft-one",
        "the slug stays unless asked"
    );
    assert_eq!(replaced["data"]["excerpt"], "Short");

    let (status, replaced) = json(
        server
            .admin(Method::PUT, &path)
            .json(&json!({"title": "Bare", "body": "x"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        replaced["data"]["excerpt"],
        Value::Null,
        "PUT clears what it leaves out"
    );
    assert_eq!(replaced["data"]["authors"], Value::Null);

    let (status, _) = json(server.admin(Method::DELETE, &path).send().await).await;
    assert_eq!(status, 204);
    expect_error(
        server.admin(Method::GET, &path).send().await,
        404,
        "entry_not_found",
    )
    .await;
    expect_error(
        server.admin(Method::DELETE, &path).send().await,
        404,
        "entry_not_found",
    )
    .await;
}

#[tokio::test]
async fn makes_unique_slugs_and_refuses_taken_ones() {
    let server = Server::start().await;
    let first = create(&server, "post", &post_body("This is WSCO")).await;
    assert_eq!(first["slug"], "this-is-wsco-2", "the seed has this-is-wsco");
    let second = create(&server, "post", &post_body("This is WSCO")).await;
    assert_eq!(second["slug"], "this-is-wsco-3");
    let mut explicit = post_body("Another");
    explicit["slug"] = json!("this-is-wsco");
    let body = expect_error(
        server
            .admin(Method::POST, "/content/post")
            .json(&explicit)
            .send()
            .await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "slug");
    let id = first["id"].as_str().expect("id");
    expect_error(
        server
            .admin(Method::PATCH, &format!("/content/post/{id}"))
            .json(&json!({"slug": "this-is-wsco"}))
            .send()
            .await,
        409,
        "conflict",
    )
    .await;
    let (_, list) = json(
        server
            .admin(Method::GET, "/content/post?page[size]=100")
            .send()
            .await,
    )
    .await;
    assert_eq!(list["meta"]["total"], 3, "nothing half-written: {list}");
}

#[tokio::test]
async fn reports_every_field_error_at_once() {
    let server = Server::start().await;
    let bad = json!({
        "title": " ", "body": 3, "authors": ["nobody"], "tags": "one",
        "cover": "01JZZZZZZZZZZZZZZZZZZZZZZZ", "colour": "red", "published_at": "yesterday"
    });
    let body = expect_invalid(server.admin(Method::POST, "/content/post").json(&bad)).await;
    let mut found = details(&body);
    found.sort();
    let expected = [
        ("authors", "reference_not_found"),
        ("body", "invalid_type"),
        ("colour", "unknown_field"),
        ("cover", "media_not_found"),
        ("published_at", "invalid_datetime"),
        ("tags", "invalid_type"),
        ("title", "required"),
    ];
    assert_eq!(found, expected);
    let partner =
        json!({"name": "X", "kind": "castle", "member_since": "2024-02-30", "trusted": "yes"});
    let body = expect_invalid(
        server
            .admin(Method::POST, "/content/partner")
            .json(&partner),
    )
    .await;
    assert_eq!(
        body["error"]["details"].as_array().map(Vec::len),
        Some(3),
        "{body}"
    );
    let (_, list) = json(server.admin(Method::GET, "/content/post").send().await).await;
    assert_eq!(list["meta"]["total"], 1, "nothing was written");
}

#[tokio::test]
async fn sanitises_rich_text() {
    let server = Server::start().await;
    let mut body = post_body("Unsafe");
    body["body"] = json!(
        "<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>"
    );
    let entry = create(&server, "post", &body).await;
    let html = entry["body"]["html"].as_str().expect("html");
    assert!(
        !html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:"),
        "{html}"
    );
    assert!(
        entry["body"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("<script>")),
        "Markdown is kept as written"
    );
}

#[tokio::test]
async fn answers_each_error_with_its_code() {
    // A small body limit, so oversized test bodies fit in the socket buffers: the server
    // answers 413 without reading them, and the client must still be able to read that.
    let options = Options {
        env: vec![("CIVITAS_LIMITS__MAX_BODY_BYTES".into(), "16384".into())],
        ..Options::default()
    };
    let server = Server::start_with(options, tempfile::TempDir::new().expect("temp dir")).await;
    let url = server.url("/api/v1/admin/content/post");
    let client = &server.client;
    expect_error(
        client.post(&url).json(&post_body("x")).send().await,
        401,
        "unauthorized",
    )
    .await;
    expect_error(
        client
            .post(&url)
            .bearer_auth("wrong-token-0123456789")
            .json(&post_body("x"))
            .send()
            .await,
        401,
        "unauthorized",
    )
    .await;
    expect_error(client.get(&url).send().await, 401, "unauthorized").await;
    let with_token = |builder: reqwest::RequestBuilder| builder.bearer_auth(TOKEN);
    expect_error(
        with_token(client.post(&url))
            .header("content-type", "application/json")
            .body("{\"title\":")
            .send()
            .await,
        400,
        "malformed_json",
    )
    .await;
    expect_error(
        with_token(client.post(&url))
            .json(&json!(["a list"]))
            .send()
            .await,
        400,
        "invalid_body",
    )
    .await;
    expect_error(
        with_token(client.post(&url))
            .header("content-type", "text/plain")
            .body("title")
            .send()
            .await,
        415,
        "unsupported_media_type",
    )
    .await;
    // The server refuses oversized bodies without reading them and closes the connection;
    // a client of their own keeps those connections out of the shared pool.
    let oversized = reqwest::Client::new();
    let huge = json!({"title": "big", "body": "x".repeat(40 * 1024)});
    expect_error(
        with_token(oversized.post(&url)).json(&huge).send().await,
        413,
        "payload_too_large",
    )
    .await;
    let chunked = chunked_body(48 * 1024);
    expect_error(
        with_token(oversized.post(&url))
            .header("content-type", "application/json")
            .body(chunked)
            .send()
            .await,
        413,
        "payload_too_large",
    )
    .await;
    expect_error(
        server
            .admin(Method::POST, "/content/robot")
            .json(&json!({}))
            .send()
            .await,
        404,
        "type_not_found",
    )
    .await;
    expect_error(
        server
            .admin(Method::PUT, "/content/post/01ARZ3NDEKTSV4RRFFQ69G5FAV")
            .json(&post_body("x"))
            .send()
            .await,
        404,
        "entry_not_found",
    )
    .await;
    expect_error(
        server
            .admin(Method::POST, "/content/post/nope/publish")
            .send()
            .await,
        404,
        "entry_not_found",
    )
    .await;
    expect_error(
        server
            .admin(Method::GET, "/content/post?status=lost")
            .send()
            .await,
        400,
        "invalid_parameter",
    )
    .await;
    let (status, _) = json(server.get("/api/v1/health").send().await).await;
    assert_eq!(status, 200, "the server survived every bad request");
}

/// A body with no Content-Length, sent in chunks, so only reading it can find its size.
fn chunked_body(total: usize) -> reqwest::Body {
    const CHUNK: usize = 8 * 1024;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..total / CHUNK).map(|_| Ok(vec![b' '; CHUNK])).collect();
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}
