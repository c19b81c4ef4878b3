//! Conversion between the API's JSON and SurrealDB values.
//!
//! SurrealDB does not coerce JSON strings into datetimes or record ids, so values of
//! those kinds are built as typed values here, by field kind; reading turns record ids
//! back into bare entry ids and datetimes into the one RFC 3339 spelling the API uses.

use chrono::{DateTime, Utc};
use civitas_core::FieldKind;
use serde_json::Value as Json;

use crate::media::media_record_id;
use surrealdb::types::{
    Array, Datetime, Object, RecordId, RecordIdKey, SurrealValue, ToSql, Value,
};

/// A field value, already validated and normalised, as SurrealDB should store it.
pub(crate) fn field_to_db(kind: &FieldKind, value: &Json) -> Value {
    match (kind, value) {
        (FieldKind::Datetime, Json::String(text)) => datetime_to_db(text),
        (
            FieldKind::Reference {
                to, many: false, ..
            },
            Json::String(id),
        ) => Value::RecordId(RecordId::new(to.as_str(), id.as_str())),
        (FieldKind::Reference { to, many: true, .. }, Json::Array(ids)) => Value::Array(
            ids.iter()
                .filter_map(Json::as_str)
                .map(|id| Value::RecordId(RecordId::new(to.as_str(), id)))
                .collect::<Array>(),
        ),
        (FieldKind::Media { many: false, .. }, Json::String(id)) => {
            Value::RecordId(media_record_id(id))
        }
        (FieldKind::Media { many: true, .. }, Json::Array(ids)) => Value::Array(
            ids.iter()
                .filter_map(Json::as_str)
                .map(|id| Value::RecordId(media_record_id(id)))
                .collect::<Array>(),
        ),
        _ => value.clone().into_value(),
    }
}

/// Validation only lets canonical RFC 3339 through, so a parse failure here cannot
/// happen; storing NONE rather than panicking keeps the server up if it ever did.
pub(crate) fn datetime_to_db(text: &str) -> Value {
    DateTime::parse_from_rfc3339(text)
        .map(|t| Value::Datetime(Datetime::from(t.with_timezone(&Utc))))
        .unwrap_or(Value::None)
}

pub(crate) fn time_to_db(now: DateTime<Utc>) -> Value {
    Value::Datetime(Datetime::from(now))
}

/// A stored value as the API shows it.
pub(crate) fn from_db(value: Value) -> Json {
    match value {
        Value::RecordId(id) => key_to_json(id.key),
        Value::Datetime(at) => {
            Json::String(civitas_core::validate::canonical_datetime(at.into_inner()))
        }
        Value::Array(items) => Json::Array(items.into_iter().map(from_db).collect()),
        Value::Object(object) => Json::Object(object_from_db(object)),
        other => other.into_json_value(),
    }
}

pub(crate) fn object_from_db(object: Object) -> serde_json::Map<String, Json> {
    object.into_iter().map(|(k, v)| (k, from_db(v))).collect()
}

fn key_to_json(key: RecordIdKey) -> Json {
    match key {
        RecordIdKey::String(key) => Json::String(key),
        RecordIdKey::Number(n) => Json::from(n),
        other => Json::String(other.to_sql()),
    }
}
