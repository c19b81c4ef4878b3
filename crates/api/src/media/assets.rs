//! `GET /assets/{id}/{filename}`: a file of the media library, or a variant of an image
//! rendered on first request (`?w=&h=&fit=&fmt=&q=` or `?preset=`), with byte ranges,
//! entity tags and year-long caching. The URL is the whole cache key: nothing depends on
//! `Accept`, so a CDN can never pin one client's format on another.

use std::ops::Range;
use std::time::Instant;

use bytes::Bytes;
use civitas_media::{
    FocalPoint, MediaError, MediaKind, MediaObject, TransformRequest, TransformSpec, parse_query,
    render, variant_key,
};
use civitas_store::{MediaRecord, is_entry_id};
use futures_util::StreamExt;
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::Path;
use poem::{Body, IntoResponse, Request, Response, handler};
use serde_json::Value;

use crate::error::{ApiError, ErrorCode};
use crate::media::asset_cache::MAX_KEPT_BYTES;
use crate::media::library::{MediaLibrary, TransformPolicy};
use crate::media::routes::media_not_found;
use crate::media::upload::media_error;
use crate::state::SharedState;

/// What the URL asks for, after the policy allowed it.
enum Wanted {
    Original,
    Variant(TransformSpec),
}

/// Where stored bytes are, so a byte range of them can be read.
enum Located {
    Original {
        sha256: String,
    },
    Variant {
        sha256: String,
        key: String,
        format: civitas_media::OutputFormat,
    },
}

impl Located {
    async fn read(
        &self,
        library: &MediaLibrary,
        range: Option<Range<u64>>,
    ) -> Result<MediaObject, MediaError> {
        match self {
            Located::Original { sha256 } => library.store.get_original(sha256, range).await,
            Located::Variant {
                sha256,
                key,
                format,
            } => library.store.get_variant(sha256, key, *format, range).await,
        }
    }
}

/// Where the bytes of an answer come from: memory (small files, fresh renders), or the
/// store, streamed.
enum Source {
    Stored(Located, MediaObject),
    Memory(Bytes),
}

impl Located {
    /// The object's name in memory: derived from its content, so it never goes stale.
    fn memory_key(&self) -> String {
        match self {
            Located::Original { sha256 } => format!("o/{sha256}"),
            Located::Variant {
                sha256,
                key,
                format,
            } => {
                format!("v/{sha256}/{key}.{}", format.extension())
            }
        }
    }

    /// The object from memory, or from the store (kept in memory when small).
    async fn fetch(self, library: &MediaLibrary) -> Result<Source, MediaError> {
        let memory_key = self.memory_key();
        if let Some(bytes) = library.cache.bytes(&memory_key) {
            return Ok(Source::Memory(bytes));
        }
        let object = self.read(library, None).await?;
        if object.size > MAX_KEPT_BYTES {
            return Ok(Source::Stored(self, object));
        }
        let bytes = object.bytes().await?;
        library.cache.keep(&memory_key, bytes.clone());
        Ok(Source::Memory(bytes))
    }
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A URL whose `v` names an earlier file: the answer is the current file, not to be kept.
const REVALIDATE: &str = "public, no-cache";
/// SVG and PDF may carry active content: it must never run in the site's origin.
const SANDBOX_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

#[handler]
pub async fn asset(request: &Request, Path((id, _filename)): Path<(String, String)>) -> Response {
    let Some(state) = request.data::<SharedState>() else {
        return ApiError::new(ErrorCode::Internal, "no state").into_response();
    };
    match answer(state, request, &id).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn answer(state: &SharedState, request: &Request, id: &str) -> Result<Response, ApiError> {
    let library = &state.media;
    let record = match is_entry_id(id) {
        true => library.cache.record(&state.store, id).await?,
        false => None,
    }
    .ok_or_else(|| media_not_found(id))?;
    let text = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default();
    let sha256 = text("sha256").to_owned();
    let kind = MediaKind::from_mime(text("mime"))
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "a media record has an unknown type"))?;
    let (mut wanted, version) = wanted(library, request, id)?;
    if !kind.is_raster() {
        // SVG draws at any size and PDF is a download: a variant of either is the file.
        wanted = Wanted::Original;
    }
    let current = version.is_none_or(|v| sha256.starts_with(&v) && v.len() >= 8);
    let cache_control = if current { IMMUTABLE } else { REVALIDATE };
    let (etag, mime, source) = match wanted {
        Wanted::Original => {
            let located = Located::Original {
                sha256: sha256.clone(),
            };
            let source = located.fetch(library).await.map_err(media_error)?;
            (format!("\"{sha256}\""), kind.mime(), source)
        }
        Wanted::Variant(spec) => {
            let focal = focal_point(&record);
            let key = variant_key(&spec, focal);
            let source = variant(library, &sha256, kind, spec, focal, &key, id).await?;
            (
                format!("\"{}-{key}\"", &sha256[..16.min(sha256.len())]),
                spec.format().mime(),
                source,
            )
        }
    };
    if not_modified(request, &etag) {
        let mut response = Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag.as_str())
            .header(header::CACHE_CONTROL, cache_control)
            .finish();
        response.headers_mut().remove(header::CONTENT_TYPE);
        return Ok(response);
    }
    let mut response = ranged(request, source, library).await?;
    if !response.status().is_success() {
        return Ok(response);
    }
    let headers = response.headers_mut();
    let value = |text: &str| HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static(""));
    headers.insert(header::CONTENT_TYPE, value(mime));
    headers.insert(header::ETAG, value(&etag));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let filename = match mime == kind.mime() {
        true => text("filename").to_owned(),
        // A variant is named for its own format, so a saved file opens as what it is.
        false => {
            let stem = text("filename")
                .rsplit_once('.')
                .map_or(text("filename"), |(s, _)| s);
            format!("{stem}.{}", mime.rsplit('/').next().unwrap_or("bin"))
        }
    };
    let disposition = if kind == MediaKind::Pdf {
        "attachment"
    } else {
        "inline"
    };
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(&format!("{disposition}; filename=\"{filename}\"")),
    );
    if matches!(kind, MediaKind::Svg | MediaKind::Pdf) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SANDBOX_CSP),
        );
    }
    Ok(response)
}

