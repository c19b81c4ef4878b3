//! The body of an upload request, kept within reach of the server after the route is done
//! with it. A route may answer before it has read the whole upload (a 413 part way, a 401
//! before the first byte); a client still sending would then see its connection cut
//! instead of the answer. So what the route left unread is read and dropped afterwards, up
//! to a bound, and past the bound the answer says `Connection: close`. An upload announced
//! as larger than the limit is refused without being stored at all.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use poem::http::{HeaderValue, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};

use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;

/// Multipart framing and text parts beside the file, allowed over `media.max_upload_bytes`.
const FORM_OVERHEAD: u64 = 64 * 1024;
/// What is read and dropped after a refusal: four times the upload limit, and at least
/// this much, so a client a little or a lot over the limit still reads its 413.
const MIN_DRAIN: u64 = 64 << 20;

type Chunks = BoxStream<'static, io::Result<Bytes>>;

/// One body stream, read by the route and then by the drain.
#[derive(Clone)]
struct Shared(Arc<Mutex<Chunks>>);

impl Stream for Shared {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .poll_next_unpin(cx)
    }
}

/// Runs an upload route, then reads what it left of the body (up to a bound).
pub async fn guarded<E: Endpoint>(next: &E, mut request: Request) -> Result<Response> {
    let limit = request
        .data::<SharedState>()
        .map_or(0, |state| state.media.settings.max_upload_bytes);
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = Shared(Arc::new(Mutex::new(
        request.take_body().into_bytes_stream().boxed(),
    )));
    let response = if announced.is_some_and(|length| length > limit + FORM_OVERHEAD) {
        ApiError::new(
            ErrorCode::FileTooLarge,
            format!("the upload is larger than the limit of {limit} bytes"),
        )
        .into_response()
    } else {
        request.set_body(Body::from_bytes_stream(body.clone()));
        next.call(request).await?.into_response()
    };
    Ok(after_draining(response, body, limit).await)
}

async fn after_draining(mut response: Response, mut rest: Shared, limit: u64) -> Response {
    let mut left = limit.saturating_mul(4).max(MIN_DRAIN);
    loop {
        match rest.next().await {
            None => return response,
            Some(Ok(chunk)) if (chunk.len() as u64) <= left => left -= chunk.len() as u64,
            Some(_) => break,
        }
    }
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
