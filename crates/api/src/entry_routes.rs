//! What the admin entry routes share: finding the entry, answering with it, and
//! revision tags for optimistic locking (`ETag` on reads, `If-Match` on writes).

use std::sync::Arc;

use civitas_core::ContentType;
use civitas_store::{Edit, Entry, Version};
use poem::Request;
use poem::http::header;
use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;
use serde_json::{Map, Value};

use crate::auth::schemes::Authorized;
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
    let entry = content::present_one(state, content_type, entry, None).await?;
    Ok(tagged(envelope::one(Value::Object(entry))))
}

/// Tries of a read-modify-write when other writes keep landing between its read and its
/// write.
const REWRITE_ATTEMPTS: u32 = 5;

/// Changes an entry from what it is now: reads it, builds the new body from it, and
/// writes that only if nobody wrote in between (checked against the revision it read,
/// or the one `If-Match` names). Without `If-Match`, a write that lost the race is made
/// again on the fresh entry, so concurrent edits of different fields are never lost;
/// with it, the client hears 412 and decides.
pub async fn rewrite(
    state: &AppState,
    request: &Request,
    auth: &Authorized,
    (type_id, key): (&str, &str),
    action: &str,
    build: impl Fn(&Entry) -> Result<Map<String, Value>, ApiError>,
) -> Result<TaggedEntry, ApiError> {
    let if_match = expected_revisions(request);
    let actor = auth.principal.actor();
    let mut attempt = 1;
    loop {
        let (content_type, current) = existing(state, type_id, key).await?;
        auth.may_change(&current)?;
        let input = build(&current)?;
        let read: Vec<i64> = current
            .get("revision")
            .and_then(Value::as_i64)
            .into_iter()
            .collect();
        let edit = Edit {
            expected_revisions: Some(if_match.as_deref().unwrap_or(&read)),
            ..Edit::new(&actor, action)
        };
        let id = entry_id(&current);
        match content::replace(state, &content_type, &id, input, edit).await {
            Err(error) if error.code == ErrorCode::PreconditionFailed && if_match.is_none() => {
                if attempt == REWRITE_ATTEMPTS {
                    return Err(ApiError::write_conflict());
                }
                attempt += 1;
            }
            written => return respond(state, &content_type, written?).await,
        }
    }
}

/// The revisions `If-Match` accepts, if the request has one: those named by the entity
/// tags it lists (`"r<revision>-..."`, as admin reads hand out); `*` accepts any. A tag
/// this server did not make names no revision, so (as RFC 9110 has it) the precondition
/// fails and nothing is written.
pub fn expected_revisions(request: &Request) -> Option<Vec<i64>> {
    let text = request
        .headers()
        .get(header::IF_MATCH)?
        .to_str()
        .unwrap_or_default();
    let tags: Vec<&str> = text.split(',').map(str::trim).collect();
    if tags.contains(&"*") {
        return None;
    }
    Some(tags.into_iter().filter_map(tagged_revision).collect())
}

/// The revision in an entry's entity tag: `"r12-0123456789abcdef"`, weak or strong.
fn tagged_revision(tag: &str) -> Option<i64> {
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let inner = tag.strip_prefix("\"r")?.strip_suffix('"')?;
    let (number, _) = inner.split_once('-')?;
    number.parse().ok()
}
