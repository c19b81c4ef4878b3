//! A real webhook receiver on 127.0.0.1, hand-rolled on a tokio `TcpListener` (one
//! request per connection, `Connection: close`, so a stopped receiver really is gone: no
//! pooled connection outlives it). It records every request as it arrives and answers
//! from a script: a queue of replies, then a default one forever. It can be stopped and
//! started again on the same port, to be "down for a while". Below it: starting a server
//! that may deliver to it quickly, and the webhook calls the tests share.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::{Options, Server, json as response_json};

/// Largest request the receiver takes; webhook bodies are far smaller.
const MAX_REQUEST_BYTES: usize = 1 << 20;

/// One answer the receiver gives.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
    pub location: Option<String>,
    /// How long to wait (holding the connection) before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: format!("receiver says {status}"),
            retry_after: None,
            location: None,
            delay: Duration::ZERO,
        }
    }

    pub fn ok() -> Reply {
        Reply::status(200)
    }

    pub fn body(mut self, body: &str) -> Reply {
        body.clone_into(&mut self.body);
        self
    }

    pub fn retry_after(mut self, value: &str) -> Reply {
        self.retry_after = Some(value.to_owned());
        self
    }

    pub fn location(mut self, url: &str) -> Reply {
        self.location = Some(url.to_owned());
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// When its last byte arrived (before the answer).
    pub at: Instant,
    pub wall: SystemTime,
    /// The status it was answered with (or is being answered with, after a delay).
    pub answered: u16,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("request without `{name}`: {:?}", self.headers))
    }

    /// `webhook-id`.
    pub fn webhook_id(&self) -> &str {
        self.header("webhook-id")
    }

    /// `webhook-timestamp`, in Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.header("webhook-timestamp")
            .parse()
            .expect("webhook-timestamp is a number")
    }

    /// `webhook-signature`: one `v1,...` per secret, space-separated.
    pub fn signature(&self) -> &str {
        self.header("webhook-signature")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// The body's `type`.
    pub fn event_type(&self) -> String {
        super::text(&self.json()["type"]).to_owned()
    }

    /// The body's `data.seq`.
    pub fn seq(&self) -> u64 {
        self.json()["data"]["seq"].as_u64().expect("data.seq")
    }

    /// Whether `secret` verifies this request, by the reference implementation.
    pub fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .expect("a whsec_ secret")
            .verify(&self.body, &self.headers)
            .is_ok()
    }

    /// Asserts the Standard Webhooks headers are there and `secret` verifies the request
    /// (the reference crate also checks the timestamp is within 5 minutes of now), and
    /// that `webhook-id` is the event's id.
    pub fn assert_signed(&self, secret: &str) {
        assert!(
            self.verifies_with(secret),
            "signature does not verify: {:?} {}",
            self.headers,
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            !self.verifies_with(&other_secret()),
            "any secret would verify: {:?}",
            self.headers
        );
        let body = self.json();
        if let Some(event_id) = body["data"]["event_id"].as_str() {
            assert_eq!(self.webhook_id(), event_id, "{body}");
        }
        assert_eq!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
    }
}

/// A valid secret that signed nothing.
fn other_secret() -> String {
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Received>>,
    script: Mutex<Script>,
}

struct Script {
    queue: VecDeque<Reply>,
    default: Reply,
}

impl Default for Script {
    fn default() -> Script {
        Script {
            queue: VecDeque::new(),
            default: Reply::ok(),
        }
    }
}

/// A webhook receiver on `127.0.0.1`; stops when dropped.
pub struct Receiver {
    address: SocketAddr,
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Receiver {
    /// A receiver on a free port that answers 200 to everything.
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver binds");
        let address = listener.local_addr().expect("receiver address");
        let receiver = Receiver {
            address,
            shared: Arc::default(),
            task: Mutex::new(None),
        };
        receiver.serve(listener);
        receiver
    }

    /// A receiver that answers with `replies` in turn, then with `then` forever.
    pub async fn scripted(replies: Vec<Reply>, then: Reply) -> Receiver {
        let receiver = Receiver::start().await;
        receiver.script(replies, then);
        receiver
    }

