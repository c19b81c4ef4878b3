//! The scheduler: a task inside the server that carries out due publish and unpublish
//! times. The schedule lives in the database, so it survives restarts; each action is
//! claimed in a transaction, so with several servers on one database it happens once.

use std::time::Duration;

use chrono::Utc;

use crate::state::SharedState;

/// Checks for due actions every `interval` until the task is dropped.
pub async fn run(state: SharedState, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if state.store.is_unavailable() {
            // Until the storage watch sees the database again (health.rs).
            continue;
        }
        civitas_metrics::record::scheduler_run();
        if let Err(error) = run_due(&state).await {
            tracing::error!(%error, "scheduler: cannot read the schedule");
        }
    }
}

async fn run_due(state: &SharedState) -> Result<(), civitas_store::StoreError> {
    let now = Utc::now();
    for due in state.store.due(now).await? {
        let Some(content_type) = state.registry().get(&due.type_id).cloned() else {
            continue;
        };
        let outcome = match state
            .store
            .run_scheduled(&content_type, &due.id, due.action, now)
            .await
        {
            Ok(true) => {
                tracing::info!(type_id = %due.type_id, id = %due.id, action = ?due.action, "scheduler: done");
                "done"
            }
            Ok(false) => "taken",
            Err(error) => {
                tracing::error!(type_id = %due.type_id, id = %due.id, %error, "scheduler: action failed");
                "failed"
            }
        };
        civitas_metrics::record::scheduler_action(due.action.name(), outcome);
    }
    Ok(())
}
