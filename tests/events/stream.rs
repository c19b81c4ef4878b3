//! The live change stream, `GET /api/v1/events`, as its clients see it: changes arrive at
//! once and once; a client that reconnects (`Last-Event-ID` or `since`) gets exactly what
//! it missed and then live events; a point the log no longer holds (pruned, or beyond
//! its end) gets a `reset`; filters; what anonymous readers, `read` and `preview` tokens
//! and stream tickets see; keep-alive comments; never cached. Also the helpers the other
//! event tests share to write content and open streams.

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::sse::{Event, Stream, kinds};
use crate::support::{
    Options, Server, TOKEN, edit_stopped_database, expect_error, header, json, text,
};

// ---------------------------------------------------------------------------------------
// What the event tests share.

/// A quick log follower, a keep-alive every second and short-lived tickets.
pub(super) fn events_env() -> Vec<(String, String)> {
    [
        ("CIVITAS_EVENTS__POLL_INTERVAL", "50ms"),
        ("CIVITAS_EVENTS__KEEP_ALIVE", "1s"),
        ("CIVITAS_EVENTS__TICKET_TTL", "1s"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// A server with [`events_env`], seeded or not, on `storage`.
pub(super) async fn start_on(storage: &str, seed: bool) -> Server {
    let options = Options {
        storage: storage.to_owned(),
        seed,
        env: events_env(),
        ..Options::default()
    };
    Server::start_with(options, TempDir::new().expect("temp dir")).await
}

/// An in-memory server with [`events_env`], without the demo content (quicker to start).
pub(super) async fn start() -> Server {
    start_on("mem://", false).await
}

/// `GET /api/v1/events?{query}`, without a credential.
pub(super) fn events_request(server: &Server, query: &str) -> RequestBuilder {
    server.get(&format!("/api/v1/events?{query}"))
}

/// The emergency admin's stream with `query`.
pub(super) async fn admin_stream(server: &Server, query: &str) -> Stream {
    Stream::open(events_request(server, query).bearer_auth(TOKEN)).await
}

/// A write through the admin API (`path` under `/api/v1/admin`) with `request_id` as its
/// `X-Request-Id`; asserts a 2xx answer and answers with its `data` (null for a 204).
pub(super) async fn write(
    server: &Server,
    method: Method,
    path: &str,
    body: Option<Value>,
    request_id: &str,
) -> Value {
    let mut request = server
        .admin(method.clone(), path)
        .header("x-request-id", request_id);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let (status, answer) = json(request.send().await).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path} answered {status}: {answer}"
    );
    answer["data"].clone()
}

/// Creates a draft post; answers with its id.
pub(super) async fn create_post(server: &Server, title: &str) -> String {
    let body = json!({"title": title, "body": "Text."});
    let created = write(
        server,
        Method::POST,
        "/content/post",
        Some(body),
        "create-post",
    )
    .await;
    text(&created["id"]).to_owned()
}

/// `POST /content/post/{id}/{action}`: publish, unpublish.
pub(super) async fn post_action(server: &Server, id: &str, action: &str) -> Value {
    write(
        server,
        Method::POST,
        &format!("/content/post/{id}/{action}"),
        None,
        action,
    )
    .await
}

/// Merge-patches a post's excerpt.
pub(super) async fn patch_post(server: &Server, id: &str, excerpt: &str) -> Value {
    write(
        server,
        Method::PATCH,
        &format!("/content/post/{id}"),
        Some(json!({"excerpt": excerpt})),
        "patch-post",
    )
    .await
}

/// Deletes a post.
pub(super) async fn delete_post(server: &Server, id: &str) {
    write(
        server,
        Method::DELETE,
        &format!("/content/post/{id}"),
        None,
        "delete-post",
    )
    .await;
}

/// `(type, subject)` for each event.
pub(super) fn whats(events: &[Event]) -> Vec<(String, String)> {
    events.iter().map(Event::what).collect()
}

/// `(type, subject)` pairs from string slices.
pub(super) fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, s)| ((*k).to_owned(), (*s).to_owned()))
        .collect()
}