/// The original or a variant, as the query asks and `media.transform_policy` allows; and
/// the `v` the URL names. A `preset` may be given with parameters that change it (`fmt`,
/// say) where any parameters are allowed.
fn wanted(
    library: &MediaLibrary,
    request: &Request,
    id: &str,
) -> Result<(Wanted, Option<String>), ApiError> {
    let query = request.uri().query().unwrap_or_default();
    let (mut version, mut preset, mut signature) = (None, None, None);
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    let mut given = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "v" if version.is_none() => version = Some(value.into_owned()),
            "preset" if preset.is_none() => preset = Some(value.into_owned()),
            "sig" if signature.is_none() => signature = Some(value.into_owned()),
            _ => {
                given.push(key.clone().into_owned());
                params.append_pair(&key, &value);
            }
        }
    }
    if version.as_ref().is_some_and(|v| !is_hex(v)) {
        return Err(ApiError::invalid_parameter(
            "v",
            "`v` must be hex digits of the file's SHA-256, as its `url` gives them".into(),
        ));
    }
    let overrides = match given.is_empty() {
        true => None,
        false => match parse_query(&params.finish()).map_err(media_error)?.request {
            TransformRequest::Params(spec) => Some(spec),
            TransformRequest::Preset(_) => None,
        },
    };
    let named = preset
        .map(|name| {
            library
                .settings
                .presets
                .resolve(&TransformRequest::Preset(name))
                .map_err(media_error)
        })
        .transpose()?;
    let spec = match (named, overrides) {
        (None, None) => return Ok((Wanted::Original, version)),
        (Some(named), None) => return Ok((Wanted::Variant(named), version)),
        (Some(named), Some(changes)) => changed(named, changes, &given)?,
        (None, Some(spec)) => spec,
    };
    match (library.settings.transform_policy, &library.signer) {
        (TransformPolicy::Any, _) => {}
        (TransformPolicy::Presets, _) => {
            return Err(ApiError::new(
                ErrorCode::InvalidTransform,
                "this server renders only named presets (`preset=` alone); see media.presets",
            ));
        }
        (TransformPolicy::Signed, Some(signer)) => signer
            .verify(id, &spec, signature.as_deref())
            .map_err(media_error)?,
        (TransformPolicy::Signed, None) => {
            return Err(media_error(MediaError::InvalidSignature));
        }
    }
    Ok((Wanted::Variant(spec), version))
}

