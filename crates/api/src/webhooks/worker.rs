//! The delivery worker, one per server. Whenever the change log grows (and on every
//! poll, for retries coming due), it looks for enabled webhooks behind the log; for each
//! one whose lease it wins, it sends the events after the webhook's cursor one at a
//! time, each awaited before the next, so a webhook receives its events in log order.
//! A failure stops the webhook until its next retry time; the cursor moves only past
//! what was delivered (or not wanted), and only while the lease is held, so a crash at
//! any point means the event is sent again, never skipped.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Utc;
use civitas_store::{Lease, StoreError, Webhook};
use civitas_webhooks::Outcome;

use crate::events::{EventFilter, EventMessage, since_commit};
use crate::state::SharedState;
use crate::webhooks::attempt::{Send, attempt};

/// Events read from the log at once for one webhook.
const PAGE: u64 = 100;

/// Delivers webhooks until the task is dropped.
pub async fn deliver(state: SharedState) {
    let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
    loop {
        tokio::select! {
            () = tokio::time::sleep(state.events.settings.poll_interval) => {}
            () = state.events.followed_more.notified() => {}
        }
        if state.store.is_unavailable() {
            // Until the storage watch sees the database again (health.rs).
            continue;
        }
        let due = match state.store.due_webhooks(state.events.followed()).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "webhooks: cannot look for due webhooks");
                continue;
            }
        };
        for webhook in due {
            let started = in_flight
                .lock()
                .is_ok_and(|mut ids| ids.insert(webhook.id.clone()));
            if !started {
                continue;
            }
            let (state, in_flight) = (state.clone(), in_flight.clone());
            tokio::spawn(async move {
                if let Err(error) = deliver_one(&state, &webhook.id).await {
                    tracing::warn!(webhook = %webhook.id, %error, "webhooks: delivery interrupted");
                }
                if let Ok(mut ids) = in_flight.lock() {
                    ids.remove(&webhook.id);
                }
            });
        }
    }
}

/// Takes the webhook's lease and delivers until it is caught up or an attempt fails.
async fn deliver_one(state: &SharedState, id: &str) -> Result<(), StoreError> {
    let lease = Lease {
        node: state.store.node().to_owned(),
        token: ulid::Ulid::new().to_string(),
        length: state.webhooks.settings.lease,
    };
    let Some(webhook) = state.store.claim_webhook(id, &lease).await? else {
        return Ok(());
    };
    let result = deliver_events(state, &webhook, &lease).await;
    state.store.release_webhook(id, &lease).await?;
    result
}

/// Where delivery has got to, and what of it is stored. Moving the stored cursor after
/// every event would double the writes per delivery; it moves when the lease needs
/// renewing anyway, when a page is done and before the webhook stops, so a crash costs
/// at most the repetition of what was sent since (at least once, never a skip).
struct Progress {
    cursor: u64,
    renewed: Instant,
    /// Whether an event was delivered since the cursor was last stored.
    delivered: bool,
}

impl Progress {
    /// Stores the cursor (renewing the lease); `false` when the lease is lost.
    async fn store(
        &mut self,
        state: &SharedState,
        webhook: &Webhook,
        lease: &Lease,
    ) -> Result<bool, StoreError> {
        let held = state
            .store
            .webhook_passed(&webhook.id, lease, self.cursor, self.delivered)
            .await?;
        self.delivered = false;
        self.renewed = Instant::now();
        Ok(held)
    }

    /// Whether the lease must be renewed before the next attempt, so it cannot run out
    /// while that attempt waits for its answer.
    fn lease_due(&self, state: &SharedState) -> bool {
        let timeout = state.webhooks.sender.timeout();
        self.renewed.elapsed() + timeout >= state.webhooks.settings.lease / 2
    }
}

async fn deliver_events(
    state: &SharedState,
    webhook: &Webhook,
    lease: &Lease,
) -> Result<(), StoreError> {
    let filter = EventFilter {
        event_types: webhook.event_types.clone(),
        content_types: webhook.content_types.clone(),
    };
    let store = &state.store;
    let mut progress = Progress {
        cursor: webhook.cursor,
        renewed: Instant::now(),
        delivered: false,
    };
    let mut failures = webhook.failures;
    loop {
        let events = store.events_after(progress.cursor, PAGE).await?;
        let Some(last) = events.last().map(|event| event.seq) else {
            return Ok(());
        };
        for event in events.iter().filter(|event| filter.accepts(event)) {
            // Events before this one that the filter passed over are done with too.
            progress.cursor = event.seq - 1;
            if progress.lease_due(state) && !progress.store(state, webhook, lease).await? {
                // Another server took the webhook over; it carries on from the cursor.
                return Ok(());
            }
            let message = EventMessage::from_event(event, true);
            let send = Send {
                message: &message,
                msg_id: &event.id,
                attempt: failures + 1,
                trigger: "auto",
            };
            let (attempt, logged) = attempt(state, webhook, send).await;
            if let Err(error) = logged {
                tracing::warn!(webhook = %webhook.id, %error, "webhooks: cannot log a delivery attempt");
            }
            match attempt.outcome {
                Outcome::Delivered => {
                    civitas_metrics::record::webhook_delivered_after(since_commit(event));
                    failures = 0;
                    progress.cursor = event.seq;
                    progress.delivered = true;
                }
                Outcome::Gone => {
                    progress.store(state, webhook, lease).await?;
                    let reason = format!("the receiver answered 410 Gone to event {}", event.id);
                    store.disable_webhook(&webhook.id, lease, &reason).await?;
                    return Ok(());
                }
                Outcome::Failed | Outcome::Blocked => {
                    failures += 1;
                    let problem = attempt.error.unwrap_or_else(|| "no answer".to_owned());
                    let schedule = &state.webhooks.settings.schedule;
                    match schedule.next_delay(failures, attempt.retry_after) {
                        Some(wait) => {
                            let retry_at =
                                Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                            store
                                .webhook_failed(
                                    &webhook.id,
                                    lease,
                                    progress.cursor,
                                    failures,
                                    retry_at,
                                )
                                .await?;
                        }
                        None => {
                            progress.store(state, webhook, lease).await?;
                            let reason = format!(
                                "gave up on event {} after {failures} attempts; the last one: {problem}",
                                event.id
                            );
                            store.disable_webhook(&webhook.id, lease, &reason).await?;
                        }
                    }
                    return Ok(());
                }
            }
        }
        // The rest of the page was delivered or not wanted.
        progress.cursor = last;
        if !progress.store(state, webhook, lease).await? {
            return Ok(());
        }
    }
}