    /// Answers the next requests with `replies` in turn, then with `then` forever.
    pub fn script(&self, replies: Vec<Reply>, then: Reply) {
        let mut script = self.shared.script.lock().expect("script");
        script.queue = replies.into();
        script.default = then;
    }

    /// `http://127.0.0.1:PORT` and `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    fn serve(&self, listener: TcpListener) {
        let shared = self.shared.clone();
        let task = tokio::spawn(async move {
            // Dropped with this task: a stop ends requests being answered too.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            connections.spawn(handle(stream, shared.clone()));
                        }
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        *self.task.lock().expect("task") = Some(task);
    }

    /// Closes the port (and drops requests being answered): connections are refused
    /// until `restart`.
    pub async fn stop(&self) {
        let task = self.task.lock().expect("task").take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&self) {
        let started = Instant::now();
        let listener = loop {
            match TcpListener::bind(self.address).await {
                Ok(listener) => break listener,
                Err(error) if started.elapsed() < Duration::from_secs(10) => {
                    eprintln!("receiver: cannot bind {} yet: {error}", self.address);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => panic!("receiver cannot bind {} again: {error}", self.address),
            }
        };
        self.serve(listener);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Received> {
        self.shared.requests.lock().expect("requests").clone()
    }

    pub fn count(&self) -> usize {
        self.shared.requests.lock().expect("requests").len()
    }

    /// Waits until at least `n` requests arrived; panics after `timeout`, saying what
    /// came. Answers the first `n`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let requests = self.requests();
            if requests.len() >= n {
                return requests.into_iter().take(n).collect();
            }
            assert!(
                started.elapsed() < timeout,
                "receiver got {} of {n} requests within {timeout:?}: {:?}",
                requests.len(),
                summary(&requests)
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits `quiet` and asserts exactly `n` requests came in all: nothing more
    /// arrives late. Answers them all.
    pub async fn expect_exactly(&self, n: usize, quiet: Duration) -> Vec<Received> {
        self.wait_for(n, Duration::from_secs(20)).await;
        tokio::time::sleep(quiet).await;
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            n,
            "expected exactly {n} requests: {:?}",
            summary(&requests)
        );
        requests
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(task) = self.task.get_mut().ok().and_then(Option::take) {
            task.abort();
        }
    }
}

/// `type seq webhook-id -> status` of each request, for assertion messages.
pub fn summary(requests: &[Received]) -> Vec<String> {
    requests
        .iter()
        .map(|r| match serde_json::from_slice::<Value>(&r.body) {
            Ok(body) => format!(
                "{} {} {} seq={} {} -> {}",
                r.method,
                r.path,
                body["type"],
                body["data"]["seq"],
                r.headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-"),
                r.answered
            ),
            Err(_) => format!("{} {} (not JSON) -> {}", r.method, r.path, r.answered),
        })
        .collect()
}

/// Reads one request, records it, answers from the script and closes.
async fn handle(mut stream: TcpStream, shared: Arc<Shared>) {
    let Some((method, path, headers, body)) = read_request(&mut stream).await else {
        return;
    };
    let reply = {
        let mut script = shared.script.lock().expect("script");
        script
            .queue
            .pop_front()
            .unwrap_or_else(|| script.default.clone())
    };
    shared.requests.lock().expect("requests").push(Received {
        method,
        path,
        headers,
        body,
        at: Instant::now(),
        wall: SystemTime::now(),
        answered: reply.status,
    });
    tokio::time::sleep(reply.delay).await;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.body.len()
    );
    if let Some(value) = &reply.retry_after {
        head.push_str(&format!("retry-after: {value}\r\n"));
    }
    if let Some(value) = &reply.location {
        head.push_str(&format!("location: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(&reply.body);
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The method, path, headers and body of one HTTP/1.1 request with a `content-length`.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String, HeaderMap, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || buffer.len() > MAX_REQUEST_BYTES {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
            HeaderValue::from_str(value.trim()).ok()?,
        );
    }
    assert!(
        headers.get("transfer-encoding").is_none(),
        "the receiver reads content-length bodies only: {headers:?}"
    );
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    Some((method, path, headers, body))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        410 => "Gone",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

// ---------------------------------------------------------------------------------------
// A server that delivers to receivers on this machine, quickly.

/// Settings for webhook tests: 127.0.0.1 allowed, a short retry schedule (4 attempts,
/// 100 to 300 ms apart), a fast log poll, short timeouts. `overrides` replace or add.
pub fn webhook_env(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("CIVITAS_WEBHOOKS__ALLOWED_NETWORKS", r#"["127.0.0.1/32"]"#),
        (
            "CIVITAS_WEBHOOKS__RETRY_SCHEDULE",
            r#"["0s","100ms","200ms","300ms"]"#,
        ),
        ("CIVITAS_EVENTS__POLL_INTERVAL", "50ms"),
        ("CIVITAS_WEBHOOKS__TIMEOUT", "2s"),
        ("CIVITAS_WEBHOOKS__LEASE", "5s"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (key, value) in overrides {
        env.retain(|(k, _)| k != key);
        env.push(((*key).to_owned(), (*value).to_owned()));
    }
    env
}

/// A server without the demo content, with `webhook_env(overrides)`.
pub async fn webhook_server(overrides: &[(&str, &str)]) -> Server {
    let options = Options {
        seed: false,
        env: webhook_env(overrides),
        ..Options::default()
    };
    Server::start_with(options, TempDir::new().expect("temp dir")).await
}

/// A webhook as created: its id and its secret (shown only then).
pub struct Hook {
    pub id: String,
    pub secret: String,
}

/// Creates a webhook from `body` (`url` and the rest); asserts 201 with a secret.
pub async fn create_webhook(server: &Server, body: Value) -> Hook {
    let (status, created) = response_json(
        server
            .admin(Method::POST, "/webhooks")
            .json(&body)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let secret = super::text(&created["data"]["secret"]).to_owned();
    assert!(secret.starts_with("whsec_"), "{created}");
    Hook {
        id: super::text(&created["data"]["id"]).to_owned(),
        secret,
    }
}

/// A webhook as `GET /webhooks/{id}` shows it.
pub async fn webhook(server: &Server, id: &str) -> Value {
    let (status, body) = response_json(
        server
            .admin(Method::GET, &format!("/webhooks/{id}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// Every delivery attempt of a webhook, oldest first (all pages).
pub async fn deliveries(server: &Server, id: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let mut path = format!("/webhooks/{id}/deliveries?limit=100");
        if let Some(before) = &before {
            path.push_str(&format!("&before={before}"));
        }
        let (status, page) = response_json(server.admin(Method::GET, &path).send().await).await;
        assert_eq!(status, 200, "{page}");
        all.extend(page["data"].as_array().expect("deliveries").iter().cloned());
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }
    all.reverse();
    all
}

/// Waits until the webhook's delivery log holds at least `n` attempts; oldest first.
pub async fn wait_for_deliveries(server: &Server, id: &str, n: usize) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let log = deliveries(server, id).await;
        if log.len() >= n {
            return log;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{} of {n} delivery attempts logged: {log:?}",
            log.len()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits until `GET /webhooks/{id}` satisfies `done`; answers it.
pub async fn wait_for_webhook(server: &Server, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let hook = webhook(server, id).await;
        if done(&hook) {
            return hook;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the webhook never got there: {hook}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Creates a draft `post`; answers its id.
pub async fn create_post(server: &Server, title: &str) -> String {
    create_entry(server, "post", title).await
}

/// Creates a draft of `type_id` with a title and a body; answers its id.
pub async fn create_entry(server: &Server, type_id: &str, title: &str) -> String {
    let (status, created) = response_json(
        server
            .admin(Method::POST, &format!("/content/{type_id}"))
            .json(&json!({"title": title, "body": format!("About {title}.")}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    super::text(&created["data"]["id"]).to_owned()
}

/// `POST .../{action}` (`publish`, `unpublish`, `archive`) on an entry; asserts 200.
pub async fn entry_action(server: &Server, type_id: &str, id: &str, action: &str) {
    let (status, body) = response_json(
        server
            .admin(Method::POST, &format!("/content/{type_id}/{id}/{action}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{action}: {body}");
}

/// Merge-patches an entry's excerpt/title; asserts 200.
pub async fn patch_entry(server: &Server, type_id: &str, id: &str, patch: Value) {
    let (status, body) = response_json(
        server
            .admin(Method::PATCH, &format!("/content/{type_id}/{id}"))
            .json(&patch)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