fn is_hex(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A preset with the parameters the URL gives in its place.
fn changed(
    preset: TransformSpec,
    changes: TransformSpec,
    given: &[String],
) -> Result<TransformSpec, ApiError> {
    let has = |name: &str| given.iter().any(|g| g == name);
    TransformSpec::new(
        if has("w") {
            changes.width()
        } else {
            preset.width()
        },
        if has("h") {
            changes.height()
        } else {
            preset.height()
        },
        if has("fit") {
            changes.fit()
        } else {
            preset.fit()
        },
        if has("fmt") {
            changes.format()
        } else {
            preset.format()
        },
        if has("q") {
            changes.quality()
        } else {
            preset.quality()
        },
    )
    .map_err(media_error)
}

/// A stored variant, or one rendered now: once, however many ask at the same moment, and
/// no more at a time than `media.render_concurrency`.
async fn variant(
    library: &MediaLibrary,
    sha256: &str,
    kind: MediaKind,
    spec: TransformSpec,
    focal: FocalPoint,
    key: &str,
    id: &str,
) -> Result<Source, ApiError> {
    let located = Located::Variant {
        sha256: sha256.to_owned(),
        key: key.to_owned(),
        format: spec.format(),
    };
    let memory_key = located.memory_key();
    match located.fetch(library).await {
        Ok(source) => return Ok(source),
        Err(MediaError::NotFound) => {}
        Err(other) => return Err(media_error(other)),
    }
    let runtime = tokio::runtime::Handle::current();
    let store = library.store.clone();
    let limits = library.settings.limits;
    let (sha, variant_key, media_id) = (sha256.to_owned(), key.to_owned(), id.to_owned());
    let bytes = library
        .gate
        .run(&format!("{sha256}/{key}"), move || {
            let started = Instant::now();
            let original =
                runtime.block_on(async { store.get_original(&sha, None).await?.bytes().await })?;
            let rendered = render(&original, kind, &spec, focal, &limits)?;
            drop(original);
            let (width, height) = (rendered.width, rendered.height);
            let bytes = Bytes::from(rendered.bytes);
            runtime.block_on(store.put_variant(
                &sha,
                &variant_key,
                spec.format(),
                bytes.clone(),
            ))?;
            tracing::info!(
                media = %media_id,
                variant = %variant_key,
                width,
                height,
                bytes = bytes.len(),
                ms = started.elapsed().as_millis() as u64,
                "variant rendered"
            );
            Ok(bytes)
        })
        .await
        .map_err(media_error)?;
    library.cache.keep(&memory_key, bytes.clone());
    Ok(Source::Memory(bytes))
}

fn focal_point(record: &MediaRecord) -> FocalPoint {
    let fraction = |axis: &str| {
        record
            .get("focal")
            .and_then(|f| f.get(axis))
            .and_then(Value::as_f64)
            .unwrap_or(0.5) as f32
    };
    FocalPoint::new(fraction("x"), fraction("y"))
        .unwrap_or_else(|_| FocalPoint::new(0.5, 0.5).unwrap_or_default())
}

fn not_modified(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag
            })
        })
}

/// The whole body (200), or the one byte range `Range` asks for (206, or 416 outside the
/// file). Several ranges, or a malformed header, get the whole body, as RFC 9110 allows.
async fn ranged(
    request: &Request,
    source: Source,
    library: &MediaLibrary,
) -> Result<Response, ApiError> {
    let size = match &source {
        Source::Stored(_, object) => object.size,
        Source::Memory(bytes) => bytes.len() as u64,
    };
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_range(v, size));
    let range = match range {
        None => return Ok(whole(source, size)),
        Some(Err(())) => return Ok(unsatisfiable(size)),
        Some(Ok(range)) => range,
    };
    let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
    let length = range.end - range.start;
    let body = match source {
        Source::Memory(bytes) => {
            Body::from_bytes(bytes.slice(range.start as usize..range.end as usize))
        }
        Source::Stored(located, whole) => {
            drop(whole);
            stream_body(
                located
                    .read(library, Some(range))
                    .await
                    .map_err(media_error)?,
            )
        }
    };
    Ok(Response::builder()
        .status(StatusCode::PARTIAL_CONTENT)
        .header(header::CONTENT_RANGE, content_range)
        .header(header::CONTENT_LENGTH, length)
        .body(body))
}

fn whole(source: Source, size: u64) -> Response {
    let body = match source {
        Source::Stored(_, object) => stream_body(object),
        Source::Memory(bytes) => Body::from_bytes(bytes),
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_LENGTH, size)
        .body(body)
}

fn unsatisfiable(size: u64) -> Response {
    let mut response = ApiError::new(
        ErrorCode::RangeNotSatisfiable,
        format!("the range lies outside the file of {size} bytes"),
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    response
}

fn stream_body(object: MediaObject) -> Body {
    Body::from_bytes_stream(
        object
            .body
            .map(|chunk| chunk.map_err(|e| std::io::Error::other(e.to_string()))),
    )
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` against a body of `size` bytes: `None` when the
/// header is not one such range (the whole body is sent), `Err` when it lies outside.
fn parse_range(header: &str, size: u64) -> Option<Result<Range<u64>, ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let number = |text: &str| text.trim().parse::<u64>().ok();
    let range = match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => {
            let suffix = number(end)?;
            if suffix == 0 {
                return Some(Err(()));
            }
            size.saturating_sub(suffix)..size
        }
        (false, true) => number(start)?..size,
        (false, false) => {
            let (first, last) = (number(start)?, number(end)?);
            if last < first {
                return None;
            }
            first..(last + 1).min(size)
        }
        (true, true) => return None,
    };
    if range.start >= size || range.is_empty() {
        return Some(Err(()));
    }
    Some(Ok(range))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_resolve_against_the_size() {
        assert_eq!(parse_range("bytes=0-9", 100), Some(Ok(0..10)));
        assert_eq!(parse_range("bytes=90-", 100), Some(Ok(90..100)));
        assert_eq!(parse_range("bytes=-10", 100), Some(Ok(90..100)));
        assert_eq!(parse_range("bytes=95-200", 100), Some(Ok(95..100)));
        assert_eq!(parse_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(parse_range("bytes=-0", 100), Some(Err(())));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=9-3", 100), None);
    }
}
