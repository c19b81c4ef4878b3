//! Media fields on their way out: the stored ids become the files' [`embedded`] objects,
//! fetched for a whole page (embedded entries included) in one query, never per entry.

use std::collections::HashMap;

use civitas_core::{ContentType, FieldKind};
use civitas_store::{Entry, MediaRecord, ids_in};
use serde_json::Value;

use crate::error::ApiError;
use crate::media::record::embedded;
use crate::state::AppState;

/// Embeds the files named by the media fields of `entries` (each with its type), shown in
/// `locale`. A file deleted since is left out (`null` in a single field).
pub async fn embed_media(
    state: &AppState,
    entries: &mut [(&ContentType, &mut Entry)],
    locale: Option<&str>,
) -> Result<(), ApiError> {
    let mut ids: Vec<String> = Vec::new();
    for (content_type, entry) in entries.iter() {
        for field in media_fields(content_type) {
            ids.extend(ids_in(entry.get(field)));
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    let records = state.store.media_many(&ids).await?;
    let base = state.media.settings.base_url.as_str();
    for (content_type, entry) in entries.iter_mut() {
        for field in media_fields(content_type) {
            if let Some(value) = entry.get_mut(field) {
                *value = shown(value, &records, base, locale);
            }
        }
    }
    Ok(())
}

fn media_fields(content_type: &ContentType) -> impl Iterator<Item = &str> {
    content_type
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Media { .. }))
        .map(|f| f.name.as_str())
}

fn shown(
    value: &Value,
    records: &HashMap<String, MediaRecord>,
    base: &str,
    locale: Option<&str>,
) -> Value {
    let one = |id: &str| records.get(id).map(|r| embedded(base, r, locale));
    match value {
        Value::String(id) => one(id).unwrap_or(Value::Null),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(one)
                .collect(),
        ),
        other => other.clone(),
    }
}
