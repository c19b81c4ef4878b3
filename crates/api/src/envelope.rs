//! The envelopes every answer comes in: `{"data": ...}` for one item, and
//! `{"data": [...], "meta": {"page": {...}, "total": N}}` for lists.

use poem_openapi::Object;
use serde_json::{Value, json};

pub fn one(data: impl Into<Value>) -> Value {
    json!({ "data": data.into() })
}

/// Where a list page sits in the whole list.
#[derive(Debug, Clone, Object)]
pub struct PageMeta {
    /// The page's number, from 1; `null` for a page reached by cursor.
    pub number: Option<u64>,
    /// Items per page.
    pub size: u64,
    /// Pages in the whole list.
    pub total_pages: u64,
    /// Cursor of the next page, for `page[after]`; `null` on the last page and where the
    /// order does not allow cursors.
    pub next: Option<String>,
}

/// The `meta` of every list.
#[derive(Debug, Clone, Object)]
pub struct ListMeta {
    pub page: PageMeta,
    /// Items in the whole list (all pages).
    pub total: u64,
}

impl ListMeta {
    /// A list that always comes whole, on one page.
    pub fn whole(total: u64) -> ListMeta {
        ListMeta {
            page: PageMeta {
                number: Some(1),
                size: total,
                total_pages: u64::from(total > 0),
                next: None,
            },
            total,
        }
    }
}
