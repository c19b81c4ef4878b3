//! Login throttling: attempts per client address and failures per account, each in a
//! sliding window, counted in the database so that every node sees the same counts.

use std::time::Duration;

use civitas_store::{Allowance, Store, StoreError};

/// How many login attempts to allow.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub window: Duration,
    /// Attempts from one client address per window, successful or not.
    pub per_address: u32,
    /// Failed attempts on one account per window, from any address.
    pub failures_per_account: u32,
}

pub struct LoginLimiter {
    limits: LoginLimits,
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

fn account_key(email: &str) -> String {
    format!("account:{email}")
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> LoginLimiter {
        LoginLimiter { limits }
    }

    fn allowance(&self, limit: u32) -> Allowance {
        Allowance {
            limit,
            window: self.limits.window,
        }
    }

    /// Counts an attempt from `address` on `email`, or answers how many seconds to wait
    /// when either has used up its allowance (the attempt is then not counted).
    pub async fn attempt(
        &self,
        store: &Store,
        address: &str,
        email: &str,
    ) -> Result<Result<(), u64>, StoreError> {
        let wait = store
            .throttle_attempt(
                (
                    &address_key(address),
                    self.allowance(self.limits.per_address),
                ),
                (
                    &account_key(email),
                    self.allowance(self.limits.failures_per_account),
                ),
            )
            .await?;
        Ok(wait.map_or(Ok(()), Err))
    }

    pub async fn failed(&self, store: &Store, email: &str) -> Result<(), StoreError> {
        store
            .throttle_count(&account_key(email), self.limits.window)
            .await
    }

    /// A successful login clears the account's failures.
    pub async fn succeeded(&self, store: &Store, email: &str) -> Result<(), StoreError> {
        store.throttle_clear(&account_key(email)).await
    }

    /// Forgets keys whose attempts have all left the window.
    pub async fn prune(&self, store: &Store) -> Result<(), StoreError> {
        store.prune_throttle(self.limits.window).await
    }
}
