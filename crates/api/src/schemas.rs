//! JSON Schemas for each content type's entries, for the OpenAPI document. Derived from
//! the same field definitions that validation uses, so the documented and the enforced
//! rules are one.

use civitas_core::field::{Bounds, TextRules};
use civitas_core::{ContentType, Field, FieldKind, Status};
use serde_json::{Map, Value, json};

/// `study_case` -> `StudyCase`, for schema names.
pub fn pascal_case(id: &str) -> String {
    id.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Which view of an entry a schema describes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// What the public API returns: no private fields, no `updated_by`.
    Public,
    /// What the admin API returns.
    Admin,
    /// A create or replace body.
    Input,
    /// A merge-patch body: nothing required, `null` clears.
    Patch,
}

impl View {
    pub const ALL: [View; 4] = [View::Public, View::Admin, View::Input, View::Patch];

    pub fn schema_name(self, content_type: &ContentType) -> String {
        let base = pascal_case(&content_type.id);
        match self {
            View::Public => base,
            View::Admin => format!("{base}Admin"),
            View::Input => format!("{base}Input"),
            View::Patch => format!("{base}Patch"),
        }
    }
}

pub fn entry_schema(content_type: &ContentType, view: View) -> Value {
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    let output = matches!(view, View::Public | View::Admin);
    if output {
        for (name, schema) in system_output_properties(content_type, view) {
            required.push(name);
            properties.insert(name.to_owned(), schema);
        }
    } else {
        properties.insert(
            "slug".into(),
            json!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 96,
                   "description": "Made from the title field when omitted."}),
        );
        properties.insert(
            "published_at".into(),
            json!({"type": "string", "format": "date-time", "description": "Publication time; set on first publish when omitted."}),
        );
        if let Some(schema) = translations_schema(content_type) {
            properties.insert("translations".into(), schema);
        }
    }
    for field in &content_type.fields {
        if view == View::Public && field.private {
            continue;
        }
        let mut schema = field_schema(field, output);
        if output {
            if !field.required {
                schema["nullable"] = Value::Bool(true);
            }
            required.push(&field.name);
        } else {
            if view == View::Input && field.required && field.default.is_none() {
                required.push(&field.name);
            }
            if view == View::Patch || !field.required {
                schema["nullable"] = Value::Bool(true);
            }
        }
        properties.insert(field.name.clone(), schema);
    }
    let mut schema = json!({
        "type": "object",
        "title": view.schema_name(content_type),
        "properties": properties,
    });
    if let Some(description) = &content_type.description {
        schema["description"] = Value::String(description.clone());
    }
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// `{locale: {field: value}}` for the type's localized fields, if it has any.
fn translations_schema(content_type: &ContentType) -> Option<Value> {
    let fields: Map<String, Value> = content_type
        .fields
        .iter()
        .filter(|f| f.localized)
        .map(|f| (f.name.clone(), field_schema(f, false)))
        .collect();
    (!fields.is_empty()).then(|| {
        json!({
            "type": "object",
            "description": "The localized fields in other locales (`api.locales`), by locale, e.g. {\"fr\": {\"title\": \"...\"}}. The default locale's values are the fields themselves.",
            "additionalProperties": {"type": "object", "properties": fields, "additionalProperties": false},
        })
    })
}

fn system_output_properties(content_type: &ContentType, view: View) -> Vec<(&'static str, Value)> {
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let datetime = json!({"type": "string", "format": "date-time"});
    let mut properties = vec![
        (
            "id",
            json!({"type": "string", "description": "Entry id (a ULID)."}),
        ),
        ("type", json!({"type": "string", "enum": [content_type.id]})),
        ("slug", json!({"type": "string"})),
        ("status", json!({"type": "string", "enum": statuses})),
        (
            "locale",
            json!({"type": "string", "description": "The locale the localized fields are shown in: the one asked for with `locale=` when the entry has it, else the default."}),
        ),
        (
            "locales",
            json!({"type": "array", "items": {"type": "string"}, "description": "The locales the entry has: the default, then its translations."}),
        ),
        ("created_at", datetime.clone()),
        ("updated_at", datetime),
        (
            "published_at",
            json!({"type": "string", "format": "date-time", "nullable": true}),
        ),
        (
            "revision",
            json!({"type": "integer", "format": "int64", "description": "Counts the writes to this entry."}),
        ),
    ];
    if view == View::Admin {
        properties.push((
            "translations",
            translations_schema(content_type).unwrap_or_else(|| json!({"type": "object"})),
        ));
        properties.push((
            "unpublished_changes",
            json!({"type": "boolean", "description": "The entry is published and has changes since, which the public sees once it is published again."}),
        ));
        properties.push((
            "scheduled_publish_at",
            json!({"type": "string", "format": "date-time", "nullable": true, "description": "When the scheduler publishes the entry (POST .../schedule)."}),
        ));
        properties.push((
            "scheduled_unpublish_at",
            json!({"type": "string", "format": "date-time", "nullable": true, "description": "When the scheduler unpublishes the entry."}),
        ));
        properties.push((
            "created_by",
            json!({"type": "string", "nullable": true, "description": "Who created the entry: `user:ID`, `token:ID` or `system:NAME`."}),
        ));
        properties.push((
            "updated_by",
            json!({"type": "string", "nullable": true, "description": "Who made the last write."}),
        ));
    }
    properties
}

