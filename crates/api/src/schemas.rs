//! JSON Schemas for each content type's entries, for the OpenAPI document. Derived from
//! the same field definitions that validation uses, so the documented and the enforced
//! rules are one.

use civitas_core::content_type::pascal_case;
use civitas_core::field::{Bounds, TextRules};
use civitas_core::validate::is_text_kind;
use civitas_core::{ContentType, Field, FieldKind, Status, SystemField};
use serde_json::{Map, Value, json};

use crate::value_patterns;

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

    /// What the API answers with, not what it takes.
    pub fn is_output(self) -> bool {
        matches!(self, View::Public | View::Admin)
    }

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

/// The schema of one view of a type's entries; `other_locales` are the locales besides
/// the default that translations may be written in.
pub fn entry_schema(content_type: &ContentType, view: View, other_locales: &[String]) -> Value {
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    let output = view.is_output();
    if output {
        for (name, schema) in system_output_properties(content_type, view) {
            required.push(name);
            properties.insert(name.to_owned(), schema);
        }
    } else {
        let mut slug = value_patterns::slug();
        slug["description"] = json!("Made from the title field when omitted.");
        slug["nullable"] = json!(true);
        properties.insert("slug".into(), slug);
        properties.insert(
            "published_at".into(),
            json!({"type": "string", "format": "date-time", "nullable": true, "description": "Publication time; set on first publish when omitted."}),
        );
        let by_locale: Map<String, Value> = other_locales
            .iter()
            .map(|locale| (locale.clone(), translation_schema(content_type)))
            .collect();
        let translations = json!({
            "type": "object",
            "nullable": true,
            "description": "The localized fields in other locales (`api.locales`), by locale, e.g. {\"fr\": {\"title\": \"...\"}}. The default locale's values are the fields themselves.",
            "properties": by_locale,
            "additionalProperties": false,
        });
        properties.insert("translations".into(), translations);
        for system in SystemField::ALL.into_iter().filter(|f| !f.is_writable()) {
            properties.insert(
                system.name().to_owned(),
                json!({"readOnly": true, "description": "Read-only: taken and ignored, so an entry read from the API can be sent back as it is."}),
            );
        }
    }
    for field in &content_type.fields {
        if view == View::Public && field.private {
            continue;
        }
        let mut schema = field_schema(field, view);
        // Output fields are not required either: `fields=` may leave them out.
        if !field.required {
            schema["nullable"] = Value::Bool(true);
        }
        if view == View::Input && must_have_value(field) {
            required.push(&field.name);
        }
        properties.insert(field.name.clone(), schema);
    }
    let mut schema = json!({
        "type": "object",
        "title": view.schema_name(content_type),
        "properties": properties,
    });
    if !output {
        schema["additionalProperties"] = json!(false);
    }
    if let Some(description) = &content_type.description {
        schema["description"] = Value::String(description.clone());
    }
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// One locale's translation of an entry: its localized fields (`PUT .../translations/{locale}`).
pub fn translation_schema(content_type: &ContentType) -> Value {
    let fields: Map<String, Value> = content_type
        .fields
        .iter()
        .filter(|f| f.localized)
        .map(|f| (f.name.clone(), translated_field_schema(f)))
        .collect();
    json!({
        "type": "object",
        "title": format!("{}Translation", pascal_case(&content_type.id)),
        "description": "The entry's localized fields in one locale; a field left out shows the default locale's value.",
        "properties": fields,
        "additionalProperties": false,
    })
}

/// A localized field's value in another locale: blank or `null` leaves it to the default
/// locale's value, whatever the field's own rules.
fn translated_field_schema(field: &Field) -> Value {
    let mut schema = json!({
        "anyOf": [kind_schema(&field.kind, View::Input), value_patterns::blank()],
        "nullable": true,
    });
    schema["description"] = json!(
        field
            .description
            .clone()
            .unwrap_or_else(|| field.label.clone())
    );
    schema
}

/// `{locale: {field: value}}` as stored, in an admin read.
fn stored_translations_schema(content_type: &ContentType) -> Value {
    json!({
        "type": "object",
        "description": "The entry's translations, by locale: its localized fields in that locale.",
        "additionalProperties": translation_schema(content_type),
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
        properties.push(("translations", stored_translations_schema(content_type)));
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

/// A write must give this field a value that is not blank: it is required and has no
/// default to fall back to.
fn must_have_value(field: &Field) -> bool {
    field.required && field.default.is_none()
}

/// What a write takes for a field. Blank text means "no value" in a text field: refused
/// where a value is needed, taken as clearing the field elsewhere.
fn input_rules(field: &Field, mut schema: Value) -> Value {
    if !is_text_kind(&field.kind) {
        if field.required && !must_have_value(field) {
            schema["nullable"] = Value::Bool(true);
        }
        return schema;
    }
    if must_have_value(field) {
        return json!({"allOf": [schema, value_patterns::not_blank()]});
    }
    json!({"anyOf": [schema, value_patterns::blank()], "nullable": true})
}

fn field_schema(field: &Field, view: View) -> Value {
    let output = view.is_output();
    let mut schema = kind_schema(&field.kind, view);
    if !output {
        schema = input_rules(field, schema);
    }
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

fn kind_schema(kind: &FieldKind, view: View) -> Value {
    let output = view.is_output();
    match kind {
        FieldKind::Text(rules) => text_schema(rules),
        FieldKind::Slug(rules) if output => text_schema(rules),
        FieldKind::Slug(rules) => json!({"allOf": [text_schema(rules), value_patterns::slug()]}),
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
        FieldKind::Integer(bounds) => bounded(
            json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX}),
            bounds,
        ),
        FieldKind::Number(bounds) => bounded(
            json!({"type": "number", "minimum": f64::MIN, "maximum": f64::MAX}),
            bounds,
        ),
        FieldKind::Boolean => json!({"type": "boolean"}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::Datetime => json!({"type": "string", "format": "date-time"}),
        FieldKind::Enum(options) => json!({"type": "string", "enum": options}),
        FieldKind::Email => value_patterns::email(),
        FieldKind::Url => value_patterns::url(),
        FieldKind::Json => json!({}),
        FieldKind::Reference {
            to, many: false, ..
        } => reference_schema(to, view),
        FieldKind::Reference {
            to,
            many: true,
            items,
        } => items_bounded(
            json!({"type": "array", "items": reference_schema(to, view)}),
            items,
        ),
        FieldKind::List { item, items } => items_bounded(
            json!({"type": "array", "items": kind_schema(item, view)}),
            items,
        ),
        FieldKind::Media {
            many: false,
            accept,
            ..
        } => media_schema(accept, view),
        FieldKind::Media {
            many: true,
            accept,
            items,
        } => items_bounded(
            json!({"type": "array", "items": media_schema(accept, view)}),
            items,
        ),
    }
}

/// On the way in, a media id (or the embedded object a read gave); on the way out, the
/// file embedded.
fn media_schema(accept: &[String], view: View) -> Value {
    let takes = if accept.is_empty() {
        "any file".to_owned()
    } else {
        accept.join(", ")
    };
    if view.is_output() {
        return json!({
            "allOf": [{"$ref": "#/components/schemas/MediaEmbed"}],
            "description": format!("A file from the media library ({takes})."),
        });
    }
    let id =
        json!({"type": "string", "pattern": "^[0-9A-Za-z]{1,64}$", "description": "Media id."});
    json!({
        "description": format!("A media id from the media library ({takes}), or the media object a read returned."),
        "anyOf": [id, {"type": "object", "required": ["id"], "properties": {"id": id}}]
    })
}

/// On the way in, an id or slug; on the way out, an id, or the entry itself when
/// `include` names the field.
fn reference_schema(to: &str, view: View) -> Value {
    let embedded = match view {
        View::Public => Some(pascal_case(to)),
        View::Admin => Some(format!("{}Admin", pascal_case(to))),
        View::Input | View::Patch => None,
    };
    match embedded {
        Some(schema) => json!({
            "description": format!("The id of a `{to}` entry, or the entry itself where `include` names this field."),
            "anyOf": [
                {"type": "string", "description": "Entry id."},
                {"$ref": format!("#/components/schemas/{schema}")}
            ]
        }),
        None => {
            let mut schema = value_patterns::reference();
            schema["description"] = json!(format!("Id or slug of a `{to}` entry."));
            schema
        }
    }
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
