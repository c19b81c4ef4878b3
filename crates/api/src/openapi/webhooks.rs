//! The rules the webhook routes check beyond their Rust types, stated in their body
//! schemas: event types and content types as enums, the URL's and description's bounds,
//! and no fields beyond the documented ones.

use serde_json::{Map, Value, json};

use crate::openapi::accounts::set;
use crate::state::AppState;
use crate::webhooks::{MAX_DESCRIPTION_CHARS, MAX_URL_BYTES};

/// Every event type pattern a webhook may name: each type, each family, and `*`.
fn event_patterns() -> Vec<String> {
    let mut patterns: Vec<String> = civitas_store::EVENT_TYPES
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
    for event_type in civitas_store::EVENT_TYPES {
        if let Some((family, _)) = event_type.split_once('.') {
            let pattern = format!("{family}.*");
            if !patterns.contains(&pattern) {
                patterns.push(pattern);
            }
        }
    }
    patterns.push("*".to_owned());
    patterns
}

pub(super) fn describe(schemas: &mut Map<String, Value>, state: &AppState) {
    let content_types: Vec<String> = state.registry().iter().map(|t| t.id.clone()).collect();
    for input in ["NewWebhookInput", "WebhookChangesInput"] {
        set(
            schemas,
            input,
            "url",
            json!({"format": "uri", "maxLength": MAX_URL_BYTES}),
        );
        set(
            schemas,
            input,
            "description",
            json!({"maxLength": MAX_DESCRIPTION_CHARS}),
        );
        set(
            schemas,
            input,
            "event_types",
            json!({"items": {"type": "string", "enum": event_patterns()}}),
        );
        set(
            schemas,
            input,
            "content_types",
            json!({"items": {"type": "string", "enum": content_types}}),
        );
    }
    for input in ["NewWebhookInput", "WebhookChangesInput", "ReplayInput"] {
        if let Some(schema) = schemas.get_mut(input) {
            schema["additionalProperties"] = json!(false);
        }
    }
}
