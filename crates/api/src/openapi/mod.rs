//! The OpenAPI document: poem-openapi describes the routes; this module adds a schema per
//! content type and turns each `/content/{type_id}` route into one path per type, so
//! clients and code generators see concrete entry shapes rather than "any object".

use civitas_core::{ContentType, TypeRegistry};
use serde_json::{Map, Value, json};

use crate::error::ErrorCode;
use crate::schemas::{View, entry_schema, pascal_case};

/// What the success response of an operation holds, by operation id.
struct Role {
    entry: Option<View>,
    list: bool,
    body: Option<View>,
}

fn role(operation_id: &str) -> Role {
    let (entry, list, body) = match operation_id {
        "listEntries" => (Some(View::Public), true, None),
        "getEntry" => (Some(View::Public), false, None),
        "adminListEntries" => (Some(View::Admin), true, None),
        "createEntry" | "replaceEntry" => (Some(View::Admin), false, Some(View::Input)),
        "patchEntry" => (Some(View::Admin), false, Some(View::Patch)),
        "adminGetEntry" | "publishEntry" | "unpublishEntry" => (Some(View::Admin), false, None),
        _ => (None, false, None),
    };
    Role { entry, list, body }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn one_envelope(item: Value) -> Value {
    json!({"type": "object", "required": ["data"], "properties": {"data": item}})
}

fn list_envelope(item: Value) -> Value {
    json!({
        "type": "object",
        "required": ["data", "meta"],
        "properties": {"data": {"type": "array", "items": item}, "meta": schema_ref("ListMeta")}
    })
}

/// Builds the full document from poem-openapi's spec and the content types.
pub fn document(
    service_spec: &str,
    registry: &TypeRegistry,
    public_read_requires_token: bool,
) -> Result<Value, serde_json::Error> {
    let mut document: Value = serde_json::from_str(service_spec)?;
    if public_read_requires_token {
        require_read_token(&mut document);
    }
    add_shared_schemas(&mut document, registry);
    let paths = match document.get_mut("paths").map(Value::take) {
        Some(Value::Object(paths)) => paths,
        _ => Map::new(),
    };
    let mut concrete = Map::new();
    for (path, item) in paths {
        if path.starts_with("/api/v1/types") {
            concrete.insert(
                path.clone(),
                describe_type_routes(item, path.contains("{type_id}")),
            );
        } else if path.contains("{type_id}") {
            for content_type in registry.iter() {
                concrete.insert(
                    path.replace("{type_id}", &content_type.id),
                    specialise(item.clone(), content_type),
                );
            }
        } else {
            concrete.insert(path, item);
        }
    }
    document["paths"] = Value::Object(concrete);
    document["info"]["description"] = Value::String(info_description());
    Ok(document)
}

/// With `auth.public_read_requires_token`, every public read route needs the `read` scheme.
fn require_read_token(document: &mut Value) {
    document["components"]["securitySchemes"]["read"] = json!({
        "type": "http",
        "scheme": "bearer",
        "description": "Reading published content: an API token with the `read` scope (or `read:{type}`), or any session or token that may do more.",
    });
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if !crate::auth::public_reads::is_public_read(path) {
            continue;
        }
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            operation["security"] = json!([{"read": []}]);
        }
    }
}

fn info_description() -> String {
    let mut text = String::from(
        "Civitas serves published content as JSON and lets editors manage it through the admin \
         routes.\n\nAuthentication: send `Authorization: Bearer <token>` with a session token \
         (`POST /api/v1/auth/login`) or an API token (`POST /api/v1/admin/tokens`). Each route's \
         security scheme names the capability it needs (`admin`, `preview`, `write`, `publish`); \
         without a valid token the answer is 401, with one whose role or scopes fall short, 403.\n\n\
         Errors have the body `{\"error\": {\"code\", \"message\", \"details\", \"request_id\"}}`; the codes:\n\n",
    );
    for code in ErrorCode::ALL {
        text += &format!(
            "- `{}` ({}): {}\n",
            code.as_str(),
            code.status().as_u16(),
            code.meaning()
        );
    }
    text
}

