//! Managing webhooks through `/api/v1/admin/webhooks`: create, read, list, change and
//! delete (the secret shown only at creation and rotation), what is refused, secret
//! rotation with both signatures during the overlap, test pings, redelivery, replay
//! from a point in the log (not from before retention), and the audit trail of it all.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::receiver::{
    Receiver, Reply, create_post, create_webhook, deliveries, entry_action, summary,
    wait_for_deliveries, webhook, webhook_env, webhook_server,
};
use crate::support::{
    Options, Server, details, edit_stopped_database, expect_error, expect_invalid, header,
    json as response_json, text,
};

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(500);

async fn post(server: &Server, path: &str, body: Option<Value>) -> (u16, Value) {
    let request = server.admin(Method::POST, path);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    response_json(request.send().await).await
}

#[tokio::test]
async fn create_read_list_change_delete() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let url = receiver.url("/hook");
    let response = server
        .admin(Method::POST, "/webhooks")
        .json(&json!({
            "url": url,
            "description": "Rebuild the site",
            "event_types": ["entry.published", "entry.unpublished"],
            "content_types": ["post", "page"],
            "enabled": false,
        }))
        .send()
        .await
        .expect("request");
    let location = header(&response, "location");
    let (status, created) = response_json(Ok(response)).await;
    assert_eq!(status, 201, "{created}");
    let data = &created["data"];
    let id = text(&data["id"]).to_owned();
    let secret = text(&data["secret"]).to_owned();
    assert!(secret.starts_with("whsec_"), "{created}");
    assert_eq!(location, Some(format!("/api/v1/admin/webhooks/{id}")));
    assert_eq!(data["url"], url.as_str());
    assert_eq!(data["description"], "Rebuild the site");
    assert_eq!(
        data["event_types"],
        json!(["entry.published", "entry.unpublished"])
    );
    assert_eq!(data["content_types"], json!(["post", "page"]));
    assert_eq!(data["enabled"], false);
    assert!(data["disabled_reason"].is_null(), "{created}");

    // Read and list: everything but the secret.
    let read = webhook(&server, &id).await;
    assert!(read.get("secret").is_none(), "{read}");
    assert!(!read.to_string().contains(&secret), "{read}");
    assert_eq!(read["description"], "Rebuild the site");
    assert_eq!(read["cursor"], data["cursor"]);
    let (status, list) = response_json(server.admin(Method::GET, "/webhooks").send().await).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list["data"][0]["id"], id.as_str());
    assert!(!list.to_string().contains(&secret), "{list}");

    // Change: only what is given.
    let (status, changed) = response_json(
        server
            .admin(Method::PATCH, &format!("/webhooks/{id}"))
            .json(&json!({"description": "Rebuild", "content_types": [], "enabled": true}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["data"]["description"], "Rebuild");
    assert_eq!(changed["data"]["content_types"], json!([]));
    assert_eq!(
        changed["data"]["event_types"],
        json!(["entry.published", "entry.unpublished"])
    );
    assert_eq!(changed["data"]["enabled"], true);
    assert!(changed["data"].get("secret").is_none(), "{changed}");
    assert!(!changed.to_string().contains(&secret), "{changed}");

    // Delete: gone, with its log.
    let response = server
        .admin(Method::DELETE, &format!("/webhooks/{id}"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 204);
    for (method, path) in [
        (Method::GET, format!("/webhooks/{id}")),
        (Method::DELETE, format!("/webhooks/{id}")),
        (Method::GET, format!("/webhooks/{id}/deliveries")),
    ] {
        expect_error(
            server.admin(method, &path).send().await,
            404,
            "webhook_not_found",
        )
        .await;
    }
    let (_, list) = response_json(server.admin(Method::GET, "/webhooks").send().await).await;
    assert_eq!(list["data"], json!([]), "{list}");
}

#[tokio::test]
async fn what_is_refused() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let url = receiver.url("/");
    let create = |body: Value| server.admin(Method::POST, "/webhooks").json(&body);

    expect_error(
        create(json!({"url": url, "secret": "whsec_mine"}))
            .send()
            .await,
        400,
        "invalid_body",
    )
    .await;
    // Without a URL: well-formed JSON of the wrong shape, as for every typed body.
    expect_error(
        create(json!({"description": "no url"})).send().await,
        400,
        "invalid_body",
    )
    .await;
    let body = expect_invalid(create(
        json!({"url": url, "event_types": ["entry.published", "entry.publish"]}),
    ))
    .await;
    assert_eq!(
        details(&body),
        [("event_types[1]", "unknown_event_type")],
        "{body}"
    );
    let body = expect_invalid(create(json!({"url": url, "content_types": ["recipe"]}))).await;
    assert_eq!(
        details(&body),
        [("content_types[0]", "unknown_type")],
        "{body}"
    );
    let body = expect_invalid(create(json!({"url": url, "description": "x".repeat(501)}))).await;
    assert_eq!(details(&body), [("description", "too_long")], "{body}");
    let (_, list) = response_json(server.admin(Method::GET, "/webhooks").send().await).await;
    assert_eq!(list["data"], json!([]), "nothing was saved: {list}");

    let hook = create_webhook(&server, json!({"url": url})).await;
    let path = format!("/webhooks/{}", hook.id);
    expect_error(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"secret": "whsec_mine"}))
            .send()
            .await,
        400,
        "invalid_body",
    )
    .await;
    let body = expect_invalid(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"event_types": ["nope"]})),
    )
    .await;
    assert_eq!(
        details(&body),
        [("event_types[0]", "unknown_event_type")],
        "{body}"
    );
    expect_error(
        server
            .admin(Method::POST, &format!("{path}/replay"))
            .json(&json!({"after": 1, "before": 2}))
            .send()
            .await,
        400,
        "invalid_body",
    )
    .await;

    // An id that is not there: the same answer from every route.
    let missing = "/webhooks/01JNOSUCHWEBHOOK0000000000";
    let routes = [
        (Method::GET, missing.to_owned(), None),
        (
            Method::PATCH,
            missing.to_owned(),
            Some(json!({"description": "x"})),
        ),
        (Method::DELETE, missing.to_owned(), None),
        (Method::POST, format!("{missing}/rotate-secret"), None),
        (Method::POST, format!("{missing}/test"), None),
        (Method::GET, format!("{missing}/deliveries"), None),
        (Method::GET, format!("{missing}/deliveries/01JNOSUCH"), None),
        (
            Method::POST,
            format!("{missing}/replay"),
            Some(json!({"after": 0})),
        ),
    ];
    for (method, path, body) in routes {
        let request = server.admin(method.clone(), &path);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let error = expect_error(request.send().await, 404, "webhook_not_found").await;
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("01JNOSUCHWEBHOOK")),
            "{method} {path}: {error}"
        );
    }
    expect_error(
        server
            .admin(
                Method::GET,
                &format!("{path}/deliveries/01JNOSUCHDELIVERY000000000"),
            )
            .send()
            .await,
        404,
        "delivery_not_found",
    )
    .await;
    // The list and the worker saw none of it.
    assert!(!server.log().contains("panicked"), "{}", server.log());
    assert_eq!(receiver.count(), 0);
}

