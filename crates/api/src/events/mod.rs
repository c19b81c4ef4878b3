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
