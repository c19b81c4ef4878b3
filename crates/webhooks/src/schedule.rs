//! When to try a webhook again. A schedule is the list of waits before each attempt;
//! its length is the number of attempts a message gets before it is given up (dead).
//!
//! The standard schedule, `0, 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h`, gives 10
//! attempts: the first at once, then after 5 s, 5 min, ... about 3 days and 3.6 hours
//! in all. Waits are counted from the end of the previous failed attempt.

use std::time::Duration;

/// Spreads retries of endpoints that failed together (a receiver's outage) apart.
const JITTER: f64 = 0.2;

/// `entries[0]` is the wait before attempt 1 (usually zero), `entries[n]` the wait
/// after the n-th failed attempt before attempt n + 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("a retry schedule needs at least one entry (the first attempt)")]
    Empty,
    #[error(
        "retry schedule entry {item:?} is not a duration like \"0\", \"500ms\", \"5s\", \"5m\", \"2h\" or \"1d\""
    )]
    Invalid { item: String },
}

impl RetrySchedule {
    /// The Standard Webhooks example schedule: 10 attempts over about 75.6 hours.
    pub fn standard() -> Self {
        const MINUTE: u64 = 60;
        const HOUR: u64 = 60 * MINUTE;
        let seconds = [
            0,
            5,
            5 * MINUTE,
            30 * MINUTE,
            2 * HOUR,
            5 * HOUR,
            10 * HOUR,
            14 * HOUR,
            20 * HOUR,
            24 * HOUR,
        ];
        RetrySchedule(seconds.into_iter().map(Duration::from_secs).collect())
    }

    /// Parses waits such as `["0", "50ms", "100ms", "200ms"]` (4 attempts). Units: `ms`,
    /// `s`, `m`, `h`, `d`; a bare `0` is allowed.
    pub fn parse(items: &[String]) -> Result<Self, ScheduleError> {
        if items.is_empty() {
            return Err(ScheduleError::Empty);
        }
        let waits = items
            .iter()
            .map(|item| {
                parse_duration(item).ok_or_else(|| ScheduleError::Invalid { item: item.clone() })
            })
            .collect::<Result<_, _>>()?;
        Ok(RetrySchedule(waits))
    }

    /// How long to wait after `failures` failed attempts before the next one, with
    /// ±20 % jitter; `None` when all attempts are used up and the message is dead.
    /// `delay_after(0)` is the wait before the first attempt. With the standard
    /// schedule `delay_after(1)` is about 5 s and `delay_after(10)` is `None`.
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let wait = *self.0.get(usize::try_from(failures).ok()?)?;
        Some(wait.mul_f64(1.0 - JITTER + 2.0 * JITTER * fastrand::f64()))
    }

    /// `delay_after`, but at least the receiver's `Retry-After` (already capped by the
    /// `Sender`). A `Retry-After` never adds attempts to an exhausted schedule.
    pub fn next_delay(&self, failures: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let wait = self.delay_after(failures)?;
        Some(retry_after.map_or(wait, |asked| wait.max(asked)))
    }

    /// How many attempts a message gets in all, the first one included.
    pub fn attempts(&self) -> usize {
        self.0.len()
    }

    /// The waits without jitter.
    pub fn waits(&self) -> &[Duration] {
        &self.0
    }
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self::standard()
    }
}

/// Parses one duration: a number and a unit (`ms`, `s`, `m`, `h`, `d`), or a bare `0`.
pub fn parse_duration(item: &str) -> Option<Duration> {
    let item = item.trim();
    if item == "0" {
        return Some(Duration::ZERO);
    }
    let split = item.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = item.split_at(split);
    let value: u64 = digits.parse().ok()?;
    let millis_per_unit: u64 = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60 * 1000,
        "h" => 60 * 60 * 1000,
        "d" => 24 * 60 * 60 * 1000,
        _ => return None,
    };
    value
        .checked_mul(millis_per_unit)
        .map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    #[test]
    fn standard_gives_ten_attempts_first_immediate() {
        let schedule = RetrySchedule::standard();
        assert_eq!(schedule.attempts(), 10);
        assert_eq!(schedule.delay_after(0), Some(Duration::ZERO));
        let total: Duration = schedule.waits().iter().sum();
        assert_eq!(total.as_secs(), 75 * 3600 + 35 * 60 + 5);
        assert_eq!(schedule.delay_after(10), None);
        assert_eq!(schedule.delay_after(u32::MAX), None);
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let schedule = RetrySchedule::standard();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let wait = schedule.delay_after(1).unwrap();
            assert!((4000..=6000).contains(&wait.as_millis()), "{wait:?}");
            seen.insert(wait.as_millis());
            let day = schedule.delay_after(9).unwrap().as_secs_f64() / 3600.0;
            assert!((19.2..=28.8).contains(&day), "{day}");
        }
        assert!(
            seen.len() > 100,
            "jitter should vary: {} values",
            seen.len()
        );
    }

    #[test]
    fn parses_units_and_names_bad_entries() {
        let schedule =
            RetrySchedule::parse(&strings(&["0", "0s", "500ms", "5s", "5m", "2h", "1d"])).unwrap();
        let millis: Vec<u128> = schedule.waits().iter().map(Duration::as_millis).collect();
        assert_eq!(millis, [0, 0, 500, 5000, 300_000, 7_200_000, 86_400_000]);
        assert_eq!(RetrySchedule::parse(&[]), Err(ScheduleError::Empty));
        for bad in [
            "5",
            "5 s",
            "5x",
            "s",
            "-5s",
            "1.5s",
            "",
            "99999999999999999999d",
        ] {
            assert_eq!(
                RetrySchedule::parse(&strings(&["0", bad])),
                Err(ScheduleError::Invalid {
                    item: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn retry_after_lengthens_but_never_extends() {
        let schedule = RetrySchedule::parse(&strings(&["0", "10ms"])).unwrap();
        assert_eq!(
            schedule.next_delay(1, Some(Duration::from_secs(60))),
            Some(Duration::from_secs(60))
        );
        assert!(schedule.next_delay(1, Some(Duration::ZERO)).unwrap() <= Duration::from_millis(12));
        assert_eq!(schedule.next_delay(2, Some(Duration::from_secs(60))), None);
    }
}
