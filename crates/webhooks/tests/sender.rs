//! One delivery attempt against a real receiver on 127.0.0.1.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use civitas_webhooks::{Attempt, NetworkPolicy, Outcome, Outgoing, Sender, new_secret};
use common::{Reply, receiver};
use standardwebhooks::Webhook;

const BODY: &str =
    r#"{"type":"entry.published","timestamp":"2026-12-01T00:00:00Z","data":{"id":"post:1"}}"#;

fn loopback_allowed() -> NetworkPolicy {
    NetworkPolicy::new(&["127.0.0.1/32".to_owned()]).unwrap()
}

fn sender(policy: NetworkPolicy, timeout: Duration) -> Sender {
    Sender::new(policy, timeout).unwrap()
}

async fn send(sender: &Sender, url: &str, secrets: &[&str]) -> Attempt {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    sender
        .send(Outgoing {
            url,
            msg_id: "evt_01JEXAMPLE",
            timestamp,
            body: Bytes::from_static(BODY.as_bytes()),
            secrets,
        })
        .await
}

async fn answer(status: u16, headers: Vec<(&'static str, String)>, body: &str) -> Attempt {
    let receiver = receiver(Reply::Answer(status, headers, body.as_bytes().to_vec())).await;
    let secret = new_secret();
    send(
        &sender(loopback_allowed(), Duration::from_secs(5)),
        &receiver.url,
        &[&secret],
    )
    .await
}

#[tokio::test]
async fn delivered_with_headers_the_reference_verifies() {
    let receiver = receiver(Reply::Answer(204, Vec::new(), Vec::new())).await;
    let (old, new) = (new_secret(), new_secret());
    let attempt = send(
        &sender(loopback_allowed(), Duration::from_secs(5)),
        &receiver.url,
        &[&new, &old],
    )
    .await;
    assert_eq!(attempt.outcome, Outcome::Delivered, "{attempt:?}");
    assert_eq!(
        (
            attempt.status,
            attempt.error,
            attempt.response_snippet,
            attempt.retry_after
        ),
        (Some(204), None, None, None)
    );

    let [request] = receiver.received().try_into().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, BODY.as_bytes());
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["webhook-id"], "evt_01JEXAMPLE");
    assert!(
        request.headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("Civitas-Webhooks/")
    );
    for secret in [&old, &new] {
        Webhook::new(secret)
            .unwrap()
            .verify(&request.body, &request.headers)
            .unwrap();
    }
}

#[tokio::test]
async fn server_error_fails_with_a_snippet() {
    let attempt = answer(500, Vec::new(), "database is down").await;
    assert_eq!(attempt.outcome, Outcome::Failed);
    assert_eq!(attempt.status, Some(500));
    assert_eq!(attempt.error.as_deref(), Some("HTTP 500"));
    assert_eq!(
        attempt.response_snippet.as_deref(),
        Some("database is down")
    );
    assert_eq!(attempt.retry_after, None);
}

#[tokio::test]
async fn gone_asks_to_disable() {
    let attempt = answer(410, Vec::new(), "").await;
    assert_eq!(
        (attempt.outcome, attempt.status),
        (Outcome::Gone, Some(410))
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = receiver(Reply::Answer(200, Vec::new(), Vec::new())).await;
    let attempt = answer(302, vec![("location", elsewhere.url.clone())], "").await;
    assert_eq!(
        (attempt.outcome, attempt.status),
        (Outcome::Failed, Some(302))
    );
    let error = attempt.error.unwrap();
    assert!(error.starts_with("redirect (302) not followed"), "{error}");
    assert!(error.contains(&elsewhere.url), "{error}");
    assert!(elsewhere.received().is_empty());
}

#[tokio::test]
async fn retry_after_is_read_and_capped() {
    let seconds = answer(429, vec![("retry-after", "120".into())], "slow down").await;
    assert_eq!(
        (seconds.outcome, seconds.retry_after),
        (Outcome::Failed, Some(Duration::from_secs(120)))
    );

    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(600));
    let date = answer(503, vec![("retry-after", at)], "")
        .await
        .retry_after
        .unwrap();
    assert!(
        (Duration::from_secs(595)..=Duration::from_secs(600)).contains(&date),
        "{date:?}"
    );

    let capped = answer(503, vec![("retry-after", "86400".into())], "").await;
    assert_eq!(capped.retry_after, Some(civitas_webhooks::MAX_RETRY_AFTER));
    assert_eq!(
        answer(503, vec![("retry-after", "whenever".into())], "")
            .await
            .retry_after,
        None
    );
}

#[tokio::test]
async fn timeout_is_honoured() {
    let receiver = receiver(Reply::Slow(Duration::from_secs(3))).await;
    let secret = new_secret();
    let started = Instant::now();
    let attempt = send(
        &sender(loopback_allowed(), Duration::from_millis(300)),
        &receiver.url,
        &[&secret],
    )
    .await;
    let took = started.elapsed();
    assert_eq!(attempt.outcome, Outcome::Failed);
    assert_eq!(attempt.error.as_deref(), Some("timed out after 300 ms"));
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert!(
        (300..2000).contains(&attempt.duration_ms),
        "{}",
        attempt.duration_ms
    );
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_said_plainly() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    drop(listener);
    let secret = new_secret();
    let attempt = send(
        &sender(loopback_allowed(), Duration::from_secs(5)),
        &url,
        &[&secret],
    )
    .await;
    assert_eq!(
        (attempt.outcome, attempt.error.as_deref()),
        (Outcome::Failed, Some("connection refused"))
    );
}

