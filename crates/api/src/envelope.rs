//! The response envelopes of ARCHITECTURE.md: `{"data": ...}` for one item and
//! `{"data": [...], "meta": {"page": {...}, "total": N}}` for lists.

use civitas_core::ContentType;
use civitas_core::query::PageRequest;
use civitas_store::{Entry, ListPage};
use serde_json::{Value, json};

pub fn one(data: impl Into<Value>) -> Value {
    json!({ "data": data.into() })
}

pub fn list(page: ListPage, request: PageRequest, show: impl Fn(Entry) -> Value) -> Value {
    let total_pages = page.total.div_ceil(request.size);
    json!({
        "data": page.entries.into_iter().map(show).collect::<Vec<_>>(),
        "meta": {
            "page": { "number": request.number, "size": request.size, "total_pages": total_pages },
            "total": page.total,
        }
    })
}

/// An entry as the public sees it: no private fields, no editor identity.
pub fn public_entry(content_type: &ContentType, mut entry: Entry) -> Value {
    entry.shift_remove("updated_by");
    for field in content_type.fields.iter().filter(|f| f.private) {
        entry.shift_remove(&field.name);
    }
    Value::Object(entry)
}

pub fn admin_entry(entry: Entry) -> Value {
    Value::Object(entry)
}
