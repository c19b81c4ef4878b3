//! The audit log, request ids, security headers and CORS.

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{Options, Server, TOKEN, expect_error, header, json};

fn actions(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["action"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_write_shows_up_in_the_audit_log() {
    let options = crate::plugins::with_plugins("plugins");
    let server = Server::start_with(options, TempDir::new().expect("dir")).await;
    let user_id = server.create_user("writer@example.org", "editor").await;
    let session = server.login("writer@example.org").await;
    let send = |method: Method, path: &str, request_id: &str| {
        server
            .with_token(method, &format!("/api/v1/admin{path}"), &session)
            .header("x-request-id", request_id)
    };
    let (status, created) = json(
        send(Method::POST, "/content/post", "req-create")
            .json(&json!({"title": "Audited", "body": "Text."}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let entry = format!("/content/post/{id}");
    for (method, path, request_id) in [
        (Method::PATCH, entry.clone(), "req-patch"),
        (Method::POST, format!("{entry}/publish"), "req-publish"),
        (Method::POST, format!("{entry}/unpublish"), "req-unpublish"),
        (Method::DELETE, entry.clone(), "req-delete"),
    ] {
        let mut request = send(method, &path, request_id);
        if path == entry {
            request = request.json(&json!({"title": "Audited again", "body": "Text."}));
        }
        let response = request.send().await.expect("response");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }

    let (status, log) = json(
        server
            .admin(Method::GET, &format!("/audit?target={id}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(
        actions(&log),
        [
            "entry.delete",
            "entry.unpublish",
            "entry.publish",
            "entry.update",
            "entry.create"
        ]
    );
    let newest = &log["data"][0];
    assert_eq!(newest["type"], "post");
    assert_eq!(newest["actor"], format!("user:{user_id}"));
    assert_eq!(newest["actor_name"], "writer@example.org");
    assert!(
        newest["credential"]
            .as_str()
            .is_some_and(|c| c.starts_with("session:")),
        "{newest}"
    );
    assert_eq!(newest["request_id"], "req-delete");
    assert!(
        newest["at"].as_str().is_some_and(|at| at.ends_with('Z')),
        "{newest}"
    );

    // Account and plugin writes are there too, made through the emergency token.
    server.create_token(&["read"]).await;
    let response = server
        .admin(Method::POST, "/plugins/studies/reload")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 200);
    let (_, log) = json(
        server
            .admin(Method::GET, "/audit?actor=emergency")
            .send()
            .await,
    )
    .await;
    assert_eq!(
        actions(&log),
        ["plugin.reload", "token.create", "user.create"]
    );
    let (_, logins) = json(
        server
            .admin(Method::GET, "/audit?action=session.login")
            .send()
            .await,
    )
    .await;
    assert_eq!(logins["data"][0]["actor"], format!("user:{user_id}"));

    // Cursor paging walks the whole log, newest first, without repeats.
    let mut seen = Vec::new();
    let mut path = "/audit?type=post&page[size]=2".to_owned();
    loop {
        let (status, page) = json(server.admin(Method::GET, &path).send().await).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["data"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| r["id"].clone()),
        );
        match page["meta"]["page"]["next"].as_str() {
            Some(next) => path = format!("/audit?type=post&page[size]=2&page[after]={next}"),
            None => break,
        }
    }
    // The seed's demo posts and their publication, then the five writes above.
    let (_, all) = json(
        server
            .admin(Method::GET, "/audit?type=post&page[size]=100")
            .send()
            .await,
    )
    .await;
    let all: Vec<Value> = all["data"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(seen, all);
    assert!(seen.len() >= 5);

    let (_, future) = json(
        server
            .admin(Method::GET, "/audit?since=2999-01-01T00:00:00Z")
            .send()
            .await,
    )
    .await;
    assert_eq!(future["data"], json!([]));
    let body = expect_error(
        server
            .admin(Method::GET, "/audit?since=yesterday")
            .send()
            .await,
        400,
        "invalid_parameter",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "since");
    expect_error(
        server.admin(Method::GET, "/audit?who=me").send().await,
        400,
        "unknown_parameter",
    )
    .await;
}

#[tokio::test]
async fn every_response_has_a_request_id_and_security_headers() {
    let server = Server::start().await;
    let response = server
        .get("/api/v1/content/post")
        .send()
        .await
        .expect("response");
    let generated = header(&response, "x-request-id").expect("a request id");
    assert_eq!(generated.len(), 26, "{generated}");
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
    ] {
        assert_eq!(header(&response, name).as_deref(), Some(value), "{name}");
    }

    // Errors carry the id in the body too, and the client's own id is kept.
    let response = server
        .admin(Method::GET, "/content/post/no-such-entry")
        .header("x-request-id", "client-chosen-42")
        .send()
        .await
        .expect("response");
    assert_eq!(
        header(&response, "x-request-id").as_deref(),
        Some("client-chosen-42")
    );
    assert_eq!(
        header(&response, "x-frame-options").as_deref(),
        Some("DENY")
    );
    let body = expect_error(Ok(response), 404, "entry_not_found").await;
    assert_eq!(body["error"]["request_id"], "client-chosen-42");
    assert!(
        server.log().contains("request_id=client-chosen-42"),
        "{}",
        server.log()
    );

    // An id that could forge log lines is replaced.
    let response = server
        .get("/api/v1/health")
        .header("x-request-id", "evil\" injected=1")
        .send()
        .await
        .expect("response");
    assert_eq!(
        header(&response, "x-request-id").map(|id| id.len()),
        Some(26)
    );
}

const CORS: &str = r#"
[server]
cors_origins = ["https://www.example.org"]
"#;

#[tokio::test]
async fn browsers_on_configured_origins_may_call_the_api() {
    let server = Server::start_with(Options::with_config(CORS), TempDir::new().expect("dir")).await;
    let preflight = |origin: &str| {
        server
            .client
            .request(Method::OPTIONS, server.url("/api/v1/admin/content/post"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let response = preflight("https://www.example.org")
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some("https://www.example.org")
    );
    assert!(
        header(&response, "access-control-allow-headers")
            .is_some_and(|h| h.contains("authorization"))
    );
    assert!(header(&response, "access-control-allow-methods").is_some_and(|m| m.contains("PATCH")));

    let response = preflight("https://evil.example.com")
        .await
        .expect("response");
    assert!(header(&response, "access-control-allow-origin").is_none());

    // Real requests, errors included, carry the headers a page needs to read them.
    let response = server
        .get("/api/v1/admin/content/post")
        .header("origin", "https://www.example.org")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some("https://www.example.org")
    );
    assert!(
        header(&response, "access-control-expose-headers")
            .is_some_and(|h| h.contains("x-request-id"))
    );
    let response = server
        .with_token(Method::GET, "/api/v1/content/post", TOKEN)
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 200);
    assert!(header(&response, "access-control-allow-origin").is_none());
}
