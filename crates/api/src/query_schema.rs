//! JSON Schemas for a content type's list parameters (`filter`, `sort`, `fields`,
//! `include`), built from the same field definitions, operators and limits the query
//! parser checks. A client generated from the document can then type-check
//! `filter: {tags: {contains: "mobility"}}` and refuse an unknown field, and the document
//! allows exactly what the server accepts.

use civitas_core::query::filter::{MAX_LIST_VALUES, is_text};
use civitas_core::query::list::{
    MAX_FILTER_KEYS, MAX_GROUP_FIELDS, MAX_GROUP_INDEX, MAX_GROUPS, MAX_OPERATORS,
};
use civitas_core::query::{Operator, filter_paths, operators_for, sortable_fields};
use civitas_core::slug::MAX_SLUG_LEN;
use civitas_core::{ContentType, FieldKind, SystemField, TypeRegistry};
use serde_json::{Map, Value, json};

use civitas_core::content_type::pascal_case;

/// One value of a field of this kind, as a filter compares it.
fn scalar_schema(kind: &FieldKind) -> Value {
    match kind {
        FieldKind::Text(_)
        | FieldKind::Slug(_)
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::RichText(_) => json!({"type": "string", "minLength": 1}),
        FieldKind::Integer(_) => {
            json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX})
        }
        FieldKind::Number(_) => json!({"type": "number", "minimum": f64::MIN, "maximum": f64::MAX}),
        FieldKind::Boolean => json!({"type": "boolean"}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::Datetime => json!({
            "type": "string",
            "description": "An RFC 3339 time, or a date (its midnight, UTC).",
            "anyOf": [{"format": "date-time"}, {"format": "date"}]
        }),
        FieldKind::Enum(options) => json!({"type": "string", "enum": options}),
        FieldKind::Reference { .. } => json!({
            "type": "string",
            "description": "An entry id or slug.",
            "pattern": format!("^[A-Za-z0-9-]{{1,{MAX_SLUG_LEN}}}$")
        }),
        FieldKind::List { item, .. } => scalar_schema(item),
        FieldKind::Json | FieldKind::Media { .. } => json!({}),
    }
}

/// A regular expression for one value of this kind inside a comma-separated list.
fn item_pattern(kind: &FieldKind) -> String {
    const DATE: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";
    const TIME: &str = "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";
    match kind {
        FieldKind::Integer(_) => "-?[0-9]{1,18}".to_owned(),
        FieldKind::Number(_) => "-?[0-9]{1,15}(\\.[0-9]{1,15})?".to_owned(),
        FieldKind::Date => DATE.to_owned(),
        FieldKind::Datetime => format!("{DATE}({TIME})?"),
        FieldKind::Enum(options) => {
            let escaped: Vec<String> = options.iter().map(|o| regex::escape(o)).collect();
            format!("({})", escaped.join("|"))
        }
        FieldKind::Reference { .. } => format!("[A-Za-z0-9-]{{1,{MAX_SLUG_LEN}}}"),
        FieldKind::List { item, .. } => item_pattern(item),
        _ => "[^,]+".to_owned(),
    }
}

fn list_schema(kind: &FieldKind) -> Value {
    let item = item_pattern(kind);
    json!({
        "type": "string",
        "description": format!("Up to {MAX_LIST_VALUES} values, comma-separated."),
        "pattern": format!("^{item}(,{item}){{0,{}}}$", MAX_LIST_VALUES - 1)
    })
}

fn operator_schema(kind: &FieldKind, op: Operator) -> Value {
    let schema = match op {
        Operator::Null => {
            return json!({"type": "boolean", "description": "true: has no value; false: has one."});
        }
        Operator::In | Operator::Nin => list_schema(kind),
        Operator::Contains | Operator::StartsWith if is_text(kind) => {
            json!({"type": "string", "minLength": 1})
        }
        _ => scalar_schema(kind),
    };
    as_sent(kind, schema)
}

/// Whether a kind's filter values are compared as text (or as a reference's id or slug).
fn compared_as_text(kind: &FieldKind) -> bool {
    match kind {
        FieldKind::List { item, .. } => compared_as_text(item),
        FieldKind::Reference { .. } => true,
        other => is_text(other),
    }
}

/// A query parameter is text on the wire: a number, `true` or `null` given where text is
/// compared arrives as the text `5`, `true` or `null`, which the server takes as such.
/// The document says so, so a client may send them and nobody is told otherwise.
fn as_sent(kind: &FieldKind, text: Value) -> Value {
    if !compared_as_text(kind) {
        return text;
    }
    let number = match kind {
        // A reference is letters, digits and hyphens: whole numbers only.
        FieldKind::Reference { .. } => "integer",
        FieldKind::List { item, .. } if matches!(**item, FieldKind::Reference { .. }) => "integer",
        _ => "number",
    };
    json!({
        "anyOf": [text, {"type": number}, {"type": "boolean"}],
        "nullable": true,
        "description": "Compared as text; numbers, `true` and `null` are sent as their text."
    })
}

