//! Admission control for renders, so a burst of variant requests cannot exhaust CPU or
//! memory: one render per variant key at a time (single-flight), at most N renders running,
//! a bounded queue past which callers are told to retry, and a timeout per render.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};

use crate::MediaError;

type Outcome<T> = Option<Result<T, MediaError>>;

/// Shares renders between callers and bounds how many run and wait.
#[derive(Debug)]
pub struct RenderGate<T> {
    in_flight: Mutex<HashMap<String, watch::Receiver<Outcome<T>>>>,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    timeout: Duration,
}

/// Removes the in-flight entry however the leader ends (success, error or cancellation),
/// so a later request renders afresh instead of waiting on a dead channel.
struct Leader<'a, T> {
    gate: &'a RenderGate<T>,
    key: &'a str,
}

impl<T> Drop for Leader<'_, T> {
    fn drop(&mut self) {
        self.gate.in_flight().remove(self.key);
    }
}

/// Decrements the waiting count when a leader stops waiting for a permit, by any path.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<T> RenderGate<T> {
    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Receiver<Outcome<T>>>> {
        // The map holds no invariant a panic could break, so a poisoned lock is still usable.
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Clone + Send + Sync + 'static> RenderGate<T> {
    /// A gate running at most `concurrency` renders (use the number of cores), letting at
    /// most `max_waiting` more wait for a slot, each render limited to `timeout`.
    pub fn new(concurrency: usize, max_waiting: usize, timeout: Duration) -> Self {
        Self {
            in_flight: Mutex::new(HashMap::new()),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            timeout,
        }
    }

    /// Returns the result for `key`, running `render` on a blocking thread unless a render
    /// of the same key is already in flight, in which case its result is shared.
    ///
    /// Fails with [`MediaError::Busy`] at once when the queue is full, and with
    /// [`MediaError::RenderTimeout`] when the render takes too long.
    pub async fn run<F>(&self, key: &str, render: F) -> Result<T, MediaError>
    where
        F: FnOnce() -> Result<T, MediaError> + Send + 'static,
    {
        loop {
            let existing = self.in_flight().get(key).cloned();
            if let Some(mut receiver) = existing {
                // A closed channel without a value means the leader was cancelled: retry.
                if let Ok(outcome) = receiver.wait_for(Option::is_some).await
                    && let Some(result) = outcome.clone()
                {
                    return result;
                }
                continue;
            }
            let (sender, receiver) = watch::channel(None);
            {
                let mut map = self.in_flight();
                if map.contains_key(key) {
                    continue;
                }
                map.insert(key.to_owned(), receiver);
            }
            let _leader = Leader { gate: self, key };
            let result = self.lead(render).await;
            sender.send_replace(Some(result.clone()));
            return result;
        }
    }

    async fn lead<F>(&self, render: F) -> Result<T, MediaError>
    where
        F: FnOnce() -> Result<T, MediaError> + Send + 'static,
    {
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(MediaError::Busy);
                }
                let _waiting = Waiting(&self.waiting);
                Arc::clone(&self.permits)
                    .acquire_owned()
                    .await
                    .map_err(|error| MediaError::RenderFailed(error.to_string()))?
            }
        };
        // The permit moves into the blocking task: a timed-out render keeps its slot until
        // it really stops, so timeouts cannot pile up more CPU work than `concurrency`.
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            render()
        });
        match tokio::time::timeout(self.timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join_error)) => Err(MediaError::RenderFailed(join_error.to_string())),
            Err(_) => Err(MediaError::RenderTimeout(self.timeout)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;
    use std::sync::mpsc;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn twenty_requests_for_one_key_render_once() {
        let gate = Arc::new(RenderGate::new(2, 100, Duration::from_secs(10)));
        let calls = Arc::new(AtomicU32::new(0));
        let (release, released) = mpsc::channel::<()>();
        let released = Arc::new(Mutex::new(released));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let gate = Arc::clone(&gate);
            let calls = Arc::clone(&calls);
            let released = Arc::clone(&released);
            tasks.push(tokio::spawn(async move {
                gate.run("key", move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    // Hold the render until all 20 callers are queued behind it.
                    let _ = released.lock().unwrap().recv();
                    Ok(42u32)
                })
                .await
            }));
        }
        while gate.in_flight().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        release.send(()).unwrap();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), 42);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(gate.in_flight().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overload_is_refused_at_once() {
        let gate = Arc::new(RenderGate::new(1, 1, Duration::from_secs(10)));
        let (release, released) = mpsc::channel::<()>();
        let running = {
            let gate = Arc::clone(&gate);
            tokio::spawn(async move {
                gate.run("a", move || {
                    let _ = released.recv();
                    Ok(1u32)
                })
                .await
            })
        };
        // "b" must find "a" holding the only slot, or it would run first and never wait.
        while gate.permits.available_permits() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let queued = {
            let gate = Arc::clone(&gate);
            tokio::spawn(async move { gate.run("b", || Ok(2u32)).await })
        };
        while gate.waiting.load(Ordering::SeqCst) < 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }

        let refused = gate.run("c", || Ok(3u32)).await;

        assert_eq!(refused.unwrap_err().code(), "busy");
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap().unwrap(), 1);
        assert_eq!(queued.await.unwrap().unwrap(), 2);
        assert_eq!(gate.run("c", || Ok(3u32)).await.unwrap(), 3);
    }

    #[tokio::test]
    async fn slow_render_times_out_and_errors_are_shared() {
        let gate = RenderGate::<u32>::new(1, 1, Duration::from_millis(50));
        let (release, released) = mpsc::channel::<()>();
        let error = gate
            .run("slow", move || {
                let _ = released.recv();
                Ok(1)
            })
            .await
            .unwrap_err();
        assert_eq!(error.code(), "render_timeout");
        release.send(()).unwrap();

        let error = gate
            .run("bad", || Err(MediaError::DecodeFailed("broken".into())))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "decode_failed");
    }
}
