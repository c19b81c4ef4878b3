//! What a node records. Each metric is named here once; callers say what happened.
//! Label values come from closed sets (route templates, plugin and hook names, outcome
//! words), never from raw request input, so a fuzzer cannot grow the series without end.

use std::time::Duration;

use metrics::{counter, gauge, histogram};

use crate::exporter::installed;

pub(crate) const HTTP_REQUESTS: &str = "civitas_http_requests_total";
pub(crate) const HTTP_DURATION: &str = "civitas_http_request_duration_seconds";
pub(crate) const DB_QUERIES: &str = "civitas_db_queries_total";
pub(crate) const DB_DURATION: &str = "civitas_db_query_duration_seconds";
pub(crate) const STORAGE_AVAILABLE: &str = "civitas_storage_available";
pub(crate) const CACHE_HITS: &str = "civitas_cache_hits_total";
pub(crate) const CACHE_MISSES: &str = "civitas_cache_misses_total";
pub(crate) const PLUGIN_CALLS: &str = "civitas_plugin_calls_total";
pub(crate) const PLUGIN_DURATION: &str = "civitas_plugin_call_duration_seconds";
pub(crate) const PLUGIN_FAULTS: &str = "civitas_plugin_faults_total";
pub(crate) const SCHEDULER_RUNS: &str = "civitas_scheduler_runs_total";
pub(crate) const SCHEDULER_ACTIONS: &str = "civitas_scheduler_actions_total";
pub(crate) const WEBHOOK_DELIVERIES: &str = "civitas_webhook_deliveries_total";
pub(crate) const WEBHOOK_DURATION: &str = "civitas_webhook_delivery_duration_seconds";
pub(crate) const WEBHOOK_LAG: &str = "civitas_webhook_lag_seconds";
pub(crate) const CHANGE_LOG_LAG: &str = "civitas_change_log_lag_seconds";
pub(crate) const CHANGE_LOG_FOLLOWED: &str = "civitas_change_log_followed_sequence";
pub(crate) const RESIDENT_MEMORY: &str = "civitas_process_resident_memory_bytes";

/// Names and help texts, for the exporter to describe each metric.
pub(crate) const HELP: [(&str, &str); 18] = [
    (
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route template and status.",
    ),
    (
        HTTP_DURATION,
        "Time to answer an HTTP request, by method and route template.",
    ),
    (
        DB_QUERIES,
        "Database round trips, by outcome (ok, error, unavailable).",
    ),
    (DB_DURATION, "Time of one database round trip."),
    (
        STORAGE_AVAILABLE,
        "1 while the database answers, 0 while requests get 503 storage_unavailable.",
    ),
    (CACHE_HITS, "Public reads answered from the response cache."),
    (
        CACHE_MISSES,
        "Cacheable public reads that had to be computed.",
    ),
    (PLUGIN_CALLS, "Plugin hook calls, by plugin and hook."),
    (
        PLUGIN_DURATION,
        "Time of one plugin hook call, by plugin and hook.",
    ),
    (
        PLUGIN_FAULTS,
        "Plugin calls that faulted, by plugin, hook and kind (timeout, memory, trap...).",
    ),
    (
        SCHEDULER_RUNS,
        "Times the scheduler looked for due publish and unpublish actions.",
    ),
    (
        SCHEDULER_ACTIONS,
        "Scheduled actions, by action and outcome (done, taken by another node, failed).",
    ),
    (
        WEBHOOK_DELIVERIES,
        "Webhook delivery attempts, by outcome (delivered, failed, blocked, gone) and trigger.",
    ),
    (WEBHOOK_DURATION, "Time of one webhook delivery attempt."),
    (
        WEBHOOK_LAG,
        "Time from a change's commit to its delivery to a webhook.",
    ),
    (
        CHANGE_LOG_LAG,
        "Time from a change's commit to this node following it (caches, live streams).",
    ),
    (
        CHANGE_LOG_FOLLOWED,
        "The newest change-log sequence number this node has followed.",
    ),
    (RESIDENT_MEMORY, "Resident memory of the process, in bytes."),
];

/// The HTTP methods kept as they are; anything else is counted as `other`.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// One answered request. `route` is the path's template (`/api/v1/content/post/{id}`),
/// or `unmatched` for a path the API does not have.
pub fn http_request(method: &str, route: &str, status: u16, took: Duration) {
    if !installed() {
        return;
    }
    let method = METHODS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(method))
        .copied()
        .unwrap_or("other");
    let route = route.to_owned();
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route).record(took);
}