#[tokio::test]
async fn a_rotated_secret_signs_alongside_the_old_one_during_the_overlap() {
    let server = webhook_server(&[("CIVITAS_WEBHOOKS__SECRET_OVERLAP", "1h")]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    let id = create_post(&server, "Before rotation").await;
    let before = receiver.wait_for(1, WAIT).await;
    before[0].assert_signed(&hook.secret);
    assert_eq!(
        before[0].signature().split(' ').count(),
        1,
        "one secret, one signature"
    );

    let (status, rotated) = post(
        &server,
        &format!("/webhooks/{}/rotate-secret", hook.id),
        None,
    )
    .await;
    assert_eq!(status, 200, "{rotated}");
    let new_secret = text(&rotated["data"]["secret"]).to_owned();
    assert!(new_secret.starts_with("whsec_"), "{rotated}");
    assert_ne!(new_secret, hook.secret);
    let until =
        chrono::DateTime::parse_from_rfc3339(text(&rotated["data"]["previous_secret_until"]))
            .expect("an RFC 3339 time");
    let overlap = until.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        overlap > chrono::Duration::minutes(59) && overlap <= chrono::Duration::minutes(60),
        "{rotated}"
    );
    let read = webhook(&server, &hook.id).await;
    assert!(!read.to_string().contains(&new_secret), "{read}");
    assert_eq!(
        read["previous_secret_until"],
        rotated["data"]["previous_secret_until"]
    );

    entry_action(&server, "post", &id, "publish").await;
    let after = receiver.expect_exactly(2, QUIET).await;
    let during = &after[1];
    assert_eq!(during.event_type(), "entry.published");
    assert_eq!(
        during.signature().split(' ').count(),
        2,
        "two signatures: {}",
        during.signature()
    );
    during.assert_signed(&new_secret);
    during.assert_signed(&hook.secret);

    // A ping during the overlap is signed both ways too.
    let (status, ping) = post(&server, &format!("/webhooks/{}/test", hook.id), None).await;
    assert_eq!(status, 200, "{ping}");
    let pinged = receiver.wait_for(3, WAIT).await;
    pinged[2].assert_signed(&new_secret);
    pinged[2].assert_signed(&hook.secret);
}

