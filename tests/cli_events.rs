//! `civitas webhooks` and `civitas events`, driven from the terminal against real servers
//! and a small HTTP receiver on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver as Lines, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::cli::{client, ok, stderr, stdout};
use crate::support::{Options, Server, TOKEN, civitas, create_published};

/// What a receiver was sent: each request's `webhook-id` and body.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// An HTTP server on 127.0.0.1 that answers 200 to every request and keeps what it got.
struct Receiver {
    url: String,
    received: Received,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("receiver binds");
        let url = format!("http://{}/hook", listener.local_addr().expect("address"));
        let received = Received::default();
        let kept = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || answer(stream, &kept));
            }
        });
        Receiver { url, received }
    }

    /// Waits until a request body contains `text`; answers with every one that does.
    fn wait_for(&self, text: &str, count: usize) -> Vec<(String, String)> {
        let started = Instant::now();
        loop {
            let found: Vec<(String, String)> = self
                .received
                .lock()
                .expect("lock")
                .iter()
                .filter(|(_, body)| body.contains(text))
                .cloned()
                .collect();
            if found.len() >= count {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "the receiver never got {count} x {text}: {:?}",
                self.received.lock().expect("lock")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Reads one request (headers, then `content-length` bytes) and answers 200.
fn answer(stream: TcpStream, received: &Received) {
    let mut reader = BufReader::new(stream);
    let (mut length, mut id) = (0, String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "webhook-id" => id = value.trim().to_owned(),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    received
        .lock()
        .expect("lock")
        .push((id, String::from_utf8_lossy(&body).into_owned()));
    let _ = reader
        .get_mut()
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
}

/// A seeded server that may send webhooks to 127.0.0.1, with `options`' storage.
async fn loopback_server(options: Options, dir: TempDir) -> Server {
    let mut options = options;
    options.env.push((
        "CIVITAS_WEBHOOKS__ALLOWED_NETWORKS".into(),
        r#"["127.0.0.1/32"]"#.into(),
    ));
    Server::start_with(options, dir).await
}

/// A `name   value` line of `civitas webhooks show` and `create`.
fn field(printed: &str, name: &str) -> String {
    printed
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no `{name}` in {printed}"))
        .trim()
        .to_owned()
}

/// The client, with the admin token, ready to spawn.
fn command(home: &Path, server: &Server, args: &[&str]) -> Command {
    let mut command = civitas(home);
    command
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CIVITAS_URL", &server.base)
        .env("CIVITAS_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs the client to its end, which must come within `limit`.
fn within(mut command: Command, limit: Duration) -> Output {
    let child = command.spawn().expect("civitas runs");
    let pid = child.id();
    let (sender, finished) = channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match finished.recv_timeout(limit) {
        Ok(output) => output.expect("civitas finishes"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("civitas did not exit within {limit:?}");
        }
    }
}

/// The lines a running child prints, as they come.
fn lines_of(child: &mut Child) -> Lines<String> {
    let out = child.stdout.take().expect("stdout");
    let (sender, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    lines
}

fn post(title: &str) -> Value {
    json!({"title": title, "body": format!("About {title}."), "tags": ["events"], "published_at": "2026-01-10T10:00:00Z"})
}

#[tokio::test]
async fn webhooks_are_managed_from_the_terminal() {
    let receiver = Receiver::start();
    let server = loopback_server(Options::default(), TempDir::new().expect("dir")).await;
    let home = TempDir::new().expect("home");
    let run = |args: &[&str]| client(home.path(), &server, Some(TOKEN), args);

    let created = run(&[
        "webhooks",
        "create",
        &receiver.url,
        "--description",
        "Rebuild the site",
        "--type",
        "entry.published",
        "--content-type",
        "post",
    ]);
    let notice = stderr(&created);
    let printed = ok(created);
    assert!(notice.contains("will not be shown again"), "{notice}");
    let id = field(&printed, "id");
    let secret = field(&printed, "secret");
    assert!(secret.starts_with("whsec_"), "{printed}");

    let listed = ok(run(&["webhooks", "list"]));
    let row = listed.lines().nth(1).unwrap_or_default();
    assert!(listed.starts_with("ID"), "{listed}");
    assert!(
        row.starts_with(&id)
            && row.contains(&receiver.url)
            && row.contains("enabled")
            && row.contains("entry.published"),
        "{listed}"
    );
    let shown = ok(run(&["webhooks", "show", &id]));
    assert_eq!(field(&shown, "content types"), "post", "{shown}");
    assert_eq!(field(&shown, "description"), "Rebuild the site");
    assert!(!listed.contains("whsec_") && !shown.contains("whsec_"));

    // A publish reaches the receiver, and its attempt is in the log.
    create_published(&server, "post", post("Hello events")).await;
    let delivered = receiver.wait_for("hello-events", 1);
    assert!(delivered[0].1.contains("entry.published"), "{delivered:?}");
    let log = ok(run(&["webhooks", "deliveries", &id]));
    let attempt = log.lines().nth(1).unwrap_or_default();
    assert!(
        attempt.contains("entry.published")
            && attempt.contains("auto")
            && attempt.contains("delivered")
            && attempt.contains("200"),
        "{log}"
    );
    let log: Value =
        serde_json::from_str(&ok(run(&["--json", "webhooks", "deliveries", &id]))).expect("JSON");
    let delivery = log["data"][0]["id"]
        .as_str()
        .expect("a delivery")
        .to_owned();

    let pinged = ok(run(&["webhooks", "test", &id]));
    assert!(
        pinged.contains("webhook.ping") && pinged.contains("delivered 200"),
        "{pinged}"
    );
    receiver.wait_for("webhook.ping", 1);

    // Redelivered with the same webhook-id.
    let again = ok(run(&["webhooks", "redeliver", &id, &delivery]));
    assert!(
        again.contains("attempt 2 (redeliver)") && again.contains("delivered 200"),
        "{again}"
    );
    let both = receiver.wait_for("hello-events", 2);
    assert!(!both[0].0.is_empty() && both[0].0 == both[1].0, "{both:?}");

    let disabled = ok(run(&["webhooks", "disable", &id]));
    assert_eq!(field(&disabled, "state"), "disabled", "{disabled}");
    let enabled = ok(run(&["webhooks", "enable", &id]));
    assert_eq!(field(&enabled, "state"), "enabled", "{enabled}");
    let rotated = run(&["webhooks", "rotate-secret", &id]);
    assert!(stderr(&rotated).contains("will not be shown again"));
    let rotated = ok(rotated);
    let new_secret = field(&rotated, "secret");
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert!(!field(&rotated, "old secret until").is_empty(), "{rotated}");
    ok(run(&["webhooks", "replay", &id, "--after", "0"]));

    // A receiver that is not there: the test ping fails, and says so.
    let closed = TcpListener::bind("127.0.0.1:0").expect("binds");
    let nowhere = format!("http://{}/hook", closed.local_addr().expect("address"));
    drop(closed);
    let printed = ok(run(&["webhooks", "create", &nowhere]));
    let unreachable = field(&printed, "id");
    let failed = run(&["webhooks", "test", &unreachable]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stdout(&failed).contains("failed"), "{}", stdout(&failed));
    assert!(
        stderr(&failed).contains("did not take the event"),
        "{}",
        stderr(&failed)
    );

    // An address the server may not reach is refused, with the reason's code.
    let refused = run(&["webhooks", "create", "http://169.254.169.254/latest"]);
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("validation_failed") && message.contains("blocked_target"),
        "{message}"
    );
    let unknown = run(&["webhooks", "create", &receiver.url, "--type", "entry.nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("unknown_event_type"));

    assert!(ok(run(&["webhooks", "delete", &id])).contains("deleted"));
    let gone = run(&["webhooks", "show", &id]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        stderr(&gone).contains("webhook_not_found"),
        "{}",
        stderr(&gone)
    );
    let listed = ok(run(&["webhooks", "list"]));
    assert!(
        !listed.contains(&id) && listed.contains(&unreachable),
        "{listed}"
    );
}

#[tokio::test]
async fn the_kept_events_are_printed_and_the_command_exits() {
    let server = Server::start().await;
    let home = TempDir::new().expect("home");
    create_published(&server, "post", post("Kept events")).await;
    let limit = Duration::from_secs(20);
    let args = [
        "--json",
        "events",
        "--since",
        "0",
        "--type",
        "entry.published",
    ];
    let output = within(command(home.path(), &server, &args), limit);
    let printed = ok(output);
    let events: Vec<Value> = printed
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    assert!(events.len() > 1, "{printed}");
    assert!(
        events.iter().all(|e| e["type"] == "entry.published"),
        "{printed}"
    );
    assert!(
        events
            .windows(2)
            .all(|w| w[0]["data"]["seq"].as_u64() < w[1]["data"]["seq"].as_u64())
    );
    let last = events.last().expect("events");
    assert_eq!(last["data"]["slug"], "kept-events", "{printed}");

    let args = [
        "events",
        "--since",
        "0",
        "--type",
        "entry.published",
        "--content-type",
        "post",
    ];
    let printed = ok(within(command(home.path(), &server, &args), limit));
    assert!(
        printed
            .lines()
            .all(|line| line.starts_with('#') && line.contains(" entry.published post/")),
        "{printed}"
    );
    assert!(
        printed.contains("post/kept-events (") && printed.contains("by emergency"),
        "{printed}"
    );

    // After the newest: nothing to print.
    let newest = last["data"]["seq"].to_string();
    let args = ["events", "--since", &newest];
    assert_eq!(ok(within(command(home.path(), &server, &args), limit)), "");
    let args = ["events", "--since", "0", "--type", "entry.nope"];
    let refused = within(command(home.path(), &server, &args), limit);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("invalid_parameter"),
        "{}",
        stderr(&refused)
    );
}

#[tokio::test]
async fn followed_events_arrive_live_and_across_a_restart() {
    // A fixed port and storage on disk, so the client can reconnect to the restarted server.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let options = || Options {
        storage: "surrealkv://data".into(),
        env: vec![("CIVITAS_SERVER__BIND".into(), format!("127.0.0.1:{port}"))],
        ..Options::default()
    };
    let server = Server::start_with(options(), TempDir::new().expect("dir")).await;
    let home = TempDir::new().expect("home");
    let args = ["--json", "events", "--follow", "--type", "entry.published"];
    let mut child = command(home.path(), &server, &args)
        .spawn()
        .expect("civitas runs");
    let lines = lines_of(&mut child);

    // The stream starts with the next change: publish until one is printed.
    let mut first = None;
    for n in 0..20 {
        create_published(&server, "post", post(&format!("Live {n}"))).await;
        if let Ok(line) = lines.recv_timeout(Duration::from_secs(1)) {
            first = Some(line);
            break;
        }
    }
    let first: Value = serde_json::from_str(&first.expect("a live event")).expect("JSON");
    assert_eq!(first["type"], "entry.published", "{first}");
    assert!(
        first["data"]["slug"]
            .as_str()
            .is_some_and(|s| s.starts_with("live-"))
    );

    // The server dies while the client is paused, and what is published before the client
    // is back is not missed: it resumes after the last event it printed. (Killed, not
    // stopped: a graceful stop waits for the open stream's storage handle.)
    let signal = |signal: &str, pid: u32| {
        let sent = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill {signal} {pid}");
    };
    signal("-STOP", child.id());
    signal("-9", server.pid().expect("running"));
    let dir = server.into_dir();
    let server = Server::start_with(options(), dir).await;
    create_published(&server, "post", post("After the restart")).await;
    signal("-CONT", child.id());
    let mut seen = vec![first];
    let started = Instant::now();
    while !seen
        .iter()
        .any(|e| e["data"]["slug"] == "after-the-restart")
    {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "not printed after the restart: {seen:?}"
        );
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            seen.push(serde_json::from_str(&line).expect("JSON"));
        }
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("ends");
    let notes = stderr(&output);
    assert!(notes.contains("connection lost"), "{notes}");
    let seqs: Vec<u64> = seen
        .iter()
        .filter_map(|e| e["data"]["seq"].as_u64())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "nothing twice: {seen:?}"
    );
    assert!(
        seen.iter().all(|e| e["type"] == "entry.published"),
        "{seen:?}"
    );
}