/// The conditions on one field: its operators as an object, or (where `eq` applies) a
/// bare value meaning `eq`.
fn field_filter(kind: &FieldKind) -> Value {
    let operators = operators_for(kind);
    let properties: Map<String, Value> = operators
        .iter()
        .map(|op| (op.name().to_owned(), operator_schema(kind, *op)))
        .collect();
    let object = json!({
        "type": "object",
        "additionalProperties": false,
        "minProperties": 1,
        "maxProperties": MAX_OPERATORS,
        "properties": properties,
    });
    if operators.contains(&Operator::Eq) {
        json!({"anyOf": [operator_schema(kind, Operator::Eq), object]})
    } else {
        object
    }
}

fn fields_object(fields: &Map<String, Value>, max: usize) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "minProperties": 1,
        "maxProperties": max,
        "properties": fields,
    })
}

fn filter_name(content_type: &ContentType, public: bool) -> String {
    let audience = if public { "" } else { "Admin" };
    format!("{}{audience}Filter", pascal_case(&content_type.id))
}

/// The `filter` parameter's schema: a reference to the type's filter component.
pub fn filter_ref(content_type: &ContentType, public: bool) -> Value {
    json!({"$ref": format!("#/components/schemas/{}", filter_name(content_type, public))})
}

/// The components behind `filter`, as a deepObject: `{Type}Filter` (`{field: value |
/// {operator: value}, or: {"0": group, ...}}`) and `{Type}FilterGroup` (one `or` group),
/// for the public routes or (with private fields) the admin ones.
pub fn filter_components(
    registry: &TypeRegistry,
    content_type: &ContentType,
    public: bool,
) -> Vec<(String, Value)> {
    let name = filter_name(content_type, public);
    let group_name = format!("{name}Group");
    let fields: Map<String, Value> = filter_paths(registry, content_type, public)
        .into_iter()
        .map(|(path, kind)| (path, field_filter(&kind)))
        .collect();
    let group = fields_object(&fields, MAX_GROUP_FIELDS);
    let group_ref = json!({"$ref": format!("#/components/schemas/{group_name}")});
    let groups: Map<String, Value> = (0..=MAX_GROUP_INDEX)
        .map(|n| (n.to_string(), group_ref.clone()))
        .collect();
    let mut top = fields;
    top.insert(
        "or".to_owned(),
        json!({
            "type": "object",
            "description": "Groups of conditions, numbered 0 to 9: an entry matches when it matches every condition of at least one group (and every condition outside `or`).",
            "additionalProperties": false,
            "minProperties": 1,
            "maxProperties": MAX_GROUPS,
            "properties": groups,
        }),
    );
    vec![
        (name, fields_object(&top, MAX_FILTER_KEYS)),
        (group_name, group),
    ]
}

fn string_list(names: Vec<String>) -> Value {
    json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": names}})
}

/// `sort`: the sortable fields, each ascending or (with `-`) descending.
pub fn sort_schema(content_type: &ContentType) -> Value {
    let names: Vec<String> = sortable_fields(content_type, true)
        .flat_map(|field| [field.name().to_owned(), format!("-{}", field.name())])
        .collect();
    string_list(names)
}

/// `fields`: system fields and the type's (visible) fields.
pub fn fields_schema(content_type: &ContentType, public: bool) -> Value {
    let names: Vec<String> = SystemField::ALL
        .into_iter()
        .map(|f| f.name().to_owned())
        .chain(content_type.visible_fields(public).map(|f| f.name.clone()))
        .collect();
    string_list(names)
}

/// `include`: every reference path up to `max_depth` levels, or `None` when the type has
/// no reference to follow.
pub fn include_schema(
    registry: &TypeRegistry,
    content_type: &ContentType,
    max_depth: usize,
    public: bool,
) -> Option<Value> {
    let mut paths = Vec::new();
    collect_paths(registry, content_type, "", max_depth, public, &mut paths);
    (!paths.is_empty()).then(|| string_list(paths))
}

fn collect_paths(
    registry: &TypeRegistry,
    content_type: &ContentType,
    prefix: &str,
    depth_left: usize,
    public: bool,
    paths: &mut Vec<String>,
) {
    if depth_left == 0 {
        return;
    }
    for field in content_type.visible_fields(public) {
        let FieldKind::Reference { to, .. } = &field.kind else {
            continue;
        };
        let path = format!("{prefix}{}", field.name);
        paths.push(path.clone());
        if let Some(target) = registry.get(to) {
            collect_paths(
                registry,
                target,
                &format!("{path}."),
                depth_left - 1,
                public,
                paths,
            );
        }
    }
}
