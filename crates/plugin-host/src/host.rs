//! [`PluginHost`]: the plugins the server runs, and the hook calls the API makes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use civitas_core::definition::TypeDefinition;
use tokio::sync::Semaphore;
use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::since_v0_1_0::ContentTypePlugin;
use crate::budget;
use crate::call::{self, Call, CallTime, Reply};
use crate::engine::{self, Ticker};
use crate::load::{self, Claimed};
use crate::plugin::{FaultKind, LoadedPlugin, PluginInfo};
use crate::read_memo::{Kept, ReadMemo};
use crate::settings::PluginSettings;
use crate::state::{CallState, ContentReader};
use crate::{CallContext, HookError, HostError, Issue, convert};

/// What happened to one plugin folder at start-up.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadOutcome {
    /// The plugin is active.
    Loaded(PluginInfo),
    /// The plugin was refused; the server goes on without it.
    Refused {
        dir: PathBuf,
        /// The id, when the manifest could be read.
        plugin: Option<String>,
        reason: String,
    },
}

/// The plugin host. Cheap to clone: every clone shares the same plugins.
#[derive(Clone)]
pub struct PluginHost {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    pooling: bool,
    linker: Linker<CallState>,
    settings: PluginSettings,
    /// Bounds calls in flight to the size of the instance pool, so a burst waits for a
    /// slot instead of failing (which would count as a plugin fault).
    slots: Semaphore,
    reader: RwLock<Option<Arc<dyn ContentReader>>>,
    read_memo: ReadMemo,
    reserved: RwLock<BTreeSet<String>>,
    plugins: RwLock<Plugins>,
    _ticker: Ticker,
}

#[derive(Default)]
struct Plugins {
    by_id: BTreeMap<String, Arc<LoadedPlugin>>,
    /// Type id to plugin id.
    owners: BTreeMap<String, String>,
}

/// Which hook, for dispatch and error messages.
#[derive(Clone, Copy)]
enum Hook {
    Validate,
    BeforeSave,
    AfterRead,
}

impl Hook {
    fn name(self) -> &'static str {
        match self {
            Hook::Validate => "validate",
            Hook::BeforeSave => "before_save",
            Hook::AfterRead => "after_read",
        }
    }

    fn declared(self, plugin: &LoadedPlugin) -> bool {
        match self {
            Hook::Validate => plugin.hooks.validate,
            Hook::BeforeSave => plugin.hooks.before_save,
            Hook::AfterRead => plugin.hooks.after_read,
        }
    }
}

