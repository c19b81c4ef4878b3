//! Who may do what: every admin route refuses the anonymous (401) and the under-scoped
//! (403); roles and token scopes are enforced route by route; public reads can require a
//! token.

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{Options, Server, expect_invalid_field, expect_refused, json};

async fn status_of(request: reqwest::RequestBuilder) -> (u16, Value) {
    json(request.send().await).await
}

async fn create_as(server: &Server, token: &str, type_id: &str, body: Value) -> (u16, Value) {
    status_of(
        server
            .with_token(
                Method::POST,
                &format!("/api/v1/admin/content/{type_id}"),
                token,
            )
            .json(&body),
    )
    .await
}

const PARTNER_MANAGER: &str = r#"
[auth.roles.partner_manager]
can = ["preview", "write", "publish"]
types = ["partner"]
"#;

fn partner(name: &str) -> Value {
    json!({"name": name, "kind": "university", "country": "PT"})
}

#[tokio::test]
async fn every_role_does_what_it_may_and_nothing_more() {
    let server = Server::start_with(
        Options::with_config(PARTNER_MANAGER),
        TempDir::new().expect("dir"),
    )
    .await;
    for (email, role) in [
        ("editor@example.org", "editor"),
        ("author@example.org", "author"),
        ("other-author@example.org", "author"),
        ("viewer@example.org", "viewer"),
        ("partners@example.org", "partner_manager"),
    ] {
        server.create_user(email, role).await;
    }
    let editor = server.login("editor@example.org").await;
    let author = server.login("author@example.org").await;
    let other_author = server.login("other-author@example.org").await;
    let viewer = server.login("viewer@example.org").await;
    let partners = server.login("partners@example.org").await;

    // The author writes and edits their own draft, but cannot publish it.
    let (status, draft) = create_as(
        &server,
        &author,
        "post",
        json!({"title": "An author's draft", "body": "Text."}),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let draft_path = format!(
        "/api/v1/admin/content/post/{}",
        draft["data"]["id"].as_str().expect("id")
    );
    let (status, _) = status_of(
        server
            .with_token(Method::PATCH, &draft_path, &author)
            .json(&json!({"title": "Better", "body": "Text."})),
    )
    .await;
    assert_eq!(status, 200);
    expect_refused(
        server.with_token(Method::POST, &format!("{draft_path}/publish"), &author),
        403,
    )
    .await;
    // Another author may read it but not change or delete it.
    let (status, _) = status_of(server.with_token(Method::GET, &draft_path, &other_author)).await;
    assert_eq!(status, 200);
    expect_refused(
        server
            .with_token(Method::PATCH, &draft_path, &other_author)
            .json(&json!({"title": "Mine now", "body": "Text."})),
        403,
    )
    .await;
    expect_refused(
        server.with_token(Method::DELETE, &draft_path, &other_author),
        403,
    )
    .await;

    // The editor publishes it; from then on its author cannot change it.
    let (status, published) =
        status_of(server.with_token(Method::POST, &format!("{draft_path}/publish"), &editor)).await;
    assert_eq!(
        (status, &published["data"]["status"]),
        (200, &json!("published"))
    );
    expect_refused(
        server
            .with_token(Method::PUT, &draft_path, &author)
            .json(&json!({"title": "Sneaky", "body": "Text."})),
        403,
    )
    .await;
    expect_refused(server.with_token(Method::DELETE, &draft_path, &author), 403).await;

    // An author deletes their own draft.
    let (_, second) = create_as(
        &server,
        &author,
        "post",
        json!({"title": "Short-lived", "body": "Text."}),
    )
    .await;
    let second_path = format!(
        "/api/v1/admin/content/post/{}",
        second["data"]["id"].as_str().expect("id")
    );
    let (status, _) = status_of(server.with_token(Method::DELETE, &second_path, &author)).await;
    assert_eq!(status, 204);

    // The viewer reads drafts and nothing else.
    let (status, list) = status_of(server.with_token(
        Method::GET,
        "/api/v1/admin/content/post?status=draft",
        &viewer,
    ))
    .await;
    assert_eq!(status, 200, "{list}");
    expect_refused(
        server
            .with_token(Method::POST, "/api/v1/admin/content/post", &viewer)
            .json(&json!({"title": "No", "body": "Text."})),
        403,
    )
    .await;
    expect_refused(
        server.with_token(Method::POST, &format!("{draft_path}/unpublish"), &viewer),
        403,
    )
    .await;

    // The partner manager works on partners only.
    let (status, made) = create_as(
        &server,
        &partners,
        "partner",
        partner("Demo Partner Institute"),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let partner_path = format!(
        "/api/v1/admin/content/partner/{}",
        made["data"]["id"].as_str().expect("id")
    );
    let (status, _) =
        status_of(server.with_token(Method::POST, &format!("{partner_path}/publish"), &partners))
            .await;
    assert_eq!(status, 200);
    expect_refused(
        server
            .with_token(Method::POST, "/api/v1/admin/content/post", &partners)
            .json(&json!({"title": "No", "body": "Text."})),
        403,
    )
    .await;
    expect_refused(
        server.with_token(Method::GET, "/api/v1/admin/content/post", &partners),
        403,
    )
    .await;

    // Only admins manage accounts, tokens, plugins and the audit log.
    for token in [&editor, &author, &viewer, &partners] {
        for path in [
            "/api/v1/admin/users",
            "/api/v1/admin/tokens",
            "/api/v1/admin/plugins",
            "/api/v1/admin/audit",
        ] {
            expect_refused(server.with_token(Method::GET, path, token), 403).await;
        }
    }
}

#[tokio::test]
async fn api_tokens_carry_exactly_their_scopes() {
    let server = Server::start().await;
    let preview = server.create_token(&["preview"]).await;
    let partners = server.create_token(&["write:partner"]).await;
    let publisher = server.create_token(&["publish", "preview"]).await;
    assert!(preview.starts_with("cvt_"));

    let (status, _) =
        status_of(server.with_token(Method::GET, "/api/v1/admin/content/post", &preview)).await;
    assert_eq!(status, 200);
    expect_refused(
        server
            .with_token(Method::POST, "/api/v1/admin/content/post", &preview)
            .json(&json!({"title": "No", "body": "Text."})),
        403,
    )
    .await;

    let (status, made) = create_as(
        &server,
        &partners,
        "partner",
        partner("Demo Scoped Partner"),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["data"]["id"].as_str().expect("id").to_owned();
    let token_id = made["data"]["created_by"]
        .as_str()
        .expect("created_by")
        .to_owned();
    assert!(token_id.starts_with("token:"), "{token_id}");
    expect_refused(
        server
            .with_token(Method::POST, "/api/v1/admin/content/post", &partners)
            .json(&json!({"title": "No", "body": "Text."})),
        403,
    )
    .await;
    expect_refused(
        server.with_token(
            Method::POST,
            &format!("/api/v1/admin/content/partner/{id}/publish"),
            &partners,
        ),
        403,
    )
    .await;
    let (status, _) = status_of(server.with_token(
        Method::POST,
        &format!("/api/v1/admin/content/partner/{id}/publish"),
        &publisher,
    ))
    .await;
    assert_eq!(status, 200);

    // The list shows when each token was used, never a secret.
    let (status, list) = status_of(server.admin(Method::GET, "/tokens")).await;
    assert_eq!(status, 200);
    let text = list.to_string();
    assert!(
        !text.contains(&partners) && !text.contains("secret"),
        "{text}"
    );
    let used = list["data"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| format!("token:{}", t["id"].as_str().unwrap_or("")) == token_id)
        .cloned()
        .expect("token listed");
    assert_eq!(used["scopes"], json!(["write:partner"]));
    assert!(used["last_used_at"].is_string(), "{used}");
    assert!(used["revoked_at"].is_null());

    // Revoked, it is refused at once.
    let token_path = format!("/tokens/{}", token_id.trim_start_matches("token:"));
    let response = server
        .admin(Method::DELETE, &token_path)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 204);
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &partners),
        401,
    )
    .await;
    let (_, revoked) = status_of(server.admin(Method::GET, &token_path)).await;
    assert!(revoked["data"]["revoked_at"].is_string(), "{revoked}");

    // Bad scopes and expiries are refused with the field named; an expired token stops.
    for (input, field) in [
        (
            json!({"name": "x", "scopes": ["write:nonexistent"]}),
            "scopes[0]",
        ),
        (json!({"name": "x", "scopes": ["superuser"]}), "scopes[0]"),
        (json!({"name": "x", "scopes": []}), "scopes"),
        (
            json!({"name": "x", "scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"}),
            "expires_at",
        ),
    ] {
        expect_invalid_field(server.admin(Method::POST, "/tokens").json(&input), field).await;
    }
    let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(4)).to_rfc3339();
    let (status, short_lived) = status_of(
        server
            .admin(Method::POST, "/tokens")
            .json(&json!({"name": "brief", "scopes": ["preview"], "expires_at": soon})),
    )
    .await;
    assert_eq!(status, 201, "{short_lived}");
    let secret = short_lived["data"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (status, _) = status_of(server.with_token(Method::GET, "/api/v1/auth/me", &secret)).await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &secret),
        401,
    )
    .await;
}

