//! The change log as an admin's stream reads it from the start (`since=0`): one event per
//! successful write and none for a refused one; numbers 1, 2, 3... in commit order with
//! no gaps, also under 32 concurrent writers, in memory and on disk; the event each kind
//! of change (entries, media, plugins) appends.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use super::stream::{
    admin_stream, create_post, events_env, pairs, post_action, seqs, start_on, whats, write,
};
use crate::support::media::uncompressed_png;
use crate::support::sse::{Event, kinds};
use crate::support::{Options, Server, expect_error, header, json, text};

/// The whole log, read by an admin stream from the start: exactly `n` events, and no more
/// within a moment (everything was committed before the stream opened).
async fn the_log(server: &Server, n: usize) -> Vec<Event> {
    let mut stream = admin_stream(server, "since=0").await;
    let events = stream.take(n).await;
    stream.expect_silence(Duration::from_millis(300)).await;
    events
}

/// One write: `(event type, subject, request id)`.
type Written = (String, String, String);

/// What the log says was written, in the same form.
fn written(events: &[Event]) -> Vec<Written> {
    events
        .iter()
        .map(|e| {
            let (kind, subject) = e.what();
            (kind, subject, text(&e.facts()["request_id"]).to_owned())
        })
        .collect()
}

const WRITERS: usize = 32;
/// Entries made before the writers start, one for each odd writer to work on.
const EXISTING: usize = WRITERS / 2;
const WRITES_EACH: usize = 3;

/// Writer `w`'s changes, one after the other: an even writer creates a post and edits
/// it twice; an odd one edits an existing post, publishes it and edits it again. Each
/// write's `X-Request-Id` names it.
async fn writer(server: &Server, w: usize, existing: &[String]) -> Vec<Written> {
    let rid = |n: usize| format!("w{w}-{n}");
    let mut done = Vec::new();
    let id = if w.is_multiple_of(2) {
        let body = json!({"title": format!("Writer {w}"), "body": "Concurrent."});
        let created = write(server, Method::POST, "/content/post", Some(body), &rid(0)).await;
        let id = text(&created["id"]).to_owned();
        done.push(("entry.created".to_owned(), id.clone(), rid(0)));
        id
    } else {
        let id = existing[w / 2].clone();
        let path = format!("/content/post/{id}");
        let body = json!({"excerpt": format!("writer {w}")});
        write(server, Method::PATCH, &path, Some(body), &rid(0)).await;
        done.push(("entry.updated".to_owned(), id.clone(), rid(0)));
        id
    };
    let path = format!("/content/post/{id}");
    for n in 1..WRITES_EACH {
        if !w.is_multiple_of(2) && n == 1 {
            write(
                server,
                Method::POST,
                &format!("{path}/publish"),
                None,
                &rid(n),
            )
            .await;
            done.push(("entry.published".to_owned(), id.clone(), rid(n)));
        } else {
            let body = json!({"excerpt": format!("writer {w}, write {n}")});
            write(server, Method::PATCH, &path, Some(body), &rid(n)).await;
            done.push(("entry.updated".to_owned(), id.clone(), rid(n)));
        }
    }
    done
}

async fn concurrent_writers_get_gapless_numbers(storage: &str) {
    let server = start_on(storage, false).await;
    let mut all: Vec<Written> = Vec::new();
    let mut existing = Vec::new();
    for n in 0..EXISTING {
        let rid = format!("existing-{n}");
        let body = json!({"title": format!("Existing {n}"), "body": "Made first."});
        let created = write(&server, Method::POST, "/content/post", Some(body), &rid).await;
        let id = text(&created["id"]).to_owned();
        all.push(("entry.created".to_owned(), id.clone(), rid));
        existing.push(id);
    }
    // `write` asserts every answer is a 2xx: no 500, no 409, no 412.
    let writers = (0..WRITERS).map(|w| writer(&server, w, &existing));
    let by_writer = futures_util::future::join_all(writers).await;
    for done in &by_writer {
        all.extend(done.iter().cloned());
    }
    let n = EXISTING + WRITERS * WRITES_EACH;
    assert_eq!(all.len(), n);

    let log = the_log(&server, n).await;
    assert_eq!(
        seqs(&log),
        (1..=n as u64).collect::<Vec<_>>(),
        "gapless, in order"
    );
    let mut logged = written(&log);
    logged.sort();
    all.sort();
    assert_eq!(logged, all, "one event per write, each as written");
    // Each writer's changes are in the log in the order it made them.
    let position: BTreeMap<&str, u64> = log
        .iter()
        .map(|e| (text(&e.facts()["request_id"]), e.seq()))
        .collect();
    for w in 0..WRITERS {
        let order: Vec<u64> = (0..WRITES_EACH)
            .map(|n| position[format!("w{w}-{n}").as_str()])
            .collect();
        assert!(order.is_sorted(), "writer {w}: {order:?}");
    }
    // The writers really did run at once: some writer's changes are logged in between
    // another's (else this proved little).
    let span = |w: usize| {
        let first = position[format!("w{w}-0").as_str()];
        let last = position[format!("w{w}-{}", WRITES_EACH - 1).as_str()];
        first..=last
    };
    let interleaved =
        (0..WRITERS).any(|v| (0..WRITERS).any(|w| v != w && span(v).contains(span(w).start())));
    assert!(interleaved, "the writers took turns: {position:?}");
}

