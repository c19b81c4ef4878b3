//! The single-item envelope `{"data": ...}` and the entry views (lists: `listing`).

use civitas_store::Entry;
use serde_json::{Value, json};

pub fn one(data: impl Into<Value>) -> Value {
    json!({ "data": data.into() })
}

pub fn admin_entry(entry: Entry) -> Value {
    Value::Object(entry)
}
