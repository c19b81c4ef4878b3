//! One delivery attempt: the message signed with the webhook's secrets (both, while a
//! rotation overlaps), sent, and logged.

use chrono::{DateTime, Utc};
use civitas_store::{Delivery, NewDelivery, StoreError, Webhook};
use civitas_webhooks::{Attempt, Outgoing};

use crate::events::EventMessage;
use crate::state::AppState;

/// What is being sent, and why.
pub(crate) struct Send<'a> {
    pub message: &'a EventMessage,
    /// The `webhook-id`: the event's id, the same on every attempt.
    pub msg_id: &'a str,
    /// Which attempt at this event this is, from 1.
    pub attempt: u32,
    /// `auto`, `redeliver` or `ping`.
    pub trigger: &'static str,
}

/// The secrets to sign with now: the current one, and the previous one until its
/// overlap ends.
fn secrets(webhook: &Webhook, now: DateTime<Utc>) -> Vec<&str> {
    let mut secrets = vec![webhook.secret.as_str()];
    let overlapping = webhook
        .previous_secret_until
        .as_deref()
        .and_then(|until| DateTime::parse_from_rfc3339(until).ok())
        .is_some_and(|until| until > now);
    if let (true, Some(previous)) = (overlapping, &webhook.previous_secret) {
        secrets.push(previous);
    }
    secrets
}

/// Sends `send` to `webhook` and logs the attempt.
pub(crate) async fn attempt(
    state: &AppState,
    webhook: &Webhook,
    send: Send<'_>,
) -> (Attempt, Result<Delivery, StoreError>) {
    let now = Utc::now();
    let secrets = secrets(webhook, now);
    let attempt = state
        .webhooks
        .sender
        .send(Outgoing {
            url: &webhook.url,
            msg_id: send.msg_id,
            timestamp: now.timestamp(),
            body: send.message.to_bytes(),
            secrets: &secrets,
        })
        .await;
    civitas_metrics::record::webhook_attempt(
        attempt.outcome.as_str(),
        send.trigger,
        std::time::Duration::from_millis(attempt.duration_ms),
    );
    let logged = state
        .store
        .add_delivery(NewDelivery {
            webhook: webhook.id.clone(),
            event_id: send.msg_id.to_owned(),
            seq: (send.trigger != "ping").then_some(send.message.data.seq),
            event_type: send.message.event_type.clone(),
            attempt: send.attempt,
            trigger: send.trigger,
            duration_ms: attempt.duration_ms,
            status: attempt.status,
            outcome: attempt.outcome.as_str(),
            error: attempt.error.clone(),
            response_snippet: attempt.response_snippet.clone(),
        })
        .await;
    (attempt, logged)
}