#[tokio::test]
async fn concurrent_writers_in_memory_get_gapless_numbers() {
    concurrent_writers_get_gapless_numbers("mem://").await;
}

#[tokio::test]
async fn concurrent_writers_on_disk_get_gapless_numbers() {
    concurrent_writers_get_gapless_numbers("surrealkv://data").await;
}

#[tokio::test]
async fn a_refused_write_leaves_no_event() {
    let server = start_on("mem://", false).await;
    let mut live = admin_stream(&server, "").await;
    let id = create_post(&server, "Guarded").await;
    post_action(&server, &id, "publish").await;
    let path = format!("/content/post/{id}");
    let response = server
        .admin(Method::GET, &path)
        .send()
        .await
        .expect("response");
    let stale = header(&response, "etag").expect("an ETag");
    write(
        &server,
        Method::PATCH,
        &path,
        Some(json!({"excerpt": "First editor"})),
        "first-editor",
    )
    .await;
    let before = live.take(3).await;
    assert_eq!(
        whats(&before),
        pairs(&[
            ("entry.created", &id),
            ("entry.published", &id),
            ("entry.updated", &id)
        ])
    );
    assert_eq!(seqs(&before), [1, 2, 3]);

    // 422: invalid input.
    for (method, at, body) in [
        (
            Method::POST,
            "/content/post".to_owned(),
            json!({"title": "No body"}),
        ),
        (Method::PATCH, path.clone(), json!({"excerpt": 12})),
        (
            Method::PUT,
            path.clone(),
            json!({"title": "", "body": "Empty title"}),
        ),
    ] {
        expect_error(
            server.admin(method, &at).json(&body).send().await,
            422,
            "validation_failed",
        )
        .await;
    }
    // 412: a stale If-Match.
    for (method, body) in [
        (Method::PATCH, json!({"excerpt": "Second editor"})),
        (
            Method::PUT,
            json!({"title": "Guarded", "body": "Second editor"}),
        ),
    ] {
        expect_error(
            server
                .admin(method, &path)
                .header("if-match", &stale)
                .json(&body)
                .send()
                .await,
            412,
            "precondition_failed",
        )
        .await;
    }
    // 404: nothing to change.
    for (method, at) in [
        (Method::PATCH, "/content/post/no-such-post"),
        (Method::POST, "/content/post/no-such-post/publish"),
        (Method::DELETE, "/content/post/no-such-post"),
        (Method::DELETE, "/media/no-such-media"),
    ] {
        let mut request = server.admin(method.clone(), at);
        if method == Method::PATCH {
            request = request.json(&json!({"excerpt": "Nobody"}));
        }
        let (status, body) = json(request.send().await).await;
        assert_eq!(status, 404, "{method} {at}: {body}");
    }

    // The next successful write is the next event: nothing came in between.
    let next = create_post(&server, "After the refusals").await;
    let after = live.take(1).await;
    assert_eq!(whats(&after), pairs(&[("entry.created", &next)]));
    assert_eq!(after[0].seq(), 4);
    let log = the_log(&server, 4).await;
    assert_eq!(seqs(&log), [1, 2, 3, 4]);
}

