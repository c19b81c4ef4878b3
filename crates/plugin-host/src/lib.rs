//! The Civitas plugin host: loads WebAssembly plugin components from `plugins.dir`, checks
//! them, and runs their hooks in a wasmtime sandbox.
//!
//! Every call gets a fresh `Store` instantiated from the plugin's `InstancePre`, with a
//! wall-clock deadline (epoch interruption), a memory cap, a cap on data crossing the
//! boundary and a deny-all WASI context. A trap, timeout or limit fails only that call
//! ([`HookError::Failed`]); after `fault_threshold` consecutive faults the plugin is
//! disabled ([`HookError::Unavailable`]) until [`PluginHost::reload`].
//!
//! The WIT contract is `crates/plugin-sdk/wit/since_v0.1.0/plugin.wit`.

mod bindings;
mod budget;
mod cache;
mod call;
mod convert;
mod cpu_clock;
mod engine;
mod error;
mod host;
mod load;
mod manifest;
mod plugin;
mod read_memo;
mod sandbox;
mod settings;
mod state;
#[cfg(test)]
mod tests;

pub use budget::{unhurried, with_budget};
pub use error::{HookError, HostError};
pub use host::{LoadOutcome, PluginHost};
pub use manifest::{Capabilities, ManifestLimits, PluginManifest, WasmFile};
pub use plugin::{EffectiveLimits, PluginInfo, PluginState};
pub use settings::PluginSettings;
pub use state::{BoxFuture, ContentReader, ReadError};

use serde::Serialize;

/// The WIT API versions this host can load (`api` in `plugin.toml`).
pub const SUPPORTED_API_VERSIONS: &[&str] = &["0.1.0"];

/// Facts about a hook call, passed to the plugin (the type id is added by the host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    /// The HTTP request's id, so plugin log lines can be matched to it.
    pub request_id: String,
    /// The locale the request asked for, if any.
    pub locale: Option<String>,
    /// "Now" for the plugin, in milliseconds since the Unix epoch: plugins have no clock.
    pub now_ms: u64,
}

impl CallContext {
    /// A context for a request, with `now_ms` taken from the system clock.
    pub fn new(request_id: impl Into<String>) -> CallContext {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        CallContext {
            request_id: request_id.into(),
            locale: None,
            now_ms,
        }
    }
}

/// One problem a plugin found with an entry (shown in a 422 response's details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The field at fault; empty for the entry as a whole.
    pub field: String,
    /// A stable machine-readable code chosen by the plugin.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
}
