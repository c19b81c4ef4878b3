//! `plugin.toml`: a plugin's identity, the hash of its component, what it may read and the
//! limits it asks for. Parsed strictly (unknown keys are errors) so a typo cannot silently
//! widen or drop a setting.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::SUPPORTED_API_VERSIONS;

/// The manifest as written in `plugin.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Lowercase id: letters, digits, `_` and `-`, starting with a letter.
    pub id: String,
    /// The plugin's own version, shown by the admin API.
    pub version: String,
    /// The WIT API version the plugin was built against, e.g. `"0.1.0"`.
    pub api: String,
    /// Optional one-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The component file and its hash.
    pub wasm: WasmFile,
    /// What the plugin may do beyond its own hooks.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// Limits the plugin asks for, clamped to the server's maximums.
    #[serde(default)]
    pub limits: ManifestLimits,
}

/// `[wasm]`: the component file, relative to the plugin folder, and its sha256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmFile {
    /// File name inside the plugin folder.
    #[serde(default = "default_wasm_file")]
    pub file: String,
    /// Lowercase hex sha256 of the file; the host refuses a component that does not match.
    pub sha256: String,
}

fn default_wasm_file() -> String {
    "plugin.wasm".into()
}

/// `[capabilities]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// Type ids the plugin may read through the `content` import.
    #[serde(default)]
    pub content_read: Vec<String>,
}

/// `[limits]`; each is optional and falls back to the server's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLimits {
    /// Deadline per call, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Memory cap per call, in MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u64>,
    /// Largest hook result, in KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_kib: Option<u64>,
}

impl PluginManifest {
    /// Parses and checks `plugin.toml`'s text.
    pub fn parse(text: &str) -> Result<PluginManifest, String> {
        let manifest: PluginManifest =
            toml::from_str(text).map_err(|e| format!("bad plugin.toml: {}", e.message()))?;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), String> {
        let id_ok = self.id.len() <= 48
            && self.id.starts_with(|c: char| c.is_ascii_lowercase())
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !id_ok {
            return Err(format!(
                "bad plugin.toml: id `{}` must be lowercase letters, digits, `_` or `-`, \
                 start with a letter and be at most 48 characters",
                self.id
            ));
        }
        if !SUPPORTED_API_VERSIONS.contains(&self.api.as_str()) {
            return Err(format!(
                "unknown API version `{}` (this server supports {})",
                self.api,
                SUPPORTED_API_VERSIONS.join(", ")
            ));
        }
        let hash_ok = self.wasm.sha256.len() == 64
            && self
                .wasm
                .sha256
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'a'..='f'));
        if !hash_ok {
            return Err("bad plugin.toml: wasm.sha256 must be 64 lowercase hex digits".into());
        }
        // Only a plain file inside the plugin folder: no absolute paths, no `..`.
        let mut parts = Path::new(&self.wasm.file).components();
        if !matches!(
            (parts.next(), parts.next()),
            (Some(Component::Normal(_)), None)
        ) {
            return Err(
                "bad plugin.toml: wasm.file must be a file name inside the plugin folder".into(),
            );
        }
        Ok(())
    }
}
