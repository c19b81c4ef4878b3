//! Entries' media fields in an import: the keys they name resolved to the target's ids
//! through the plan, and checked (a file the import and the target both lack, a file of a
//! type the field does not take).

use serde_json::{Map, Value};

use crate::client::media_plan::{MediaPlan, Resolved};
use crate::client::portable::media_fields;
use crate::client::portable_media::accepts;

/// An entry's media fields (and its published version's) with names the plan resolves
/// written as the target's ids; others stay as they are.
pub fn resolve_entry(
    entry: &Map<String, Value>,
    definition: &Value,
    plan: &MediaPlan,
) -> Map<String, Value> {
    let fields = media_fields(definition);
    let mut out = entry.clone();
    for (name, value) in out.iter_mut() {
        if fields.contains_key(name) {
            *value = resolve_value(value, plan);
        } else if name == "published_version"
            && let Value::Object(version) = value
        {
            *version = resolve_entry(version, definition, plan);
        }
    }
    out
}

fn resolve_value(value: &Value, plan: &MediaPlan) -> Value {
    match value {
        Value::Array(names) => Value::Array(names.iter().map(|n| resolve_value(n, plan)).collect()),
        Value::String(name) => match plan.resolve(name) {
            Resolved::Id(id) => Value::String(id.to_owned()),
            Resolved::Pending | Resolved::Unknown => value.clone(),
        },
        other => other.clone(),
    }
}

/// The names in a media field's value.
fn names(value: &Value) -> Vec<&str> {
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        other => other.as_str().into_iter().collect(),
    }
}

/// The media fields of a version of an entry whose files the target does not have (yet).
pub fn unresolved_fields(
    version: &Map<String, Value>,
    definition: &Value,
    plan: &MediaPlan,
) -> Vec<String> {
    media_fields(definition)
        .into_keys()
        .filter(|name| {
            version.get(name).is_some_and(|value| {
                names(value)
                    .iter()
                    .any(|n| !matches!(plan.resolve(n), Resolved::Id(_)))
            })
        })
        .collect()
}

/// What is wrong with a version's media fields: files neither in the index nor on the
/// target, and files of a type the field does not take.
pub fn problems(version: &Map<String, Value>, definition: &Value, plan: &MediaPlan) -> Vec<String> {
    let mut problems = Vec::new();
    for (field, accept) in media_fields(definition) {
        for name in version.get(&field).map(names).unwrap_or_default() {
            if matches!(plan.resolve(name), Resolved::Unknown) {
                problems.push(format!(
                    "{field}: no media `{name}` in media/index.json or on the server"
                ));
            } else if let Some(mime) = plan.mime(name).filter(|m| !accepts(&accept, m)) {
                problems.push(format!(
                    "{field}: `{name}` is {mime}; the field takes {}",
                    accept.join(", ")
                ));
            }
        }
    }
    problems.sort();
    problems
}