fn add_shared_schemas(document: &mut Value, registry: &TypeRegistry) {
    let schemas = document["components"]["schemas"].as_object_mut();
    let mut added = Map::new();
    for content_type in registry.iter() {
        for view in View::ALL {
            added.insert(
                view.schema_name(content_type),
                entry_schema(content_type, view),
            );
        }
    }
    added.insert("ListMeta".into(), list_meta_schema());
    added.insert("ContentTypeDefinition".into(), type_definition_schema());
    match schemas {
        Some(schemas) => schemas.extend(added),
        None => document["components"]["schemas"] = Value::Object(added),
    }
}

fn operations(item: &mut Value) -> impl Iterator<Item = &mut Value> {
    item.as_object_mut()
        .into_iter()
        .flat_map(|methods| methods.values_mut())
}

fn set_success_schema(operation: &mut Value, schema: &Value) {
    for status in ["200", "201"] {
        let content = operation
            .pointer_mut(&format!("/responses/{status}/content"))
            .and_then(Value::as_object_mut);
        if let Some(content) = content {
            for media in content.values_mut() {
                media["schema"] = schema.clone();
            }
        }
    }
}

fn specialise(mut item: Value, content_type: &ContentType) -> Value {
    for operation in operations(&mut item) {
        if let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        {
            parameters.retain(|p| p["name"] != "type_id");
        }
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        operation["operationId"] =
            Value::String(format!("{operation_id}{}", pascal_case(&content_type.id)));
        if let Some(summary) = operation.get("summary").and_then(Value::as_str) {
            operation["summary"] = Value::String(format!("{summary} ({})", content_type.label));
        }
        let role = role(&operation_id);
        if let Some(view) = role.entry {
            let item = schema_ref(&view.schema_name(content_type));
            let schema = if role.list {
                list_envelope(item)
            } else {
                one_envelope(item)
            };
            set_success_schema(operation, &schema);
        }
        let body = operation
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut);
        if let (Some(view), Some(content)) = (role.body, body) {
            for media in content.values_mut() {
                media["schema"] = schema_ref(&view.schema_name(content_type));
            }
        }
    }
    item
}

fn describe_type_routes(mut item: Value, single: bool) -> Value {
    let definition = schema_ref("ContentTypeDefinition");
    let schema = if single {
        one_envelope(definition)
    } else {
        one_envelope(json!({"type": "array", "items": definition}))
    };
    for operation in operations(&mut item) {
        set_success_schema(operation, &schema);
    }
    item
}

fn list_meta_schema() -> Value {
    json!({
        "type": "object",
        "required": ["page", "total"],
        "properties": {
            "page": {
                "type": "object",
                "required": ["number", "size", "total_pages"],
                "properties": {
                    "number": {"type": "integer", "format": "int64"},
                    "size": {"type": "integer", "format": "int64"},
                    "total_pages": {"type": "integer", "format": "int64"}
                }
            },
            "total": {"type": "integer", "format": "int64", "description": "Entries in the whole list."}
        }
    })
}

fn type_definition_schema() -> Value {
    let optional_string = json!({"type": "string"});
    json!({
        "type": "object",
        "description": "A content type, in the same form as the files in schema/types/.",
        "required": ["id", "label", "plural_label", "title_field", "slug_from", "fields"],
        "properties": {
            "id": {"type": "string"},
            "label": {"type": "string"},
            "plural_label": {"type": "string"},
            "description": optional_string,
            "title_field": {"type": "string"},
            "slug_from": {"type": "string"},
            "default_sort": {"type": "string"},
            "fields": {"type": "array", "items": {
                "type": "object",
                "required": ["name", "kind"],
                "properties": {
                    "name": {"type": "string"},
                    "label": {"type": "string"},
                    "description": {"type": "string"},
                    "kind": {"type": "string", "enum": ["text", "rich_text", "slug", "integer", "number", "boolean", "date", "datetime", "enum", "email", "url", "json", "reference", "list"]},
                    "required": {"type": "boolean"},
                    "unique": {"type": "boolean"},
                    "indexed": {"type": "boolean"},
                    "searchable": {"type": "boolean"},
                    "private": {"type": "boolean"},
                    "default": {},
                    "min_length": {"type": "integer"},
                    "max_length": {"type": "integer"},
                    "pattern": {"type": "string"},
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "options": {"type": "array", "items": {"type": "string"}},
                    "to": {"type": "string"},
                    "many": {"type": "boolean"},
                    "of": {"type": "string"},
                    "min_items": {"type": "integer"},
                    "max_items": {"type": "integer"}
                }
            }}
        }
    })
}
