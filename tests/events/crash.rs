//! A server killed with `kill -9` in the middle of a delivery, with more events waiting,
//! loses none: after a restart on the same data directory every event arrives, in log
//! order, and the one that was in flight comes again with the same `webhook-id`.

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use serde_json::json;
use tempfile::TempDir;

use crate::support::receiver::{
    Receiver, Reply, create_post, create_webhook, summary, webhook_env,
};
use crate::support::{Options, Server, text};

fn on_disk() -> Options {
    Options {
        storage: "surrealkv://data".into(),
        seed: false,
        // A timeout longer than the receiver's slow answer: the server is still
        // waiting for it when it dies.
        env: webhook_env(&[
            ("CIVITAS_WEBHOOKS__TIMEOUT", "10s"),
            ("CIVITAS_WEBHOOKS__LEASE", "15s"),
        ]),
        ..Options::default()
    }
}

/// `kill -9`s the server and hands back its directory, as the crash left it.
fn kill_9(mut server: Server) -> TempDir {
    let pid = server.pid().expect("server runs");
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()), "kill -9 works");
    let dir = std::mem::replace(&mut server.dir, TempDir::new().expect("placeholder dir"));
    // Reaps the killed process.
    drop(server);
    dir
}

#[tokio::test]
async fn kill_9_during_a_delivery_loses_no_event() {
    // The first request is taken but answered only after 5 s: the server dies waiting.
    let receiver =
        Receiver::scripted(vec![Reply::ok().delay(Duration::from_secs(5))], Reply::ok()).await;
    let server = Server::start_with(on_disk(), TempDir::new().expect("temp dir")).await;
    let hook = create_webhook(&server, json!({"url": receiver.url("/")})).await;

    let mut entries = vec![create_post(&server, "In flight").await];
    let in_flight = receiver.wait_for(1, Duration::from_secs(10)).await;
    for n in 0..3 {
        entries.push(create_post(&server, &format!("Pending {n}")).await);
    }
    // Still waiting for the first answer: the rest are committed but not delivered.
    assert_eq!(receiver.count(), 1, "{:?}", summary(&receiver.requests()));
    let dir = kill_9(server);

    let server = Server::start_with(on_disk(), dir).await;
    let requests = receiver.expect_exactly(5, Duration::from_millis(500)).await;
    for request in &requests {
        request.assert_signed(&hook.secret);
    }
    let after: Vec<_> = requests[1..].to_vec();
    assert_eq!(
        after[0].webhook_id(),
        in_flight[0].webhook_id(),
        "the unanswered one again, same id: {:?}",
        summary(&requests)
    );
    assert_eq!(after[0].body, in_flight[0].body);
    let seqs: Vec<u64> = after.iter().map(|r| r.seq()).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "in log order: {seqs:?}"
    );
    let subjects: Vec<String> = after
        .iter()
        .map(|r| text(&r.json()["data"]["id"]).to_owned())
        .collect();
    assert_eq!(subjects, entries, "every event, in commit order");
    let ids: HashSet<_> = requests.iter().map(|r| r.webhook_id()).collect();
    assert_eq!(ids.len(), 4, "4 events, one of them sent twice");
    assert!(
        after.iter().all(|r| r.json()["type"] == "entry.created"),
        "{:?}",
        summary(&requests)
    );
    drop(server);
}
