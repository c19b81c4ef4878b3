//! Loading one plugin folder: manifest, hash, compile (or cache), link, `describe`, and the
//! checks on the types it declares. Any failure refuses the plugin with one reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Linker;

use crate::bindings::ContentTypePluginPre;
use crate::bindings::imports::types as wit;
use crate::cache;
use crate::call::{self, Call, CallTime, Reply};
use crate::convert;
use crate::manifest::PluginManifest;
use crate::plugin::{EffectiveLimits, Health, HookSet, LoadedPlugin, Runnable};
use crate::settings::PluginSettings;
use crate::state::{CallState, Identity};

/// A refusal: the plugin id when the manifest got that far, and why.
pub(crate) struct Refusal {
    pub plugin: Option<String>,
    pub reason: String,
}

/// Type ids a new plugin may not claim.
pub(crate) struct Claimed<'a> {
    /// Built-in types.
    pub reserved: &'a BTreeSet<String>,
    /// Types of other loaded plugins, with their owner.
    pub plugins: &'a BTreeMap<String, String>,
}

/// Loads the plugin in `dir`.
pub(crate) async fn load(
    engine: &Engine,
    linker: &Linker<CallState>,
    settings: &PluginSettings,
    dir: &Path,
    claimed: Claimed<'_>,
) -> Result<LoadedPlugin, Refusal> {
    let started = Instant::now();
    let refuse = |plugin: Option<&str>, reason: String| Refusal {
        plugin: plugin.map(str::to_owned),
        reason,
    };
    let text = std::fs::read_to_string(dir.join("plugin.toml"))
        .map_err(|e| refuse(None, format!("cannot read plugin.toml: {e}")))?;
    let manifest = PluginManifest::parse(&text).map_err(|reason| refuse(None, reason))?;
    let id = manifest.id.clone();
    let fail = |reason: String| refuse(Some(&id), reason);

    let wasm_path = dir.join(&manifest.wasm.file);
    let wasm = std::fs::read(&wasm_path)
        .map_err(|e| fail(format!("cannot read {}: {e}", wasm_path.display())))?;
    let sha256 = format!("{:x}", Sha256::digest(&wasm));
    if sha256 != manifest.wasm.sha256 {
        return Err(fail(format!(
            "sha256 mismatch: plugin.toml says {}, {} is {sha256}",
            manifest.wasm.sha256, manifest.wasm.file
        )));
    }

    // Compiling takes a core for up to seconds: keep it off the async executor.
    let compiled = {
        let engine = engine.clone();
        let cache_dir = settings.cache_dir.clone();
        tokio::task::spawn_blocking(move || {
            cache::load_or_compile(&engine, &cache_dir, &sha256, &wasm)
        })
        .await
        .map_err(|e| fail(format!("compilation stopped: {e}")))?
        .map_err(fail)?
    };
    let instance_pre = linker.instantiate_pre(&compiled.component).map_err(|e| {
        fail(format!(
            "it imports something the host does not provide: {e:#}"
        ))
    })?;
    let pre = ContentTypePluginPre::new(instance_pre).map_err(|e| {
        fail(format!(
            "it does not export the civitas:plugin@{} world: {e:#}",
            manifest.api
        ))
    })?;

    let runnable = Runnable {
        pre,
        identity: Arc::new(Identity {
            id: id.clone(),
            content_read: manifest.capabilities.content_read.iter().cloned().collect(),
            config: settings.config.get(&id).cloned().unwrap_or_default(),
        }),
        limits: effective_limits(&manifest, settings),
    };
    let time = CallTime::cpu(Duration::from_millis(settings.max_timeout_ms.max(1)));
    let described = match call::invoke(engine, &runnable, None, Call::Describe, time).await {
        Ok(Reply::Describe(manifest)) => manifest,
        Ok(_) => return Err(fail("describe() gave an unexpected answer".into())),
        Err(fault) => return Err(fail(format!("describe() failed: {}", fault.reason))),
    };
    let types = check_types(described.types, &claimed, &id).map_err(fail)?;
    let hooks = HookSet {
        validate: described.hooks.contains(wit::Hooks::VALIDATE),
        before_save: described.hooks.contains(wit::Hooks::BEFORE_SAVE),
        after_read: described.hooks.contains(wit::Hooks::AFTER_READ),
    };
    Ok(LoadedPlugin {
        manifest,
        dir: dir.to_path_buf(),
        runnable,
        types,
        hooks,
        health: Health::default(),
        loaded_at: chrono::Utc::now(),
        from_cache: compiled.from_cache,
        load_time: started.elapsed(),
    })
}

/// Converts and checks the described types with the same code as built-in schema files,
/// and refuses ids that are taken.
fn check_types(
    described: Vec<wit::TypeDef>,
    claimed: &Claimed<'_>,
    plugin: &str,
) -> Result<Vec<civitas_core::definition::TypeDefinition>, String> {
    if described.is_empty() {
        return Err("describe() declares no content type".into());
    }
    let mut seen = BTreeSet::new();
    let mut types = Vec::with_capacity(described.len());
    for raw in described {
        let definition = convert::type_definition(raw)?;
        let id = definition.id.clone();
        if claimed.reserved.contains(&id) {
            return Err(format!("type id `{id}` belongs to a built-in type"));
        }
        if let Some(owner) = claimed.plugins.get(&id).filter(|owner| *owner != plugin) {
            return Err(format!("type id `{id}` belongs to plugin `{owner}`"));
        }
        if !seen.insert(id.clone()) {
            return Err(format!("type id `{id}` is declared twice"));
        }
        definition
            .clone()
            .into_content_type()
            .map_err(|e| format!("invalid type definition: {e}"))?;
        types.push(definition);
    }
    Ok(types)
}

/// The manifest's limits, falling back to the defaults and clamped to the maximums.
fn effective_limits(manifest: &PluginManifest, settings: &PluginSettings) -> EffectiveLimits {
    let asked = &manifest.limits;
    let output_cap = settings.max_output_bytes;
    EffectiveLimits {
        timeout_ms: asked
            .timeout_ms
            .unwrap_or(settings.default_timeout_ms)
            .clamp(1, settings.max_timeout_ms.max(1)),
        memory_mib: asked
            .memory_mib
            .unwrap_or(settings.default_memory_mib)
            .clamp(1, settings.max_memory_mib.max(1)),
        max_output_bytes: asked
            .max_output_kib
            .map(|kib| usize::try_from(kib.saturating_mul(1024)).unwrap_or(usize::MAX))
            .map_or(output_cap, |asked| asked.min(output_cap)),
    }
}
