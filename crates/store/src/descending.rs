//! Keys that sort newest (largest) first. SurrealDB 3.3 on SurrealKV walks an index
//! backwards at a cost that grows with the whole range, not with the page: the first 20
//! posts by `published_at DESC` cost as much as reading every published post (see
//! `docs/performance.md`), while a forward walk stops after 20. So each sortable time,
//! date or number field `f` also has a computed field `_desc_f` holding a value that
//! sorts the other way round, indexed as `(status, _desc_f)`: a descending list walks
//! that index forwards. The database computes it on every write (a `VALUE` clause), so no
//! write path can leave it stale. Missing values get the largest key, so they come last,
//! as they do in a descending sort.

use chrono::DateTime;
use civitas_core::query::{SortField, SortKey, Subject, sortable_fields};
use civitas_core::{ContentType, FieldKind};
use serde_json::Value as Json;
use surrealdb::types::Value;

use crate::schema::ident;

/// Larger than any key below: where entries without a value go.
const LAST: &str = "9223372036854775807";

/// The computed field for `name`.
pub(crate) fn field_name(name: &str) -> String {
    format!("_desc_{name}")
}

/// SurrealQL for the descending key of `value` (a field, or a bound value for cursors),
/// if the kind has one. Times count microseconds (nanoseconds would overflow outside
/// 1677 to 2262), dates become `YYYYMMDD`, numbers are negated (the smallest integer,
/// which has no negation, goes last).
pub(crate) fn key_expression(kind: &FieldKind, value: &str) -> Option<String> {
    let negated = match kind {
        FieldKind::Datetime => format!("-time::micros({value})"),
        FieldKind::Date => format!("-(<int> string::replace({value}, '-', ''))"),
        FieldKind::Integer(_) => {
            format!("(IF {value} < -9223372036854775807 {{ {LAST} }} ELSE {{ -{value} }})")
        }
        FieldKind::Number(_) => format!("-{value}"),
        _ => return None,
    };
    Some(format!(
        "(IF {value} == NONE OR {value} == NULL {{ {LAST} }} ELSE {{ {negated} }})"
    ))
}

/// The descending key of a cursor's value, as the database computes it for a row (the
/// `VALUE` clause of [`key_expression`]): the database only walks an index range from a
/// plain value, not from an expression.
pub(crate) fn key_of(kind: &FieldKind, value: &Json) -> Value {
    let last = Value::from_t(i64::MAX);
    match (kind, value) {
        (FieldKind::Datetime, Json::String(text)) => DateTime::parse_from_rfc3339(text)
            .map(|at| Value::from_t(-at.timestamp_micros()))
            .unwrap_or(last),
        (FieldKind::Date, Json::String(text)) => text
            .replace('-', "")
            .parse::<i64>()
            .map(|n| Value::from_t(-n))
            .unwrap_or(last),
        (FieldKind::Integer(_), Json::Number(n)) => n
            .as_i64()
            .and_then(i64::checked_neg)
            .map_or(last, Value::from_t),
        (FieldKind::Number(_), Json::Number(n)) => n.as_f64().map_or(last, |n| Value::from_t(-n)),
        _ => last,
    }
}

/// The kind a sort field has: its field's, or its system field's.
pub(crate) fn sort_kind(content_type: &ContentType, field: &SortField) -> FieldKind {
    match field {
        SortField::System(system) => Subject::System(*system).kind(content_type),
        SortField::Field(name) => content_type
            .field(name)
            .map(|f| f.kind.clone())
            .unwrap_or(FieldKind::Json),
    }
}

/// Whether a descending sort on this key walks its descending-key index forwards.
pub(crate) fn has_key(content_type: &ContentType, key: &SortKey) -> bool {
    key.descending && key_expression(&sort_kind(content_type, &key.field), "x").is_some()
}

/// The field an ORDER BY names for a sort key, and the direction it walks: a descending
/// key with a descending-key field is that field, ascending.
pub(crate) fn ordered_field(content_type: &ContentType, key: &SortKey) -> (String, bool) {
    if has_key(content_type, key) {
        (ident(&field_name(key.field.name())), false)
    } else {
        (ident(key.field.name()), key.descending)
    }
}

/// Every sortable field of the type that gets a descending key: (name, kind).
pub(crate) fn keyed_fields(content_type: &ContentType) -> Vec<(String, FieldKind)> {
    sortable_fields(content_type, false)
        .map(|field| (field.name().to_owned(), sort_kind(content_type, &field)))
        .filter(|(_, kind)| key_expression(kind, "x").is_some())
        .collect()
}