/// How a database round trip ended.
#[derive(Debug, Clone, Copy)]
pub enum QueryOutcome {
    Ok,
    Error,
    /// No connection, or no answer within the time limit.
    Unavailable,
}

impl QueryOutcome {
    fn as_str(self) -> &'static str {
        match self {
            QueryOutcome::Ok => "ok",
            QueryOutcome::Error => "error",
            QueryOutcome::Unavailable => "unavailable",
        }
    }
}

pub fn db_query(outcome: QueryOutcome, took: Duration) {
    counter!(DB_QUERIES, "outcome" => outcome.as_str()).increment(1);
    histogram!(DB_DURATION).record(took);
}

pub fn storage_available(available: bool) {
    gauge!(STORAGE_AVAILABLE).set(if available { 1.0 } else { 0.0 });
}

pub fn cache_hit() {
    counter!(CACHE_HITS).increment(1);
}

pub fn cache_miss() {
    counter!(CACHE_MISSES).increment(1);
}

/// One hook call that ran in the sandbox, whatever its outcome.
pub fn plugin_call(plugin: &str, hook: &'static str, took: Duration) {
    if !installed() {
        return;
    }
    let plugin = plugin.to_owned();
    counter!(PLUGIN_CALLS, "plugin" => plugin.clone(), "hook" => hook).increment(1);
    histogram!(PLUGIN_DURATION, "plugin" => plugin, "hook" => hook).record(took);
}

pub fn plugin_fault(plugin: &str, hook: &'static str, kind: &'static str) {
    if !installed() {
        return;
    }
    counter!(PLUGIN_FAULTS, "plugin" => plugin.to_owned(), "hook" => hook, "kind" => kind)
        .increment(1);
}

pub fn scheduler_run() {
    counter!(SCHEDULER_RUNS).increment(1);
}

/// `action`: `publish` or `unpublish`; `outcome`: `done`, `taken` (another node did it
/// first) or `failed`.
pub fn scheduler_action(action: &'static str, outcome: &'static str) {
    counter!(SCHEDULER_ACTIONS, "action" => action, "outcome" => outcome).increment(1);
}

/// One delivery attempt. `trigger`: `auto`, `redeliver` or `ping`.
pub fn webhook_attempt(outcome: &'static str, trigger: &'static str, took: Duration) {
    counter!(WEBHOOK_DELIVERIES, "outcome" => outcome, "trigger" => trigger).increment(1);
    histogram!(WEBHOOK_DURATION).record(took);
}

/// An event delivered `lag` after it was committed.
pub fn webhook_delivered_after(lag: Duration) {
    histogram!(WEBHOOK_LAG).record(lag);
}

/// This node followed event `seq`, `lag` after it was committed.
pub fn change_followed(seq: u64, lag: Duration) {
    histogram!(CHANGE_LOG_LAG).record(lag);
    // A gauge is a float: exact for sequence numbers below 2^53.
    gauge!(CHANGE_LOG_FOLLOWED).set(seq as f64);
}

pub(crate) fn resident_memory(bytes: u64) {
    gauge!(RESIDENT_MEMORY).set(bytes as f64);
}

#[cfg(test)]
mod tests {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;
    use std::time::Duration;

    /// Counts the allocations of the calling thread, so tests running beside it do not
    /// disturb the count.
    struct CountingAllocator;

    thread_local! {
        static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    // SAFETY: every call is passed on unchanged to the system allocator.
    unsafe impl GlobalAlloc for CountingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            ALLOCATIONS.with(|count| count.set(count.get() + 1));
            // SAFETY: the caller's contract is the system allocator's.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` came from `alloc` above, that is from the system allocator.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: CountingAllocator = CountingAllocator;

    fn allocations_of(record: impl FnOnce()) -> usize {
        let before = ALLOCATIONS.with(Cell::get);
        record();
        ALLOCATIONS.with(Cell::get) - before
    }

    /// No test in this crate installs the recorder, so this is a node with metrics off.
    #[test]
    fn recording_allocates_nothing_until_metrics_are_installed() {
        let took = Duration::from_millis(3);
        let allocations = allocations_of(|| {
            super::http_request("GET", "/api/v1/content/{type}", 200, took);
            super::plugin_call("study", "validate", took);
            super::plugin_fault("study", "validate", "timeout");
        });
        assert_eq!(allocations, 0);
    }
}
