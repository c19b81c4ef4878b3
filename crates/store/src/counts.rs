//! Totals for lists, cached until the next write. Counting is the slowest part of a list
//! in SurrealDB (tens of milliseconds at 100k rows), and totals only change on writes.
//! The cache lives in this process: servers sharing one database each see only their own
//! writes (see the README's notes on running several nodes).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Most totals kept; past this the cache starts over rather than grow without bound.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub(crate) struct CountCache {
    generation: AtomicU64,
    totals: Mutex<HashMap<String, (u64, u64)>>,
}

impl CountCache {
    pub(crate) fn get(&self, key: &str) -> Option<u64> {
        let generation = self.generation.load(Ordering::Acquire);
        let totals = self.totals.lock().ok()?;
        totals
            .get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, total)| *total)
    }

    pub(crate) fn put(&self, key: String, total: u64, generation: u64) {
        if let Ok(mut totals) = self.totals.lock() {
            if totals.len() >= MAX_ENTRIES {
                totals.clear();
            }
            totals.insert(key, (generation, total));
        }
    }

    /// The generation to tag a count with; read it before counting, so a write that lands
    /// during the count makes the stored total stale rather than wrong.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Every write calls this: any total may have changed (related filters reach across
    /// types, so per-type invalidation would not be enough).
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}
