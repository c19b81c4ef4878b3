//! `civitas events`: the change log from `GET /api/v1/events` (Server-Sent Events), one
//! line per event. With `--since` it prints the kept events after a point and exits once
//! caught up; `--follow` (or no `--since`) keeps printing them as they happen, and
//! reconnects with `Last-Event-ID` when the connection drops, so nothing is missed.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use reqwest::{Client, Response};
use serde_json::Value;

use crate::client::http::{ClientError, encode, server_error, with_query};
use crate::client::output::cell;

const STREAM: &str = "/api/v1/events";

/// Without `--follow`: once no event came for this long, the backlog is read.
const CAUGHT_UP: Duration = Duration::from_secs(1);

/// With `--follow`: a connection that says nothing (not even the server's keep-alive
/// comments, every 15 s by default) for this long is taken for dead and reopened.
const SILENT: Duration = Duration::from_secs(90);

/// Waits before reconnecting: doubling from the first up to the last.
const FIRST_RETRY: Duration = Duration::from_millis(500);
const LAST_RETRY: Duration = Duration::from_secs(30);

#[derive(Args)]
pub struct EventsArgs {
    /// Keep printing events as they happen (the default without --since); reconnects,
    /// resuming after the last event printed, when the connection drops.
    #[arg(long)]
    follow: bool,
    /// Only events of this type or family (`entry.published`, `media.*`); repeat or
    /// comma-separate for several.
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
    types: Vec<String>,
    /// Only events about entries of this content type; repeat or comma-separate.
    #[arg(long = "content-type", value_name = "TYPE", value_delimiter = ',')]
    content_types: Vec<String>,
    /// Start after this event (its `#seq`); 0 for every event the server keeps. Without
    /// --follow, exits once caught up.
    #[arg(long, value_name = "SEQ")]
    since: Option<u64>,
}

/// One Server-Sent Event.
#[derive(Debug, PartialEq)]
struct Sse {
    id: Option<String>,
    event: String,
    data: String,
}

/// Reads Server-Sent Events out of the bytes of a stream, as they come in pieces.
#[derive(Default)]
struct Parser {
    pending: Vec<u8>,
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
}

