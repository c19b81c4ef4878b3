//! The host's errors: [`HookError`] for a hook call (what the API maps to `plugin_failed`
//! and `plugin_unavailable`), [`HostError`] for set-up and reloads.

use crate::Issue;

/// Why a hook call did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookError {
    /// The call trapped, timed out, hit a limit, returned bad JSON or reported an internal
    /// error. Only this call failed. The API answers 502 `plugin_failed`.
    #[error("plugin `{plugin}` failed in `{hook}`: {reason}")]
    Failed {
        plugin: String,
        hook: &'static str,
        reason: String,
    },
    /// The plugin is disabled after repeated faults, until reloaded. The API answers 503
    /// `plugin_unavailable`.
    #[error("plugin `{plugin}` is disabled after repeated faults; reload it to enable it")]
    Unavailable { plugin: String },
    /// `before-save` or `after-read` refused the entry (`hook-error::rejected`). The API
    /// answers 422 with these issues, as for `validate`.
    #[error("plugin `{plugin}` refused the entry in `{hook}`")]
    Rejected {
        plugin: String,
        hook: &'static str,
        issues: Vec<Issue>,
    },
}

/// Why the host could not start or a plugin could not be (re)loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The wasmtime engine could not be built.
    #[error("cannot start the plugin engine: {0}")]
    Engine(String),
    /// No plugin with this id is loaded.
    #[error("no plugin `{0}` is loaded")]
    NotFound(String),
    /// The plugin was refused; the old version, if any, stays active.
    #[error("plugin `{plugin}` refused: {reason}")]
    Refused { plugin: String, reason: String },
}
