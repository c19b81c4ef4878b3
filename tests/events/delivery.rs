//! Webhook delivery end to end, to a real receiver on 127.0.0.1: one change is one
//! signed delivery (also when the scheduler publishes), filters hold, failures are
//! retried with the same `webhook-id`, a receiver that was down gets everything in
//! order once back, 410 and an exhausted schedule disable, `Retry-After` is honoured,
//! and two nodes on one database deliver each event once.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;

use crate::support::receiver::{
    Receiver, Reply, create_entry, create_post, create_webhook, deliveries, entry_action,
    patch_entry, summary, unix_now, wait_for_deliveries, wait_for_webhook, webhook, webhook_env,
    webhook_server,
};
use crate::support::{Options, Server, TOKEN, json as response_json, text};

/// How long to watch for deliveries that should not come: 10 polls of the log.
const QUIET: Duration = Duration::from_millis(500);
const WAIT: Duration = Duration::from_secs(15);

/// `(type, entry id)` of each request's body.
fn kinds(requests: &[crate::support::receiver::Received]) -> Vec<(String, String)> {
    requests
        .iter()
        .map(|r| {
            let body = r.json();
            (
                text(&body["type"]).to_owned(),
                text(&body["data"]["id"]).to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn one_publish_is_one_signed_delivery() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let all = create_webhook(
        &server,
        json!({"url": receiver.url("/all"), "event_types": ["entry.*"]}),
    )
    .await;
    let published_only = create_webhook(
        &server,
        json!({"url": receiver.url("/published"), "event_types": ["entry.published"]}),
    )
    .await;

    let id = create_post(&server, "Smart mobility").await;
    let (status, body) = response_json(
        server
            .admin(Method::POST, &format!("/content/post/{id}/publish"))
            .header("x-request-id", "publish-smart-mobility")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let requests = receiver.expect_exactly(3, QUIET).await;
    let to = |path: &str| -> Vec<_> { requests.iter().filter(|r| r.path == path).collect() };
    let (all_requests, published_requests) = (to("/all"), to("/published"));
    assert_eq!(
        all_requests
            .iter()
            .map(|r| r.event_type())
            .collect::<Vec<_>>(),
        ["entry.created", "entry.published"],
        "{:?}",
        summary(&requests)
    );
    assert_eq!(published_requests.len(), 1, "{:?}", summary(&requests));
    for request in &all_requests {
        request.assert_signed(&all.secret);
        assert_eq!(request.method, "POST");
    }
    let published = published_requests[0];
    published.assert_signed(&published_only.secret);
    assert!(
        !published.verifies_with(&all.secret),
        "each webhook signs with its own secret"
    );
    assert_eq!(
        published.webhook_id(),
        all_requests[1].webhook_id(),
        "one event, one id, whoever receives it"
    );
    assert!((published.timestamp() - unix_now()).abs() <= 5);

    let body = published.json();
    assert_eq!(body["type"], "entry.published", "{body}");
    let data = &body["data"];
    assert_eq!(published.webhook_id(), text(&data["event_id"]));
    assert!(text(&data["event_id"]).starts_with("evt_"), "{body}");
    assert_eq!(data["id"], id.as_str(), "{body}");
    assert_eq!(data["content_type"], "post", "{body}");
    assert_eq!(data["slug"], "smart-mobility", "{body}");
    assert_eq!(data["status"], "published", "{body}");
    assert_eq!(data["trigger"], "api", "{body}");
    assert_eq!(data["request_id"], "publish-smart-mobility", "{body}");
    assert!(!text(&data["actor"]).is_empty(), "{body}");
    assert!(data["revision"].as_i64().is_some(), "{body}");
    assert_eq!(
        data["seq"].as_u64(),
        Some(all_requests[0].seq() + 1),
        "{body}"
    );
    assert!(
        body.get("title").is_none() && data.get("title").is_none(),
        "thin payload: {body}"
    );

    // The log says the same.
    let log = deliveries(&server, &published_only.id).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["outcome"], "delivered", "{log:?}");
    assert_eq!(log[0]["status"], 200);
    assert_eq!(log[0]["trigger"], "auto");
    assert_eq!(log[0]["attempt"], 1);
    assert_eq!(log[0]["event_id"], published.webhook_id());
    assert_eq!(log[0]["seq"], data["seq"]);
    let hook = webhook(&server, &published_only.id).await;
    assert_eq!(hook["cursor"], data["seq"], "{hook}");
    assert!(hook["last_success_at"].is_string(), "{hook}");
}

#[tokio::test]
async fn a_scheduled_publish_is_one_delivery_triggered_by_the_scheduler() {
    let server = webhook_server(&[("CIVITAS_API__SCHEDULER_INTERVAL_MS", "100")]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(
        &server,
        json!({"url": receiver.url("/"), "event_types": ["entry.published"]}),
    )
    .await;
    let id = create_post(&server, "Later").await;
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let (status, body) = response_json(
        server
            .admin(Method::POST, &format!("/content/post/{id}/schedule"))
            .json(&json!({"publish_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "scheduled", "{body}");

    let requests = receiver.expect_exactly(1, QUIET * 2).await;
    let request = &requests[0];
    request.assert_signed(&hook.secret);
    assert!(
        request.wall >= std::time::SystemTime::from(at),
        "not before the planned time"
    );
    let body = request.json();
    assert_eq!(body["type"], "entry.published", "{body}");
    assert_eq!(body["data"]["trigger"], "scheduled", "{body}");
    assert_eq!(body["data"]["id"], id.as_str(), "{body}");
    assert_eq!(body["data"]["status"], "published", "{body}");
}

#[tokio::test]
async fn event_type_and_content_type_filters_hold() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let hooks = [
        ("/everything", json!({})),
        ("/published", json!({"event_types": ["entry.published"]})),
        ("/pages", json!({"content_types": ["page"]})),
        (
            "/post-deletions",
            json!({"event_types": ["entry.deleted"], "content_types": ["post"]}),
        ),
        ("/media", json!({"event_types": ["media.*"]})),
    ];
    for (path, filters) in &hooks {
        let mut body = filters.clone();
        body["url"] = json!(receiver.url(path));
        create_webhook(&server, body).await;
    }

    let post = create_post(&server, "A post").await;
    entry_action(&server, "post", &post, "publish").await;
    let page = create_entry(&server, "page", "A page").await;
    entry_action(&server, "page", &page, "publish").await;
    let (status, body) = response_json(
        server
            .admin(Method::DELETE, &format!("/content/post/{post}"))
            .send()
            .await,
    )
    .await;
    assert!(status == 204 || status == 200, "{status} {body}");

    let s = |kind: &str, id: &str| (kind.to_owned(), id.to_owned());
    let expected = [
        (
            "/everything",
            vec![
                s("entry.created", &post),
                s("entry.published", &post),
                s("entry.created", &page),
                s("entry.published", &page),
                s("entry.deleted", &post),
            ],
        ),
        (
            "/published",
            vec![s("entry.published", &post), s("entry.published", &page)],
        ),
        (
            "/pages",
            vec![s("entry.created", &page), s("entry.published", &page)],
        ),
        ("/post-deletions", vec![s("entry.deleted", &post)]),
        ("/media", vec![]),
    ];
    let total = expected.iter().map(|(_, e)| e.len()).sum();
    let requests = receiver.expect_exactly(total, QUIET).await;
    for (path, wanted) in expected {
        let got: Vec<_> = requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect();
        assert_eq!(kinds(&got), wanted, "{path}: {:?}", summary(&requests));
    }
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_event_until_it_answers() {
    // Waits over a second apart, so that each attempt has its own `webhook-timestamp`.
    let server = webhook_server(&[(
        "CIVITAS_WEBHOOKS__RETRY_SCHEDULE",
        r#"["0s","1300ms","1300ms","1300ms"]"#,
    )])
    .await;
    let receiver = Receiver::scripted(
        vec![
            Reply::status(500).body("database is down"),
            Reply::status(500).body("still down"),
        ],
        Reply::ok().body("thanks"),
    )
    .await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/hook")})).await;
    create_post(&server, "Retried").await;

    let requests = receiver.expect_exactly(3, QUIET).await;
    let ids: HashSet<_> = requests.iter().map(|r| r.webhook_id()).collect();
    assert_eq!(ids.len(), 1, "one webhook-id: {:?}", summary(&requests));
    for request in &requests {
        request.assert_signed(&hook.secret);
        assert_eq!(request.body, requests[0].body, "the same body every time");
    }
    let stamps: Vec<i64> = requests.iter().map(|r| r.timestamp()).collect();
    assert!(
        stamps.windows(2).all(|w| w[0] < w[1]),
        "each attempt is stamped when sent: {stamps:?}"
    );

    let log = wait_for_deliveries(&server, &hook.id, 3).await;
    let view: Vec<_> = log
        .iter()
        .map(|d| {
            (
                d["attempt"].as_u64().unwrap_or(0),
                text(&d["outcome"]).to_owned(),
                d["status"].as_u64().unwrap_or(0),
                d["response_snippet"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        view,
        [
            (1, "failed".to_owned(), 500, "database is down".to_owned()),
            (2, "failed".to_owned(), 500, "still down".to_owned()),
            (3, "delivered".to_owned(), 200, "thanks".to_owned()),
        ]
    );
    for delivery in &log {
        assert_eq!(delivery["event_id"], requests[0].webhook_id(), "{delivery}");
        assert_eq!(delivery["trigger"], "auto", "{delivery}");
    }
    assert_eq!(log[0]["error"], "HTTP 500", "{log:?}");
    assert!(log[2]["error"].is_null(), "{log:?}");
    let hook = webhook(&server, &hook.id).await;
    assert_eq!(hook["failures"], 0, "{hook}");
    assert_eq!(hook["enabled"], true, "{hook}");
}

#[tokio::test]
async fn a_receiver_that_was_down_gets_every_event_in_order_once_back() {
    // 100 attempts about 100 ms apart: retries for about 10 s, far longer than the
    // outage (about half a second).
    let mut schedule = vec!["\"0s\"".to_owned()];
    schedule.extend(std::iter::repeat_n("\"100ms\"".to_owned(), 99));
    let schedule = format!("[{}]", schedule.join(","));
    let server = webhook_server(&[("CIVITAS_WEBHOOKS__RETRY_SCHEDULE", &schedule)]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    receiver.stop().await;

    let a = create_post(&server, "Entry A").await;
    let b = create_post(&server, "Entry B").await;
    patch_entry(&server, "post", &a, json!({"excerpt": "Changed"})).await;
    entry_action(&server, "post", &b, "publish").await;
    entry_action(&server, "post", &a, "publish").await;

    // The server is trying, and failing: the receiver really is down.
    let log = wait_for_deliveries(&server, &hook.id, 3).await;
    for attempt in &log {
        assert_eq!(attempt["outcome"], "failed", "{attempt}");
        assert!(attempt["status"].is_null(), "{attempt}");
        assert_eq!(attempt["error"], "connection refused", "{attempt}");
    }
    assert_eq!(receiver.count(), 0);
    receiver.restart().await;

    let requests = receiver.expect_exactly(5, QUIET).await;
    for request in &requests {
        request.assert_signed(&hook.secret);
    }
    let s = |kind: &str, id: &str| (kind.to_owned(), id.to_owned());
    assert_eq!(
        kinds(&requests),
        [
            s("entry.created", &a),
            s("entry.created", &b),
            s("entry.updated", &a),
            s("entry.published", &b),
            s("entry.published", &a),
        ],
        "{:?}",
        summary(&requests)
    );
    let seqs: Vec<u64> = requests.iter().map(|r| r.seq()).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "in log order: {seqs:?}"
    );
    let ids: HashSet<_> = requests.iter().map(|r| r.webhook_id()).collect();
    assert_eq!(ids.len(), 5, "each once");
    let hook = webhook(&server, &hook.id).await;
    assert_eq!(hook["enabled"], true, "{hook}");
    assert_eq!(hook["cursor"].as_u64(), seqs.last().copied(), "{hook}");
}

#[tokio::test]
async fn a_410_disables_the_webhook() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::scripted(vec![], Reply::status(410).body("endpoint removed")).await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    let id = create_post(&server, "Gone").await;

    let first = receiver.wait_for(1, WAIT).await;
    first[0].assert_signed(&hook.secret);
    let disabled = wait_for_webhook(&server, &hook.id, |h| h["enabled"] == false).await;
    let reason = text(&disabled["disabled_reason"]);
    assert!(reason.contains("410"), "{disabled}");

    // Nothing more is sent: not this event again, not the next ones.
    entry_action(&server, "post", &id, "publish").await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(receiver.count(), 1, "{:?}", summary(&receiver.requests()));
    let log = deliveries(&server, &hook.id).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["outcome"], "gone", "{log:?}");
    assert_eq!(log[0]["status"], 410);
    assert_eq!(log[0]["response_snippet"], "endpoint removed");
}

#[tokio::test]
async fn a_webhook_that_exhausts_the_schedule_is_disabled_saying_why() {
    let server = webhook_server(&[(
        "CIVITAS_WEBHOOKS__RETRY_SCHEDULE",
        r#"["0s","100ms","100ms"]"#,
    )])
    .await;
    let receiver = Receiver::scripted(vec![], Reply::status(503)).await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    create_post(&server, "Never delivered").await;

    let disabled = wait_for_webhook(&server, &hook.id, |h| h["enabled"] == false).await;
    let reason = text(&disabled["disabled_reason"]);
    assert!(
        reason.contains("3 attempts") && reason.contains("HTTP 503"),
        "{disabled}"
    );
    let requests = receiver.expect_exactly(3, QUIET).await;
    let ids: HashSet<_> = requests.iter().map(|r| r.webhook_id()).collect();
    assert_eq!(ids.len(), 1, "{:?}", summary(&requests));
    assert!(reason.contains(requests[0].webhook_id()), "{disabled}");
    let log = deliveries(&server, &hook.id).await;
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(
        log.iter()
            .all(|d| d["outcome"] == "failed" && d["status"] == 503)
    );

    // Re-enabling resumes with the event it stopped at.
    receiver.script(vec![], Reply::ok());
    let (status, body) = response_json(
        server
            .admin(Method::PATCH, &format!("/webhooks/{}", hook.id))
            .json(&json!({"enabled": true}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["disabled_reason"].is_null(), "{body}");
    let requests = receiver.expect_exactly(4, QUIET).await;
    assert_eq!(requests[3].webhook_id(), requests[0].webhook_id());
    assert_eq!(requests[3].answered, 200);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::scripted(vec![Reply::status(503).retry_after("2")], Reply::ok()).await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    create_post(&server, "Patience").await;

    let requests = receiver.expect_exactly(2, QUIET).await;
    assert_eq!(requests[0].webhook_id(), requests[1].webhook_id());
    let gap = requests[1].at - requests[0].at;
    // The schedule alone would retry after about 100 ms.
    assert!(
        gap >= Duration::from_millis(1990),
        "retried {gap:?} after a Retry-After of 2 s"
    );
    assert!(gap < Duration::from_secs(5), "retried {gap:?} later");
    let log = deliveries(&server, &hook.id).await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["status"], 503);
    assert_eq!(log[1]["outcome"], "delivered");
}

/// The address of every node `civitas serve --nodes N` started, in order.
fn node_addresses(server: &Server) -> Vec<String> {
    server
        .log()
        .split("listening on http://")
        .skip(1)
        .map(|rest| {
            let address: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            format!("http://{address}")
        })
        .collect()
}

#[tokio::test]
async fn two_nodes_on_one_database_deliver_each_event_once() {
    let options = Options {
        seed: false,
        env: webhook_env(&[]),
        args: vec!["--nodes".into(), "2".into()],
        ..Options::default()
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let mut nodes = node_addresses(&server);
    let started = std::time::Instant::now();
    while nodes.len() < 2 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(20)).await;
        nodes = node_addresses(&server);
    }
    assert_eq!(nodes.len(), 2, "{}", server.log());
    assert_ne!(nodes[0], nodes[1]);

    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for n in 0..20 {
        let base = &nodes[n % 2];
        let (status, body) = response_json(
            client
                .post(format!("{base}/api/v1/admin/content/post"))
                .bearer_auth(TOKEN)
                .json(&json!({"title": format!("Node post {n}"), "body": "From either node."}))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        ids.push(text(&body["data"]["id"]).to_owned());
    }

    let requests = receiver.expect_exactly(20, QUIET * 2).await;
    let by_id: HashSet<_> = requests.iter().map(|r| r.webhook_id()).collect();
    assert_eq!(by_id.len(), 20, "each once: {:?}", summary(&requests));
    for request in &requests {
        request.assert_signed(&hook.secret);
    }
    let seqs: Vec<u64> = requests.iter().map(|r| r.seq()).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    let delivered: Vec<String> = requests
        .iter()
        .map(|r| text(&r.json()["data"]["id"]).to_owned())
        .collect();
    assert_eq!(delivered, ids, "in commit order, whichever node wrote");
    let log = deliveries(&server, &hook.id).await;
    assert_eq!(log.len(), 20, "{log:?}");
    assert!(log.iter().all(|d| d["outcome"] == "delivered"));
    // Both nodes see the same webhook state.
    let (status, other) = response_json(
        client
            .get(format!("{}/api/v1/admin/webhooks/{}", nodes[1], hook.id))
            .bearer_auth(TOKEN)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{other}");
    assert_eq!(other["data"]["cursor"].as_u64(), seqs.last().copied());
}
