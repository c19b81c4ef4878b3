//! What lists learn about themselves, kept until a type they read changes: totals
//! (counting walks every matching index entry) and where numbered pages start. A page by
//! number costs a walk over every entry before it (SurrealDB fetches each one), so once
//! page `n` is served, the cursor of page `n + 1` is kept, and that page is then read
//! from its cursor like any keyset page: a reader going through the pages in turn pays
//! for the walk once, not on every page.

use civitas_core::query::Cursor;
use quick_cache::sync::Cache;

use crate::freshness::{Generations, ReadSet};

/// Most totals kept; the least recently used go first.
const MAX_ENTRIES: usize = 10_000;

pub(crate) struct CountCache {
    totals: Cache<String, (ReadSet, u64)>,
    page_starts: Cache<String, (ReadSet, Cursor)>,
}

impl Default for CountCache {
    fn default() -> CountCache {
        CountCache {
            totals: Cache::new(MAX_ENTRIES),
            page_starts: Cache::new(MAX_ENTRIES),
        }
    }
}

impl CountCache {
    /// The total for `key`, if the types it counted have not changed since.
    pub(crate) fn get(&self, key: &str, generations: &Generations) -> Option<u64> {
        self.totals
            .get(key)
            .filter(|(reads, _)| generations.is_current(reads))
            .map(|(_, total)| total)
    }

    /// Keeps a total counted after noting `reads` (so a write during the count leaves it
    /// stale, not wrong).
    pub(crate) fn put(&self, key: String, reads: ReadSet, total: u64) {
        self.totals.insert(key, (reads, total));
    }
}

impl CountCache {
    /// The cursor page `key` starts after, if known and the types read are unchanged.
    pub(crate) fn page_start(&self, key: &str, generations: &Generations) -> Option<Cursor> {
        self.page_starts
            .get(key)
            .filter(|(reads, _)| generations.is_current(reads))
            .map(|(_, cursor)| cursor)
    }

    pub(crate) fn put_page_start(&self, key: String, reads: ReadSet, cursor: Cursor) {
        self.page_starts.insert(key, (reads, cursor));
    }
}
