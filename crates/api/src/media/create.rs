//! Making a media record from a received file, for uploads and for files the server
//! stores itself (the demo content): the one place a record's fields are decided.

use bytes::Bytes;
use civitas_media::ingest;
use civitas_store::{Actor, MediaRecord};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::media::record::{Focal, MediaText};
use crate::media::upload::{Received, clean_filename, media_error};
use crate::state::AppState;

/// Stores the record of a received file; if that fails, its bytes do not stay behind.
pub async fn create_record(
    state: &AppState,
    received: &Received,
    actor: &Actor,
) -> Result<MediaRecord, ApiError> {
    let id = ulid::Ulid::new().to_string();
    let mut fields = file_fields(received);
    for (key, value) in [("alt", &received.text.alt), ("title", &received.text.title)] {
        if let Some(text) = value.as_ref().filter(|t| !t.trim().is_empty()) {
            fields.insert(key.to_owned(), json!(text));
        }
    }
    let focal = received.focal.unwrap_or_default();
    fields.insert("focal".into(), json!({"x": focal.x, "y": focal.y}));
    fields.insert("translations".into(), json!({}));
    match state.store.create_media(&id, fields, actor).await {
        Ok(record) => Ok(record),
        Err(error) => {
            drop_unused_bytes(state, &received.file.sha256).await;
            Err(error.into())
        }
    }
}

/// Checks, cleans and stores `bytes` as an upload would be, then records them.
pub async fn store_bytes(
    state: &AppState,
    bytes: Bytes,
    filename: &str,
    text: MediaText,
    focal: Option<Focal>,
    actor: &Actor,
) -> Result<MediaRecord, ApiError> {
    let library = &state.media;
    let stream = futures_util::stream::once(async { Ok::<_, std::io::Error>(bytes) });
    let file = ingest(&library.store, stream, &library.ingest_policy())
        .await
        .map_err(media_error)?;
    let filename = clean_filename(filename, file.kind.extension());
    let received = Received {
        file,
        filename,
        text,
        focal,
    };
    create_record(state, &received, actor).await
}

/// The facts of a received file, as a record stores them.
pub fn file_fields(received: &Received) -> MediaRecord {
    let file = &received.file;
    let (width, height) = match file.dimensions {
        Some((w, h)) => (json!(w), json!(h)),
        None => (Value::Null, Value::Null),
    };
    let mut fields = Map::new();
    fields.insert("filename".into(), json!(received.filename));
    fields.insert("mime".into(), json!(file.kind.mime()));
    fields.insert("size".into(), json!(file.size));
    fields.insert("width".into(), width);
    fields.insert("height".into(), height);
    fields.insert("sha256".into(), json!(file.sha256));
    fields.insert("thumbhash".into(), json!(file.thumbhash));
    fields
}

/// Removes stored bytes (and their variants) no record names any more. A failure
/// leaves orphaned bytes, never a broken record, so it is logged, not answered.
pub async fn drop_unused_bytes(state: &AppState, sha256: &str) {
    match state.store.media_bytes_in_use(sha256).await {
        Ok(false) => {
            if let Err(error) = state.media.store.delete_original(sha256).await {
                tracing::warn!(%error, sha256, "could not delete unused media bytes");
            }
        }
        Ok(true) => {}
        Err(error) => tracing::warn!(%error, sha256, "could not check media bytes"),
    }
}
