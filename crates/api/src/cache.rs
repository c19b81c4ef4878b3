//! The public response cache. Reads vastly outnumber writes, so a successful GET of a
//! public route is kept, keyed by path and query, and served again without touching the
//! database while the content types it read are unchanged: a write to partners leaves
//! cached post lists alone unless they embed or filter by partners. The cache is bounded
//! by the bytes it holds (least recently useful answers go first), and when many clients
//! miss the same answer at once, one request computes it while the others wait for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use civitas_store::{ReadSet, track_reads};
use poem::http::{Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::auth::public_reads::{is_public_read, mentions_preview};
use crate::middleware::etag_of;
use crate::state::SharedState;

/// One stored answer, and the content types (at their generations) it was made from.
struct Cached {
    reads: ReadSet,
    content_type: String,
    etag: String,
    body: bytes::Bytes,
}

impl Cached {
    fn response(&self) -> Response {
        Response::builder()
            .status(StatusCode::OK)
            .content_type(self.content_type.as_str())
            .header("x-cache", "hit")
            .header(header::ETAG, self.etag.as_str())
            .body(Body::from_bytes(self.body.clone()))
    }
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Arc<Cached>> for ByBytes {
    fn weight(&self, key: &String, cached: &Arc<Cached>) -> u64 {
        (key.len() + cached.body.len() + cached.etag.len() + 256) as u64
    }
}

/// Typical size of one kept answer, to size the cache's table.
const TYPICAL_ANSWER_BYTES: u64 = 8 << 10;

/// Kept answers by request, and how often they were found.
pub struct ResponseCache {
    answers: Option<Cache<String, Arc<Cached>, ByBytes>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResponseCache {
    /// A cache holding up to `max_bytes` of answers; 0 keeps none.
    pub fn new(max_bytes: u64) -> ResponseCache {
        let answers = (max_bytes > 0).then(|| {
            let items = usize::try_from(max_bytes / TYPICAL_ANSWER_BYTES).unwrap_or(usize::MAX);
            Cache::with_weighter(items.max(64), max_bytes, ByBytes)
        });
        ResponseCache {
            answers,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Answers served from the cache, and answers computed, since start.
    fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
        civitas_metrics::record::cache_hit();
    }

    fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        civitas_metrics::record::cache_miss();
    }

    pub fn hits_and_misses(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// Public answers do not depend on who asks (access was checked before this point, by
/// `public_reads`), so one cached answer serves every caller. GraphQL answers do (admins
/// may introspect, previews are asked for inside the query), so only anonymous ones are
/// kept.
fn cache_key(request: &Request) -> Option<String> {
    let path = request.uri().path();
    let graphql_with_credential = path.starts_with("/api/v1/graphql")
        && request.headers().contains_key(header::AUTHORIZATION);
    let cacheable = request.method() == Method::GET
        && is_public_read(path)
        && !mentions_preview(request)
        && !graphql_with_credential;
    cacheable.then(|| request.uri().to_string())
}

/// Tries to find a current answer before computing one; a stale one is dropped so that
/// exactly one of the requests that find it stale recomputes it.
const LOOKUPS: usize = 3;

/// Serves public GETs from the cache, and fills it from successful answers.
pub async fn cached<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    let Some(state) = request.data::<SharedState>().cloned() else {
        return Ok(next.call(request).await?.into_response());
    };
    let (Some(answers), Some(key)) = (&state.cache.answers, cache_key(&request)) else {
        return Ok(next.call(request).await?.into_response());
    };
    for _ in 0..LOOKUPS {
        match answers.get_value_or_guard_async(&key).await {
            Ok(hit) if state.store.is_current(&hit.reads) => {
                state.cache.hit();
                return Ok(hit.response());
            }
            Ok(_) => {
                answers.remove(&key);
            }
            Err(guard) => {
                state.cache.miss();
                let (response, reads) = track_reads(next.call(request)).await;
                let (response, kept) = keep(response?.into_response(), reads).await?;
                if let Some(kept) = kept {
                    let _ = guard.insert(kept);
                }
                return Ok(response);
            }
        }
    }
    state.cache.miss();
    Ok(next.call(request).await?.into_response())
}

/// A successful answer, tagged, and what to keep of it.
async fn keep(response: Response, reads: ReadSet) -> Result<(Response, Option<Arc<Cached>>)> {
    if response.status() != StatusCode::OK {
        return Ok((response, None));
    }
    let (mut parts, body) = response.into_parts();
    let body = body.into_bytes().await?;
    let etag = etag_of(&body);
    if let Ok(value) = etag.parse() {
        parts.headers.insert(header::ETAG, value);
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let kept = Arc::new(Cached {
        reads,
        content_type,
        etag,
        body: body.clone(),
    });
    Ok((
        Response::from_parts(parts, Body::from_bytes(body)),
        Some(kept),
    ))
}
