//! Running one export of a plugin: a fresh `Store` from the `InstancePre`, the sandbox's
//! limits, the deadline, and the classification of whatever went wrong.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, Store, StoreLimitsBuilder, Trap, UpdateDeadline};

use crate::bindings::exports;
use crate::bindings::imports::types as wit;
use crate::cpu_clock::{CpuSpent, CpuTimed};
use crate::plugin::{FaultKind, Runnable};
use crate::state::{CallState, ContentReader};

/// Data a plugin may send to the host in one crossing, on top of its output cap: wasmtime
/// counts both import arguments (log lines, filters, ids) and an export's results against
/// it, so a 100 MB result traps before the host allocates it.
const HOSTCALL_SLACK: usize = 64 << 10;

/// Slack of the tokio backstop over the wall-clock cap: the epoch trap normally fires
/// first, within a tick; the backstop only catches time stuck in the host.
const BACKSTOP_SLACK: Duration = Duration::from_millis(50);

/// How long a call may take on the clock, as a multiple of its CPU time limit, when no
/// request budget says less: room for a busy server, still a bound on reads that hang.
pub(crate) const WALL_CAP_FACTOR: u32 = 10;

/// The same for work no client waits for (`budget::unhurried`): still a bound on a hang.
pub(crate) const UNHURRIED_WALL_CAP_FACTOR: u32 = 100;

/// An export call.
pub(crate) enum Call {
    Describe,
    Validate(wit::CallContext, String),
    BeforeSave(wit::CallContext, String),
    AfterRead(wit::CallContext, String),
}

/// An export's answer.
pub(crate) enum Reply {
    Describe(wit::Manifest),
    Validate(Result<(), Vec<wit::Issue>>),
    Transform(Result<String, wit::HookError>),
}

/// Why a call failed, before it is attributed to a plugin and hook.
#[derive(Debug)]
pub(crate) struct Fault {
    pub kind: FaultKind,
    pub reason: String,
}

/// How long one call may run: `cpu` of work (the plugin's limit, see `cpu_clock`), and
/// `wall` on the clock, whatever happens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallTime {
    pub cpu: Duration,
    pub wall: Duration,
}

impl CallTime {
    /// A CPU limit with the default wall-clock cap.
    pub(crate) fn cpu(cpu: Duration) -> CallTime {
        CallTime {
            cpu,
            wall: cpu.saturating_mul(WALL_CAP_FACTOR),
        }
    }

    /// A CPU limit with the longer wall-clock cap of work no client waits for.
    pub(crate) fn unhurried(cpu: Duration) -> CallTime {
        CallTime {
            cpu,
            wall: cpu.saturating_mul(UNHURRIED_WALL_CAP_FACTOR),
        }
    }
}

/// Runs one export in a fresh store, within `time` (describe at load time gets the
/// server maximum, since first calls may warm up lazily).
pub(crate) async fn invoke(
    engine: &Engine,
    runnable: &Runnable,
    reader: Option<Arc<dyn ContentReader>>,
    call: Call,
    time: CallTime,
) -> Result<Reply, Fault> {
    let spent = CpuSpent::default();
    let mut store = new_store(engine, runnable, reader, time, spent.clone());
    let run = async {
        let plugin = runnable.pre.instantiate_async(&mut store).await?;
        let exports: &exports::Guest = plugin.civitas_plugin_plugin();
        let reply = match call {
            Call::Describe => Reply::Describe(exports.call_describe(&mut store).await?),
            Call::Validate(cx, entry) => {
                Reply::Validate(exports.call_validate(&mut store, &cx, &entry).await?)
            }
            Call::BeforeSave(cx, entry) => {
                Reply::Transform(exports.call_before_save(&mut store, &cx, &entry).await?)
            }
            Call::AfterRead(cx, entry) => {
                Reply::Transform(exports.call_after_read(&mut store, &cx, &entry).await?)
            }
        };
        Ok::<Reply, wasmtime::Error>(reply)
    };
    let run = CpuTimed::new(run, spent.clone());
    match tokio::time::timeout(time.wall + BACKSTOP_SLACK, run).await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(error)) => Err(classify(
            &error,
            time,
            &spent,
            runnable.limits.max_output_bytes,
        )),
        Err(_) => Err(out_of_time(time, &spent)),
    }
    // The store, and with it the instance and its memory, is dropped here, whatever
    // happened: a trapped instance is never reused.
}

fn new_store(
    engine: &Engine,
    runnable: &Runnable,
    reader: Option<Arc<dyn ContentReader>>,
    time: CallTime,
    spent: CpuSpent,
) -> Store<CallState> {
    let deadline = Instant::now() + time.wall;
    let limits = runnable.limits;
    let memory = usize::try_from(limits.memory_mib << 20).unwrap_or(usize::MAX);
    let state = CallState {
        wasi: crate::sandbox::wasi_ctx(),
        table: ResourceTable::new(),
        limits: StoreLimitsBuilder::new()
            .memory_size(memory)
            .table_elements(100_000)
            .instances(32)
            .memories(4)
            .tables(8)
            .trap_on_grow_failure(true)
            .build(),
        identity: runnable.identity.clone(),
        reader,
        deadline,
        max_bytes: limits.max_output_bytes,
        reads: 0,
        log_lines: 0,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limits);
    store.set_hostcall_fuel(limits.max_output_bytes.saturating_add(HOSTCALL_SLACK));
    // A new store's deadline is "now": set it, or the first instruction traps. At each
    // tick the callback lets the executor run other tasks, and traps once the call has
    // used its CPU time or its wall-clock cap has passed.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        if spent.get() >= time.cpu || Instant::now() >= deadline {
            Ok(UpdateDeadline::Interrupt)
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

/// A call stopped for time: the plugin's fault if it used its CPU time, else the clock's
/// (a busy server, slow reads, or a spent request budget).
fn out_of_time(time: CallTime, spent: &CpuSpent) -> Fault {
    if spent.get() >= time.cpu {
        Fault {
            kind: FaultKind::Timeout,
            reason: format!("timed out after {} ms of work", time.cpu.as_millis()),
        }
    } else {
        Fault {
            kind: FaultKind::WallClock,
            reason: format!("did not finish within {} ms", time.wall.as_millis()),
        }
    }
}

fn classify(error: &wasmtime::Error, time: CallTime, spent: &CpuSpent, max_bytes: usize) -> Fault {
    let (kind, reason) = match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => return out_of_time(time, spent),
        Some(Trap::StackOverflow) => (FaultKind::StackOverflow, "stack overflow".to_string()),
        // Rust guests turn a panic (and an allocation failure) into `unreachable`.
        Some(Trap::UnreachableCodeReached) => (
            FaultKind::Panic,
            "the plugin panicked or aborted".to_string(),
        ),
        Some(trap) => (FaultKind::Trap, format!("trap: {trap}")),
        None => {
            let text = format!("{error:#}");
            if text.contains("growing memory") || text.contains("memory growth") {
                (FaultKind::Memory, "memory limit exceeded".to_string())
            } else if text.contains("too much data") {
                (
                    FaultKind::OutputTooLarge,
                    format!("output or import data over the {max_bytes}-byte limit"),
                )
            } else {
                (FaultKind::Trap, text)
            }
        }
    };
    Fault { kind, reason }
}
