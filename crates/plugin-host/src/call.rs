//! Running one export of a plugin: a fresh `Store` from the `InstancePre`, the sandbox's
//! limits, the deadline, and the classification of whatever went wrong.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, Store, StoreLimitsBuilder, Trap, UpdateDeadline};

use crate::bindings::exports;
use crate::bindings::imports::types as wit;
use crate::plugin::{FaultKind, Runnable};
use crate::state::{CallState, ContentReader};

/// Data a plugin may send to the host in one crossing, on top of its output cap: wasmtime
/// counts both import arguments (log lines, filters, ids) and an export's results against
/// it, so a 100 MB result traps before the host allocates it.
const HOSTCALL_SLACK: usize = 64 << 10;

/// Slack of the tokio backstop over the epoch deadline: the epoch trap normally fires
/// first, within a tick; the backstop only catches time stuck in the host.
const BACKSTOP_SLACK: Duration = Duration::from_millis(50);

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

/// Runs one export in a fresh store. `timeout` overrides the plugin's deadline (describe
/// at load time gets the server maximum, since first calls may warm up lazily).
pub(crate) async fn invoke(
    engine: &Engine,
    runnable: &Runnable,
    reader: Option<Arc<dyn ContentReader>>,
    call: Call,
    timeout: Duration,
) -> Result<Reply, Fault> {
    let deadline = Instant::now() + timeout;
    let mut store = new_store(engine, runnable, reader, deadline);
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
    match tokio::time::timeout(timeout + BACKSTOP_SLACK, run).await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(error)) => Err(classify(&error, timeout, runnable.limits.max_output_bytes)),
        Err(_) => Err(Fault {
            kind: FaultKind::Timeout,
            reason: format!("timed out after {} ms", timeout.as_millis()),
        }),
    }
    // The store, and with it the instance and its memory, is dropped here, whatever
    // happened: a trapped instance is never reused.
}

fn new_store(
    engine: &Engine,
    runnable: &Runnable,
    reader: Option<Arc<dyn ContentReader>>,
    deadline: Instant,
) -> Store<CallState> {
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
    // tick the callback lets the executor run other tasks, and traps once the wall-clock
    // deadline has passed.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        if Instant::now() >= deadline {
            Ok(UpdateDeadline::Interrupt)
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

fn classify(error: &wasmtime::Error, timeout: Duration, max_bytes: usize) -> Fault {
    let (kind, reason) = match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => (
            FaultKind::Timeout,
            format!("timed out after {} ms", timeout.as_millis()),
        ),
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
