//! Cross-cutting request handling: access log, security headers, body size limit,
//! conditional GETs.

use std::hash::{DefaultHasher, Hasher};
use std::sync::Arc;
use std::time::Instant;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};
use tokio::io::AsyncReadExt;

use crate::error::{ApiError, ErrorCode};

/// One log line per request: method, path, status, duration and database queries. The
/// count also goes out as `Server-Timing: db;desc="N queries"`, so clients and tests can
/// see what a request cost.
pub async fn log_request<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let (mut response, queries) = civitas_store::count_queries(next.get_response(request)).await;
    let status = response.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = format!("db;desc=\"{queries} queries\", total;dur={millis:.2}").parse() {
        response.headers_mut().insert("server-timing", value);
    }
    let request_id = crate::request_id::current();
    tracing::info!(target: "civitas::http", %method, %path, status, duration_ms = format!("{millis:.2}"), queries, %request_id, "request");
    Ok(response)
}

/// Gives each request its plugin time budget (`plugins.request_budget_ms`), shared by
/// every hook call the request makes.
pub fn plugin_budget<E: Endpoint + 'static>(
    budget: std::time::Duration,
) -> impl Fn(Arc<E>, Request) -> HeadersFuture + Send + Sync + 'static {
    move |next, request| {
        Box::pin(async move {
            let work = next.get_response(request);
            Ok(civitas_plugin_host::with_budget(budget, work).await)
        })
    }
}

/// The API serves JSON only, so its pages may run no scripts and sit in no frame; the
/// docs page needs its own (inline) scripts and styles.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
const DOCS_CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// Headers that keep browsers from sniffing, framing or leaking what the API returns, on
/// every response (errors included). `hsts_max_age_secs` > 0 adds Strict-Transport-Security,
/// for servers reached over HTTPS only.
pub fn security_headers<E: Endpoint + 'static>(
    hsts_max_age_secs: u64,
) -> impl Fn(Arc<E>, Request) -> HeadersFuture + Send + Sync + 'static {
    move |next, request| {
        Box::pin(async move {
            let docs = request.uri().path().starts_with("/docs");
            let mut response = next.get_response(request).await;
            let headers = response.headers_mut();
            let csp = if docs { DOCS_CSP } else { API_CSP };
            // An asset that could hold active content (SVG, PDF) brings its own sandbox.
            if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(csp),
                );
            }
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            headers.insert(
                "cross-origin-resource-policy",
                HeaderValue::from_static("cross-origin"),
            );
            if hsts_max_age_secs > 0
                && let Ok(value) = format!("max-age={hsts_max_age_secs}; includeSubDomains").parse()
            {
                headers.insert(header::STRICT_TRANSPORT_SECURITY, value);
            }
            Ok(response)
        })
    }
}

pub(crate) type HeadersFuture = std::pin::Pin<Box<dyn Future<Output = Result<Response>> + Send>>;

/// Refuses bodies over `max_bytes` with 413, whether or not the client announced the
/// length: a chunked body is read up to the limit and no further into memory.
pub fn limit_body<E: Endpoint + 'static>(
    max_bytes: usize,
) -> impl Fn(Arc<E>, Request) -> HeadersFuture + Send + Sync + 'static {
    move |next, request| Box::pin(limited(next, request, max_bytes))
}

/// A client that sends a somewhat oversized body gets its 413 only if the server reads
/// (and drops) the rest first: closing mid-upload makes most clients report a broken
/// connection instead. Bodies beyond this many times the limit are cut off at once.
const DRAIN_FACTOR: u64 = 4;

async fn limited<E: Endpoint + 'static>(
    next: Arc<E>,
    mut request: Request,
    max_bytes: usize,
) -> Result<Response> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than the limit of {max_bytes} bytes"),
        )
    };
    if is_upload(&request) {
        // Uploads stream to the media store under their own limit (media.max_upload_bytes).
        return crate::media::guarded_upload(next.as_ref(), request).await;
    }
    let drain_limit = max_bytes as u64 * DRAIN_FACTOR;
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = announced.filter(|length| *length > max_bytes as u64) {
        if length <= drain_limit {
            discard(request.take_body(), drain_limit).await;
        }
        return Err(too_large().into());
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut reader = request.take_body().into_async_read();
        let mut body = Vec::new();
        let read = (&mut reader)
            .take(max_bytes as u64 + 1)
            .read_to_end(&mut body)
            .await;
        if read.is_err() {
            return Err(ApiError::new(ErrorCode::InvalidBody, "the body could not be read").into());
        }
        if body.len() > max_bytes {
            let _ = tokio::io::copy(&mut reader.take(drain_limit), &mut tokio::io::sink()).await;
            return Err(too_large().into());
        }
        request.set_body(Body::from_vec(body));
    }
    Ok(next.call(request).await?.into_response())
}

/// A media upload or file replacement: `multipart/form-data` to the media routes.
fn is_upload(request: &Request) -> bool {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let path = request.uri().path();
    multipart
        && (request.method() == Method::POST || request.method() == Method::PUT)
        && path.starts_with("/api/v1/admin/media")
}

async fn discard(body: Body, limit: u64) {
    let _ = tokio::io::copy(
        &mut body.into_async_read().take(limit),
        &mut tokio::io::sink(),
    )
    .await;
}

/// A strong validator for a response body.
pub fn etag_of(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    format!("\"{:016x}\"", hasher.finish())
}

/// Gives every successful GET an ETag and answers a matching `If-None-Match` with 304,
/// so clients and CDNs can revalidate without downloading the body again.
pub async fn conditional_get<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    // Assets answer conditional requests themselves, without reading large files whole.
    if request.method() != Method::GET || request.uri().path().starts_with("/assets/") {
        return Ok(next.call(request).await?.into_response());
    }
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.call(request).await?.into_response();
    // A stream never ends, so it cannot be hashed (nor would a tag mean anything).
    let streaming = response
        .content_type()
        .is_some_and(|t| t.starts_with("text/event-stream"));
    if response.status() != StatusCode::OK || streaming {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = body.into_bytes().await?;
    // The response cache tags what it serves when it stores it, so hits are not rehashed.
    let etag = match parts
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
    {
        Some(tag) => tag.to_owned(),
        None => etag_of(&bytes),
    };
    let matches = if_none_match
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .finish()
    } else {
        Response::from_parts(parts, Body::from_bytes(bytes))
    };
    if let Ok(value) = etag.parse() {
        response.headers_mut().insert(header::ETAG, value);
    }
    Ok(response)
}
