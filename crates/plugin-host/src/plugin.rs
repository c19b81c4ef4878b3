//! A loaded plugin: its compiled component ready to instantiate, what `describe` said, its
//! effective limits and its fault record; and [`PluginInfo`], its public description.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use civitas_core::definition::TypeDefinition;
use serde::Serialize;

use crate::bindings::ContentTypePluginPre;
use crate::manifest::{Capabilities, PluginManifest};
use crate::state::{CallState, Identity};

/// The limits a plugin actually runs under: its manifest's, clamped to the server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EffectiveLimits {
    pub timeout_ms: u64,
    pub memory_mib: u64,
    pub max_output_bytes: usize,
}

/// Whether a plugin's hooks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PluginState {
    Active,
    /// Disabled after `fault_threshold` consecutive faults, until reloaded.
    Disabled,
}

/// A loaded plugin as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PluginInfo {
    pub id: String,
    pub version: String,
    pub api: String,
    pub description: Option<String>,
    pub sha256: String,
    /// Type ids the plugin adds.
    pub types: Vec<String>,
    /// Hooks it implements: `validate`, `before_save`, `after_read`.
    pub hooks: Vec<&'static str>,
    pub capabilities: Capabilities,
    pub limits: EffectiveLimits,
    pub state: PluginState,
    /// Faults since the plugin was (re)loaded, by kind (`timeout`, `memory`, ...).
    pub faults: BTreeMap<&'static str, u64>,
    /// Faults since the last successful call; the plugin is disabled at the threshold.
    pub consecutive_faults: u32,
    pub loaded_at: DateTime<Utc>,
    /// Whether the compiled code came from the on-disk cache.
    pub from_cache: bool,
    /// Time to read, verify, compile (or deserialize), link and describe, in milliseconds.
    pub load_ms: f64,
}

/// Which hooks `describe` declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HookSet {
    pub validate: bool,
    pub before_save: bool,
    pub after_read: bool,
}

impl HookSet {
    fn names(self) -> Vec<&'static str> {
        [
            (self.validate, "validate"),
            (self.before_save, "before_save"),
            (self.after_read, "after_read"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// Why a call faulted; the names are stable (admin API, logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultKind {
    /// The call used its CPU time limit.
    Timeout,
    /// The call ran out of wall-clock time without using its CPU time: not the plugin's
    /// fault (a busy server, slow reads, a spent request budget), so never counted.
    WallClock,
    Memory,
    StackOverflow,
    Panic,
    Trap,
    OutputTooLarge,
    BadOutput,
}

impl FaultKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            FaultKind::Timeout => "timeout",
            FaultKind::WallClock => "wall_clock",
            FaultKind::Memory => "memory",
            FaultKind::StackOverflow => "stack_overflow",
            FaultKind::Panic => "panic",
            FaultKind::Trap => "trap",
            FaultKind::OutputTooLarge => "output_too_large",
            FaultKind::BadOutput => "bad_output",
        }
    }
}

/// The consecutive-fault circuit breaker and fault counts of one loaded version.
#[derive(Debug, Default)]
pub(crate) struct Health {
    consecutive: AtomicU32,
    disabled: AtomicBool,
    counts: Mutex<BTreeMap<&'static str, u64>>,
}

impl Health {
    pub(crate) fn is_disabled(&self) -> bool {
        self.disabled.load(Ordering::Acquire)
    }

    pub(crate) fn success(&self) {
        self.consecutive.store(0, Ordering::Release);
    }

    /// Records a fault; returns true when this fault disabled the plugin.
    pub(crate) fn fault(&self, kind: FaultKind, threshold: u32) -> bool {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(kind.name()).or_default() += 1;
        }
        let consecutive = self.consecutive.fetch_add(1, Ordering::AcqRel) + 1;
        consecutive >= threshold.max(1) && !self.disabled.swap(true, Ordering::AcqRel)
    }

    fn snapshot(&self) -> (BTreeMap<&'static str, u64>, u32) {
        let counts = self.counts.lock().map(|c| c.clone()).unwrap_or_default();
        (counts, self.consecutive.load(Ordering::Acquire))
    }
}

/// What a call needs to run a plugin.
pub(crate) struct Runnable {
    pub pre: ContentTypePluginPre<CallState>,
    pub identity: Arc<Identity>,
    pub limits: EffectiveLimits,
}

/// One loaded version of a plugin. Replaced as a whole on reload; calls in flight keep
/// their `Arc` to the version they started on.
pub(crate) struct LoadedPlugin {
    pub manifest: PluginManifest,
    pub dir: PathBuf,
    pub runnable: Runnable,
    pub types: Vec<TypeDefinition>,
    pub hooks: HookSet,
    pub health: Health,
    pub loaded_at: DateTime<Utc>,
    pub from_cache: bool,
    pub load_time: Duration,
}

impl LoadedPlugin {
    pub(crate) fn info(&self) -> PluginInfo {
        let (faults, consecutive_faults) = self.health.snapshot();
        PluginInfo {
            id: self.manifest.id.clone(),
            version: self.manifest.version.clone(),
            api: self.manifest.api.clone(),
            description: self.manifest.description.clone(),
            sha256: self.manifest.wasm.sha256.clone(),
            types: self.types.iter().map(|t| t.id.clone()).collect(),
            hooks: self.hooks.names(),
            capabilities: self.manifest.capabilities.clone(),
            limits: self.runnable.limits,
            state: if self.health.is_disabled() {
                PluginState::Disabled
            } else {
                PluginState::Active
            },
            faults,
            consecutive_faults,
            loaded_at: self.loaded_at,
            from_cache: self.from_cache,
            load_ms: self.load_time.as_secs_f64() * 1000.0,
        }
    }
}