fn field_schema(field: &Field, output: bool) -> Value {
    let mut schema = kind_schema(&field.kind, output);
    let mut description = field
        .description
        .clone()
        .unwrap_or_else(|| field.label.clone());
    if field.private {
        description.push_str(" (private: admin API only)");
    }
    schema["description"] = Value::String(description);
    if let (Some(default), false) = (&field.default, output) {
        schema["default"] = default.clone();
    }
    schema
}

fn kind_schema(kind: &FieldKind, output: bool) -> Value {
    match kind {
        FieldKind::Text(rules) | FieldKind::Slug(rules) => text_schema(rules),
        FieldKind::RichText(_) if output => json!({
            "type": "object",
            "required": ["markdown", "html"],
            "properties": {
                "markdown": {"type": "string"},
                "html": {"type": "string", "description": "Sanitised HTML rendered from the Markdown."}
            }
        }),
        FieldKind::RichText(rules) => {
            let mut markdown = text_schema(rules);
            markdown["description"] = json!("Markdown.");
            json!({"oneOf": [markdown, {"type": "object", "required": ["markdown"], "properties": {"markdown": markdown}}]})
        }
        FieldKind::Integer(bounds) => {
            bounded(json!({"type": "integer", "format": "int64"}), bounds)
        }
        FieldKind::Number(bounds) => bounded(json!({"type": "number"}), bounds),
        FieldKind::Boolean => json!({"type": "boolean"}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::Datetime => json!({"type": "string", "format": "date-time"}),
        FieldKind::Enum(options) => json!({"type": "string", "enum": options}),
        FieldKind::Email => json!({"type": "string", "format": "email"}),
        FieldKind::Url => json!({"type": "string", "format": "uri"}),
        FieldKind::Json => json!({}),
        FieldKind::Reference {
            to, many: false, ..
        } => reference_schema(to, output),
        FieldKind::Reference {
            to,
            many: true,
            items,
        } => items_bounded(
            json!({"type": "array", "items": reference_schema(to, output)}),
            items,
        ),
        FieldKind::List { item, items } => items_bounded(
            json!({"type": "array", "items": kind_schema(item, output)}),
            items,
        ),
    }
}

fn reference_schema(to: &str, output: bool) -> Value {
    let description = if output {
        format!("Id of a `{to}` entry.")
    } else {
        format!("Id or slug of a `{to}` entry.")
    };
    json!({"type": "string", "description": description})
}

fn text_schema(rules: &TextRules) -> Value {
    let mut schema = json!({"type": "string"});
    if let Some(min) = rules.length.min {
        schema["minLength"] = json!(min);
    }
    if let Some(max) = rules.length.max {
        schema["maxLength"] = json!(max);
    }
    if let Some(pattern) = &rules.pattern {
        schema["pattern"] = json!(pattern.source);
    }
    schema
}

fn bounded<T: serde::Serialize + Copy>(mut schema: Value, bounds: &Bounds<T>) -> Value {
    if let Some(min) = bounds.min {
        schema["minimum"] = json!(min);
    }
    if let Some(max) = bounds.max {
        schema["maximum"] = json!(max);
    }
    schema
}

fn items_bounded(mut schema: Value, items: &Bounds<usize>) -> Value {
    if let Some(min) = items.min {
        schema["minItems"] = json!(min);
    }
    if let Some(max) = items.max {
        schema["maxItems"] = json!(max);
    }
    schema
}
