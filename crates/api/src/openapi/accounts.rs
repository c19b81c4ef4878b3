//! The rules the account, token and schedule routes check beyond their Rust types, stated
//! in their body schemas: roles and scopes as enums (from the configuration and the
//! types), lengths, email and time formats, and the schedule's "at least one time".

use serde_json::{Map, Value, json};

use crate::auth::Capability;
use crate::state::AppState;
use crate::tokens::MAX_TOKEN_NAME_CHARS;
use crate::users::{MAX_DISPLAY_NAME_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::value_patterns;

/// Every scope a token may have: each capability, on all types or (but `admin`) on one.
fn scopes(state: &AppState) -> Vec<String> {
    let mut scopes = Vec::new();
    for capability in Capability::ALL {
        scopes.push(capability.as_str().to_owned());
        if capability != Capability::Admin {
            scopes.extend(
                state
                    .registry()
                    .iter()
                    .map(|t| format!("{}:{}", capability.as_str(), t.id)),
            );
        }
    }
    scopes
}

pub(super) fn set(schemas: &mut Map<String, Value>, schema: &str, field: &str, rules: Value) {
    let Some(property) = schemas
        .get_mut(schema)
        .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
    else {
        return;
    };
    if let (Some(target), Value::Object(rules)) = (property.as_object_mut(), rules) {
        target.extend(rules);
    }
}

fn with_not_blank(mut schema: Value, max_chars: usize) -> Value {
    schema["maxLength"] = json!(max_chars);
    schema["pattern"] = value_patterns::not_blank()["pattern"].clone();
    schema
}

pub fn describe(schemas: &mut Map<String, Value>, state: &AppState) {
    let roles = json!({"enum": state.auth.settings.roles.names()});
    let password = json!({"minLength": MIN_PASSWORD_CHARS, "maxLength": MAX_PASSWORD_CHARS});
    let mut email = value_patterns::email();
    if let Some(rules) = email.as_object_mut() {
        rules.remove("type");
    }
    let display_name = with_not_blank(json!({}), MAX_DISPLAY_NAME_CHARS);
    for schema in ["NewUserInput", "UserPatch"] {
        set(schemas, schema, "email", email.clone());
        set(schemas, schema, "role", roles.clone());
        set(schemas, schema, "password", password.clone());
        set(schemas, schema, "display_name", display_name.clone());
    }
    set(schemas, "PasswordChange", "new_password", password);
    set(
        schemas,
        "NewTokenInput",
        "name",
        with_not_blank(json!({}), MAX_TOKEN_NAME_CHARS),
    );
    set(
        schemas,
        "NewTokenInput",
        "scopes",
        json!({"minItems": 1, "items": {"type": "string", "enum": scopes(state)}}),
    );
    let date_time = json!({"format": "date-time"});
    set(schemas, "NewTokenInput", "expires_at", date_time.clone());
    set(schemas, "ScheduleInput", "publish_at", date_time.clone());
    set(schemas, "ScheduleInput", "unpublish_at", date_time);
    if let Some(schedule) = schemas.get_mut("ScheduleInput") {
        let given = |field: &str| json!({"required": [field], "properties": {field: {"type": "string", "format": "date-time"}}});
        schedule["anyOf"] = json!([given("publish_at"), given("unpublish_at")]);
    }
    for input in [
        "LoginInput",
        "PasswordChange",
        "NewUserInput",
        "UserPatch",
        "NewTokenInput",
        "ScheduleInput",
    ] {
        if let Some(schema) = schemas.get_mut(input) {
            schema["additionalProperties"] = json!(false);
        }
    }
}