#[tokio::test]
async fn a_test_ping_is_sent_and_logged() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::scripted(
        vec![Reply::status(500).body("not now")],
        Reply::ok().body("pong"),
    )
    .await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    let path = format!("/webhooks/{}/test", hook.id);

    let (status, failed) = post(&server, &path, None).await;
    assert_eq!(status, 200, "the ping was sent: {failed}");
    assert_eq!(failed["data"]["outcome"], "failed", "{failed}");
    assert_eq!(failed["data"]["status"], 500, "{failed}");
    assert_eq!(failed["data"]["response_snippet"], "not now", "{failed}");
    let (status, pinged) = post(&server, &path, None).await;
    assert_eq!(status, 200, "{pinged}");
    let delivery = &pinged["data"];
    assert_eq!(delivery["trigger"], "ping", "{pinged}");
    assert_eq!(delivery["event_type"], "webhook.ping", "{pinged}");
    assert_eq!(delivery["outcome"], "delivered", "{pinged}");
    assert_eq!(delivery["status"], 200, "{pinged}");
    assert_eq!(delivery["response_snippet"], "pong", "{pinged}");
    assert_eq!(delivery["attempt"], 1, "{pinged}");
    assert!(delivery["seq"].is_null(), "{pinged}");

    let requests = receiver.expect_exactly(2, QUIET).await;
    let request = &requests[1];
    request.assert_signed(&hook.secret);
    let body = request.json();
    assert_eq!(body["type"], "webhook.ping", "{body}");
    assert_eq!(body["data"]["webhook"], hook.id.as_str(), "{body}");
    assert_eq!(request.webhook_id(), text(&delivery["event_id"]));
    assert_ne!(
        request.webhook_id(),
        requests[0].webhook_id(),
        "each ping its own id"
    );

    let log = deliveries(&server, &hook.id).await;
    let ids: Vec<&Value> = log.iter().map(|d| &d["id"]).collect();
    assert_eq!(ids, [&failed["data"]["id"], &delivery["id"]], "{log:?}");
    let (status, one) = response_json(
        server
            .admin(
                Method::GET,
                &format!("/webhooks/{}/deliveries/{}", hook.id, text(&delivery["id"])),
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["data"], *delivery);
    // A ping is not in the log's queue: nothing else is sent.
    let hook_now = webhook(&server, &hook.id).await;
    assert_eq!(hook_now["failures"], 0, "{hook_now}");
    // Nor can it be redelivered: there is no event behind it.
    expect_error(
        server
            .admin(
                Method::POST,
                &format!(
                    "/webhooks/{}/deliveries/{}/redeliver",
                    hook.id,
                    text(&delivery["id"])
                ),
            )
            .send()
            .await,
        404,
        "delivery_not_found",
    )
    .await;
}

#[tokio::test]
async fn redeliver_sends_the_same_event_again() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    create_post(&server, "Once more").await;
    let first = receiver.wait_for(1, WAIT).await;
    let log = wait_for_deliveries(&server, &hook.id, 1).await;
    let original = &log[0];

    let (status, again) = post(
        &server,
        &format!(
            "/webhooks/{}/deliveries/{}/redeliver",
            hook.id,
            text(&original["id"])
        ),
        None,
    )
    .await;
    assert_eq!(status, 200, "{again}");
    let delivery = &again["data"];
    assert_eq!(delivery["trigger"], "redeliver", "{again}");
    assert_eq!(delivery["event_id"], original["event_id"], "{again}");
    assert_eq!(delivery["seq"], original["seq"], "{again}");
    assert_eq!(delivery["outcome"], "delivered", "{again}");
    assert_ne!(delivery["id"], original["id"]);

    let requests = receiver.expect_exactly(2, QUIET).await;
    assert_eq!(
        requests[1].webhook_id(),
        first[0].webhook_id(),
        "the same webhook-id"
    );
    assert_eq!(requests[1].body, first[0].body, "the same body");
    requests[1].assert_signed(&hook.secret);
    let log = deliveries(&server, &hook.id).await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1]["trigger"], "redeliver");
    // The queue did not move back: nothing else is sent.
    assert_eq!(webhook(&server, &hook.id).await["cursor"], original["seq"]);
}

