//! The single-item envelope `{"data": ...}` and the entry views (lists: `listing`).

use serde_json::{Value, json};

pub fn one(data: impl Into<Value>) -> Value {
    json!({ "data": data.into() })
}
