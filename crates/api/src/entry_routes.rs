//! What the admin entry routes share: finding the entry, answering with it, and
//! revision tags for optimistic locking (`ETag` on reads, `If-Match` on writes).

use std::sync::Arc;

use civitas_core::ContentType;
use civitas_store::{Entry, Version};
use poem::Request;
use poem::http::header;
use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;
use serde_json::Value;

use crate::content;
use crate::envelope;
use crate::error::{ApiError, ErrorCode};
use crate::middleware::etag_of;
use crate::state::AppState;

/// One entry, tagged with its revision.
#[derive(ApiResponse)]
pub enum TaggedEntry {
    /// The entry. `ETag` names its revision: send it back as `If-Match` on PUT or PATCH
    /// to be told (412) when someone else changed the entry in between.
    #[oai(status = 200)]
    Ok(Json<Value>, #[oai(header = "ETag")] String),
}

/// An entry of any status, by id or slug, as being edited.
pub async fn existing(
    state: &AppState,
    type_id: &str,
    key: &str,
) -> Result<(Arc<ContentType>, Entry), ApiError> {
    let content_type = state.content_type(type_id)?;
    let entry = state
        .store
        .find(&content_type, key, Version::Working)
        .await?
        .ok_or_else(|| ApiError::entry_not_found(type_id, key))?;
    Ok((content_type, entry))
}

pub fn entry_id(entry: &Entry) -> String {
    entry
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// `"r<revision>-<hash of the body>"`: strong for caches (the body decides), and
/// readable for `If-Match` (the revision decides).
pub fn tag(body: &Value) -> String {
    let revision = body["data"]["revision"].as_i64().unwrap_or_default();
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    format!("\"r{revision}-{}\"", etag_of(&bytes).trim_matches('"'))
}

pub fn tagged(body: Value) -> TaggedEntry {
    let etag = tag(&body);
    TaggedEntry::Ok(Json(body), etag)
}

/// An entry written by an admin route, as it is answered: with plugin fields, tagged.
pub async fn respond(
    state: &AppState,
    content_type: &ContentType,
    entry: Entry,
) -> Result<TaggedEntry, ApiError> {
    let entry = content::present(state, content_type, entry, None).await?;
    Ok(tagged(envelope::one(Value::Object(entry))))
}

/// The revision `If-Match` names, if the request has one; `*` names none in particular.
pub fn expected_revision(request: &Request) -> Result<Option<i64>, ApiError> {
    let Some(value) = request.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .strip_prefix('r')
        .and_then(|rest| rest.split('-').next())
        .and_then(|n| n.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::PreconditionFailed,
                format!("If-Match `{text}` is not an ETag this server gave out"),
            )
        })
}
