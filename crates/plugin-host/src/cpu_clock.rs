//! The CPU time a plugin call consumes. A plugin's time limit is about the work it does:
//! a call that waits for the executor to poll it again, or for the operating system to
//! schedule its thread, is not doing work, and on a busy server a wall-clock limit
//! failed healthy plugins (and counted towards disabling them) because of the server's
//! own load. So the limit is measured on the thread's CPU clock, only while the call's
//! future is being polled; a generous wall-clock cap still bounds the whole call.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

/// CPU time spent so far by the futures sharing it.
#[derive(Clone, Default)]
pub(crate) struct CpuSpent(Arc<AtomicU64>);

impl CpuSpent {
    pub(crate) fn get(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }

    fn add(&self, nanos: u64) {
        self.0.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// A future whose polls are charged to a [`CpuSpent`].
pub(crate) struct CpuTimed<F> {
    inner: Pin<Box<F>>,
    spent: CpuSpent,
}

impl<F: Future> CpuTimed<F> {
    pub(crate) fn new(inner: F, spent: CpuSpent) -> CpuTimed<F> {
        CpuTimed {
            inner: Box::pin(inner),
            spent,
        }
    }
}

impl<F: Future> Future for CpuTimed<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let started = thread_cpu_nanos();
        let polled = self.inner.as_mut().poll(cx);
        self.spent.add(thread_cpu_nanos().saturating_sub(started));
        polled
    }
}

/// This thread's CPU time, in nanoseconds.
#[cfg(unix)]
fn thread_cpu_nanos() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec, and CLOCK_THREAD_CPUTIME_ID is a clock
    // every supported Unix has; on failure `now` stays zero and the wall cap still applies.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(now.tv_nsec).unwrap_or(0);
    seconds.saturating_mul(1_000_000_000).saturating_add(nanos)
}

/// Without a thread CPU clock, wall-clock time stands in (the limit is then as before).
#[cfg(not(unix))]
fn thread_cpu_nanos() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    let elapsed = START.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn charges_work_done_in_polls_not_time_spent_waiting() {
        let spent = CpuSpent::default();
        let work = async {
            tokio::time::sleep(Duration::from_millis(60)).await;
            let started = std::time::Instant::now();
            let mut x = 0u64;
            while started.elapsed() < Duration::from_millis(30) {
                x = std::hint::black_box(x.wrapping_add(1));
            }
            x
        };
        CpuTimed::new(work, spent.clone()).await;
        let charged = spent.get();
        assert!(charged >= Duration::from_millis(5), "{charged:?}");
        assert!(
            charged < Duration::from_millis(55),
            "the sleep was charged: {charged:?}"
        );
    }
}