/// The OpenAPI document lists every admin route; each must refuse a request without a
/// credential (401) and one whose scopes fall short (403), before looking at the body.
#[tokio::test]
async fn every_admin_route_in_the_spec_needs_the_right_credential() {
    let server = Server::start().await;
    let (_, spec) = status_of(server.get("/api/v1/openapi.json")).await;
    let read_only = server.create_token(&["read"]).await;
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/admin") {
            continue;
        }
        let concrete = path.replace("{id}", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        for (method, operation) in item.as_object().expect("operations") {
            let security = operation["security"].as_array().map_or(0, Vec::len);
            assert!(security > 0, "{method} {path} declares no security scheme");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let request = |token: Option<&str>| {
                let mut request = server.client.request(method.clone(), server.url(&concrete));
                if method != Method::GET && method != Method::DELETE {
                    request = request.json(&json!({}));
                }
                match token {
                    Some(token) => request.bearer_auth(token),
                    None => request,
                }
            };
            let (status, body) = json(request(None).send().await).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (401, Some("unauthorized")),
                "{method} {path}"
            );
            let (status, body) = json(
                request(Some("cvt_01ARZ3NDEKTSV4RRFFQ69G5FAV_forged"))
                    .send()
                    .await,
            )
            .await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (401, Some("unauthorized")),
                "{method} {path} forged"
            );
            let (status, body) = json(request(Some(&read_only)).send().await).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (403, Some("forbidden")),
                "{method} {path}: {body}"
            );
            checked += 1;
        }
    }
    // Content, revision, schedule and translation routes for the four built-in types,
    // plus types, plugins, users, tokens and the audit log: 85 operations.
    assert!(checked > 80, "only {checked} admin operations in the spec");

    // Sessions only: logging out with an API token is refused.
    expect_refused(
        server.with_token(Method::POST, "/api/v1/auth/logout", &read_only),
        403,
    )
    .await;
    expect_refused(server.client.post(server.url("/api/v1/auth/logout")), 401).await;
}

