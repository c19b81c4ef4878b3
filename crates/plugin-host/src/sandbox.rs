//! The WASI context every call gets: nothing granted, and clocks coarsened to the
//! millisecond, so a plugin has wall time but no high-resolution timer to measure the host
//! (or other plugins) with.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder};

const MILLISECOND: Duration = Duration::from_millis(1);

/// No preopened directories, no environment or arguments, stdin closed, stdout and stderr
/// discarded, sockets and name lookup denied; millisecond clocks.
pub(crate) fn wasi_ctx() -> WasiCtx {
    WasiCtxBuilder::new()
        .wall_clock(CoarseWallClock)
        .monotonic_clock(CoarseMonotonicClock {
            start: Instant::now(),
        })
        .build()
}

struct CoarseWallClock;

impl HostWallClock for CoarseWallClock {
    fn resolution(&self) -> Duration {
        MILLISECOND
    }

    fn now(&self) -> Duration {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Duration::from_millis(u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX))
    }
}

/// Milliseconds since the call started, in nanoseconds as WASI wants.
struct CoarseMonotonicClock {
    start: Instant,
}

impl HostMonotonicClock for CoarseMonotonicClock {
    fn resolution(&self) -> u64 {
        1_000_000
    }

    fn now(&self) -> u64 {
        let millis = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        millis.saturating_mul(1_000_000)
    }
}
