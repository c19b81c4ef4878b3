//! The OpenAPI document: poem-openapi describes the routes; this module adds a schema per
//! content type, turns each `/content/{type_id}` route into one path per type (with that
//! type's query language and entry shapes), and states each operation's parameters and
//! answers as the server really checks and gives them. Clients generated from it, and
//! fuzzers driven by it, can take it at its word.

mod accounts;
mod parameters;
mod responses;
mod webhooks;

use std::collections::BTreeSet;

use civitas_core::{ContentType, FieldKind, TypeRegistry};
use serde_json::{Map, Value, json};

use crate::error::ErrorCode;
use crate::query_schema::filter_components;
use crate::schemas::{View, entry_schema, translation_schema};
use crate::state::AppState;
use civitas_core::content_type::pascal_case;

/// What the success response and the body of an operation hold, by operation id.
struct Role {
    entry: Option<View>,
    list: bool,
    body: Option<Body>,
    /// Takes `If-Match`: the write is refused (412) if the entry moved on.
    if_match: bool,
}

#[derive(Clone, Copy)]
enum Body {
    Entry(View),
    Translation,
}

fn role(operation_id: &str) -> Role {
    let admin = Some(View::Admin);
    let (entry, list, body, if_match) = match operation_id {
        "listEntries" => (Some(View::Public), true, None, false),
        "getEntry" => (Some(View::Public), false, None, false),
        "adminListEntries" => (admin, true, None, false),
        "createEntry" => (admin, false, Some(Body::Entry(View::Input)), false),
        "replaceEntry" => (admin, false, Some(Body::Entry(View::Input)), true),
        "patchEntry" => (admin, false, Some(Body::Entry(View::Patch)), true),
        "validateEntry" => (None, false, Some(Body::Entry(View::Input)), false),
        "putTranslation" => (admin, false, Some(Body::Translation), true),
        "deleteTranslation" | "restoreRevision" => (admin, false, None, true),
        "adminGetEntry" | "publishEntry" | "unpublishEntry" | "archiveEntry" | "scheduleEntry"
        | "unscheduleEntry" => (admin, false, None, false),
        _ => (None, false, None, false),
    };
    Role {
        entry,
        list,
        body,
        if_match,
    }
}

/// Operations on a type's paths that never run its plugin's hooks.
const WITHOUT_HOOKS: [&str; 5] = [
    "validateEntry",
    "deleteEntry",
    "listRevisions",
    "getRevision",
    "diffRevisions",
];

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

/// Builds the full document from poem-openapi's spec, the content types and the settings.
pub fn document(service_spec: &str, state: &AppState) -> Result<Value, serde_json::Error> {
    let mut document: Value = serde_json::from_str(service_spec)?;
    let registry = state.registry();
    let public_read_requires_token = state.auth.settings.public_read_requires_token;
    if public_read_requires_token {
        require_read_token(&mut document);
    }
    if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
        mark_nullable(schemas);
        accounts::describe(schemas, state);
        webhooks::describe(schemas, state);
        crate::media::describe_inputs(schemas, &state.settings.locales);
    }
    let locales = &state.settings.locales;
    let other_locales: Vec<String> = locales
        .available
        .iter()
        .filter(|l| **l != locales.default)
        .cloned()
        .collect();
    add_shared_schemas(&mut document, registry, &other_locales);
    let paths = match document.get_mut("paths").map(Value::take) {
        Some(Value::Object(paths)) => paths,
        _ => Map::new(),
    };
    let hooked = types_running_plugins(state);
    let mut concrete = Map::new();
    for (path, item) in paths {
        if path.starts_with("/api/v1/types") {
            concrete.insert(
                path.clone(),
                describe_type_routes(item, path.contains("{type_id}")),
            );
        } else if path.contains("{type_id}") {
            for content_type in registry.iter() {
                let typed = path.replace("{type_id}", &content_type.id);
                let public = !path.starts_with("/api/v1/admin");
                let runs_plugins = hooked.contains(&content_type.id);
                let target = Target {
                    content_type,
                    path: &typed,
                    public,
                    runs_plugins,
                };
                let item = specialise(item.clone(), state, &target);
                concrete.insert(typed.clone(), item);
            }
        } else {
            concrete.insert(path.clone(), finish(item, state, &path, false));
        }
    }
    concrete.insert(
        "/assets/{id}/{filename}".into(),
        crate::media::asset_path_item(&state.media),
    );
    for item in concrete.values_mut() {
        for operation in operations(item) {
            close_forms(operation);
        }
    }
    document["paths"] = Value::Object(concrete);
    document["info"]["description"] = Value::String(info_description());
    null_in_nullable_enums(&mut document);
    Ok(document)
}

