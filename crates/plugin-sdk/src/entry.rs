//! [`Entry`]: an entry's JSON object with typed accessors, so hooks read fields without
//! matching on `serde_json::Value` by hand.

use serde_json::{Map, Value};

/// One entry, as the JSON object the host passed in (see `entry-json` in the WIT).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry(pub Map<String, Value>);

impl Entry {
    /// Parses entry JSON; anything but an object is an error.
    pub fn parse(json: &str) -> Result<Entry, String> {
        match serde_json::from_str(json) {
            Ok(Value::Object(map)) => Ok(Entry(map)),
            Ok(_) => Err("the entry is not a JSON object".into()),
            Err(e) => Err(format!("the entry is not valid JSON: {e}")),
        }
    }

    /// The entry as JSON text.
    pub fn to_json(&self) -> String {
        // Serialising a map of JSON values cannot fail: every key is a string.
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }

    /// The raw value of a field; `None` when absent or null.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    /// A string field.
    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    /// An integer field.
    pub fn get_i64(&self, field: &str) -> Option<i64> {
        self.get(field).and_then(Value::as_i64)
    }

    /// A number field.
    pub fn get_f64(&self, field: &str) -> Option<f64> {
        self.get(field).and_then(Value::as_f64)
    }

    /// A boolean field.
    pub fn get_bool(&self, field: &str) -> Option<bool> {
        self.get(field).and_then(Value::as_bool)
    }

    /// A list field's items; empty when absent or not a list.
    pub fn get_list(&self, field: &str) -> &[Value] {
        self.get(field)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// A rich-text field's Markdown, whether written as a string or served as
    /// `{"markdown", "html"}`.
    pub fn get_markdown(&self, field: &str) -> Option<&str> {
        match self.get(field)? {
            Value::String(s) => Some(s),
            Value::Object(o) => o.get("markdown").and_then(Value::as_str),
            _ => None,
        }
    }

    /// A reference field's ids or slugs (one or many).
    pub fn get_references(&self, field: &str) -> Vec<&str> {
        match self.get(field) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The entry's id, once it has one.
    pub fn id(&self) -> Option<&str> {
        self.get_str("id")
    }

    /// Sets a field.
    pub fn set(&mut self, field: &str, value: impl Into<Value>) {
        self.0.insert(field.to_owned(), value.into());
    }

    /// Removes a field, returning its value.
    pub fn remove(&mut self, field: &str) -> Option<Value> {
        self.0.remove(field)
    }
}
