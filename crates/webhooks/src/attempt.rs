//! What one delivery attempt came to, judged the Standard Webhooks way: only 2xx is
//! delivered, a redirect is a failure, 410 means "stop calling me".

use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{LOCATION, RETRY_AFTER};

use crate::retry_after;

/// The deliveries log keeps this much of a response: enough to see an error message.
pub const SNIPPET_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered,
    /// Anything else worth retrying: transport errors, timeouts, 3xx, 4xx, 5xx.
    Failed,
    /// 410: the receiver asks never to be called again; disable the endpoint.
    Gone,
    /// The network policy refused the target; retrying helps only once the URL, its DNS
    /// or the policy changes.
    Blocked,
}

impl Outcome {
    /// The lowercase name, for storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Failed => "failed",
            Outcome::Gone => "gone",
            Outcome::Blocked => "blocked",
        }
    }
}

/// What happened, for the deliveries log and the retry decision.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// The first `SNIPPET_BYTES` of the response body, lossy UTF-8; `None` when empty.
    pub response_snippet: Option<String>,
    /// Why it was not delivered, in words; `None` when delivered.
    pub error: Option<String>,
    pub outcome: Outcome,
    /// The receiver's `Retry-After` on a non-2xx answer, capped at `MAX_RETRY_AFTER`.
    pub retry_after: Option<Duration>,
}

impl Attempt {
    /// An attempt that got no HTTP answer.
    pub(crate) fn unanswered(started: Instant, error: String, outcome: Outcome) -> Attempt {
        Attempt {
            status: None,
            duration_ms: elapsed_ms(started),
            response_snippet: None,
            error: Some(error),
            outcome,
            retry_after: None,
        }
    }

    pub(crate) async fn answered(started: Instant, response: reqwest::Response) -> Attempt {
        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        let retry_after = match status.is_success() {
            true => None,
            false => {
                header(RETRY_AFTER).and_then(|value| retry_after::parse(value, SystemTime::now()))
            }
        };
        let (outcome, error) = judge(status, header(LOCATION));
        let response_snippet = read_snippet(response).await;
        Attempt {
            status: Some(status.as_u16()),
            duration_ms: elapsed_ms(started),
            response_snippet,
            error,
            outcome,
            retry_after,
        }
    }
}

fn judge(status: StatusCode, location: Option<&str>) -> (Outcome, Option<String>) {
    let code = status.as_u16();
    if status.is_success() {
        (Outcome::Delivered, None)
    } else if status == StatusCode::GONE {
        (Outcome::Gone, Some(format!("HTTP {code}")))
    } else if status.is_redirection() {
        // Following it would let a receiver point the request anywhere, past the policy.
        let to = location
            .map(|location| format!(" to {}", truncate(location, 200)))
            .unwrap_or_default();
        (
            Outcome::Failed,
            Some(format!("redirect ({code}) not followed{to}")),
        )
    } else {
        (Outcome::Failed, Some(format!("HTTP {code}")))
    }
}

/// Reads at most `SNIPPET_BYTES` and drops the rest unread: a receiver must not be able
/// to make us buffer a large or endless body. Dropping mid-body closes the connection.
async fn read_snippet(mut response: reqwest::Response) -> Option<String> {
    let mut snippet = Vec::new();
    while snippet.len() < SNIPPET_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(SNIPPET_BYTES - snippet.len());
                snippet.extend_from_slice(&chunk[..take]);
            }
            // The status already decided the outcome; a body cut short keeps what came.
            Ok(None) | Err(_) => break,
        }
    }
    (!snippet.is_empty()).then(|| String::from_utf8_lossy(&snippet).into_owned())
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn truncate(text: &str, max_chars: usize) -> &str {
    text.char_indices()
        .nth(max_chars)
        .map_or(text, |(index, _)| &text[..index])
}
