//! Totals for lists, kept until a type they count changes. Counting is the slowest part
//! of a list in SurrealDB (it walks every matching index entry), and totals change only
//! when the types they count are written.

use quick_cache::sync::Cache;

use crate::freshness::{Generations, ReadSet};

/// Most totals kept; the least recently used go first.
const MAX_ENTRIES: usize = 10_000;

pub(crate) struct CountCache {
    totals: Cache<String, (ReadSet, u64)>,
}

impl Default for CountCache {
    fn default() -> CountCache {
        CountCache {
            totals: Cache::new(MAX_ENTRIES),
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
