//! Retrying transactions that lost a write conflict. SurrealKV (and SurrealDB on TiKV)
//! check conflicts optimistically at commit: when two writers touch the same record at
//! once, one of them is told to try again. Every write goes through [`with_retries`], so
//! a conflict costs the loser a short, jittered wait, never an error, unless it keeps
//! losing: then the caller gets [`StoreError::WriteConflict`](crate::StoreError) (409).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use surrealdb::types::QueryError;

/// Attempts in all, the first included. With the backoff below the last one starts after
/// at most about 0.35 s of waiting: long enough to outlast a burst of writers on one
/// entry, short enough that a request never hangs.
pub(crate) const ATTEMPTS: u32 = 8;
const FIRST_WAIT: Duration = Duration::from_millis(2);
const LONGEST_WAIT: Duration = Duration::from_millis(100);

/// Conflicts retried since the process started (for logs, metrics and benchmarks).
static RETRIED: AtomicU64 = AtomicU64::new(0);

/// How many write conflicts this process has retried.
pub fn conflicts_retried() -> u64 {
    RETRIED.load(Ordering::Relaxed)
}

/// Whether the database refused a commit because another transaction wrote the same
/// data first, i.e. the same work may succeed if run again.
pub(crate) fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&QueryError::TransactionConflict)
        || error.message().contains("can be retried")
}

/// "Full jitter" (a random wait up to an exponentially growing cap): writers that
/// collided once do not collide again in lockstep.
fn backoff(attempt: u32) -> Duration {
    let cap = FIRST_WAIT
        .saturating_mul(1 << attempt.min(16))
        .min(LONGEST_WAIT);
    let millis = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(1..=millis.max(1)))
}

/// Attempts for a write that appends to the change log. Such writes take turns within a
/// node, so they only collide with other nodes' writes on the log's counter; on a busy
/// cluster a node can lose several rounds in a row (about 1 write in 500 lost all 8 in
/// the two-node load test). At most about 1.1 s of waiting.
pub(crate) const LOGGED_ATTEMPTS: u32 = 16;

/// Runs `attempt` until it succeeds, fails for a reason other than a write conflict, or
/// has conflicted [`ATTEMPTS`] times; the last error is returned as it came.
pub(crate) async fn with_retries<T, F, Fut>(attempt: F) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, surrealdb::Error>>,
{
    with_retries_up_to(ATTEMPTS, attempt).await
}

/// [`with_retries`] with another number of attempts.
pub(crate) async fn with_retries_up_to<T, F, Fut>(
    attempts: u32,
    mut attempt: F,
) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, surrealdb::Error>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(error) if is_conflict(&error) && tries < attempts => {
                RETRIED.fetch_add(1, Ordering::Relaxed);
                tracing::info!(attempt = tries, "write conflict; retrying the transaction");
                tokio::time::sleep(backoff(tries)).await;
                tries += 1;
            }
            Err(error) if is_conflict(&error) => {
                tracing::warn!(
                    attempts = tries,
                    "write conflict persisted; the write is refused"
                );
                return Err(error);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_but_stay_bounded() {
        for attempt in 1..ATTEMPTS + 4 {
            let wait = backoff(attempt);
            assert!(wait >= Duration::from_millis(1) && wait <= LONGEST_WAIT);
        }
    }

    #[test]
    fn recognises_conflicts_by_kind_and_by_message() {
        let by_kind = surrealdb::Error::query("busy".into(), QueryError::TransactionConflict);
        assert!(is_conflict(&by_kind));
        let by_text = surrealdb::Error::internal(
            "Transaction conflict: write conflict. This transaction can be retried".into(),
        );
        assert!(is_conflict(&by_text));
        let other = surrealdb::Error::internal("syntax error".into());
        assert!(!is_conflict(&other));
    }
}
