//! Upkeep of the media store: uploads cut off by a crash or a `kill -9` leave their
//! partial bytes under `tmp/`; they are removed at start and every hour once an hour old
//! (no upload takes that long).

use std::time::Duration;

use crate::state::SharedState;

const EVERY: Duration = Duration::from_secs(3600);
const AGE: Duration = Duration::from_secs(3600);

/// Sweeps `tmp/` now and then every hour, until aborted.
pub async fn sweep_uploads(state: SharedState) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match state.media.store.sweep_tmp(AGE).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "removed abandoned partial uploads"),
            Err(error) => tracing::warn!(%error, "could not sweep the media store's tmp/"),
        }
    }
}