/// The seqs of `events`, in the order they came.
pub(super) fn seqs(events: &[Event]) -> Vec<u64> {
    events.iter().map(Event::seq).collect()
}

// ---------------------------------------------------------------------------------------
// Live delivery.

#[tokio::test]
async fn a_publish_reaches_a_connected_stream_at_once_and_once() {
    let server = start().await;
    let mut stream = admin_stream(&server, "").await;
    let id = create_post(&server, "Live news").await;
    let sent = Instant::now();
    write(
        &server,
        Method::POST,
        &format!("/content/post/{id}/publish"),
        None,
        "publish-live-news",
    )
    .await;
    let events = stream.take(2).await;
    let took = sent.elapsed();
    assert!(took < Duration::from_secs(1), "the publish took {took:?}");
    assert_eq!(
        whats(&events),
        pairs(&[("entry.created", &id), ("entry.published", &id)]),
        "{:#?}",
        kinds(&events)
    );
    let (created, published) = (events[0].facts(), events[1].facts());
    assert_eq!(events[1].seq(), events[0].seq() + 1);
    assert_eq!(
        (&created["status"], &created["revision"]),
        (&json!("draft"), &json!(1))
    );
    assert_eq!(published["status"], "published", "{published}");
    assert_eq!(published["revision"], 2, "{published}");
    assert_eq!(published["content_type"], "post");
    assert_eq!(published["slug"], "live-news");
    assert_eq!(published["trigger"], "api");
    assert_eq!(published["actor"], "emergency", "an admin sees who did it");
    assert_eq!(published["request_id"], "publish-live-news");
    assert!(
        text(&published["event_id"]).starts_with("evt_")
            && published["event_id"] != created["event_id"],
        "{created} {published}"
    );
    assert!(
        events[1].data["timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{:?}",
        events[1]
    );

    // Nothing else about it: the next event is the next change's.
    let next = create_post(&server, "After that").await;
    let after = stream.take(1).await;
    assert_eq!(whats(&after), pairs(&[("entry.created", &next)]));
    assert_eq!(after[0].seq(), events[1].seq() + 1);
}

// ---------------------------------------------------------------------------------------
// Resuming.

#[tokio::test]
async fn a_reconnecting_client_gets_exactly_what_it_missed_then_live_events() {
    let server = start().await;
    let mut first = admin_stream(&server, "").await;
    let x = create_post(&server, "Before the drop").await;
    patch_post(&server, &x, "Seen").await;
    post_action(&server, &x, "publish").await;
    let seen = first.take(3).await;
    let k = seen[2].seq();
    assert_eq!(seqs(&seen), [k - 2, k - 1, k]);
    drop(first);

    // Five changes while disconnected.
    let y = create_post(&server, "Missed one").await;
    let z = create_post(&server, "Missed two").await;
    patch_post(&server, &y, "Missed").await;
    post_action(&server, &y, "publish").await;
    delete_post(&server, &z).await;
    let missed = pairs(&[
        ("entry.created", &y),
        ("entry.created", &z),
        ("entry.updated", &y),
        ("entry.published", &y),
        ("entry.deleted", &z),
    ]);

    let mut again = Stream::open(
        events_request(&server, "")
            .bearer_auth(TOKEN)
            .header("last-event-id", k.to_string()),
    )
    .await;
    let resumed = again.take(5).await;
    assert_eq!(seqs(&resumed), (k + 1..=k + 5).collect::<Vec<_>>());
    assert_eq!(whats(&resumed), missed);
    // Then live.
    let sent = Instant::now();
    patch_post(&server, &x, "Live again").await;
    let live = again.take(1).await;
    assert!(sent.elapsed() < Duration::from_secs(1));
    assert_eq!(whats(&live), pairs(&[("entry.updated", &x)]));
    assert_eq!(live[0].seq(), k + 6);
    again.expect_silence(Duration::from_millis(300)).await;

    // `since` resumes the same way: the same events, by their ids.
    let mut by_since = admin_stream(&server, &format!("since={k}")).await;
    let same = by_since.take(6).await;
    let ids = |events: &[Event]| -> Vec<Value> {
        events
            .iter()
            .map(|e| e.facts()["event_id"].clone())
            .collect()
    };
    let mut expected = resumed.clone();
    expected.extend(live);
    assert_eq!(ids(&same), ids(&expected));

    // `Last-Event-ID` wins over `since`.
    let mut both = Stream::open(
        events_request(&server, "since=0")
            .bearer_auth(TOKEN)
            .header("last-event-id", (k + 5).to_string()),
    )
    .await;
    let first_after = both.take(1).await;
    assert_eq!(first_after[0].seq(), k + 6, "{:?}", first_after[0]);
}

#[tokio::test]
async fn a_point_beyond_the_newest_event_gets_a_reset() {
    let server = start().await;
    let mut live = admin_stream(&server, "").await;
    let id = create_post(&server, "The newest").await;
    let newest = live.take(1).await[0].seq();

    let mut beyond = admin_stream(&server, &format!("since={}", newest + 100)).await;
    let reset = beyond.take(1).await;
    assert_eq!(reset[0].kind(), "reset", "{:?}", reset[0]);
    assert_eq!(reset[0].seq(), newest, "a reset names the newest event");
    // Then it carries on from there.
    patch_post(&server, &id, "Next").await;
    let next = beyond.take(1).await;
    assert_eq!(whats(&next), pairs(&[("entry.updated", &id)]));
    assert_eq!(next[0].seq(), newest + 1);

    // Resuming at the newest itself is no reset: the next change comes first.
    let mut at_newest = Stream::open(
        events_request(&server, "")
            .bearer_auth(TOKEN)
            .header("last-event-id", (newest + 1).to_string()),
    )
    .await;
    patch_post(&server, &id, "Next again").await;
    let next = at_newest.take(1).await;
    assert_eq!(whats(&next), pairs(&[("entry.updated", &id)]));
    assert_eq!(next[0].seq(), newest + 2);

    expect_error(
        events_request(&server, "")
            .header("last-event-id", "seven")
            .send()
            .await,
        400,
        "invalid_parameter",
    )
    .await;
}

/// Retention is at least a minute, so the events are aged in the stopped server's
/// database instead of waited for; the restarted server prunes them as it starts.
#[tokio::test]
async fn a_point_older_than_retention_gets_a_reset() {
    let options = || {
        let mut env = events_env();
        env.push(("CIVITAS_EVENTS__RETENTION".into(), "1m".into()));
        Options {
            storage: "surrealkv://data".into(),
            seed: false,
            env,
            ..Options::default()
        }
    };
    let server = Server::start_with(options(), TempDir::new().expect("temp dir")).await;
    let a = create_post(&server, "Old news").await;
    post_action(&server, &a, "publish").await;
    let b = create_post(&server, "Kept news").await;
    patch_post(&server, &b, "Kept").await;
    let dir = server.into_dir();
    edit_stopped_database(
        &dir,
        "UPDATE sys_event SET at = time::now() - 2d WHERE seq <= 2",
        json!({}),
    )
    .await;

    let server = Server::start_with(options(), dir).await;
    let started = Instant::now();
    while !server.log().contains("events: pruned past retention") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no pruning at start:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for since in [0, 1] {
        let mut stream = admin_stream(&server, &format!("since={since}")).await;
        let reset = stream.take(1).await;
        assert_eq!(reset[0].kind(), "reset", "since={since}: {:?}", reset[0]);
        assert_eq!(reset[0].seq(), 4);
    }
    // From the oldest kept event on, nothing is missing: no reset.
    let mut stream = admin_stream(&server, "since=2").await;
    let kept = stream.take(2).await;
    assert_eq!(
        whats(&kept),
        pairs(&[("entry.created", &b), ("entry.updated", &b)])
    );
    assert_eq!(seqs(&kept), [3, 4]);
}

// ---------------------------------------------------------------------------------------
// Filters.

#[tokio::test]
async fn filters_pick_event_types_and_content_types() {
    let server = start().await;
    let mut posts = admin_stream(
        &server,
        "types=entry.published,entry.deleted&content_types=post",
    )
    .await;
    let mut pages = admin_stream(&server, "types=entry.*&content_types=page").await;
    let mut families = admin_stream(&server, "types=entry.created,media.*").await;

    let post = create_post(&server, "Filtered post").await;
    let page = text(
        &write(
            &server,
            Method::POST,
            "/content/page",
            Some(json!({"title": "Filtered page", "body": "Text."})),
            "create-page",
        )
        .await["id"],
    )
    .to_owned();
    post_action(&server, &post, "publish").await;
    write(
        &server,
        Method::POST,
        &format!("/content/page/{page}/publish"),
        None,
        "publish-page",
    )
    .await;
    delete_post(&server, &post).await;
    write(
        &server,
        Method::PATCH,
        &format!("/content/page/{page}"),
        Some(json!({"title": "Filtered page, again"})),
        "patch-page",
    )
    .await;

    let seen = posts.take(2).await;
    assert_eq!(
        whats(&seen),
        pairs(&[("entry.published", &post), ("entry.deleted", &post)])
    );
    let seen = pages.take(3).await;
    assert_eq!(
        whats(&seen),
        pairs(&[
            ("entry.created", &page),
            ("entry.published", &page),
            ("entry.updated", &page)
        ])
    );
    let seen = families.take(2).await;
    assert_eq!(
        whats(&seen),
        pairs(&[("entry.created", &post), ("entry.created", &page)])
    );
    // The page's update, the last change, has reached every stream by now.
    posts.expect_silence(Duration::from_millis(300)).await;
    families.expect_silence(Duration::from_millis(100)).await;

    for (query, field) in [
        ("types=entry.publish", "types"),
        ("types=nothing", "types"),
        ("types=ent*", "types"),
        ("types=entry.published,bogus.*", "types"),
        ("content_types=nosuchtype", "content_types"),
    ] {
        let body = expect_error(
            events_request(&server, query).send().await,
            400,
            "invalid_parameter",
        )
        .await;
        assert_eq!(
            body["error"]["details"][0]["field"], field,
            "{query}: {body}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Who sees what.

#[tokio::test]
async fn anonymous_and_read_only_streams_see_only_published_content() {
    let server = start().await;
    let read_only = server.create_token(&["read"]).await;
    let preview = server.create_token(&["preview"]).await;
    let mut anonymous = Stream::open(events_request(&server, "")).await;
    let mut reader = Stream::open(events_request(&server, "").bearer_auth(&read_only)).await;
    let mut previewer = Stream::open(events_request(&server, "").bearer_auth(&preview)).await;

    let d = create_post(&server, "Secret draft title").await;
    patch_post(&server, &d, "Still a draft").await;
    post_action(&server, &d, "publish").await;
    patch_post(&server, &d, "Edited while published").await;
    post_action(&server, &d, "unpublish").await;
    let e = create_post(&server, "Never shown").await;
    delete_post(&server, &e).await;
    // The last change, public: once it has arrived, everything before it has.
    let f = create_post(&server, "Final word").await;
    post_action(&server, &f, "publish").await;

    // An edit of the published entry stays in its working copy: nothing public changed.
    let public = pairs(&[
        ("entry.published", &d),
        ("entry.unpublished", &d),
        ("entry.published", &f),
    ]);
    for (who, stream) in [("anonymous", &mut anonymous), ("read", &mut reader)] {
        let seen = stream.take(3).await;
        assert_eq!(whats(&seen), public, "{who}: {:#?}", kinds(&seen));
        for event in &seen {
            let facts = event.facts();
            assert!(
                facts.get("actor").is_none() && facts.get("request_id").is_none(),
                "{who} is not told who made a change: {facts}"
            );
            assert_ne!(facts["slug"], "never-shown", "{who}: {facts}");
        }
        stream.expect_silence(Duration::from_millis(200)).await;
    }

    let seen = previewer.take(9).await;
    assert_eq!(
        whats(&seen),
        pairs(&[
            ("entry.created", &d),
            ("entry.updated", &d),
            ("entry.published", &d),
            ("entry.updated", &d),
            ("entry.unpublished", &d),
            ("entry.created", &e),
            ("entry.deleted", &e),
            ("entry.created", &f),
            ("entry.published", &f),
        ]),
        "preview sees drafts: {:#?}",
        kinds(&seen)
    );
    assert_eq!(seen[0].facts()["slug"], "secret-draft-title");
    assert!(
        seen.iter()
            .all(|e| e.facts()["actor"].as_str().is_some_and(|a| !a.is_empty())),
        "{:#?}",
        seen
    );
}

#[tokio::test]
async fn a_ticket_opens_one_stream_once_with_its_issuers_view() {
    let server = start().await;
    let ticket_path = server.url("/api/v1/events/ticket");
    expect_error(
        server.client.post(&ticket_path).send().await,
        401,
        "unauthorized",
    )
    .await;
    let issue = || async {
        let (status, issued) = json(
            server
                .client
                .post(&ticket_path)
                .bearer_auth(TOKEN)
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 201, "{issued}");
        assert!(issued["data"]["expires_at"].as_str().is_some(), "{issued}");
        format!(
            "ticket={}",
            crate::support::url_encode(text(&issued["data"]["ticket"]))
        )
    };
    let query = issue().await;

    let mut stream = Stream::open(events_request(&server, &query)).await;
    let draft = create_post(&server, "Ticket holders only").await;
    let seen = stream.take(1).await;
    assert_eq!(whats(&seen), pairs(&[("entry.created", &draft)]));
    assert_eq!(seen[0].facts()["status"], "draft");
    assert_eq!(seen[0].facts()["actor"], "emergency");

    // Used once: gone, even while its stream is open.
    expect_error(
        events_request(&server, &query).send().await,
        401,
        "invalid_ticket",
    )
    .await;
    expect_error(
        events_request(&server, "ticket=made-up").send().await,
        401,
        "invalid_ticket",
    )
    .await;

    // Unused past its lifetime (1 s here): gone too.
    let late = issue().await;
    tokio::time::sleep(Duration::from_millis(1300)).await;
    expect_error(
        events_request(&server, &late).send().await,
        401,
        "invalid_ticket",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// The connection itself.

#[tokio::test]
async fn an_idle_stream_gets_keep_alives_and_is_never_cached() {
    let server = start().await;
    for _ in 0..2 {
        let opened = Instant::now();
        let mut stream = Stream::open(events_request(&server, "")).await;
        let headers = &stream.headers;
        let value = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert!(
            value("content-type").is_some_and(|t| t.starts_with("text/event-stream")),
            "{headers:?}"
        );
        assert_eq!(value("cache-control").as_deref(), Some("no-cache"));
        assert_eq!(value("etag"), None, "a stream has no ETag");
        assert_eq!(value("x-cache"), None, "a stream is not a cached answer");
        // Keep-alive every second here: the first within two.
        match stream.next_item(Duration::from_secs(2)).await {
            Some(crate::support::sse::Item::Comment(comment)) => {
                assert_eq!(comment, "", "a bare `:` line");
            }
            other => panic!("a keep-alive comment, not {other:?}"),
        }
        assert!(opened.elapsed() < Duration::from_secs(2));
    }
    // An If-None-Match cannot turn a stream into a 304 either.
    let response = events_request(&server, "")
        .header("if-none-match", "*")
        .send()
        .await
        .expect("the stream answers");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "etag"), None);
    drop(response);

    // And it still delivers after a while of silence.
    let mut stream = admin_stream(&server, "").await;
    assert!(
        stream
            .next_item(Duration::from_millis(1500))
            .await
            .is_some(),
        "a comment while idle"
    );
    let id = create_post(&server, "After the quiet").await;
    assert_eq!(
        whats(&stream.take(1).await),
        pairs(&[("entry.created", &id)])
    );
}