#[tokio::test]
async fn ip_literals_outside_the_policy_never_leave() {
    let receiver = receiver(Reply::Answer(200, Vec::new(), Vec::new())).await;
    let secret = new_secret();
    let strict = sender(NetworkPolicy::default(), Duration::from_secs(5));
    let attempt = send(&strict, &receiver.url, &[&secret]).await;
    assert_eq!(attempt.outcome, Outcome::Blocked);
    assert_eq!(
        attempt.error.as_deref(),
        Some("blocked: 127.0.0.1 is a loopback address")
    );
    assert_eq!(attempt.status, None);
    let mapped = receiver.url.replace("127.0.0.1", "[::ffff:127.0.0.1]");
    let attempt = send(&strict, &mapped, &[&secret]).await;
    assert_eq!(attempt.outcome, Outcome::Blocked, "{attempt:?}");
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn host_names_resolving_inside_are_blocked_at_connect_time() {
    let receiver = receiver(Reply::Answer(200, Vec::new(), Vec::new())).await;
    let url = receiver.url.replace("127.0.0.1", "localhost");
    let secret = new_secret();
    let strict = sender(NetworkPolicy::default(), Duration::from_secs(5));
    assert!(
        strict.policy().check_url_offline(&url).is_ok(),
        "the URL alone passes"
    );
    let attempt = send(&strict, &url, &[&secret]).await;
    assert_eq!(attempt.outcome, Outcome::Blocked, "{attempt:?}");
    let error = attempt.error.unwrap();
    assert!(
        error.starts_with("blocked: localhost resolves only to blocked addresses ("),
        "{error}"
    );
    assert!(error.contains("loopback"), "{error}");
    assert!(receiver.received().is_empty());

    // Allowing 127.0.0.1 only: the resolver drops ::1 and connects to 127.0.0.1.
    let attempt = send(
        &sender(loopback_allowed(), Duration::from_secs(5)),
        &url,
        &[&secret],
    )
    .await;
    assert_eq!(attempt.outcome, Outcome::Delivered, "{attempt:?}");
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn large_bodies_are_read_only_to_one_kilobyte() {
    let big = receiver(Reply::Answer(500, Vec::new(), vec![b'a'; 1 << 20])).await;
    let secret = new_secret();
    let sender = sender(loopback_allowed(), Duration::from_secs(5));
    let attempt = send(&sender, &big.url, &[&secret]).await;
    assert_eq!(
        attempt.response_snippet.map(|snippet| snippet.len()),
        Some(1024)
    );

    let endless = receiver(Reply::Endless).await;
    let started = Instant::now();
    let attempt = send(&sender, &endless.url, &[&secret]).await;
    assert_eq!(attempt.outcome, Outcome::Delivered, "{attempt:?}");
    assert_eq!(
        attempt.response_snippet.map(|snippet| snippet.len()),
        Some(1024)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn bad_urls_and_secrets_fail_without_sending() {
    let sender = sender(loopback_allowed(), Duration::from_secs(5));
    let secret = new_secret();
    let ftp = send(&sender, "ftp://127.0.0.1/", &[&secret]).await;
    assert_eq!(
        (ftp.outcome, ftp.error.as_deref()),
        (Outcome::Failed, Some("webhook URLs must use http or https"))
    );
    let receiver = receiver(Reply::Answer(200, Vec::new(), Vec::new())).await;
    let unsigned = send(&sender, &receiver.url, &[]).await;
    assert!(unsigned.error.unwrap().starts_with("cannot sign"));
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn unresolvable_hosts_are_named() {
    let secret = new_secret();
    let attempt = send(
        &sender(NetworkPolicy::default(), Duration::from_secs(5)),
        "http://nosuchhost.invalid/hook",
        &[&secret],
    )
    .await;
    assert_eq!(attempt.outcome, Outcome::Failed, "{attempt:?}");
    let error = attempt.error.unwrap();
    assert!(
        error.starts_with("cannot resolve nosuchhost.invalid: "),
        "{error}"
    );
}

#[test]
fn outgoing_debug_hides_secrets() {
    let secret = new_secret();
    let secrets = [secret.as_str()];
    let outgoing = Outgoing {
        url: "https://example.com/hook",
        msg_id: "evt_1",
        timestamp: 1,
        body: Bytes::from_static(b"{}"),
        secrets: &secrets,
    };
    let debug = format!("{outgoing:?}");
    assert!(!debug.contains(&secret[6..]), "{debug}");
    assert!(debug.contains("evt_1"), "{debug}");
}

#[tokio::test]
async fn a_receiver_hanging_up_is_described() {
    let receiver = receiver(Reply::HangUp).await;
    let secret = new_secret();
    let attempt = send(
        &sender(loopback_allowed(), Duration::from_secs(5)),
        &receiver.url,
        &[&secret],
    )
    .await;
    assert_eq!(attempt.outcome, Outcome::Failed, "{attempt:?}");
    assert_eq!(
        attempt.error.as_deref(),
        Some("request failed: connection closed before message completed")
    );
}
