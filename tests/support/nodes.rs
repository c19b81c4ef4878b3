//! Talking to one node among several on one database: reads that show whether an
//! answer came from the node's cache, and waits for another node's write to show.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use super::{Server, TOKEN, json, slugs};

/// A public GET of `path` on the node at `base`: status, `x-cache` and body.
pub async fn read(server: &Server, base: &str, path: &str) -> (u16, Option<String>, Value) {
    let response = server
        .client
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("the node answers");
    let cache = crate::support::header(&response, "x-cache");
    let (status, body) = json(Ok(response)).await;
    (status, cache, body)
}

/// Reads `path` on `base` twice, so its answer is cached there; answers with the body.
pub async fn warm(server: &Server, base: &str, path: &str) -> Value {
    let (status, _, first) = read(server, base, path).await;
    assert_eq!(status, 200, "{path}: {first}");
    let (_, cache, again) = read(server, base, path).await;
    assert_eq!(cache.as_deref(), Some("hit"), "{path} is cached on {base}");
    assert_eq!(first, again);
    first
}

/// Reads `path` on `base` every 50 ms until `ready` accepts the answer; fails if that
/// takes a second or more. Answers with the body.
pub async fn within_a_second(
    server: &Server,
    base: &str,
    path: &str,
    ready: impl Fn(u16, &Value) -> bool,
) -> Value {
    let since = Instant::now();
    loop {
        let (status, _, body) = read(server, base, path).await;
        if ready(status, &body) {
            return body;
        }
        assert!(
            since.elapsed() < Duration::from_secs(1),
            "{base}{path} still answers {status} after {:?}: slugs {:?}, {:.300}",
            since.elapsed(),
            slugs(&body),
            body.to_string()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A write through the node at `base`, as the emergency admin; asserts a 2xx.
pub async fn write_on(
    server: &Server,
    base: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) {
    let mut request = server
        .client
        .request(method, format!("{base}/api/v1/admin{path}"))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let (status, answer) = json(request.send().await).await;
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
}
