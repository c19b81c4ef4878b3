//! The data of one call's `Store` and the host side of the plugin's imports (`log`,
//! `config`, `content`). Imports never panic: every failure becomes a WIT error value.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::bindings::imports::content::ContentError;
use crate::bindings::imports::{config, content, log, types};

/// A boxed, sendable future, as [`ContentReader`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a content read failed, as the reader reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The request was malformed (e.g. a filter on an unknown field): `invalid` to the plugin.
    Invalid(String),
    /// The store could not answer: `unavailable` to the plugin.
    Unavailable(String),
}

/// Read access to content for the `content` import, implemented by the API over the store.
/// Entries are JSON objects as the admin API shows them. The host has already checked the
/// plugin's capability for `type_id` before calling.
pub trait ContentReader: Send + Sync + 'static {
    /// One entry by id or slug, of any status.
    fn get(
        &self,
        type_id: &str,
        id_or_slug: &str,
    ) -> BoxFuture<'static, Result<Option<serde_json::Value>, ReadError>>;

    /// Up to `limit` entries matching `filter` (a JSON object of field equalities).
    fn find(
        &self,
        type_id: &str,
        filter: Option<serde_json::Value>,
        limit: u32,
    ) -> BoxFuture<'static, Result<Vec<serde_json::Value>, ReadError>>;
}

/// Most `content` calls one hook call may make; more answer `unavailable`.
const MAX_READS_PER_CALL: u32 = 64;
/// Most entries one `find` returns.
const MAX_FIND_LIMIT: u32 = 100;
/// Most log lines one call may write, and their length; the rest is dropped.
const MAX_LOG_LINES_PER_CALL: u32 = 32;
const MAX_LOG_LINE: usize = 1024;

/// What every call of one plugin shares: who it is and what it may do.
#[derive(Debug)]
pub(crate) struct Identity {
    pub id: String,
    pub content_read: BTreeSet<String>,
    pub config: BTreeMap<String, String>,
}

/// The data of one call's `Store`.
pub(crate) struct CallState {
    pub wasi: WasiCtx,
    pub table: ResourceTable,
    pub limits: StoreLimits,
    pub identity: Arc<Identity>,
    pub reader: Option<Arc<dyn ContentReader>>,
    pub deadline: Instant,
    pub max_bytes: usize,
    pub reads: u32,
    pub log_lines: u32,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl types::Host for CallState {}

impl log::Host for CallState {
    fn log(&mut self, level: log::Level, message: String) {
        self.log_lines += 1;
        if self.log_lines > MAX_LOG_LINES_PER_CALL {
            return;
        }
        let message = truncate(&message, MAX_LOG_LINE);
        let plugin = self.identity.id.as_str();
        match level {
            log::Level::Debug => tracing::debug!(target: "civitas::plugin", plugin, "{message}"),
            log::Level::Info => tracing::info!(target: "civitas::plugin", plugin, "{message}"),
            log::Level::Warn => tracing::warn!(target: "civitas::plugin", plugin, "{message}"),
            log::Level::Error => tracing::error!(target: "civitas::plugin", plugin, "{message}"),
        }
    }
}

impl config::Host for CallState {
    fn get(&mut self, key: String) -> Option<String> {
        self.identity.config.get(&key).cloned()
    }
}

impl content::Host for CallState {
    async fn get(
        &mut self,
        type_id: String,
        id_or_slug: String,
    ) -> Result<Option<String>, ContentError> {
        let reader = self.admit(&type_id)?;
        let answer = within(self.remaining(), reader.get(&type_id, &id_or_slug)).await?;
        match answer {
            Some(entry) => self.encode(&entry).map(Some),
            None => Ok(None),
        }
    }

    async fn find(
        &mut self,
        type_id: String,
        filter_json: Option<String>,
        limit: u32,
    ) -> Result<Vec<String>, ContentError> {
        let reader = self.admit(&type_id)?;
        let filter = match filter_json {
            Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(value @ serde_json::Value::Object(_)) => Some(value),
                _ => return Err(ContentError::Invalid),
            },
            None => None,
        };
        let limit = limit.min(MAX_FIND_LIMIT);
        let entries = within(self.remaining(), reader.find(&type_id, filter, limit)).await?;
        let mut total = 0usize;
        let mut out = Vec::with_capacity(entries.len());
        for entry in &entries {
            let text = self.encode(entry)?;
            total += text.len();
            if total > self.max_bytes {
                return Err(ContentError::TooLarge);
            }
            out.push(text);
        }
        Ok(out)
    }
}

impl CallState {
    /// Checks the capability and the per-call read budget; hands out the reader.
    fn admit(&mut self, type_id: &str) -> Result<Arc<dyn ContentReader>, ContentError> {
        if !self.identity.content_read.contains(type_id) {
            tracing::debug!(plugin = %self.identity.id, type_id, "plugins: content read not permitted");
            return Err(ContentError::NotPermitted);
        }
        self.reads += 1;
        if self.reads > MAX_READS_PER_CALL {
            return Err(ContentError::Unavailable);
        }
        self.reader.clone().ok_or(ContentError::Unavailable)
    }

    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    fn encode(&self, entry: &serde_json::Value) -> Result<String, ContentError> {
        let text = entry.to_string();
        if text.len() > self.max_bytes {
            return Err(ContentError::TooLarge);
        }
        Ok(text)
    }
}

/// Awaits a read within the call's remaining time: epochs do not interrupt host calls,
/// so a slow store must not stretch a hook past its deadline.
async fn within<T>(
    remaining: Duration,
    read: BoxFuture<'static, Result<T, ReadError>>,
) -> Result<T, ContentError> {
    match tokio::time::timeout(remaining, read).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(ReadError::Invalid(reason))) => {
            tracing::debug!(%reason, "plugins: invalid content read");
            Err(ContentError::Invalid)
        }
        Ok(Err(ReadError::Unavailable(reason))) => {
            tracing::debug!(%reason, "plugins: content read failed");
            Err(ContentError::Unavailable)
        }
        Err(_) => Err(ContentError::Unavailable),
    }
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
