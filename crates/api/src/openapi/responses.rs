//! Which statuses each operation can answer. poem-openapi gives every operation that
//! returns `ApiError` the same error list; this narrows it to what the operation really
//! answers and adds the rest (304 on reads, `Retry-After` on 429), so the document says
//! exactly what clients and fuzzers will see.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::error::status_description;

/// What decides an operation's statuses.
pub struct Traits<'a> {
    pub path: &'a str,
    pub method: &'a str,
    /// The operation declares a security scheme, or may be asked for a preview, or all
    /// public reads need a token.
    pub needs_credential: bool,
    /// A plugin hook can run for it (its type, or a type it can embed, has a plugin).
    pub runs_plugins: bool,
}

fn parameter_names(operation: &Value) -> Vec<&str> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect()
}

fn error_statuses(operation: &Value, traits: &Traits<'_>) -> BTreeSet<u16> {
    let operation_id = operation["operationId"].as_str().unwrap_or_default();
    let has_body = operation.get("requestBody").is_some();
    let parameters = parameter_names(operation);
    let mut statuses = BTreeSet::from([400, 500]);
    if traits.needs_credential {
        statuses.extend([401, 403]);
    }
    if traits.path.contains('{') {
        statuses.insert(404);
    }
    if traits.method != "get" {
        // Every write can lose to concurrent writes past its retries (write_conflict),
        // and the ones with unique fields can clash (conflict).
        statuses.insert(409);
    }
    if parameters.contains(&"If-Match") {
        statuses.insert(412);
    }
    if has_body {
        statuses.extend([413, 415, 422]);
    }
    // These rewrite the entry, which is checked like any write (say a referenced entry
    // has gone since), or reload a plugin, which may be refused.
    let rewrites = ["restoreRevision", "deleteTranslation", "reloadPlugin"];
    // A GraphQL document that does not parse, fit the schema or stay within the limits.
    if rewrites.iter().any(|id| operation_id.starts_with(id))
        || GRAPHQL_QUERIES.contains(&operation_id)
    {
        statuses.insert(422);
    }
    if operation_id == "login" {
        // A wrong email or password (invalid_credentials), and throttling.
        statuses.extend([401, 429]);
    }
    if !HEALTH.contains(&operation_id) {
        // The database server may be out of reach (storage_unavailable); uploads also
        // need the media object store (media_store_unavailable).
        statuses.insert(503);
    }
    if traits.runs_plugins {
        statuses.extend([502, 503]);
    }
    if operation_id == STREAM {
        // A bad bearer token or ticket; a credential short of `read` when public reads
        // need a token.
        statuses.extend([401, 403]);
    }
    statuses
}

/// The event stream: a GET without an entity tag (it never ends).
const STREAM: &str = "streamEvents";

/// The probes, which answer whatever state the database is in.
const HEALTH: [&str; 2] = ["health", "readiness"];

fn error_response(status: u16) -> Value {
    let mut response = json!({
        "description": status_description(status),
        "content": {"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    });
    match status {
        401 => {
            response["headers"] = json!({"WWW-Authenticate": {
                "description": "`Bearer`: the route takes a bearer token.",
                "schema": {"type": "string"}
            }});
        }
        429 => {
            response["headers"] = json!({"Retry-After": {
                "description": "Seconds to wait before trying again.",
                "required": true,
                "schema": {"type": "integer", "minimum": 1}
            }});
        }
        503 => {
            response["headers"] = json!({"Retry-After": {
                "description": "Seconds to wait before trying again (absent for plugin_unavailable, which lasts until an admin reloads the plugin).",
                "schema": {"type": "integer", "minimum": 1}
            }});
        }
        _ => {}
    }
    response
}

/// Replaces the operation's error responses with the ones it can answer; reads also
/// answer 304 to a matching `If-None-Match`.
pub fn declare(operation: &mut Value, traits: &Traits<'_>) {
    let statuses = error_statuses(operation, traits);
    let operation_id = operation["operationId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let streams = operation_id == STREAM;
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    // Readiness's 503 is its own answer (a readiness body), not an error.
    let readiness = operation_id == "readiness";
    responses.retain(|status, _| {
        !status.starts_with('4') && !status.starts_with('5') || readiness && status == "503"
    });
    if traits.method == "get" && !streams {
        responses.insert(
            "304".to_owned(),
            json!({"description": "Not modified: the `If-None-Match` ETag is still current."}),
        );
    }
    let graphql = GRAPHQL_QUERIES.contains(&operation_id.as_str());
    let mut errors: Map<String, Value> = statuses
        .into_iter()
        .map(|status| {
            let mut response = error_response(status);
            if graphql {
                graphql_shaped(&mut response);
            }
            (status.to_string(), response)
        })
        .collect();
    responses.append(&mut errors);
}

/// The operations that run GraphQL queries.
pub const GRAPHQL_QUERIES: [&str; 2] = ["graphqlGet", "graphqlPost"];

/// GraphQL's own refusals come as `{"errors": [{"message", "extensions": {"code"}}]}`;
/// those made before it (a body that is not JSON, a missing token where public reads need
/// one) as every route's error body.
fn graphql_shaped(response: &mut Value) {
    let schema = &mut response["content"]["application/json; charset=utf-8"]["schema"];
    let graphql = json!({
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": {"type": "array", "items": {
            "type": "object",
            "required": ["message", "extensions"],
            "properties": {
                "message": {"type": "string"},
                "extensions": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}}
                }
            }
        }}}
    });
    *schema = json!({"anyOf": [schema.take(), graphql]});
}
