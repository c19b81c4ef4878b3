//! Query and path parameters as the server checks them: bounds, enums and patterns from
//! the settings (page sizes, locales) and, on a content type's own paths, the type's
//! query language (`filter`, `sort`, `fields`, `include`, `q`).

use civitas_core::query::list::MAX_SEARCH_LEN;
use civitas_core::{ContentType, Status, TypeRegistry};
use serde_json::{Value, json};

use crate::query_schema::{fields_schema, filter_ref, include_schema, sort_schema};
use crate::state::ApiSettings;

fn statuses() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.as_str()).collect()
}

/// The schema (and serialisation) a parameter of this name has on every route, if the
/// server bounds it.
fn shared_schema(name: &str, location: &str, settings: &ApiSettings) -> Option<Value> {
    let locales = &settings.locales;
    let schema = match (name, location) {
        ("page[size]" | "limit", "query") => json!({
            "type": "integer", "format": "int64",
            "minimum": 1, "maximum": settings.max_page_size,
            "default": settings.default_page_size
        }),
        ("page[number]", "query") => json!({
            "type": "integer", "format": "int64",
            "minimum": 1, "maximum": u64::MAX / settings.max_page_size.max(1), "default": 1
        }),
        ("locale", "query") => json!({"type": "string", "enum": locales.available}),
        ("locale", "path") => {
            let others: Vec<&String> = locales
                .available
                .iter()
                .filter(|l| **l != locales.default)
                .collect();
            json!({"type": "string", "enum": others})
        }
        ("status", "query") => json!({"type": "string", "enum": statuses()}),
        ("q", "query") => json!({
            "type": "string", "minLength": 1, "maxLength": MAX_SEARCH_LEN, "pattern": "\\S"
        }),
        ("since" | "until", "query") => json!({"type": "string", "format": "date-time"}),
        ("number", "path") => json!({"type": "integer", "format": "int64", "minimum": 1}),
        _ => return None,
    };
    Some(schema)
}

fn parameters_mut(operation: &mut Value) -> impl Iterator<Item = &mut Value> {
    operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// Bounds every parameter the server bounds the same way on every route.
pub fn bound(operation: &mut Value, settings: &ApiSettings) {
    for parameter in parameters_mut(operation) {
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        let location = parameter["in"].as_str().unwrap_or_default().to_owned();
        if let Some(schema) = shared_schema(&name, &location, settings) {
            parameter["schema"] = schema;
        }
    }
}

/// Gives one content type's list and read operations its own query language; a
/// parameter the type cannot use (`q` without searchable fields, `include` without
/// references) is left out.
pub fn specialise(
    operation: &mut Value,
    registry: &TypeRegistry,
    content_type: &ContentType,
    public: bool,
    settings: &ApiSettings,
) {
    let searchable = content_type.is_searchable();
    let include = include_schema(registry, content_type, settings.max_include_depth, public);
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        parameters.retain(|p| match p["name"].as_str() {
            Some("type_id") => false,
            Some("q") => searchable,
            Some("include") => include.is_some(),
            _ => true,
        });
    }
    for parameter in parameters_mut(operation) {
        let (schema, style) = match parameter["name"].as_str() {
            Some("filter") => (filter_ref(content_type, public), "deepObject"),
            Some("sort") => (sort_schema(content_type), "form"),
            Some("fields") => (fields_schema(content_type, public), "form"),
            Some("include") => match &include {
                Some(schema) => (schema.clone(), "form"),
                None => continue,
            },
            _ => continue,
        };
        parameter["schema"] = schema;
        parameter["style"] = Value::String(style.to_owned());
        parameter["explode"] = Value::Bool(style == "deepObject");
    }
}
