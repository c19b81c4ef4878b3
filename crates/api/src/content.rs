//! Writing entries: the one path every write takes (admin API, seeding), so validation,
//! reference checks and bookkeeping cannot be skipped by any caller.

use civitas_core::validate::{Document, validate_all};
use civitas_core::{ContentType, WriteMode};
use civitas_store::{Entry, Store, StoreError};
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};

/// An entry body must be a JSON object.
pub fn body_object(body: Value) -> Result<Map<String, Value>, ApiError> {
    match body {
        Value::Object(object) => Ok(object),
        _ => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "the body must be a JSON object of fields",
        )),
    }
}

async fn checked(
    store: &Store,
    content_type: &ContentType,
    input: &Map<String, Value>,
    mode: WriteMode,
) -> Result<Document, ApiError> {
    let (mut document, mut errors) = validate_all(content_type, input, mode);
    match store.resolve_references(content_type, &mut document).await {
        Ok(()) => {}
        Err(StoreError::Invalid(missing)) => errors.extend(missing),
        Err(other) => return Err(other.into()),
    }
    if errors.is_empty() {
        Ok(document)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Creates a draft entry.
pub async fn create(
    store: &Store,
    content_type: &ContentType,
    input: &Map<String, Value>,
    actor: &str,
) -> Result<Entry, ApiError> {
    let document = checked(store, content_type, input, WriteMode::Create).await?;
    Ok(store.create(content_type, document, actor).await?)
}

/// Replaces all fields of an existing entry.
pub async fn replace(
    store: &Store,
    content_type: &ContentType,
    id: &str,
    input: &Map<String, Value>,
    actor: &str,
) -> Result<Entry, ApiError> {
    let document = checked(store, content_type, input, WriteMode::Replace).await?;
    Ok(store.replace(content_type, id, document, actor).await?)
}

/// Changes only the fields the patch names (JSON merge patch: `null` clears a field),
/// then checks the whole result, so a patch can never leave an entry invalid.
pub async fn patch(
    store: &Store,
    content_type: &ContentType,
    existing: Entry,
    patch: Map<String, Value>,
    actor: &str,
) -> Result<Entry, ApiError> {
    let id = existing
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut merged = existing;
    for (key, value) in patch {
        merged.insert(key, value);
    }
    replace(store, content_type, &id, &merged, actor).await
}
