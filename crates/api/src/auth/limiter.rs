//! Login throttling: attempts per client address and failures per account, each in a
//! sliding window. Kept in memory, per server process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many login attempts to allow.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub window: Duration,
    /// Attempts from one client address per window, successful or not.
    pub per_address: u32,
    /// Failed attempts on one account per window, from any address.
    pub failures_per_account: u32,
}

/// Beyond this many tracked keys, keys with nothing left in their window are dropped, so
/// a flood of made-up addresses or emails cannot grow memory without bound.
const PRUNE_AT: usize = 10_000;

#[derive(Default)]
struct Windows {
    events: HashMap<String, VecDeque<Instant>>,
}

impl Windows {
    /// Seconds until `key` may try again, if it has used up `limit`.
    fn wait(&mut self, key: &str, limit: u32, window: Duration, now: Instant) -> Option<u64> {
        let events = self.events.get_mut(key)?;
        while events
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            events.pop_front();
        }
        if events.len() < limit as usize {
            return None;
        }
        let oldest = *events.front()?;
        let left = window.saturating_sub(now.duration_since(oldest));
        Some(left.as_secs().max(1))
    }

    fn note(&mut self, key: String, window: Duration, now: Instant) {
        if self.events.len() >= PRUNE_AT {
            self.events.retain(|_, events| {
                events
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        self.events.entry(key).or_default().push_back(now);
    }
}

pub struct LoginLimiter {
    limits: LoginLimits,
    windows: Mutex<Windows>,
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

fn account_key(email: &str) -> String {
    format!("account:{email}")
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> LoginLimiter {
        LoginLimiter {
            limits,
            windows: Mutex::default(),
        }
    }

    /// Counts an attempt from `address` on `email`, or says how many seconds to wait when
    /// either has used up its allowance (the attempt is then not counted).
    pub fn attempt(&self, address: &str, email: &str) -> Result<(), u64> {
        let now = Instant::now();
        let limits = self.limits;
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let address_wait = windows.wait(
            &address_key(address),
            limits.per_address,
            limits.window,
            now,
        );
        let account_wait = windows.wait(
            &account_key(email),
            limits.failures_per_account,
            limits.window,
            now,
        );
        if let Some(wait) = address_wait.into_iter().chain(account_wait).max() {
            return Err(wait);
        }
        windows.note(address_key(address), limits.window, now);
        Ok(())
    }

    pub fn failed(&self, email: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.note(account_key(email), self.limits.window, Instant::now());
        }
    }

    /// A successful login clears the account's failures.
    pub fn succeeded(&self, email: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.events.remove(&account_key(email));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginLimits {
            window: Duration::from_secs(60),
            per_address: 5,
            failures_per_account: 2,
        })
    }

    #[test]
    fn an_account_locks_after_its_failures_whatever_the_address() {
        let limiter = limiter();
        for address in ["a", "b"] {
            assert!(limiter.attempt(address, "x@example.org").is_ok());
            limiter.failed("x@example.org");
        }
        let wait = limiter.attempt("c", "x@example.org").expect_err("locked");
        assert!((1..=60).contains(&wait));
        assert!(limiter.attempt("c", "y@example.org").is_ok());
    }

    #[test]
    fn an_address_locks_after_its_attempts_whatever_the_account() {
        let limiter = limiter();
        for n in 0..5 {
            assert!(limiter.attempt("a", &format!("{n}@example.org")).is_ok());
        }
        assert!(limiter.attempt("a", "new@example.org").is_err());
        assert!(limiter.attempt("b", "new@example.org").is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = limiter();
        limiter.failed("x@example.org");
        limiter.succeeded("x@example.org");
        limiter.failed("x@example.org");
        assert!(limiter.attempt("a", "x@example.org").is_ok());
    }
}