#[tokio::test]
async fn replay_sends_the_events_after_a_point_again_in_order() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    for n in 0..4 {
        create_post(&server, &format!("Replayed {n}")).await;
    }
    let first = receiver.expect_exactly(4, QUIET).await;
    let seqs: Vec<u64> = first.iter().map(|r| r.seq()).collect();

    let (status, replayed) = post(
        &server,
        &format!("/webhooks/{}/replay", hook.id),
        Some(json!({"after": seqs[1]})),
    )
    .await;
    assert_eq!(status, 200, "{replayed}");
    assert_eq!(replayed["data"]["cursor"], seqs[1], "{replayed}");
    let again = receiver.expect_exactly(6, QUIET).await;
    assert_eq!(
        again[4..]
            .iter()
            .map(|r| r.webhook_id())
            .collect::<Vec<_>>(),
        first[2..]
            .iter()
            .map(|r| r.webhook_id())
            .collect::<Vec<_>>(),
        "{:?}",
        summary(&again)
    );
    for request in &again[4..] {
        request.assert_signed(&hook.secret);
    }
    // Then it carries on with new events.
    create_post(&server, "After the replay").await;
    let all = receiver.expect_exactly(7, QUIET).await;
    assert_eq!(all[6].seq(), seqs[3] + 1);

    let body = expect_invalid(
        server
            .admin(Method::POST, &format!("/webhooks/{}/replay", hook.id))
            .json(&json!({"after": seqs[3] + 2})),
    )
    .await;
    assert_eq!(details(&body), [("after", "out_of_range")], "{body}");
}

fn on_disk() -> Options {
    Options {
        storage: "surrealkv://data".into(),
        seed: false,
        env: webhook_env(&[]),
        ..Options::default()
    }
}

#[tokio::test]
async fn replay_from_before_retention_is_refused() {
    let receiver = Receiver::start().await;
    let server = Server::start_with(on_disk(), TempDir::new().expect("temp dir")).await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    for n in 0..4 {
        create_post(&server, &format!("Old {n}")).await;
    }
    let received = receiver.expect_exactly(4, Duration::from_millis(200)).await;
    let seqs: Vec<u64> = received.iter().map(|r| r.seq()).collect();
    let dir = server.into_dir();

    // Age the first two events past `events.retention` (7 days).
    edit_stopped_database(
        &dir,
        "UPDATE sys_event SET at = time::now() - 30d WHERE seq <= $last",
        json!({"last": seqs[1]}),
    )
    .await;
    let server = Server::start_with(on_disk(), dir).await;
    let started = std::time::Instant::now();
    while !server.log().contains("pruned past retention") {
        assert!(started.elapsed() < WAIT, "no pruning: {}", server.log());
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let replay = |after: u64| {
        server
            .admin(Method::POST, &format!("/webhooks/{}/replay", hook.id))
            .json(&json!({"after": after}))
    };
    for after in [0, seqs[0]] {
        let body = expect_invalid(replay(after)).await;
        assert_eq!(
            details(&body),
            [("after", "past_retention")],
            "{after}: {body}"
        );
    }
    // From the oldest kept event on, it works.
    let (status, body) = response_json(replay(seqs[1]).send().await).await;
    assert_eq!(status, 200, "{body}");
    let again = receiver.expect_exactly(6, QUIET).await;
    assert_eq!(again[4].webhook_id(), received[2].webhook_id());
    assert_eq!(again[5].webhook_id(), received[3].webhook_id());
}

#[tokio::test]
async fn every_admin_change_is_audited() {
    let server = webhook_server(&[]).await;
    let receiver = Receiver::start().await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;
    let base = format!("/webhooks/{}", hook.id);
    let (status, _) = response_json(
        server
            .admin(Method::PATCH, &base)
            .json(&json!({"description": "Audited"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        post(&server, &format!("{base}/rotate-secret"), None)
            .await
            .0,
        200
    );
    assert_eq!(post(&server, &format!("{base}/test"), None).await.0, 200);
    create_post(&server, "Audited").await;
    let log = wait_for_deliveries(&server, &hook.id, 2).await;
    let event = log
        .iter()
        .find(|d| d["trigger"] == "auto")
        .expect("an event delivery");
    let (status, body) = post(
        &server,
        &format!("{base}/deliveries/{}/redeliver", text(&event["id"])),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        post(
            &server,
            &format!("{base}/replay"),
            Some(json!({"after": 0}))
        )
        .await
        .0,
        200
    );
    let response = server
        .admin(Method::DELETE, &base)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 204);

    let (status, audit) = response_json(
        server
            .admin(
                Method::GET,
                &format!("/audit?target={}&page[size]=50", hook.id),
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{audit}");
    let mut actions: Vec<&str> = audit["data"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| text(&r["action"]))
        .collect();
    actions.reverse();
    assert_eq!(
        actions,
        [
            "webhook.create",
            "webhook.update",
            "webhook.rotate_secret",
            "webhook.test",
            "webhook.redeliver",
            "webhook.replay",
            "webhook.delete",
        ],
        "{audit}"
    );
    for record in audit["data"].as_array().expect("records") {
        assert!(!text(&record["actor"]).is_empty(), "{record}");
        assert!(!record.to_string().contains(&hook.secret), "{record}");
    }
}
