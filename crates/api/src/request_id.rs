//! Request ids: every request gets one (the client's `X-Request-Id` when it is sane, a
//! new ULID otherwise), echoed in the response header, the log line, error bodies, the
//! audit log and plugin calls, so one id follows a request everywhere.

use std::sync::Arc;

use poem::{Endpoint, IntoResponse, Request, Response, Result};

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled; empty outside a request.
pub fn current() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// Ids from clients are kept when short and plain, so they cannot forge log lines.
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub async fn assign<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| acceptable(id))
        .map_or_else(|| ulid::Ulid::new().to_string(), str::to_owned);
    let mut response = REQUEST_ID
        .scope(id.clone(), async move { next.get_response(request).await })
        .await
        .into_response();
    if let Ok(value) = id.parse() {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}
