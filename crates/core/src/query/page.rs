//! Paging: by page number (with totals), or by keyset cursor, which stays correct while
//! entries are added and removed and costs the same on page 500 as on page 1.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::query::{QueryError, QueryErrorCode};

/// Which page of a list to return.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    pub size: u64,
    pub position: PagePosition,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PagePosition {
    /// Page `n`, from 1.
    Number(u64),
    /// The entries after the one the cursor was made from.
    After(Cursor),
}

/// Where a page ended: the sort-key values of its last entry, then its id. Opaque to
/// clients (base64url JSON), and bound to the ordering it was made for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The ordering, as `format_sort` writes it; a cursor only fits that ordering.
    #[serde(rename = "s")]
    pub sort: String,
    /// One value per sort key, then the entry id.
    #[serde(rename = "v")]
    pub values: Vec<Value>,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

impl PageRequest {
    /// Checks `page[number]`, `page[size]` and `page[after]`; a size above `max_size` is an
    /// error rather than silently cut, so a client never mistakes a short page for the end.
    pub fn new(
        number: Option<u64>,
        size: Option<u64>,
        after: Option<&str>,
        default_size: u64,
        max_size: u64,
    ) -> Result<PageRequest, QueryError> {
        let size = in_range("page[size]", size, default_size, max_size)?;
        let position = match (number, after) {
            (Some(_), Some(_)) => {
                return Err(QueryError::new(
                    QueryErrorCode::InvalidPage,
                    "page[after]",
                    "give either `page[number]` or `page[after]`, not both".into(),
                ));
            }
            (_, Some(text)) => PagePosition::After(Cursor::decode(text).ok_or_else(|| {
                QueryError::new(
                    QueryErrorCode::InvalidCursor,
                    "page[after]",
                    "`page[after]` is not a cursor this server made (use `meta.page.next`)".into(),
                )
            })?),
            (number, None) => PagePosition::Number(in_range(
                "page[number]",
                number,
                1,
                u64::MAX / max_size.max(1),
            )?),
        };
        Ok(PageRequest { size, position })
    }

    /// Entries to skip before this page: zero for cursor pages, which start after the cursor.
    pub fn offset(&self) -> u64 {
        match self.position {
            PagePosition::Number(number) => (number - 1) * self.size,
            PagePosition::After(_) => 0,
        }
    }

    pub fn number(&self) -> Option<u64> {
        match self.position {
            PagePosition::Number(number) => Some(number),
            PagePosition::After(_) => None,
        }
    }
}

fn in_range(
    parameter: &str,
    given: Option<u64>,
    default: u64,
    max: u64,
) -> Result<u64, QueryError> {
    match given {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(QueryError::new(
            QueryErrorCode::InvalidPage,
            parameter,
            format!("`{parameter}` must be a whole number from 1 to {max}, not {n}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pages_are_bounded() {
        let page = PageRequest::new(Some(3), Some(10), None, 20, 100).expect("valid page");
        assert_eq!(page.offset(), 20);
        assert_eq!(
            PageRequest::new(None, None, None, 20, 100).map(|p| p.size),
            Ok(20)
        );
        for (number, size) in [(0, 10), (1, 101), (1, 0), (u64::MAX, 100)] {
            assert!(PageRequest::new(Some(number), Some(size), None, 20, 100).is_err());
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            sort: "-published_at".into(),
            values: vec![json!("2024-01-01T00:00:00Z"), json!("01J")],
        };
        let page =
            PageRequest::new(None, None, Some(&cursor.encode()), 20, 100).expect("valid cursor");
        assert_eq!(page.position, PagePosition::After(cursor.clone()));
        for bad in ["", "!!", "e30", "not-a-cursor"] {
            let err = PageRequest::new(None, None, Some(bad), 20, 100).expect_err(bad);
            assert_eq!(err.code, QueryErrorCode::InvalidCursor);
        }
        assert!(PageRequest::new(Some(2), None, Some(&cursor.encode()), 20, 100).is_err());
    }
}
