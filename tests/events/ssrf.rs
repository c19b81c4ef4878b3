//! Webhooks cannot be aimed inside: URLs that reach loopback, private, link-local,
//! carrier-grade NAT or cloud metadata addresses are refused when saved unless
//! `webhooks.allowed_networks` allows them, and again when connecting (a policy or DNS
//! that changed since), saying so in the delivery log; redirects are never followed.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;

use crate::support::receiver::{
    Receiver, Reply, create_post, create_webhook, summary, wait_for_deliveries, webhook_env,
    webhook_server,
};
use crate::support::{Options, Server, details, expect_invalid, json as response_json};

#[tokio::test]
async fn internal_targets_are_refused_when_saved() {
    // The default configuration: no network allowed beyond the public ones.
    let server = Server::start_with(
        Options {
            seed: false,
            ..Options::default()
        },
        TempDir::new().expect("temp dir"),
    )
    .await;
    let receiver = Receiver::start().await;
    let blocked = [
        receiver.url("/"),
        format!("http://localhost:{}/", receiver.port()),
        "http://[::1]/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/".to_owned(),
        "http://172.16.5.4/".to_owned(),
        "http://192.168.1.1/".to_owned(),
        "http://100.64.0.1/".to_owned(),
        "http://0.0.0.0/".to_owned(),
        "https://[fd00::1]/".to_owned(),
    ];
    for url in &blocked {
        let body = expect_invalid(
            server
                .admin(Method::POST, "/webhooks")
                .json(&json!({"url": url})),
        )
        .await;
        assert_eq!(details(&body), [("url", "blocked_target")], "{url}: {body}");
    }
    for url in [
        "ftp://example.org/hook",
        "not a url",
        "http://user:pw@example.org/",
    ] {
        let body = expect_invalid(
            server
                .admin(Method::POST, "/webhooks")
                .json(&json!({"url": url})),
        )
        .await;
        assert_eq!(details(&body), [("url", "invalid_url")], "{url}: {body}");
    }
    let (status, list) = response_json(server.admin(Method::GET, "/webhooks").send().await).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["data"], json!([]), "nothing was saved");
    assert_eq!(receiver.count(), 0);
}

#[tokio::test]
async fn allowed_networks_let_a_local_receiver_in_and_nothing_else() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    for url in ["http://127.0.0.2/", "http://10.0.0.1/", "http://[::1]/"] {
        let body = expect_invalid(
            server
                .admin(Method::POST, "/webhooks")
                .json(&json!({"url": url})),
        )
        .await;
        assert_eq!(details(&body), [("url", "blocked_target")], "{url}: {body}");
        // Nor can a saved webhook be turned inside.
        let body = expect_invalid(
            server
                .admin(Method::PATCH, &format!("/webhooks/{}", hook.id))
                .json(&json!({"url": url})),
        )
        .await;
        assert_eq!(details(&body), [("url", "blocked_target")], "{url}: {body}");
    }
    create_post(&server, "Allowed").await;
    let requests = receiver.wait_for(1, Duration::from_secs(10)).await;
    requests[0].assert_signed(&hook.secret);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = webhook_server(&[]).await;
    let target = Receiver::start().await;
    let redirecting = Receiver::scripted(
        vec![],
        Reply::status(302).location(&target.url("/elsewhere")),
    )
    .await;
    let hook = create_webhook(&server, json!({"url": redirecting.url("/hook")})).await;
    create_post(&server, "Redirected").await;

    // Two attempts, both failed for the redirect.
    let log = wait_for_deliveries(&server, &hook.id, 2).await;
    for attempt in &log[..2] {
        assert_eq!(attempt["outcome"], "failed", "{attempt}");
        assert_eq!(attempt["status"], 302, "{attempt}");
        let error = attempt["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("redirect") && error.contains("not followed"),
            "{attempt}"
        );
        assert!(error.contains(&target.url("/elsewhere")), "{attempt}");
    }
    assert!(redirecting.count() >= 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        target.count(),
        0,
        "the redirect target got {:?}",
        summary(&target.requests())
    );
}

fn on_disk(allowed: &str) -> Options {
    Options {
        storage: "surrealkv://data".into(),
        seed: false,
        env: webhook_env(&[("CIVITAS_WEBHOOKS__ALLOWED_NETWORKS", allowed)]),
        ..Options::default()
    }
}

#[tokio::test]
async fn a_target_no_longer_allowed_is_blocked_when_connecting() {
    let receiver = Receiver::start().await;
    let allowed = r#"["127.0.0.1/32", "::1/128"]"#;
    let server = Server::start_with(on_disk(allowed), TempDir::new().expect("temp dir")).await;
    let literal = create_webhook(&server, json!({"url": receiver.url("/literal")})).await;
    let named = format!("http://localhost:{}/named", receiver.port());
    let named = create_webhook(&server, json!({"url": named})).await;
    let dir = server.into_dir();

    // The same webhooks under a policy that no longer allows this machine.
    let server = Server::start_with(on_disk("[]"), dir).await;
    create_post(&server, "Blocked").await;
    for hook in [&literal, &named] {
        let log = wait_for_deliveries(&server, &hook.id, 1).await;
        let attempt = &log[0];
        assert_eq!(attempt["outcome"], "blocked", "{attempt}");
        assert!(attempt["status"].is_null(), "{attempt}");
        let error = attempt["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("blocked") && error.contains("127.0.0.1"),
            "{attempt}"
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.count(), 0, "{:?}", summary(&receiver.requests()));
}
