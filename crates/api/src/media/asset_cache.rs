//! Memory in front of the asset route: media records by id (kept while the media library
//! is unchanged, so a new alt text or file is seen at once), and the bytes of small files
//! and variants by content address (which never goes stale). A hot image is then served
//! without a database query or a file read.

use std::sync::Arc;

use bytes::Bytes;
use civitas_store::{MediaRecord, ReadSet, Store, track_reads};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::error::ApiError;

/// Files larger than this are always streamed from the store.
pub const MAX_KEPT_BYTES: u64 = 512 * 1024;

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Bytes> for ByBytes {
    fn weight(&self, key: &String, bytes: &Bytes) -> u64 {
        (key.len() + bytes.len() + 64) as u64
    }
}

/// Typical kept file, to size the table.
const TYPICAL_BYTES: u64 = 32 << 10;
/// Records kept (each a few hundred bytes).
const RECORDS: usize = 10_000;

pub struct AssetCache {
    records: Cache<String, Arc<(Option<MediaRecord>, ReadSet)>>,
    bytes: Option<Cache<String, Bytes, ByBytes>>,
}

impl AssetCache {
    /// Keeps up to `max_bytes` of file bytes; 0 keeps none (records are kept either way).
    pub fn new(max_bytes: u64) -> AssetCache {
        let bytes = (max_bytes > 0).then(|| {
            let items = usize::try_from(max_bytes / TYPICAL_BYTES).unwrap_or(usize::MAX);
            Cache::with_weighter(items.max(16), max_bytes, ByBytes)
        });
        AssetCache {
            records: Cache::new(RECORDS),
            bytes,
        }
    }

    /// The record with this id, from memory while no media record has changed since.
    pub async fn record(&self, store: &Store, id: &str) -> Result<Option<MediaRecord>, ApiError> {
        if let Some(kept) = self.records.get(id)
            && store.is_current(&kept.1)
        {
            return Ok(kept.0.clone());
        }
        let (found, reads) = track_reads(store.media(id)).await;
        let found = found?;
        self.records
            .insert(id.to_owned(), Arc::new((found.clone(), reads)));
        Ok(found)
    }

    /// Kept bytes of an object, by its content-derived key.
    pub fn bytes(&self, key: &str) -> Option<Bytes> {
        self.bytes.as_ref()?.get(key)
    }

    pub fn keep(&self, key: &str, bytes: Bytes) {
        if let Some(cache) = &self.bytes
            && (bytes.len() as u64) <= MAX_KEPT_BYTES
        {
            cache.insert(key.to_owned(), bytes);
        }
    }
}