const PRIVATE_READS: &str = r#"
[auth]
public_read_requires_token = true
"#;

#[tokio::test]
async fn public_reads_can_require_a_read_token() {
    let server = Server::start_with(
        Options::with_config(PRIVATE_READS),
        TempDir::new().expect("dir"),
    )
    .await;
    let reader = server.create_token(&["read"]).await;
    let partners_only = server.create_token(&["read:partner"]).await;
    for path in [
        "/api/v1/content/post",
        "/api/v1/types",
        "/api/v1/search?q=cities",
    ] {
        expect_refused(server.get(path), 401).await;
        let (status, body) = status_of(server.with_token(Method::GET, path, &reader)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    // Served from the cache now, and still not to the anonymous.
    let response = server
        .with_token(Method::GET, "/api/v1/content/post", &reader)
        .send()
        .await
        .expect("response");
    assert_eq!(
        response
            .headers()
            .get("x-cache")
            .and_then(|v| v.to_str().ok()),
        Some("hit")
    );
    expect_refused(server.get("/api/v1/content/post"), 401).await;
    expect_refused(
        server.with_token(Method::GET, "/api/v1/content/post", &partners_only),
        403,
    )
    .await;
    let (status, _) =
        status_of(server.with_token(Method::GET, "/api/v1/content/partner", &partners_only)).await;
    assert_eq!(status, 200);
    let (status, _) = status_of(server.get("/api/v1/health")).await;
    assert_eq!(status, 200);
    let (_, spec) = status_of(server.get("/api/v1/openapi.json")).await;
    assert_eq!(
        spec["paths"]["/api/v1/content/post"]["get"]["security"],
        json!([{"read": []}])
    );
}
