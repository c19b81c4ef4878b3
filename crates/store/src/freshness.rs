//! What anything computed from content depends on, so that a write drops only what it
//! changed. Each content type has a generation, moved on by every write to it (and by
//! whatever else changes how its entries read, such as a plugin reload). A read notes,
//! the first time it touches a type, the generation it saw; whatever is computed from the
//! read (a cached answer, a total) stays good while every type it read is still at that
//! generation. A write to partners leaves cached post lists alone, unless they embed or
//! filter by partners.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use civitas_core::TypeRegistry;

/// The types a computation read, each with the generation it was at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSet(Vec<(Arc<str>, u64)>);

impl ReadSet {
    fn note(&mut self, type_id: &Arc<str>, generation: u64) {
        if !self.0.iter().any(|(seen, _)| seen == type_id) {
            self.0.push((type_id.clone(), generation));
        }
    }

    /// The types read, in the order first read.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(type_id, _)| type_id.as_ref())
    }
}

tokio::task_local! {
    static READS: RefCell<ReadSet>;
}

/// Runs `work` and returns what it read from the store along with its output.
pub async fn track_reads<F: Future>(work: F) -> (F::Output, ReadSet) {
    READS
        .scope(RefCell::new(ReadSet::default()), async move {
            let output = work.await;
            (output, READS.with(|reads| reads.take()))
        })
        .await
}

/// The generation of every content type.
pub(crate) struct Generations {
    by_type: HashMap<Arc<str>, AtomicU64>,
}

impl Generations {
    pub(crate) fn new(registry: &TypeRegistry) -> Generations {
        // The media library has a generation too: entries embed its records.
        let by_type = registry
            .iter()
            .map(|t| t.id.as_str())
            .chain([crate::media::MEDIA_TABLE])
            .map(|id| (Arc::from(id), AtomicU64::new(0)))
            .collect();
        Generations { by_type }
    }

    /// Notes a read of each of `type_ids`, before the read, in the current
    /// [`track_reads`] scope; returns them as a read set of their own (for totals).
    pub(crate) fn note_reads<'a>(&self, type_ids: impl IntoIterator<Item = &'a str>) -> ReadSet {
        let mut reads = ReadSet::default();
        for type_id in type_ids {
            if let Some((name, generation)) = self.by_type.get_key_value(type_id) {
                let generation = generation.load(Ordering::Acquire);
                reads.note(name, generation);
                let _ = READS.try_with(|scope| scope.borrow_mut().note(name, generation));
            }
        }
        reads
    }

    /// Marks `type_id` changed: everything computed from an earlier read of it is stale.
    pub(crate) fn bump(&self, type_id: &str) {
        if let Some(generation) = self.by_type.get(type_id) {
            generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Marks every type changed.
    pub(crate) fn bump_all(&self) {
        for generation in self.by_type.values() {
            generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Whether every type read is still at the generation it was read at.
    pub(crate) fn is_current(&self, reads: &ReadSet) -> bool {
        reads.0.iter().all(|(type_id, seen)| {
            self.by_type
                .get(type_id)
                .is_some_and(|now| now.load(Ordering::Acquire) == *seen)
        })
    }
}
