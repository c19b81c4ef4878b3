//! An entry as an export keeps it: what the site is (slug, status, times, fields,
//! translations), not what one server made of it (ids, revision counters, who wrote it).
//! References are written as slugs and media fields as the export keys of their files
//! (see `portable_media`), so they mean the same thing on another server.

use std::collections::{HashMap, HashSet};

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

/// How an export names what entries point to: entries by slug (ids to slugs, by type),
/// media files by their export key (media ids to keys). A media id without a key stays
/// an id.
#[derive(Debug, Default)]
pub struct Names {
    by_id: HashMap<(String, String), String>,
    media: HashMap<String, String>,
}

impl Names {
    pub fn add(&mut self, type_id: &str, entry: &Value) {
        if let (Some(id), Some(slug)) = (entry["id"].as_str(), entry["slug"].as_str()) {
            self.by_id
                .insert((type_id.to_owned(), id.to_owned()), slug.to_owned());
        }
    }

    pub fn add_media(&mut self, id: &str, key: &str) {
        self.media.insert(id.to_owned(), key.to_owned());
    }

    /// A media field's value (files as entries show them, or ids) as names.
    fn media(&self, value: &Value) -> Value {
        let id = match value {
            Value::Array(files) => {
                return Value::Array(files.iter().map(|f| self.media(f)).collect());
            }
            Value::Object(file) => file.get("id").and_then(Value::as_str),
            Value::String(id) => Some(id.as_str()),
            _ => None,
        };
        match id {
            Some(id) => Value::String(self.media.get(id).cloned().unwrap_or_else(|| id.to_owned())),
            None => value.clone(),
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

/// A type's media fields: field name to the MIME patterns it accepts (empty: any).
pub fn media_fields(definition: &Value) -> HashMap<String, Vec<String>> {
    definition["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "media")
        .filter_map(|f| {
            let accept = f["accept"].as_array().into_iter().flatten();
            let accept = accept
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            Some((f["name"].as_str()?.to_owned(), accept))
        })
        .collect()
}

/// What a type's fields point to: reference fields (to the type they point to) and
/// media fields.
struct Pointers {
    references: HashMap<String, String>,
    media: HashSet<String>,
}

impl Pointers {
    fn of(definition: &Value) -> Pointers {
        Pointers {
            references: reference_fields(definition),
            media: media_fields(definition).into_keys().collect(),
        }
    }
}

/// Rich text as its Markdown (the HTML is the server's to make), references as slugs,
/// media as their keys.
fn value(name: &str, value: &Value, pointers: &Pointers, names: &Names) -> Value {
    if let Some(to) = pointers.references.get(name) {
        return match value {
            Value::Array(ids) => Value::Array(ids.iter().map(|id| names.slug(to, id)).collect()),
            id => names.slug(to, id),
        };
    }
    if pointers.media.contains(name) {
        return names.media(value);
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
    pointers: &Pointers,
    names: &Names,
) -> Map<String, Value> {
    let own = field_names(definition);
    let mut out = Map::new();
    for (name, field_value) in entry {
        let kept = KEPT_SYSTEM.contains(&name.as_str()) || own.contains(&name.as_str());
        if !kept || field_value.is_null() {
            continue;
        }
        out.insert(name.clone(), value(name, field_value, pointers, names));
    }
    out
}

/// The exported form of an entry read from the admin API (`working`), with the version
/// the public sees when it differs (`published`, for entries with unpublished changes).
pub fn portable(
    working: &Map<String, Value>,
    published: Option<&Map<String, Value>>,
    definition: &Value,
    names: &Names,
) -> Map<String, Value> {
    let pointers = Pointers::of(definition);
    let mut out = fields(working, definition, &pointers, names);
    if let Some(Value::Object(translations)) = working.get("translations")
        && !translations.is_empty()
    {
        let converted: Map<String, Value> = translations
            .iter()
            .map(|(locale, values)| {
                let values = values.as_object().cloned().unwrap_or_default();
                (
                    locale.clone(),
                    Value::Object(fields(&values, definition, &pointers, names)),
                )
            })
            .collect();
        out.insert("translations".into(), Value::Object(converted));
    }
    if let Some(published) = published {
        let mut version = portable(published, None, definition, names);
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