#[tokio::test]
async fn an_entry_gets_one_event_per_change() {
    let server = start_on("mem://", false).await;
    let id = create_post(&server, "Short lived").await;
    let published = post_action(&server, &id, "publish").await;
    assert_eq!(published["status"], "published", "{published}");
    write(
        &server,
        Method::DELETE,
        &format!("/content/post/{id}"),
        None,
        "delete-it",
    )
    .await;
    let log = the_log(&server, 3).await;
    assert_eq!(
        whats(&log),
        pairs(&[
            ("entry.created", &id),
            ("entry.published", &id),
            ("entry.deleted", &id)
        ]),
        "{:#?}",
        kinds(&log)
    );
    let (publish, delete) = (log[1].facts(), log[2].facts());
    assert_eq!(
        (&publish["status"], &publish["revision"]),
        (&json!("published"), &json!(2))
    );
    assert_eq!(publish["slug"], "short-lived");
    assert_eq!(publish["request_id"], "publish");
    assert_eq!(delete.get("status"), None, "gone: {delete}");
    assert_eq!(delete["revision"], 2, "the revision before: {delete}");
    assert_eq!(delete["slug"], "short-lived");
    assert_eq!(delete["content_type"], "post");
    assert_eq!(delete["request_id"], "delete-it");
    // The public saw it come and go.
    let mut public =
        crate::support::sse::Stream::open(server.get("/api/v1/events?since=0&types=entry.*")).await;
    let seen = public.take(2).await;
    assert_eq!(
        whats(&seen),
        pairs(&[("entry.published", &id), ("entry.deleted", &id)])
    );
}

const BOUNDARY: &str = "civitas-events-test-5b2e";

/// `multipart/form-data` with one PNG as `file`.
fn png_form(name: &str, seed: u8) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&uncompressed_png(16, 12, seed));
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a PNG to `path` (`POST /media`, `PUT /media/{id}/file`); answers with the record.
async fn send_png(server: &Server, method: Method, path: &str, seed: u8) -> Value {
    let (status, body) = json(
        server
            .admin(method, path)
            .header("x-request-id", format!("png-{seed}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(png_form("tile.png", seed))
            .send()
            .await,
    )
    .await;
    assert!(matches!(status, 200 | 201), "{path}: {status} {body}");
    body["data"].clone()
}

#[tokio::test]
async fn media_changes_append_media_events() {
    let server = start_on("mem://", false).await;
    let record = send_png(&server, Method::POST, "/media", 1).await;
    let id = text(&record["id"]).to_owned();
    write(
        &server,
        Method::PATCH,
        &format!("/media/{id}"),
        Some(json!({"alt": "A test tile"})),
        "media-patch",
    )
    .await;
    send_png(&server, Method::PUT, &format!("/media/{id}/file"), 2).await;
    write(
        &server,
        Method::DELETE,
        &format!("/media/{id}"),
        None,
        "media-delete",
    )
    .await;
    let log = the_log(&server, 4).await;
    assert_eq!(
        whats(&log),
        pairs(&[
            ("media.uploaded", &id),
            ("media.changed", &id),
            ("media.changed", &id),
            ("media.deleted", &id),
        ]),
        "{:#?}",
        kinds(&log)
    );
    assert_eq!(
        log.iter()
            .map(|e| e.facts()["request_id"].clone())
            .collect::<Vec<_>>(),
        [
            json!("png-1"),
            json!("media-patch"),
            json!("png-2"),
            json!("media-delete")
        ]
    );
    for event in &log {
        assert_eq!(event.facts().get("content_type"), None, "{event:?}");
    }
    // Media events are not public.
    let mut public = crate::support::sse::Stream::open(server.get("/api/v1/events?since=0")).await;
    public.expect_silence(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_plugin_reload_appends_one_event() {
    let mut options = crate::plugins::with_plugins("plugins");
    options.env.extend(events_env());
    let options = Options {
        seed: false,
        ..options
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let mut live = admin_stream(&server, "").await;
    write(
        &server,
        Method::POST,
        "/plugins/studies/reload",
        None,
        "reload-studies",
    )
    .await;
    expect_error(
        server
            .admin(Method::POST, "/plugins/nope/reload")
            .send()
            .await,
        404,
        "plugin_not_found",
    )
    .await;
    let next = create_post(&server, "After the reload").await;
    let seen = live.take(2).await;
    assert_eq!(
        whats(&seen),
        pairs(&[("plugin.reloaded", "studies"), ("entry.created", &next)]),
        "{:#?}",
        kinds(&seen)
    );
    let reload = seen[0].facts();
    assert_eq!(reload["trigger"], "system", "{reload}");
    assert_eq!(reload["request_id"], "reload-studies");
    assert_eq!(seen[1].seq(), seen[0].seq() + 1);
}
