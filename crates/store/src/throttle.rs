//! Login throttling kept in the database, so that every node counts the same attempts:
//! one record per key (a client address, an account) with the times of its recent
//! attempts, in a sliding window. An attempt is checked and counted in one transaction,
//! and two counting the same key at once conflict and retry, so a key's allowance holds
//! across any number of nodes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use surrealdb::types::{Object, Value};

use crate::accounts::rid;
use crate::audit::cause;
use crate::convert::from_db;
use crate::entries::Store;
use crate::error::StoreError;
use crate::retry::with_retries;

const THROTTLE_TABLE: &str = "sys_throttle";

/// A key's allowance: this many attempts per window.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub limit: u32,
    pub window: Duration,
}

/// Milliseconds since the Unix epoch: this node's clock, which operators keep in step
/// (NTP) across nodes.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64)
}

fn window_ms(window: Duration) -> i64 {
    i64::try_from(window.as_millis()).unwrap_or(i64::MAX)
}

/// The attempts of each key since the window's start; counts the first key's attempt
/// when no key has used up its allowance. Answers whether it was counted, and the times
/// of each key's attempts.
const CHECK_AND_COUNT: &str = "
    LET $counted_at = array::filter($counted.at ?? [], |$t| $t > $now - $counted_window);
    LET $checked_at = array::filter($checked.at ?? [], |$t| $t > $now - $checked_window);
    LET $allowed = array::len($counted_at) < $counted_limit AND array::len($checked_at) < $checked_limit;
    IF $allowed { UPSERT $counted SET at = array::append($counted_at, $now) RETURN NONE };
    { allowed: $allowed, counted: $counted_at, checked: $checked_at };
";

