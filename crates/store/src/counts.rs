//! What lists learn about themselves, kept until a type they read changes: totals
//! (counting walks every matching index entry) and where numbered pages start. A page by
//! number costs a walk over every entry before it (SurrealDB fetches each one), so once
//! page `n` is served, the cursor of page `n + 1` is kept, and that page is then read
//! from its cursor like any keyset page: a reader going through the pages in turn pays
//! for the walk once, not on every page. A reader jumping to a page walks once for every
//! page before it (`page_starts`).

use std::hash::{DefaultHasher, Hash, Hasher};

use civitas_core::query::Cursor;
use quick_cache::sync::{Cache, DefaultLifecycle, PlaceholderGuard};
use quick_cache::{DefaultHashBuilder, UnitWeighter};
use tokio::sync::{Mutex, MutexGuard};

use crate::freshness::{Generations, ReadSet};

/// Most totals kept; the least recently used go first.
const MAX_ENTRIES: usize = 10_000;

/// Walks to numbered pages of one list take turns: a list's key always picks the same
/// lock of these.
const WALK_TURNS: usize = 16;

pub(crate) struct CountCache {
    totals: Cache<String, (ReadSet, u64)>,
    page_starts: Cache<String, (ReadSet, Cursor)>,
    walk_turns: [Mutex<()>; WALK_TURNS],
}

impl Default for CountCache {
    fn default() -> CountCache {
        CountCache {
            totals: Cache::new(MAX_ENTRIES),
            page_starts: Cache::new(MAX_ENTRIES),
            walk_turns: std::array::from_fn(|_| Mutex::new(())),
        }
    }
}

/// A total, or the duty to count it: many lists asking for the same missing total at
/// once (every page of an archive, right after a write) count it once; the others wait.
pub(crate) enum Total<'a> {
    Known(u64),
    Count(TotalGuard<'a>),
}

pub(crate) type TotalGuard<'a> = PlaceholderGuard<
    'a,
    String,
    (ReadSet, u64),
    UnitWeighter,
    DefaultHashBuilder,
    DefaultLifecycle<String, (ReadSet, u64)>,
>;

impl CountCache {
    /// The total for `key` if the types it counted have not changed since, else the duty
    /// to count it (and then [`TotalGuard::insert`] it with the reads noted before counting,
    /// so a write during the count leaves it stale, not wrong).
    pub(crate) async fn total(&self, key: &str, generations: &Generations) -> Total<'_> {
        loop {
            match self.totals.get_value_or_guard_async(key).await {
                Ok((reads, total)) if generations.is_current(&reads) => return Total::Known(total),
                Ok(_) => {
                    self.totals.remove(key);
                }
                Err(guard) => return Total::Count(guard),
            }
        }
    }

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

    /// Waits for the turn to walk the list `key` (see `page_starts`).
    pub(crate) async fn walk_turn(&self, key: &str) -> MutexGuard<'_, ()> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        self.walk_turns[hasher.finish() as usize % WALK_TURNS]
            .lock()
            .await
    }
}
