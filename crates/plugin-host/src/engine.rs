//! The shared wasmtime engine: Cranelift, epoch interruption driven by a ticker thread,
//! and the pooling allocator sized from the settings.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::settings::PluginSettings;

/// How often the epoch advances. A call's deadline is checked at each tick, so a
/// runaway plugin overshoots its deadline by at most about one tick.
pub(crate) const TICK: Duration = Duration::from_millis(1);

/// Stack for plugin code. Deep recursion traps with a stack overflow at this depth
/// instead of growing; it must stay well below the async fiber stack (2 MiB by default).
const MAX_WASM_STACK: usize = 512 << 10;

/// A Rust `wasm32-wasip2` component holds a few core modules (the program, the WASI
/// adapter and small shims); these bounds leave room for that with a margin.
const CORE_INSTANCES_PER_COMPONENT: u32 = 16;
const MEMORIES_PER_COMPONENT: u32 = 2;
const TABLES_PER_COMPONENT: u32 = 4;

/// Builds the engine, with the pooling allocator when the machine can reserve the
/// address space for it and the on-demand allocator otherwise.
pub(crate) fn build(settings: &PluginSettings) -> Result<(Engine, bool), String> {
    let max_memory = usize::try_from(settings.max_memory_mib.max(1) << 20)
        .map_err(|_| "plugins.max_memory_mib is too large".to_string())?;
    let mut config = base_config();
    let slots = settings.max_concurrent_calls.max(1);
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(slots)
        .total_core_instances(slots * CORE_INSTANCES_PER_COMPONENT)
        .total_memories(slots * MEMORIES_PER_COMPONENT)
        .total_tables(slots * TABLES_PER_COMPONENT)
        .total_stacks(slots)
        .max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT)
        .max_memories_per_component(MEMORIES_PER_COMPONENT)
        .max_tables_per_component(TABLES_PER_COMPONENT)
        .max_memory_size(max_memory)
        // Keep a little of each slot's memory mapped between calls: most plugins touch
        // only their first pages, and re-faulting them is most of a call's cost.
        .linear_memory_keep_resident(64 << 10);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    match Engine::new(&config) {
        Ok(engine) => Ok((engine, true)),
        Err(pooled) => {
            tracing::warn!(
                error = %pooled,
                "plugins: cannot reserve the pooling allocator, using on-demand allocation"
            );
            Engine::new(&base_config())
                .map(|engine| (engine, false))
                .map_err(|e| e.to_string())
        }
    }
}

fn base_config() -> Config {
    let mut config = Config::new();
    config
        .strategy(wasmtime::Strategy::Cranelift)
        .epoch_interruption(true)
        .max_wasm_stack(MAX_WASM_STACK)
        // Plugins use no component-model async, and the `component-model-async` feature is
        // not compiled in (turning this on fails with "not compiled into this build"):
        // said explicitly so the per-store concurrency set-up never comes back unnoticed.
        .concurrency_support(false)
        .memory_init_cow(true);
    config
}

/// Advances the engine's epoch every [`TICK`] until dropped.
pub(crate) struct Ticker {
    stop: Arc<AtomicBool>,
}

impl Ticker {
    pub(crate) fn start(engine: &Engine) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let engine = engine.clone();
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("civitas-plugin-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    engine.increment_epoch();
                }
            });
        if let Err(e) = spawned {
            // Without ticks, deadlines are only enforced by the tokio timeout backstop.
            tracing::error!(error = %e, "plugins: cannot start the epoch ticker thread");
        }
        Ticker { stop }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