impl PluginHost {
    /// Builds the engine (pooling allocator, epoch ticker) and the linker. Loads nothing.
    pub fn new(settings: PluginSettings) -> Result<PluginHost, HostError> {
        let (engine, pooling) = engine::build(&settings).map_err(HostError::Engine)?;
        let mut linker = Linker::<CallState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| HostError::Engine(format!("{e:#}")))?;
        ContentTypePlugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |s| s)
            .map_err(|e| HostError::Engine(format!("{e:#}")))?;
        let slots = usize::try_from(settings.max_concurrent_calls.max(1)).unwrap_or(1);
        Ok(PluginHost {
            inner: Arc::new(Inner {
                _ticker: Ticker::start(&engine),
                engine,
                pooling,
                linker,
                slots: Semaphore::new(slots),
                read_memo: ReadMemo::new(settings.after_read_cache_bytes),
                settings,
                reader: RwLock::new(None),
                reserved: RwLock::new(BTreeSet::new()),
                plugins: RwLock::new(Plugins::default()),
            }),
        })
    }

    /// Whether the pooling allocator is in use (false: on-demand fallback).
    pub fn uses_pooling_allocator(&self) -> bool {
        self.inner.pooling
    }

    /// Sets the reader behind the `content` import. Until it is set, reads answer
    /// `unavailable` (the store needs the plugin types before it can exist).
    pub fn set_reader(&self, reader: Arc<dyn ContentReader>) {
        if let Ok(mut slot) = self.inner.reader.write() {
            *slot = Some(reader);
        }
    }

    /// Loads every folder in `settings.dir`, in name order. A refused plugin is logged with
    /// one warning naming it and the reason; a missing `dir` means no plugins.
    pub async fn load_all(&self, reserved_type_ids: &BTreeSet<String>) -> Vec<LoadOutcome> {
        if let Ok(mut reserved) = self.inner.reserved.write() {
            reserved.clone_from(reserved_type_ids);
        }
        let dir = &self.inner.settings.dir;
        let mut folders: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect(),
            Err(e) => {
                tracing::info!(dir = %dir.display(), error = %e, "plugins: no plugin folder, no plugins loaded");
                return Vec::new();
            }
        };
        folders.sort();
        let mut outcomes = Vec::with_capacity(folders.len());
        for folder in folders {
            outcomes.push(self.load_folder(folder).await);
        }
        outcomes
    }

    async fn load_folder(&self, folder: PathBuf) -> LoadOutcome {
        let (reserved, taken) = self.claims();
        let claimed = Claimed {
            reserved: &reserved,
            plugins: &taken,
        };
        let inner = &self.inner;
        let result = load::load(
            &inner.engine,
            &inner.linker,
            &inner.settings,
            &folder,
            claimed,
        )
        .await
        .and_then(|loaded| self.admit(loaded, &folder));
        match result {
            Ok(info) => {
                tracing::info!(plugin = %info.id, version = %info.version, types = ?info.types, from_cache = info.from_cache, load_ms = info.load_ms, "plugins: loaded");
                LoadOutcome::Loaded(info)
            }
            Err(refusal) => {
                let name = refusal
                    .plugin
                    .clone()
                    .unwrap_or_else(|| folder.display().to_string());
                tracing::warn!(
                    "plugins: refused plugin `{name}` ({}): {}",
                    folder.display(),
                    refusal.reason
                );
                LoadOutcome::Refused {
                    dir: folder,
                    plugin: refusal.plugin,
                    reason: refusal.reason,
                }
            }
        }
    }

    /// Registers a freshly loaded plugin, unless its id is already taken.
    fn admit(
        &self,
        loaded: LoadedPlugin,
        folder: &std::path::Path,
    ) -> Result<PluginInfo, load::Refusal> {
        let id = loaded.manifest.id.clone();
        let mut plugins = self.inner.plugins.write().map_err(|_| load::Refusal {
            plugin: Some(id.clone()),
            reason: "the plugin table is unusable after a panic".into(),
        })?;
        if let Some(other) = plugins.by_id.get(&id) {
            return Err(load::Refusal {
                plugin: Some(id.clone()),
                reason: format!(
                    "another plugin with this id is already loaded from {} (not {})",
                    other.dir.display(),
                    folder.display()
                ),
            });
        }
        // Re-checked under the write lock: two folders could claim the same type.
        if let Some(type_id) = loaded
            .types
            .iter()
            .map(|t| &t.id)
            .find(|t| plugins.owners.contains_key(*t))
        {
            return Err(load::Refusal {
                plugin: Some(id.clone()),
                reason: format!("type id `{type_id}` belongs to another plugin"),
            });
        }
        for definition in &loaded.types {
            plugins.owners.insert(definition.id.clone(), id.clone());
        }
        let info = loaded.info();
        plugins.by_id.insert(id, Arc::new(loaded));
        Ok(info)
    }

    fn claims(&self) -> (BTreeSet<String>, BTreeMap<String, String>) {
        let reserved = self
            .inner
            .reserved
            .read()
            .map(|r| r.clone())
            .unwrap_or_default();
        let taken = self
            .inner
            .plugins
            .read()
            .map(|p| p.owners.clone())
            .unwrap_or_default();
        (reserved, taken)
    }

    /// The content types of every loaded plugin, for the registry.
    pub fn type_definitions(&self) -> Vec<TypeDefinition> {
        self.inner
            .plugins
            .read()
            .map(|p| {
                p.by_id
                    .values()
                    .flat_map(|l| l.types.iter().cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The id of the plugin that adds `type_id`, if a plugin does.
    pub fn owner_of(&self, type_id: &str) -> Option<String> {
        self.inner.plugins.read().ok()?.owners.get(type_id).cloned()
    }

    /// Every loaded plugin, by id.
    pub fn plugins(&self) -> Vec<PluginInfo> {
        self.inner
            .plugins
            .read()
            .map(|p| p.by_id.values().map(|l| l.info()).collect())
            .unwrap_or_default()
    }

    /// Re-reads the plugin's folder, verifies, compiles (or uses the cache) and describes
    /// it, then swaps it in atomically with a clean fault record. Calls in flight finish
    /// on the old version. Refused if the new version's type definitions differ from the
    /// old ones (the store's schema was built from them); the old version stays.
    pub async fn reload(&self, id: &str) -> Result<PluginInfo, HostError> {
        let old = self
            .loaded(id)
            .ok_or_else(|| HostError::NotFound(id.to_owned()))?;
        let (reserved, taken) = self.claims();
        let claimed = Claimed {
            reserved: &reserved,
            plugins: &taken,
        };
        let inner = &self.inner;
        let refused = |reason: String| HostError::Refused {
            plugin: id.to_owned(),
            reason,
        };
        let new = load::load(
            &inner.engine,
            &inner.linker,
            &inner.settings,
            &old.dir,
            claimed,
        )
        .await
        .map_err(|r| refused(r.reason))?;
        if new.manifest.id != id {
            return Err(refused(format!(
                "its folder now holds plugin `{}`",
                new.manifest.id
            )));
        }
        let as_json = |types: &[TypeDefinition]| serde_json::to_value(types).ok();
        if as_json(&new.types) != as_json(&old.types) {
            return Err(refused(
                "its content types differ from the loaded version's; restart the server to change them".into(),
            ));
        }
        let info = new.info();
        let mut plugins = inner
            .plugins
            .write()
            .map_err(|_| refused("the plugin table is unusable after a panic".into()))?;
        plugins.by_id.insert(id.to_owned(), Arc::new(new));
        tracing::info!(plugin = %id, version = %info.version, "plugins: reloaded");
        Ok(info)
    }

    fn loaded(&self, id: &str) -> Option<Arc<LoadedPlugin>> {
        self.inner.plugins.read().ok()?.by_id.get(id).cloned()
    }

    fn plugin_for_type(&self, type_id: &str) -> Option<Arc<LoadedPlugin>> {
        let plugins = self.inner.plugins.read().ok()?;
        let owner = plugins.owners.get(type_id)?;
        plugins.by_id.get(owner).cloned()
    }

    /// Runs the owner's `validate` hook. No issues when the type has no plugin or the
    /// plugin did not declare the hook.
    pub async fn validate(
        &self,
        type_id: &str,
        entry: &serde_json::Value,
        cx: CallContext,
    ) -> Result<Vec<Issue>, HookError> {
        let Some(plugin) = self.plugin_for_type(type_id) else {
            return Ok(Vec::new());
        };
        if !Hook::Validate.declared(&plugin) {
            return Ok(Vec::new());
        }
        let input = self.encode(&plugin, Hook::Validate, entry)?;
        let call = Call::Validate(convert::call_context(&cx, type_id), input);
        match self.run(&plugin, Hook::Validate, call).await? {
            Reply::Validate(Ok(())) => Ok(Vec::new()),
            Reply::Validate(Err(issues)) if issues.is_empty() => Err(failed(
                &plugin,
                Hook::Validate,
                "validate returned an error without issues".into(),
            )),
            Reply::Validate(Err(issues)) => Ok(issues.into_iter().map(Issue::from).collect()),
            _ => Err(failed(&plugin, Hook::Validate, "unexpected answer".into())),
        }
    }

    /// Runs the owner's `before-save` hook and returns the entry to store (the input
    /// itself when there is no such hook).
    pub async fn before_save(
        &self,
        type_id: &str,
        entry: serde_json::Value,
        cx: CallContext,
    ) -> Result<serde_json::Value, HookError> {
        self.transform(Hook::BeforeSave, type_id, entry, cx).await
    }

    /// Runs the owner's `after-read` hook and returns the entry to serve (the input
    /// itself when there is no such hook).
    pub async fn after_read(
        &self,
        type_id: &str,
        entry: serde_json::Value,
        cx: CallContext,
    ) -> Result<serde_json::Value, HookError> {
        self.transform(Hook::AfterRead, type_id, entry, cx).await
    }

    async fn transform(
        &self,
        hook: Hook,
        type_id: &str,
        entry: serde_json::Value,
        cx: CallContext,
    ) -> Result<serde_json::Value, HookError> {
        let Some(plugin) = self.plugin_for_type(type_id) else {
            return Ok(entry);
        };
        if !hook.declared(&plugin) {
            return Ok(entry);
        }
        let input = self.encode(&plugin, hook, &entry)?;
        let call = self.transform_call(&plugin, hook, type_id, &input, cx);
        match hook {
            Hook::AfterRead => {
                let manifest = &plugin.manifest;
                let key = ReadMemo::key(
                    &format!("{}@{}", manifest.id, manifest.wasm.sha256),
                    type_id,
                    &input,
                );
                self.inner.read_memo.get_or_compute(key, call).await
            }
            _ => Ok(call.await?.entry.clone()),
        }
    }

    /// Calls `before-save` or `after-read` and checks what it returned.
    async fn transform_call(
        &self,
        plugin: &Arc<LoadedPlugin>,
        hook: Hook,
        type_id: &str,
        input: &str,
        cx: CallContext,
    ) -> Result<Arc<Kept>, HookError> {
        let wit_cx = convert::call_context(&cx, type_id);
        let call = match hook {
            Hook::AfterRead => Call::AfterRead(wit_cx, input.to_owned()),
            _ => Call::BeforeSave(wit_cx, input.to_owned()),
        };
        let output = match self.run(plugin, hook, call).await? {
            Reply::Transform(Ok(output)) => output,
            Reply::Transform(Err(crate::bindings::imports::types::HookError::Rejected(issues))) => {
                return Err(HookError::Rejected {
                    plugin: plugin.manifest.id.clone(),
                    hook: hook.name(),
                    issues: issues.into_iter().map(Issue::from).collect(),
                });
            }
            // The plugin reported its own failure: the sandbox held, so it is not a fault.
            Reply::Transform(Err(crate::bindings::imports::types::HookError::Internal(reason))) => {
                return Err(failed(
                    plugin,
                    hook,
                    format!("the plugin reported: {reason}"),
                ));
            }
            _ => return Err(failed(plugin, hook, "unexpected answer".into())),
        };
        let limit = plugin.runnable.limits.max_output_bytes;
        if output.len() > limit {
            return Err(self.fault(
                plugin,
                hook,
                FaultKind::OutputTooLarge,
                format!(
                    "output of {} bytes is over the {limit}-byte limit",
                    output.len()
                ),
            ));
        }
        match serde_json::from_str::<serde_json::Value>(&output) {
            Ok(value @ serde_json::Value::Object(_)) => Ok(Kept::new(value, output.len())),
            Ok(_) => Err(self.fault(
                plugin,
                hook,
                FaultKind::BadOutput,
                "output is not a JSON object".into(),
            )),
            Err(e) => Err(self.fault(
                plugin,
                hook,
                FaultKind::BadOutput,
                format!("output is not JSON: {e}"),
            )),
        }
    }

    /// Serialises the entry for the plugin, refusing one over the plugin's data cap (the
    /// caller's data, not the plugin's fault).
    fn encode(
        &self,
        plugin: &LoadedPlugin,
        hook: Hook,
        entry: &serde_json::Value,
    ) -> Result<String, HookError> {
        let text = entry.to_string();
        let limit = plugin.runnable.limits.max_output_bytes;
        if text.len() > limit {
            return Err(failed(
                plugin,
                hook,
                format!(
                    "the entry ({} bytes) is over the {limit}-byte limit for plugins",
                    text.len()
                ),
            ));
        }
        Ok(text)
    }

    /// Runs a call on a plugin that may be disabled, recording success or fault. The
    /// call may use the plugin's own time limit of CPU (`cpu_clock`), within a wall-clock
    /// cap of ten times that (a hundred when `unhurried`), or of what is left of the
    /// request's plugin time budget if that is less. Only using up the CPU time is the plugin's fault; running out of
    /// budget is the request's limit, and the cap a busy server's.
    async fn run(
        &self,
        plugin: &Arc<LoadedPlugin>,
        hook: Hook,
        call: Call,
    ) -> Result<Reply, HookError> {
        if plugin.health.is_disabled() {
            return Err(HookError::Unavailable {
                plugin: plugin.manifest.id.clone(),
            });
        }
        let reader = self.inner.reader.read().ok().and_then(|r| r.clone());
        let own_deadline = Duration::from_millis(plugin.runnable.limits.timeout_ms);
        // The semaphore is never closed, so acquiring only waits.
        let _slot = self.inner.slots.acquire().await.ok();
        let budget = budget::left();
        if let Some(budget) = budget.filter(|b| b.left.is_zero()) {
            return Err(budget_spent(plugin, hook, budget.total));
        }
        let mut time = if budget::is_unhurried() {
            CallTime::unhurried(own_deadline)
        } else {
            CallTime::cpu(own_deadline)
        };
        let budget_caps = budget.filter(|b| b.left < time.wall);
        if let Some(budget) = budget_caps {
            time.wall = budget.left;
        }
        let started = std::time::Instant::now();
        let result = call::invoke(&self.inner.engine, &plugin.runnable, reader, call, time).await;
        budget::spend(started.elapsed());
        civitas_metrics::record::plugin_call(&plugin.manifest.id, hook.name(), started.elapsed());
        match (result, budget_caps) {
            (Ok(reply), _) => {
                plugin.health.success();
                Ok(reply)
            }
            (Err(fault), Some(budget)) if fault.kind == FaultKind::WallClock => {
                Err(budget_spent(plugin, hook, budget.total))
            }
            (Err(fault), None) if fault.kind == FaultKind::WallClock => {
                tracing::warn!(plugin = %plugin.manifest.id, hook = hook.name(), "plugins: call stopped by the clock: {}", fault.reason);
                Err(failed(plugin, hook, fault.reason))
            }
            (Err(fault), _) => Err(self.fault(plugin, hook, fault.kind, fault.reason)),
        }
    }

    fn fault(
        &self,
        plugin: &LoadedPlugin,
        hook: Hook,
        kind: FaultKind,
        reason: String,
    ) -> HookError {
        let id = &plugin.manifest.id;
        tracing::warn!(plugin = %id, hook = hook.name(), fault = kind.name(), "plugins: call failed: {reason}");
        civitas_metrics::record::plugin_fault(id, hook.name(), kind.name());
        if plugin
            .health
            .fault(kind, self.inner.settings.fault_threshold)
        {
            tracing::error!(plugin = %id, threshold = self.inner.settings.fault_threshold, "plugins: disabled after repeated faults; reload it to enable it");
        }
        failed(plugin, hook, reason)
    }
}

fn budget_spent(plugin: &LoadedPlugin, hook: Hook, total: Duration) -> HookError {
    failed(
        plugin,
        hook,
        format!(
            "the request spent its plugin time budget (`plugins.request_budget_ms`, {} ms)",
            total.as_millis()
        ),
    )
}

fn failed(plugin: &LoadedPlugin, hook: Hook, reason: String) -> HookError {
    HookError::Failed {
        plugin: plugin.manifest.id.clone(),
        hook: hook.name(),
        reason,
    }
}
