//! The local full-text index (`civitas-search`) of published entries: built from the
//! database when the server starts, then kept in step with every write this process
//! makes, so public searches rank from posting lists instead of scoring every match in
//! SurrealDB. Only for embedded storage, where this process makes every write; on a
//! shared database server another node's writes would not reach it, so searches stay
//! in SurrealDB there. Until the index is built, and if keeping it fails, searches run
//! in SurrealDB too: slower, never wrong.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use civitas_core::{ContentType, FieldKind};
use civitas_search::{Document, SearchError, TextIndex};
use serde_json::Value as Json;
use surrealdb::types::{RecordId, Value};

use crate::connect::StorageSettings;
use crate::entries::{Entry, Store, Version, entry_from_row, record_id};
use crate::schema::ident;

/// Why the index could not be built or kept; never shown to a reader, who gets the
/// database's search instead.
#[derive(Debug, thiserror::Error)]
enum IndexingError {
    #[error(transparent)]
    Database(#[from] surrealdb::Error),
    #[error(transparent)]
    Index(#[from] SearchError),
    #[error("indexing task: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Entries read per statement while building.
const BUILD_BATCH: i64 = 500;

/// The index and its state; one per store.
#[derive(Default)]
pub(crate) struct LocalText {
    /// Whether this store may keep a local index at all (embedded storage).
    enabled: bool,
    index: OnceLock<Arc<TextIndex>>,
    /// Held from reading entries until their change is in the index, so that of two
    /// changes to one entry the later read is the one that stays.
    changing: tokio::sync::Mutex<()>,
    built: AtomicBool,
    /// Set for good when a change could not be applied: the index no longer matches.
    behind: AtomicBool,
}

impl LocalText {
    pub(crate) fn new(settings: &StorageSettings) -> Self {
        let embedded = ["mem://", "surrealkv://"]
            .iter()
            .any(|scheme| settings.url.starts_with(scheme));
        LocalText {
            enabled: settings.text_index && embedded,
            ..LocalText::default()
        }
    }
}

impl Store {
    /// Builds the local full-text index in the background (embedded storage only) and
    /// keeps it current from then on. Abort the task to stop building.
    pub fn start_text_index(&self) -> Option<tokio::task::JoinHandle<()>> {
        if !self.text.enabled || self.text.index.get().is_some() {
            return None;
        }
        let store = self.clone();
        Some(tokio::spawn(async move {
            let started = Instant::now();
            match store.build_text_index().await {
                Ok((entries, bytes)) => tracing::info!(
                    entries,
                    mib = bytes / (1024 * 1024),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "full-text index built"
                ),
                Err(error) => {
                    tracing::warn!(%error, "full-text index not built; searching in the database")
                }
            }
        }))
    }

    /// The local index, once it is built and current.
    pub(crate) fn text_index(&self) -> Option<&TextIndex> {
        let current =
            self.text.built.load(Ordering::Acquire) && !self.text.behind.load(Ordering::Acquire);
        if !current {
            return None;
        }
        self.text.index.get().map(Arc::as_ref)
    }

    /// Builds the index; answers how many entries it holds and its size in bytes.
    async fn build_text_index(&self) -> Result<(usize, u64), IndexingError> {
        let index = TextIndex::new()?;
        let index = self.text.index.get_or_init(|| Arc::new(index)).clone();
        let mut entries = 0;
        for content_type in self.registry().iter().filter(|t| t.is_searchable()) {
            let mut after = String::new();
            loop {
                let _changing = self.text.changing.lock().await;
                let rows = self.published_after(content_type, &after).await?;
                let Some(last) = rows
                    .last()
                    .and_then(|e| e.get("slug"))
                    .and_then(Json::as_str)
                else {
                    break;
                };
                after = last.to_owned();
                entries += rows.len();
                let documents = rows.iter().map(|e| document(content_type, e)).collect();
                let index = index.clone();
                blocking(move || index.put(documents)).await?;
            }
        }
        let bytes = blocking(move || {
            index.commit()?;
            index.size_bytes()
        })
        .await?;
        self.text.built.store(true, Ordering::Release);
        Ok((entries, bytes))
    }

    /// The next published entries of a type in slug order (the `(status, slug)` index:
    /// each batch is one range read, however far in).
    async fn published_after(
        &self,
        content_type: &ContentType,
        after: &str,
    ) -> Result<Vec<Entry>, IndexingError> {
        let sql = format!(
            "SELECT * FROM {} WHERE status = 'published' AND slug > $after ORDER BY slug LIMIT $limit",
            ident(&content_type.id)
        );
        let rows: Vec<Value> = self
            .query(sql)
            .bind(("after", after.to_owned()))
            .bind(("limit", BUILD_BATCH))
            .await?
            .check()?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|row| entry_from_row(content_type, row, Version::Published))
            .collect())
    }

    /// Brings the index in line with what the database now holds for `ids` after a
    /// write. A failure leaves searches to the database from then on.
    pub(crate) async fn refresh_text(&self, content_type: &ContentType, ids: &[String]) {
        let Some(index) = self.text.index.get().cloned() else {
            return;
        };
        if !content_type.is_searchable() || ids.is_empty() {
            return;
        }
        let _changing = self.text.changing.lock().await;
        if let Err(error) = self.reindex(content_type, ids, index).await {
            self.text.behind.store(true, Ordering::Release);
            tracing::warn!(%error, "full-text index left behind; searching in the database");
        }
    }

    async fn reindex(
        &self,
        content_type: &ContentType,
        ids: &[String],
        index: Arc<TextIndex>,
    ) -> Result<(), IndexingError> {
        let rids: Vec<RecordId> = ids.iter().map(|id| record_id(content_type, id)).collect();
        let rows: Vec<Value> = self
            .query("SELECT * FROM $rids WHERE status = 'published'")
            .bind(("rids", rids))
            .await?
            .check()?
            .take(0)?;
        let documents: Vec<Document> = rows
            .into_iter()
            .map(|row| {
                document(
                    content_type,
                    &entry_from_row(content_type, row, Version::Published),
                )
            })
            .collect();
        let gone: Vec<String> = ids
            .iter()
            .filter(|id| !documents.iter().any(|d| &d.id == *id))
            .cloned()
            .collect();
        let type_id = content_type.id.clone();
        blocking(move || {
            index.remove(&type_id, &gone)?;
            index.put(documents)?;
            index.commit()
        })
        .await
    }
}

/// An entry's searchable text, as the index takes it.
fn document(content_type: &ContentType, entry: &Entry) -> Document {
    let mut document = Document {
        type_id: content_type.id.clone(),
        id: entry
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned(),
        ..Document::default()
    };
    for field in content_type.fields.iter().filter(|f| f.searchable) {
        let text = entry
            .get(&field.name)
            .map(|v| searchable_text(&field.kind, v))
            .unwrap_or_default();
        if field.name == content_type.title_field {
            document.title = text;
        } else {
            document.text.push(text);
        }
    }
    document
}

/// The words of a value: text as it is, rich text's Markdown, a list's items.
pub(crate) fn searchable_text(kind: &FieldKind, value: &Json) -> String {
    match (kind, value) {
        (_, Json::String(text)) => text.clone(),
        (FieldKind::RichText(_), Json::Object(rich)) => rich
            .get("markdown")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned(),
        (FieldKind::List { item, .. }, Json::Array(items)) => items
            .iter()
            .map(|item_value| searchable_text(item, item_value))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, IndexingError> {
    Ok(tokio::task::spawn_blocking(work).await??)
}
