//! Following the change log on this server: a task reads every new event (its own
//! server's and the others'), brings the store's caches in line with it, and passes it
//! on to live streams and the webhook worker. This is how a write through one server
//! reaches every other server's cached answers: through the database, no message bus.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use civitas_store::ChangeEvent;
use tokio::sync::{Notify, broadcast, watch};

use super::since_commit;
use crate::state::SharedState;

/// How the change log is kept and followed (`[events]`).
#[derive(Debug, Clone)]
pub struct EventSettings {
    /// How long events are kept: how far back streams resume and webhooks replay.
    pub retention: Duration,
    /// How often the log is read for other servers' changes (this server's own wake the
    /// follower at once).
    pub poll_interval: Duration,
    /// How often a stream gets a comment line, so proxies keep idle ones open.
    pub keep_alive: Duration,
    /// How long a stream ticket stays usable.
    pub ticket_ttl: Duration,
}

/// Events waiting for slow streams before those are sent back to the database.
const LIVE_BACKLOG: usize = 1024;

/// Most events read from the log at once.
const PAGE: u64 = 500;

/// The live end of the change log on this server.
pub struct EventHub {
    pub settings: EventSettings,
    live: broadcast::Sender<Arc<ChangeEvent>>,
    /// The newest event this server has followed.
    followed: AtomicU64,
    /// Woken after new events are followed: the webhook worker waits on it.
    pub(crate) followed_more: Notify,
    /// Set when the server stops: streams end, so the shutdown need not wait for them.
    closing: watch::Sender<bool>,
}

impl EventHub {
    pub fn new(settings: EventSettings) -> EventHub {
        EventHub {
            settings,
            live: broadcast::channel(LIVE_BACKLOG).0,
            followed: AtomicU64::new(0),
            followed_more: Notify::new(),
            closing: watch::channel(false).0,
        }
    }

    /// Events as this server follows them, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ChangeEvent>> {
        self.live.subscribe()
    }

    /// Ends every stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once the server is stopping.
    pub(crate) async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|closed| *closed).await;
    }

    /// The newest event followed so far.
    pub fn followed(&self) -> u64 {
        self.followed.load(Ordering::Acquire)
    }
}

/// Follows the log until the task is dropped, starting from its current end (a server
/// that starts has nothing cached to correct).
pub async fn follow(state: SharedState) {
    let hub = &state.events;
    let mut cursor = loop {
        match state.store.last_event_seq().await {
            Ok(seq) => break seq,
            Err(error) => {
                tracing::warn!(%error, "events: cannot read the change log; trying again");
                tokio::time::sleep(hub.settings.poll_interval.max(Duration::from_secs(1))).await;
            }
        }
    };
    hub.followed.store(cursor, Ordering::Release);
    loop {
        tokio::select! {
            () = tokio::time::sleep(hub.settings.poll_interval) => {}
            () = state.store.changed_here() => {}
        }
        if state.store.is_unavailable() {
            // The storage watch says when the database is back; until then every read
            // would fail the same way.
            continue;
        }
        match catch_up(&state, cursor).await {
            Ok(seq) if seq != cursor => {
                cursor = seq;
                hub.followed.store(cursor, Ordering::Release);
                hub.followed_more.notify_waiters();
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "events: cannot read the change log"),
        }
    }
}

/// A plugin reloaded through another server is reloaded here too (from this server's
/// plugin directory, which operators keep the same on every node), so all nodes run one
/// version.
async fn reload_like_a_peer(state: &SharedState, event: &ChangeEvent) {
    if event.event_type != "plugin.reloaded" || event.node == state.store.node() {
        return;
    }
    let Some(plugin) = &event.subject else {
        return;
    };
    match state.plugins.reload(plugin).await {
        Ok(info) => {
            tracing::info!(plugin = %info.id, version = %info.version, from = %event.node, "plugin reloaded after another node's reload");
            crate::graphql::rebuild_schemas(state);
        }
        Err(error) => {
            tracing::warn!(%plugin, %error, from = %event.node, "plugin reloaded on another node cannot be reloaded here");
        }
    }
}

/// Reads and passes on every event after `cursor`; returns the newest one handled.
async fn catch_up(state: &SharedState, mut cursor: u64) -> Result<u64, civitas_store::StoreError> {
    loop {
        let events = state.store.events_after(cursor, PAGE).await?;
        let Some(first) = events.first() else {
            return Ok(cursor);
        };
        if first.seq != cursor + 1 {
            // Events were pruned before this server read them: whatever they changed is
            // unknown, so nothing cached is trusted.
            tracing::warn!(
                from = cursor + 1,
                to = first.seq - 1,
                "events: fell behind the change log's retention; caches cleared"
            );
            state.store.changed_everything();
        }
        let full = events.len() as u64 == PAGE;
        for event in events {
            reload_like_a_peer(state, &event).await;
            state.store.follow_change(&event).await;
            cursor = event.seq;
            civitas_metrics::record::change_followed(cursor, since_commit(&event));
            // No live stream listening is not an error.
            let _ = state.events.live.send(Arc::new(event));
        }
        if !full {
            return Ok(cursor);
        }
    }
}