/// In OpenAPI 3.0 an `enum` restricts a `nullable` schema too, so it must list `null`
/// for `null` to be allowed.
fn null_in_nullable_enums(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::Array(options)) = object.get_mut("enum")
                && !options.contains(&Value::Null)
            {
                options.push(Value::Null);
            }
            object.values_mut().for_each(null_in_nullable_enums);
        }
        Value::Array(items) => items.iter_mut().for_each(null_in_nullable_enums),
        _ => {}
    }
}

/// Types whose reads or writes can run a plugin hook: the plugins' own types, and types
/// that can embed them through `include`.
fn types_running_plugins(state: &AppState) -> BTreeSet<String> {
    let registry = state.registry();
    let owned: BTreeSet<String> = registry
        .iter()
        .filter(|t| state.plugins.owner_of(&t.id).is_some())
        .map(|t| t.id.clone())
        .collect();
    registry
        .iter()
        .filter(|t| reaches(registry, t, &owned, state.settings.max_include_depth))
        .map(|t| t.id.clone())
        .collect()
}

fn reaches(
    registry: &TypeRegistry,
    content_type: &ContentType,
    targets: &BTreeSet<String>,
    depth: usize,
) -> bool {
    if targets.contains(&content_type.id) {
        return true;
    }
    depth > 0
        && content_type.fields.iter().any(|field| match &field.kind {
            FieldKind::Reference { to, .. } => registry
                .get(to)
                .is_some_and(|target| reaches(registry, target, targets, depth - 1)),
            _ => false,
        })
}

