//! Webhooks: the admin routes that manage them, one signed delivery attempt, and the
//! worker on every server that delivers each webhook's events from the change log, in
//! order, at least once, under a lease so that only one server sends to a webhook at a
//! time. Sending itself (signatures, refusing internal targets) is `civitas-webhooks`.

mod attempt;
mod routes;
mod views;
mod worker;

use std::time::Duration;

use civitas_webhooks::{RetrySchedule, Sender};

pub(crate) use routes::WebhooksApi;
pub use worker::deliver;

/// Longest webhook URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Longest webhook description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// How webhooks are delivered (`[webhooks]`).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Waits between attempts at one event; when used up, the webhook is disabled.
    pub schedule: RetrySchedule,
    /// How long after a rotation the old secret still signs.
    pub secret_overlap: Duration,
    /// How long a server holds a webhook between renewals; a server that dies holding
    /// one blocks its webhook this long at most.
    pub lease: Duration,
    /// How long delivery attempts stay in the log.
    pub delivery_retention: Duration,
}

/// Webhook delivery as the server runs it.
pub struct Webhooks {
    pub settings: WebhookSettings,
    pub sender: Sender,
}
