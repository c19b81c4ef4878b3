//! Pruning what is past its retention: events (`events.retention`), webhook delivery
//! attempts (`webhooks.delivery_retention`), unused stream tickets and login attempts
//! past their window. Every server runs it; deleting what another server already
//! deleted does nothing.

use std::time::Duration;

use chrono::Utc;

use crate::state::SharedState;

/// How often pruning runs (and once at start).
const EVERY: Duration = Duration::from_secs(600);

pub async fn prune(state: SharedState) {
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = Utc::now();
        let before = |age: Duration| now - chrono::Duration::from_std(age).unwrap_or_default();
        match state
            .store
            .prune_events(before(state.events.settings.retention))
            .await
        {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "events: pruned past retention"),
            Err(error) => tracing::warn!(%error, "events: cannot prune the change log"),
        }
        let deliveries = before(state.webhooks.settings.delivery_retention);
        if let Err(error) = state.store.prune_deliveries(deliveries).await {
            tracing::warn!(%error, "webhooks: cannot prune the delivery log");
        }
        if let Err(error) = state.store.prune_tickets().await {
            tracing::warn!(%error, "events: cannot prune stream tickets");
        }
        if let Err(error) = state.auth.limiter.prune(&state.store).await {
            tracing::warn!(%error, "auth: cannot prune login attempts");
        }
    }
}