/// The parts every operation gets, wherever its path comes from: parameter bounds,
/// optional credentials for previews, and the statuses it answers.
fn finish(mut item: Value, state: &AppState, path: &str, runs_plugins: bool) -> Value {
    let public_read_requires_token = state.auth.settings.public_read_requires_token;
    let Some(methods) = item.as_object_mut() else {
        return item;
    };
    for (method, operation) in methods.iter_mut() {
        parameters::bound(operation, &state.settings);
        let operation_id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        link_follow_ups(operation, &operation_id, "");
        // GraphQL queries take `preview` as an argument.
        let takes_preview = operation["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "preview"))
            || responses::GRAPHQL_QUERIES.contains(&operation_id.as_str());
        if takes_preview && operation.get("security").is_none() {
            // Anyone may read; a preview needs a credential that may preview the type.
            operation["security"] = json!([{}, {"preview": []}]);
        }
        let secured = operation.get("security").is_some()
            || (public_read_requires_token && crate::auth::public_reads::is_public_read(path));
        let hooks = runs_plugins && !WITHOUT_HOOKS.iter().any(|id| operation_id.starts_with(id));
        let traits = responses::Traits {
            path,
            method,
            needs_credential: secured,
            runs_plugins: hooks,
        };
        responses::declare(operation, &traits);
    }
    item
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
        for operation in operations(item) {
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

/// poem-openapi leaves an `Option` field out of `required` but does not say it may be
/// `null`, which is how it is sent (and accepted): say so.
fn mark_nullable(schemas: &mut Map<String, Value>) {
    for schema in schemas.values_mut() {
        let required: Vec<Value> = schema["required"].as_array().cloned().unwrap_or_default();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, property) in properties.iter_mut() {
            if required.contains(&Value::String(name.clone())) {
                continue;
            }
            if property.get("$ref").is_some() {
                *property = json!({"allOf": [property.take()], "nullable": true});
            } else {
                property["nullable"] = Value::Bool(true);
            }
        }
    }
}

fn add_shared_schemas(document: &mut Value, registry: &TypeRegistry, other_locales: &[String]) {
    let mut added = Map::new();
    for content_type in registry.iter() {
        for view in View::ALL {
            added.insert(
                view.schema_name(content_type),
                entry_schema(content_type, view, other_locales),
            );
        }
        added.insert(
            translation_name(content_type),
            translation_schema(content_type),
        );
        for public in [true, false] {
            added.extend(filter_components(registry, content_type, public));
        }
    }
    added.insert("ContentTypeDefinition".into(), type_definition_schema());
    added.insert("MediaEmbed".into(), crate::media::embed_schema());
    match document["components"]["schemas"].as_object_mut() {
        Some(schemas) => schemas.extend(added),
        None => document["components"]["schemas"] = Value::Object(added),
    }
}

fn translation_name(content_type: &ContentType) -> String {
    format!("{}Translation", pascal_case(&content_type.id))
}

/// A form takes only the parts it names (the upload routes refuse any other).
fn close_forms(operation: &mut Value) {
    if let Some(schema) = operation.pointer_mut("/requestBody/content/multipart~1form-data/schema")
    {
        schema["additionalProperties"] = json!(false);
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

/// `If-Match`, in the form the server hands out as `ETag` on admin reads of an entry.
fn if_match_parameter() -> Value {
    json!({
        "name": "If-Match",
        "in": "header",
        "required": false,
        "description": "The `ETag` of the read this write is based on (or `*`): if the entry changed since (or the tag is not one this server gave out), nothing is written and the answer is 412.",
        "schema": {"type": "string"}
    })
}

/// Operations that act on what a create answered with, by the id in its body: OpenAPI
/// links, so clients (and stateful fuzzers) can follow a create to the entry it made.
const FOLLOW_UPS: [(&str, &[&str]); 3] = [
    (
        "createEntry",
        &[
            "adminGetEntry",
            "replaceEntry",
            "patchEntry",
            "deleteEntry",
            "publishEntry",
            "unpublishEntry",
            "archiveEntry",
            "scheduleEntry",
            "unscheduleEntry",
            "listRevisions",
            "putTranslation",
            "deleteTranslation",
        ],
    ),
    ("createUser", &["getUser", "updateUser", "deleteUser"]),
    ("createToken", &["getToken", "revokeToken"]),
];

/// Adds the links from a create's 201 answer to what can be done with what it made;
/// `suffix` is the content type's part of the operation ids (empty elsewhere).
fn link_follow_ups(operation: &mut Value, operation_id: &str, suffix: &str) {
    let Some((_, targets)) = FOLLOW_UPS
        .iter()
        .find(|(create, _)| *create == operation_id)
    else {
        return;
    };
    let links: Map<String, Value> = targets
        .iter()
        .map(|target| {
            let id = format!("{target}{suffix}");
            let link = json!({"operationId": id, "parameters": {"id": "$response.body#/data/id"}});
            (id, link)
        })
        .collect();
    if let Some(created) = operation.pointer_mut("/responses/201") {
        created["links"] = Value::Object(links);
    }
}

/// One content type's copy of a `{type_id}` path.
struct Target<'a> {
    content_type: &'a ContentType,
    /// The path with the type filled in.
    path: &'a str,
    /// A public route (private fields hidden), not an admin one.
    public: bool,
    runs_plugins: bool,
}

fn specialise(mut item: Value, state: &AppState, target: &Target<'_>) -> Value {
    let content_type = target.content_type;
    for operation in operations(&mut item) {
        parameters::specialise(
            operation,
            state.registry(),
            content_type,
            target.public,
            &state.settings,
        );
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let suffix = pascal_case(&content_type.id);
        operation["operationId"] = Value::String(format!("{operation_id}{suffix}"));
        link_follow_ups(operation, &operation_id, &suffix);
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
        if role.if_match {
            match operation["parameters"].as_array_mut() {
                Some(parameters) => parameters.push(if_match_parameter()),
                None => operation["parameters"] = json!([if_match_parameter()]),
            }
        }
        let body = operation
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut);
        if let (Some(body_role), Some(content)) = (role.body, body) {
            let name = match body_role {
                Body::Entry(view) => view.schema_name(content_type),
                Body::Translation => translation_name(content_type),
            };
            for media in content.values_mut() {
                media["schema"] = schema_ref(&name);
            }
        }
    }
    finish(item, state, target.path, target.runs_plugins)
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

fn type_definition_schema() -> Value {
    let field_properties = json!({
        "name": {"type": "string"},
        "label": {"type": "string"},
        "description": {"type": "string"},
        "kind": {"type": "string", "enum": ["text", "rich_text", "slug", "integer", "number", "boolean", "date", "datetime", "enum", "email", "url", "json", "reference", "list", "media"]},
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
        "accept": {"type": "array", "items": {"type": "string"}, "description": "MIME types or patterns a media field takes (`image/*`); absent: any."},
        "min_items": {"type": "integer"},
        "max_items": {"type": "integer"}
    });
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
                "properties": field_properties
            }}
        }
    })
}
