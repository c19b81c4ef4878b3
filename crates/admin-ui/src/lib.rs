//! The editors' web app, served at `/admin`: built from `app/` by build.rs and embedded
//! in the binary, so `civitas serve` needs no files beside it.
//!
//! Files under `/admin/assets/` carry content hashes in their names and are cached by
//! browsers for a year; a missing one is a 404. Any other path that is not a file is one
//! of the app's own (client-side) routes and gets `index.html`, which browsers revalidate
//! on every load (`no-cache` with an ETag). Every answer carries the app's strict
//! Content-Security-Policy, and text is sent compressed when the browser accepts it.

mod compress;
mod files;
mod policy;

use std::sync::Arc;

use bytes::Bytes;
use poem::error::{MethodNotAllowedError, NotFoundError};
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, Request, Response, Result};

pub use policy::content_security_policy;

use compress::{Compressed, Encoding};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The `/admin` endpoint; mount it with `Route::nest_no_strip("/admin", ...)`.
pub struct AdminUi {
    enabled: bool,
    csp: HeaderValue,
    compressed: Arc<Compressed>,
}

impl AdminUi {
    /// `enabled: false` answers 404 everywhere under /admin. `media_origin` is the media
    /// store's public origin when images are not served by this server (see
    /// `content_security_policy`).
    pub fn new(enabled: bool, media_origin: Option<&str>) -> AdminUi {
        let policy = content_security_policy(media_origin);
        // The policy holds visible ASCII only, which every header value takes.
        let csp = HeaderValue::from_str(&policy)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
        AdminUi {
            enabled,
            csp,
            compressed: Arc::new(Compressed::new(files::all().len())),
        }
    }
}

impl Endpoint for AdminUi {
    type Output = Response;

    async fn call(&self, request: Request) -> Result<Response> {
        if !self.enabled {
            return Err(NotFoundError.into());
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return Err(MethodNotAllowedError.into());
        }
        let path = request.uri().path();
        let path = path.strip_prefix("/admin").unwrap_or(path);
        let index = files::lookup(path.trim_start_matches('/')).ok_or(NotFoundError)?;
        let file = files::all().get(index).ok_or(NotFoundError)?;
        let (body, etag, encoding) = self.body(&request, index, file).await;
        let cache_control = if file.is_hashed() {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        // A 304 repeats the policy: browsers replace the stored response's headers with
        // the 304's, and the API's policy would otherwise stand in for the app's.
        let mut response = Response::builder()
            .header(header::CACHE_CONTROL, cache_control)
            .header(header::CONTENT_SECURITY_POLICY, self.csp.clone())
            .header(header::ETAG, etag.as_str());
        if file.is_compressible() {
            response = response.header(header::VARY, "accept-encoding");
        }
        if matches_etag(&request, &etag) {
            return Ok(response.status(StatusCode::NOT_MODIFIED).finish());
        }
        if let Some(encoding) = encoding {
            response = response.header(header::CONTENT_ENCODING, encoding.token());
        }
        Ok(response.content_type(file.content_type).body(body))
    }
}

impl AdminUi {
    /// The file's bytes in the encoding the browser prefers (when compressing helps),
    /// with the ETag of that encoding.
    async fn body(
        &self,
        request: &Request,
        index: usize,
        file: &'static files::File,
    ) -> (Body, String, Option<Encoding>) {
        if let Some(encoding) = compress::preferred(request.headers())
            && let Some(bytes) = self.compressed.get(index, file, encoding).await
        {
            let etag = tagged(file.etag, encoding.token());
            return (Body::from_bytes(bytes), etag, Some(encoding));
        }
        let bytes = Bytes::from_static(file.bytes);
        (Body::from_bytes(bytes), file.etag.to_owned(), None)
    }
}

fn matches_etag(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*")
}

/// The ETag of one encoding of a file: `"abc"` becomes `"abc-br"`.
fn tagged(etag: &str, token: &str) -> String {
    format!("{}-{token}\"", etag.trim_end_matches('"'))
}