impl Store {
    /// Counts an attempt on `counted` unless it, or `checked` (read, not counted), has
    /// used up its allowance; then answers the seconds until the later of the two frees
    /// a place (and counts nothing).
    pub async fn throttle_attempt(
        &self,
        (counted, counted_allowance): (&str, Allowance),
        (checked, checked_allowance): (&str, Allowance),
    ) -> Result<Option<u64>, StoreError> {
        let now = now_ms();
        let mut values = Object::new();
        values.insert("counted", rid(THROTTLE_TABLE, counted));
        values.insert("checked", rid(THROTTLE_TABLE, checked));
        values.insert("now", Value::from_t(now));
        values.insert(
            "counted_window",
            Value::from_t(window_ms(counted_allowance.window)),
        );
        values.insert(
            "checked_window",
            Value::from_t(window_ms(checked_allowance.window)),
        );
        values.insert(
            "counted_limit",
            Value::from_t(i64::from(counted_allowance.limit)),
        );
        values.insert(
            "checked_limit",
            Value::from_t(i64::from(checked_allowance.limit)),
        );
        let sql = format!("BEGIN; {CHECK_AND_COUNT} COMMIT;");
        let rows: Vec<Value> = with_retries(|| async {
            let mut response = self.query(sql.as_str()).bind(values.clone()).await?;
            let errors = response.take_errors();
            if !errors.is_empty() {
                return Err(cause(errors));
            }
            response.take(5)
        })
        .await?;
        let outcome = rows.into_iter().next().map(from_db).unwrap_or_default();
        if outcome["allowed"].as_bool().unwrap_or(true) {
            return Ok(None);
        }
        let wait = |times: &serde_json::Value, allowance: Allowance| {
            let times: Vec<i64> = times
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_i64)
                .collect();
            if times.len() < allowance.limit as usize {
                return 0;
            }
            // The oldest attempt that keeps the key at its limit leaves the window then.
            let oldest = times[times.len() - allowance.limit as usize];
            let left_ms = (oldest + window_ms(allowance.window) - now).max(0);
            (left_ms as u64).div_ceil(1000).max(1)
        };
        let longest = wait(&outcome["counted"], counted_allowance)
            .max(wait(&outcome["checked"], checked_allowance))
            .max(1);
        Ok(Some(longest))
    }

    /// Counts an attempt on `key`, whatever its allowance (a failed login on an account).
    pub async fn throttle_count(&self, key: &str, window: Duration) -> Result<(), StoreError> {
        let mut values = Object::new();
        values.insert("key", rid(THROTTLE_TABLE, key));
        values.insert("now", Value::from_t(now_ms()));
        values.insert("window", Value::from_t(window_ms(window)));
        with_retries(|| async {
            self.query(
                "UPSERT $key SET at = array::append(array::filter(at ?? [], |$t| $t > $now - $window), $now) RETURN NONE",
            )
            .bind(values.clone())
            .await?
            .check()
        })
        .await?;
        Ok(())
    }

    /// Forgets `key`'s attempts (an account's failures, after a successful login).
    pub async fn throttle_clear(&self, key: &str) -> Result<(), StoreError> {
        self.query("DELETE $key RETURN NONE")
            .bind(("key", rid(THROTTLE_TABLE, key)))
            .await?
            .check()?;
        Ok(())
    }

    /// Deletes the keys with no attempt left in `window`, so made-up addresses and
    /// emails do not pile up.
    pub async fn prune_throttle(&self, window: Duration) -> Result<(), StoreError> {
        self.query(format!(
            "DELETE {THROTTLE_TABLE} WHERE array::max(at) <= $since RETURN NONE"
        ))
        .bind(("since", now_ms() - window_ms(window)))
        .await?
        .check()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{memory_store, runtime};

    const MINUTE: Allowance = Allowance {
        limit: 2,
        window: Duration::from_secs(60),
    };

    #[test]
    fn an_exhausted_key_waits_and_is_not_counted() {
        runtime().block_on(async {
            let store = memory_store().await;
            for _ in 0..2 {
                let wait = store.throttle_attempt(("a", MINUTE), ("b", MINUTE)).await;
                assert_eq!(wait.expect("counted"), None);
            }
            let wait = store
                .throttle_attempt(("a", MINUTE), ("b", MINUTE))
                .await
                .expect("checked");
            assert!(wait.is_some_and(|w| (1..=60).contains(&w)), "{wait:?}");
            // The checked key is read, never counted.
            let wait = store.throttle_attempt(("b", MINUTE), ("c", MINUTE)).await;
            assert_eq!(wait.expect("counted"), None);
        });
    }

    #[test]
    fn a_checked_key_at_its_limit_refuses_and_clearing_frees_it() {
        runtime().block_on(async {
            let store = memory_store().await;
            for _ in 0..2 {
                store
                    .throttle_count("account", MINUTE.window)
                    .await
                    .expect("count");
            }
            let wait = store
                .throttle_attempt(("address", MINUTE), ("account", MINUTE))
                .await
                .expect("checked");
            assert!(wait.is_some());
            store.throttle_clear("account").await.expect("clear");
            let wait = store
                .throttle_attempt(("address", MINUTE), ("account", MINUTE))
                .await
                .expect("checked");
            assert_eq!(wait, None);
        });
    }

    #[test]
    fn attempts_older_than_the_window_do_not_count_and_are_pruned() {
        runtime().block_on(async {
            let store = memory_store().await;
            let instant = Allowance {
                limit: 1,
                window: Duration::from_millis(1),
            };
            store
                .throttle_count("old", instant.window)
                .await
                .expect("count");
            tokio::time::sleep(Duration::from_millis(5)).await;
            let wait = store
                .throttle_attempt(("old", instant), ("other", instant))
                .await
                .expect("checked");
            assert_eq!(wait, None);
            tokio::time::sleep(Duration::from_millis(5)).await;
            store.prune_throttle(instant.window).await.expect("prune");
            let left: Vec<Value> = store
                .query(format!("SELECT * FROM {THROTTLE_TABLE}"))
                .await
                .expect("query")
                .take(0)
                .expect("rows");
            assert!(left.is_empty(), "{left:?}");
        });
    }
}
