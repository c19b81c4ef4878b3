//! The public response cache: reads vastly outnumber writes, so a successful GET of a
//! public route is kept, keyed by path and query, and served again without
//! touching the database until the next write (any write: responses embed entries of
//! other types). Only this process's writes are seen; see the README on several nodes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use poem::http::{Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};

use crate::auth::public_reads::{is_public_read, mentions_preview};
use crate::middleware::etag_of;
use crate::state::SharedState;

/// One stored answer: what the content looked like at `generation`.
struct Cached {
    generation: u64,
    content_type: String,
    etag: String,
    body: bytes::Bytes,
}

/// Kept answers, by request; cleared whole when full rather than grown without bound.
#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<HashMap<String, Arc<Cached>>>,
}

/// Public answers do not depend on who asks (access was checked before this point, by
/// `public_reads`), so one cached answer serves every caller.
fn cache_key(request: &Request) -> Option<String> {
    let cacheable = request.method() == Method::GET
        && is_public_read(request.uri().path())
        && !mentions_preview(request);
    cacheable.then(|| request.uri().to_string())
}

/// Serves public GETs from the cache, and fills it from successful answers.
pub async fn cached<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    let Some(state) = request.data::<SharedState>().cloned() else {
        return Ok(next.call(request).await?.into_response());
    };
    let max_entries = state.settings.cache_max_entries;
    let key = cache_key(&request).filter(|_| max_entries > 0);
    let Some(key) = key else {
        return Ok(next.call(request).await?.into_response());
    };
    let generation = state.store.write_generation();
    let hit = state
        .cache
        .entries
        .lock()
        .ok()
        .and_then(|entries| entries.get(&key).cloned());
    if let Some(hit) = hit.filter(|hit| hit.generation == generation) {
        return Ok(Response::builder()
            .status(StatusCode::OK)
            .content_type(hit.content_type.as_str())
            .header("x-cache", "hit")
            .header(header::ETAG, hit.etag.as_str())
            .body(Body::from_bytes(hit.body.clone())));
    }
    let response = next.call(request).await?.into_response();
    if response.status() != StatusCode::OK {
        return Ok(response);
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
    if let Ok(mut entries) = state.cache.entries.lock() {
        if entries.len() >= max_entries {
            entries.clear();
        }
        entries.insert(
            key,
            Arc::new(Cached {
                generation,
                content_type,
                etag,
                body: body.clone(),
            }),
        );
    }
    Ok(Response::from_parts(parts, Body::from_bytes(body)))
}
