//! Sending one Standard Webhooks request safely: signing (`signature`), refusing
//! internal targets (`policy`), one bounded delivery attempt (`sender`) and the retry
//! timetable (`schedule`). Storage, queues and leases belong to the caller.

mod attempt;
mod describe;
pub mod policy;
mod ranges;
mod resolver;
mod retry_after;
pub mod schedule;
pub mod sender;
pub mod signature;

pub use policy::{Blocked, NetworkPolicy, PolicyError, TargetError};
pub use retry_after::MAX_RETRY_AFTER;
pub use schedule::{RetrySchedule, ScheduleError, parse_duration};
pub use sender::{Attempt, Outcome, Outgoing, SNIPPET_BYTES, Sender};
pub use signature::{SecretError, is_valid_secret, new_secret, sign, signature_header};
