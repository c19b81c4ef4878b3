//! Reading a Server-Sent Events stream (`GET /api/v1/events`) as a browser would: the
//! body as it arrives, cut into events (`id:`, `event:`, `data:` lines up to a blank
//! line) and comments (`:` lines, the keep-alives).

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use reqwest::RequestBuilder;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::time::Instant;

/// One event of the stream.
#[derive(Debug, Clone)]
pub struct Event {
    /// The `id:` line: the event's `seq`.
    pub id: Option<String>,
    /// The `event:` line (`message` when there is none).
    pub event: String,
    /// The `data:` lines, parsed as JSON: `{"type", "timestamp", "data": {...}}`.
    pub data: Value,
}

impl Event {
    /// The change's facts: `data.data`.
    pub fn facts(&self) -> &Value {
        &self.data["data"]
    }

    /// `data.data.seq`, which must agree with the `id:` line.
    pub fn seq(&self) -> u64 {
        let seq = self.facts()["seq"]
            .as_u64()
            .unwrap_or_else(|| panic!("an event without a seq: {self:?}"));
        assert_eq!(
            self.id.as_deref(),
            Some(seq.to_string().as_str()),
            "the id: line is the seq: {self:?}"
        );
        seq
    }

    /// The event type, which must agree between the `event:` line and `data.type`.
    pub fn kind(&self) -> &str {
        assert_eq!(self.data["type"], self.event.as_str(), "{self:?}");
        &self.event
    }

    /// The entry's, media record's or plugin's id.
    pub fn subject(&self) -> &str {
        self.facts()["id"].as_str().unwrap_or("")
    }

    /// `(type, subject)`, for comparing with what was written.
    pub fn what(&self) -> (String, String) {
        (self.kind().to_owned(), self.subject().to_owned())
    }
}

/// What the stream sends: an event or a comment line.
#[derive(Debug, Clone)]
pub enum Item {
    Event(Event),
    Comment(String),
}

/// An open stream.
pub struct Stream {
    pub headers: HeaderMap,
    body: BoxStream<'static, reqwest::Result<Vec<u8>>>,
    buffer: Vec<u8>,
    /// The event being read: its id, type and data lines.
    id: Option<String>,
    event: Option<String>,
    data: Vec<String>,
}

/// How long a test waits for an event it expects before failing.
pub const PATIENCE: Duration = Duration::from_secs(5);

impl Stream {
    /// Sends `request` and asserts that it opens a stream.
    pub async fn open(request: RequestBuilder) -> Stream {
        let response = request.send().await.expect("the stream answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if status != 200 {
            let body = response.text().await.unwrap_or_default();
            panic!("the stream answered {status}: {body}");
        }
        Stream {
            headers,
            body: response
                .bytes_stream()
                .map(|chunk| chunk.map(|bytes| bytes.to_vec()))
                .boxed(),
            buffer: Vec::new(),
            id: None,
            event: None,
            data: Vec::new(),
        }
    }

    /// The next event or comment, if one arrives within `within`. Panics when the
    /// server ends the stream: it never should.
    pub async fn next_item(&mut self, within: Duration) -> Option<Item> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(item) = self.parse() {
                return Some(item);
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(chunk))) => self.buffer.extend_from_slice(&chunk),
                Ok(Some(Err(error))) => panic!("the stream broke: {error}"),
                Ok(None) => panic!("the server ended the stream"),
            }
        }
    }

    /// The next event (comments skipped), if one arrives within `within`.
    pub async fn next_event(&mut self, within: Duration) -> Option<Event> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_item(left).await? {
                Item::Event(event) => return Some(event),
                Item::Comment(_) => {}
            }
        }
    }

    /// The next `n` events, all within [`PATIENCE`]; panics, saying what came, if they
    /// do not.
    pub async fn take(&mut self, n: usize) -> Vec<Event> {
        let deadline = Instant::now() + PATIENCE;
        let mut events = Vec::with_capacity(n);
        while events.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_event(left).await {
                Some(event) => events.push(event),
                None => panic!(
                    "{} of {n} events within {PATIENCE:?}: {:#?}",
                    events.len(),
                    kinds(&events)
                ),
            }
        }
        events
    }

    /// Asserts that no event arrives within `wait` (comments may).
    pub async fn expect_silence(&mut self, wait: Duration) {
        if let Some(event) = self.next_event(wait).await {
            panic!("an event nobody should get: {event:?}");
        }
    }

    /// One item from what has been received, if a whole one is there.
    fn parse(&mut self) -> Option<Item> {
        loop {
            let end = self.buffer.iter().position(|&b| b == b'\n')?;
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8(line).expect("the stream is UTF-8");
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if let Some(event) = self.dispatch() {
                    return Some(Item::Event(event));
                }
                continue;
            }
            if let Some(comment) = line.strip_prefix(':') {
                return Some(Item::Comment(comment.trim_start().to_owned()));
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value).to_owned();
            match field {
                "id" => self.id = Some(value),
                "event" => self.event = Some(value),
                "data" => self.data.push(value),
                // `retry:` and unknown fields change nothing here.
                _ => {}
            }
        }
    }

    /// The event the lines read so far make, at a blank line; none without data.
    fn dispatch(&mut self) -> Option<Event> {
        let id = self.id.take();
        let event = self.event.take();
        let data = std::mem::take(&mut self.data);
        if data.is_empty() {
            return None;
        }
        let text = data.join("\n");
        let data = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("event data is not JSON ({error}): {text}"));
        Some(Event {
            id,
            event: event.unwrap_or_else(|| "message".to_owned()),
            data,
        })
    }
}

/// `type subject (seq)` for each event, for failure messages.
pub fn kinds(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| format!("{} {} ({:?})", e.event, e.subject(), e.id))
        .collect()
}
