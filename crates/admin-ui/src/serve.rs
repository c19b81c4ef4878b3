//! Serving one embedded build under its mount: hashed bundles cached for good, the page
//! revalidated on every load (`no-cache` with an ETag), every answer (a 304 too) under
//! the build's Content-Security-Policy, text compressed when the browser accepts it.

use std::sync::Arc;

use bytes::Bytes;
use poem::error::{MethodNotAllowedError, NotFoundError};
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, Request, Response, Result};

use crate::compress::{self, Compressed, Encoding};
use crate::files::{Build, File};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The endpoint for one build; mount it with `Route::nest_no_strip(mount, ...)`.
pub struct Site {
    enabled: bool,
    mount: &'static str,
    build: &'static Build,
    csp: HeaderValue,
    compressed: Arc<Compressed>,
}

impl Site {
    /// `enabled: false` answers 404 everywhere under `mount`.
    pub(crate) fn new(
        enabled: bool,
        mount: &'static str,
        build: &'static Build,
        policy: &str,
    ) -> Site {
        // The policies hold visible ASCII only, which every header value takes.
        let csp = HeaderValue::from_str(policy)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
        Site {
            enabled,
            mount,
            build,
            csp,
            compressed: Arc::new(Compressed::new(build.files.len())),
        }
    }
}

impl Endpoint for Site {
    type Output = Response;

    async fn call(&self, request: Request) -> Result<Response> {
        if !self.enabled {
            return Err(NotFoundError.into());
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return Err(MethodNotAllowedError.into());
        }
        let path = request.uri().path();
        let path = path.strip_prefix(self.mount).unwrap_or(path);
        let index = self
            .build
            .lookup(path.trim_start_matches('/'))
            .ok_or(NotFoundError)?;
        let file = self.build.files.get(index).ok_or(NotFoundError)?;
        let (body, etag, encoding) = self.body(&request, index, file).await;
        let cache_control = if file.is_hashed() {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        // A 304 repeats the policy: browsers replace the stored response's headers with
        // the 304's, and the API's policy would otherwise stand in for the build's.
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

impl Site {
    /// The file's bytes in the encoding the browser prefers (when compressing helps),
    /// with the ETag of that encoding.
    async fn body(
        &self,
        request: &Request,
        index: usize,
        file: &'static File,
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
