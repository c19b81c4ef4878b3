//! Cross-origin access for browser apps on the configured origins (`server.cors_origins`).
//!
//! An origin not on the list gets no CORS headers, so the browser keeps the answer from
//! the page; the request itself is served as usual, because server-side callers send
//! `Origin` too and are not subject to CORS.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

const ALLOW_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS: &str = "authorization, content-type, if-match, if-none-match, x-request-id";
const EXPOSE_HEADERS: &str = "etag, location, retry-after, server-timing, x-cache, x-request-id";

/// Which origins may read answers, and how long browsers may cache a preflight.
#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    /// Exact origins (`https://www.example.org`), or `*` for any.
    pub origins: Vec<String>,
    pub max_age_secs: u64,
}

impl CorsPolicy {
    fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == "*" || o == origin)
    }
}

pub fn cors<E: Endpoint + 'static>(
    policy: Arc<CorsPolicy>,
) -> impl Fn(Arc<E>, Request) -> CorsFuture + Send + Sync + 'static {
    move |next, request| {
        let policy = policy.clone();
        Box::pin(async move { apply(&policy, next, request).await })
    }
}

type CorsFuture = std::pin::Pin<Box<dyn Future<Output = Result<Response>> + Send>>;

async fn apply<E: Endpoint>(
    policy: &CorsPolicy,
    next: Arc<E>,
    request: Request,
) -> Result<Response> {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .filter(|origin| origin.to_str().is_ok_and(|o| policy.allows(o)))
        .cloned();
    let Some(origin) = origin else {
        return Ok(next.get_response(request).await);
    };
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
            .header(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
            .header(header::ACCESS_CONTROL_MAX_AGE, policy.max_age_secs)
            .finish()
    } else {
        let mut response = next.get_response(request).await.into_response();
        response.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    Ok(response)
}