impl Parser {
    /// The events `chunk` completes.
    fn feed(&mut self, chunk: &[u8]) -> Vec<Sse> {
        self.pending.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.pending.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if let Some(event) = self.line(&String::from_utf8_lossy(&line)) {
                events.push(event);
            }
        }
        events
    }

    fn line(&mut self, line: &str) -> Option<Sse> {
        if line.is_empty() {
            let event = self.event.take();
            let id = self.id.take();
            return self.data.take().map(|data| Sse {
                id,
                event: event.unwrap_or_else(|| "message".into()),
                data,
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "id" => self.id = Some(value.to_owned()),
            "event" => self.event = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            _ => {}
        }
        None
    }
}

/// An RFC 3339 time to the second, as people read it: `2026-11-30T23:34:03Z`.
pub fn to_seconds(time: &str) -> String {
    match time.split_once('.') {
        Some((seconds, fraction)) => {
            let zone = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{seconds}{zone}")
        }
        None => time.to_owned(),
    }
}

/// An event as a line: `#42 2026-11-30T23:34:03Z entry.published post/hello (01M8...) r2
/// by user:01J...`.
fn line(message: &Value) -> String {
    let data = &message["data"];
    let text = |key: &str| data[key].as_str().filter(|s| !s.is_empty());
    let mut parts = vec![
        format!("#{}", cell(&data["seq"])),
        to_seconds(&cell(&message["timestamp"])),
        cell(&message["type"]),
    ];
    match (text("content_type"), text("slug")) {
        (Some(type_id), Some(slug)) => parts.push(format!("{type_id}/{slug}")),
        (Some(name), None) | (None, Some(name)) => parts.push(name.to_owned()),
        (None, None) => {}
    }
    if let Some(id) = text("id") {
        parts.push(format!("({id})"));
    }
    if let Some(revision) = data["revision"].as_i64() {
        parts.push(format!("r{revision}"));
    }
    if let Some(actor) = text("actor") {
        parts.push(format!("by {actor}"));
    }
    if text("trigger") == Some("scheduled") {
        parts.push("(scheduled)".into());
    }
    parts.join(" ")
}

/// Where the stream is going wrong, and whether trying again can help.
enum Dropped {
    /// The connection failed or ended: reconnect.
    Connection(String),
    /// A final answer: stop with it.
    Fatal(ClientError),
}

struct Follower {
    http: Client,
    url: String,
    token: Option<String>,
    query: Vec<String>,
    json_output: bool,
    follow: bool,
    /// The `seq` of the last event received, sent as `Last-Event-ID` on reconnecting.
    last: Option<u64>,
}

impl Follower {
    async fn connect(&self, first: bool) -> Result<Response, Dropped> {
        let mut query = self.query.clone();
        if first && let Some(since) = self.last {
            query.push(format!("since={since}"));
        }
        let url = with_query(&format!("{}{STREAM}", self.url), &query);
        let mut request = self.http.get(&url).header("accept", "text/event-stream");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if !first && let Some(last) = self.last {
            request = request.header("last-event-id", last.to_string());
        }
        let response = request
            .send()
            .await
            .map_err(|e| Dropped::Connection(format!("{}: {e}", self.url)))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let error = refusal(response).await;
        // A proxy or a restarting server may answer 502 or 503 for a moment.
        match status.is_server_error() && !first {
            true => Err(Dropped::Connection(error.to_string())),
            false => Err(Dropped::Fatal(error)),
        }
    }

    /// Prints the events of one connection until it ends (or, without `--follow`, until
    /// it is caught up: `Ok(true)`).
    async fn read(&mut self, mut response: Response) -> Result<bool, Dropped> {
        let mut parser = Parser::default();
        let quiet = if self.follow { SILENT } else { CAUGHT_UP };
        loop {
            let chunk = match tokio::time::timeout(quiet, response.chunk()).await {
                Err(_) if self.follow => {
                    return Err(Dropped::Connection(format!(
                        "nothing heard for {} s",
                        SILENT.as_secs()
                    )));
                }
                Err(_) => return Ok(true),
                Ok(Err(error)) => return Err(Dropped::Connection(error.to_string())),
                Ok(Ok(None)) => return Err(Dropped::Connection("the server ended it".into())),
                Ok(Ok(Some(chunk))) => chunk,
            };
            for event in parser.feed(&chunk) {
                if !self.print(event) {
                    // Whoever reads the output went away (`| head`): done.
                    return Ok(true);
                }
            }
        }
    }

    /// Prints one event; false when standard output is closed.
    fn print(&mut self, event: Sse) -> bool {
        let seq = event.id.as_deref().and_then(|id| id.trim().parse().ok());
        let message: Value =
            serde_json::from_str(&event.data).unwrap_or(Value::String(event.data.clone()));
        let text = if self.json_output {
            serde_json::to_string(&message).unwrap_or_default()
        } else if event.event == "reset" {
            eprintln!(
                "reset: the events after #{} are no longer kept (events.retention); carrying on after #{}",
                self.last.map_or_else(|| "?".into(), |n| n.to_string()),
                seq.map_or_else(|| "?".into(), |n: u64| n.to_string()),
            );
            String::new()
        } else {
            line(&message)
        };
        if seq.is_some() {
            self.last = seq;
        }
        if text.is_empty() {
            return true;
        }
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
    }
}

/// The error an answer that is not a stream carries.
async fn refusal(response: Response) -> ClientError {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    server_error(status, &body)
}

fn joined(name: &str, items: &[String]) -> Option<String> {
    let items: Vec<&str> = items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .collect();
    (!items.is_empty()).then(|| format!("{name}={}", encode(&items.join(","))))
}

/// Runs `civitas events` against the server at `url`.
pub async fn run(
    url: &str,
    token: Option<String>,
    args: EventsArgs,
    json_output: bool,
) -> Result<(), ClientError> {
    let http = Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| ClientError::Usage(format!("cannot make an HTTP client: {e}")))?;
    let mut follower = Follower {
        http,
        url: url.trim_end_matches('/').to_owned(),
        token,
        query: [
            joined("types", &args.types),
            joined("content_types", &args.content_types),
        ]
        .into_iter()
        .flatten()
        .collect(),
        json_output,
        follow: args.follow || args.since.is_none(),
        last: args.since,
    };
    let mut first = true;
    let mut wait = FIRST_RETRY;
    loop {
        let dropped = match follower.connect(first).await {
            Ok(response) => {
                first = false;
                wait = FIRST_RETRY;
                match follower.read(response).await {
                    Ok(_) => return Ok(()),
                    Err(dropped) => dropped,
                }
            }
            Err(Dropped::Connection(reason)) if first || !follower.follow => {
                return Err(ClientError::Connection(reason));
            }
            Err(dropped) => dropped,
        };
        match dropped {
            Dropped::Fatal(error) => return Err(error),
            Dropped::Connection(reason) => {
                let after = follower
                    .last
                    .map(|n| format!(" after #{n}"))
                    .unwrap_or_default();
                eprintln!(
                    "connection lost ({reason}); resuming{after} in {:.1} s",
                    wait.as_secs_f32()
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LAST_RETRY);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_are_read_across_pieces_with_comments_and_crlf() {
        let mut parser = Parser::default();
        assert!(parser.feed(b": keep-alive\n\nid: 4").is_empty());
        let events =
            parser.feed(b"2\r\nevent: entry.published\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n");
        assert_eq!(
            events,
            [Sse {
                id: Some("42".into()),
                event: "entry.published".into(),
                data: "{\"a\":\n1}".into(),
            }]
        );
        assert_eq!(parser.feed(b"data:x\n\n")[0].event, "message");
    }

    #[test]
    fn an_event_reads_as_one_line() {
        let message = json!({
            "type": "entry.published",
            "timestamp": "2026-11-30T23:34:03.123456789Z",
            "data": {"seq": 42, "id": "01M8", "content_type": "post", "slug": "hello",
                     "revision": 2, "actor": "emergency", "trigger": "api"},
        });
        assert_eq!(
            line(&message),
            "#42 2026-11-30T23:34:03Z entry.published post/hello (01M8) r2 by emergency"
        );
        assert_eq!(
            to_seconds("2026-11-30T23:34:03+01:00"),
            "2026-11-30T23:34:03+01:00"
        );
    }
}
