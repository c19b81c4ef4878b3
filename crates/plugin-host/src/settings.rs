//! [`PluginSettings`]: what the server configuration tells the host. A plain struct: the
//! server maps its own configuration onto it.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where plugins live and the limits every plugin runs under.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginSettings {
    /// Folder holding one folder per plugin (`plugin.toml` plus the component).
    pub dir: PathBuf,
    /// Folder for compiled components (`<sha256>-<engine hash>.cwasm`), created if missing.
    pub cache_dir: PathBuf,
    /// Deadline of a call when the plugin's manifest sets none, in milliseconds.
    pub default_timeout_ms: u64,
    /// Largest deadline a manifest may ask for; larger requests are clamped.
    pub max_timeout_ms: u64,
    /// Memory cap of a call when the manifest sets none, in MiB.
    pub default_memory_mib: u64,
    /// Largest memory cap a manifest may ask for; also sizes the pooling allocator's slots.
    pub max_memory_mib: u64,
    /// Largest hook result, entry passed in, or content read answer, in bytes. A manifest
    /// may lower it (`max_output_kib`), never raise it.
    pub max_output_bytes: usize,
    /// Consecutive faults after which a plugin is disabled until reloaded.
    pub fault_threshold: u32,
    /// Most plugin calls running at once, across all plugins (sizes the instance pool).
    pub max_concurrent_calls: u32,
    /// Memory for kept `after-read` results (each entry goes through its plugin once per
    /// version of the entry, not once per request), in bytes; 0 keeps none.
    pub after_read_cache_bytes: u64,
    /// Each plugin's own settings (`config.get` in the WIT), by plugin id.
    pub config: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for PluginSettings {
    fn default() -> PluginSettings {
        PluginSettings {
            dir: PathBuf::from("target/plugins"),
            cache_dir: PathBuf::from("target/plugin-cache"),
            default_timeout_ms: 50,
            max_timeout_ms: 1_000,
            default_memory_mib: 64,
            max_memory_mib: 256,
            max_output_bytes: 1 << 20,
            fault_threshold: 3,
            max_concurrent_calls: 64,
            after_read_cache_bytes: 16 << 20,
            config: BTreeMap::new(),
        }
    }
}
