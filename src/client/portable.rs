//! An entry as an export keeps it: what the site is (slug, status, times, fields,
//! translations), not what one server made of it (ids, revision counters, who wrote it).
//! References are written as slugs, so they mean the same thing on another server.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::client::files;

/// System fields an export keeps; the rest is bookkeeping of the server it came from.
const KEPT_SYSTEM: [&str; 5] = [
    "slug",
    "status",
    "published_at",
    "scheduled_publish_at",
    "scheduled_unpublish_at",
];

/// Entry ids to slugs, by type: how references are written in an export.
#[derive(Debug, Default)]
pub struct Slugs {
    by_id: HashMap<(String, String), String>,
}

impl Slugs {
    pub fn add(&mut self, type_id: &str, entry: &Value) {
        if let (Some(id), Some(slug)) = (entry["id"].as_str(), entry["slug"].as_str()) {
            self.by_id
                .insert((type_id.to_owned(), id.to_owned()), slug.to_owned());
        }
    }

    fn slug(&self, type_id: &str, id: &Value) -> Value {
        match id.as_str() {
            Some(id) => self
                .by_id
                .get(&(type_id.to_owned(), id.to_owned()))
                .map_or_else(
                    || Value::String(id.to_owned()),
                    |s| Value::String(s.clone()),
                ),
            None => id.clone(),
        }
    }
}

/// A type's reference fields: field name to the type it points to.
pub fn reference_fields(definition: &Value) -> HashMap<String, String> {
    definition["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "reference")
        .filter_map(|f| Some((f["name"].as_str()?.to_owned(), f["to"].as_str()?.to_owned())))
        .collect()
}

/// Rich text as its Markdown (the HTML is the server's to make), references as slugs.
fn value(name: &str, value: &Value, references: &HashMap<String, String>, slugs: &Slugs) -> Value {
    if let Some(to) = references.get(name) {
        return match value {
            Value::Array(ids) => Value::Array(ids.iter().map(|id| slugs.slug(to, id)).collect()),
            id => slugs.slug(to, id),
        };
    }
    files::writable(value)
}

/// The names of a type's own fields, as its full (admin) definition lists them.
fn field_names(definition: &Value) -> Vec<&str> {
    definition["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str())
        .collect()
}

/// Kept system fields and the type's own fields: not what a plugin computes on reading.
fn fields(
    entry: &Map<String, Value>,
    definition: &Value,
    references: &HashMap<String, String>,
    slugs: &Slugs,
) -> Map<String, Value> {
    let own = field_names(definition);
    let mut out = Map::new();
    for (name, field_value) in entry {
        let kept = KEPT_SYSTEM.contains(&name.as_str()) || own.contains(&name.as_str());
        if !kept || field_value.is_null() {
            continue;
        }
        out.insert(name.clone(), value(name, field_value, references, slugs));
    }
    out
}

/// The exported form of an entry read from the admin API (`working`), with the version
/// the public sees when it differs (`published`, for entries with unpublished changes).
pub fn portable(
    working: &Map<String, Value>,
    published: Option<&Map<String, Value>>,
    definition: &Value,
    slugs: &Slugs,
) -> Map<String, Value> {
    let references = reference_fields(definition);
    let mut out = fields(working, definition, &references, slugs);
    if let Some(Value::Object(translations)) = working.get("translations")
        && !translations.is_empty()
    {
        let converted: Map<String, Value> = translations
            .iter()
            .map(|(locale, values)| {
                let values = values.as_object().cloned().unwrap_or_default();
                (
                    locale.clone(),
                    Value::Object(fields(&values, definition, &references, slugs)),
                )
            })
            .collect();
        out.insert("translations".into(), Value::Object(converted));
    }
    if let Some(published) = published {
        let mut version = portable(published, None, definition, slugs);
        for editorial in ["status", "scheduled_publish_at", "scheduled_unpublish_at"] {
            version.remove(editorial);
        }
        out.insert("published_version".into(), Value::Object(version));
    }
    out
}

/// What a write sends for an exported entry (or its published version): its fields,
/// slug, publication time and translations; the status is reached through actions.
pub fn payload(entry: &Map<String, Value>) -> Map<String, Value> {
    entry
        .iter()
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "status" | "scheduled_publish_at" | "scheduled_unpublish_at" | "published_version"
            )
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}
