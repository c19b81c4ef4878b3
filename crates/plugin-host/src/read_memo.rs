//! `after-read` results, kept so that each entry goes through its plugin once, not once
//! per request: a list under a new query string (which misses the response cache) costs
//! lookups, not calls. A result is keyed by the plugin build (its wasm's sha256) and by
//! the entry exactly as the hook receives it (its id, revision, version and locale are all
//! in it), so a write, a reload or another locale can never be answered from an old
//! result. This is why `after-read` must depend only on its input (see the plugin guide).

use std::sync::Arc;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One kept result and what it weighs (its JSON text, plus bookkeeping).
pub(crate) struct Kept {
    pub entry: Value,
    bytes: u64,
}

impl Kept {
    pub fn new(entry: Value, text_len: usize) -> Arc<Kept> {
        Arc::new(Kept {
            entry,
            bytes: text_len as u64 + 96,
        })
    }
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<[u8; 32], Arc<Kept>> for ByBytes {
    fn weight(&self, _key: &[u8; 32], kept: &Arc<Kept>) -> u64 {
        kept.bytes
    }
}

/// Results by key, bounded by their total size; least recently useful ones go first.
pub(crate) struct ReadMemo {
    cache: Option<Cache<[u8; 32], Arc<Kept>, ByBytes>>,
}

/// Typical size of one kept entry, to size the cache's table.
const TYPICAL_ENTRY_BYTES: u64 = 2048;

impl ReadMemo {
    /// A memo holding up to `max_bytes`; 0 keeps nothing.
    pub fn new(max_bytes: u64) -> ReadMemo {
        let cache = (max_bytes > 0).then(|| {
            let items = usize::try_from(max_bytes / TYPICAL_ENTRY_BYTES).unwrap_or(usize::MAX);
            Cache::with_weighter(items.max(16), max_bytes, ByBytes)
        });
        ReadMemo { cache }
    }

    pub fn key(plugin_sha256: &str, type_id: &str, input: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in [plugin_sha256, type_id, input] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.finalize().into()
    }

    /// The kept result for `key`, or `compute`'s (kept if it succeeds). Concurrent misses
    /// for one key run `compute` once; the others wait for its result.
    pub async fn get_or_compute<E>(
        &self,
        key: [u8; 32],
        compute: impl Future<Output = Result<Arc<Kept>, E>>,
    ) -> Result<Value, E> {
        let kept = match &self.cache {
            Some(cache) => cache.get_or_insert_async(&key, compute).await?,
            None => compute.await?,
        };
        Ok(kept.entry.clone())
    }
}
