//! The change log outside the store: following it on every server (cache invalidation
//! and the live feed), the message shape webhooks and streams share, the SSE stream with
//! its tickets, and the background pruning of what is past its retention.

mod hub;
pub mod message;
mod stream;
mod upkeep;
mod visibility;

pub use hub::{EventHub, EventSettings, follow};
pub use message::{EventFilter, EventMessage};
pub(crate) use stream::EventsApi;
pub use upkeep::prune;

/// How long ago `event` was committed (zero when its time is unreadable or ahead of this
/// node's clock), for the lag metrics.
pub(crate) fn since_commit(event: &civitas_store::ChangeEvent) -> std::time::Duration {
    chrono::DateTime::parse_from_rfc3339(&event.at)
        .ok()
        .and_then(|at| (chrono::Utc::now() - at.to_utc()).to_std().ok())
        .unwrap_or_default()
}
