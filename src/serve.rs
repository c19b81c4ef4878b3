//! `civitas serve`: one node, or several in this process on one database (`--nodes`),
//! and the metrics endpoint they share, until a shutdown signal stops them all.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use civitas_api::AppState;

use crate::config::Config;

/// Serves every node in `states` (the first on the configured address, each next one on
/// the next port), and metrics when `metrics.bind` is set, until `shutdown` completes.
pub async fn serve_nodes(
    config: &Config,
    states: Vec<Arc<AppState>>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), civitas_api::ServeError> {
    if let Some(first) = states.first() {
        release_leases(config, first).await;
    }
    let grace = Duration::from_secs(config.server.shutdown_timeout_secs);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut nodes = tokio::task::JoinSet::new();
    if let Some(address) = config.metrics.bind {
        let shutdown = stop_signal(stopped.clone());
        nodes.spawn(async move { Ok(civitas_metrics::serve(address, shutdown).await?) });
    }
    for (index, state) in states.into_iter().enumerate() {
        let shutdown = stop_signal(stopped.clone());
        let address = node_address(config.server.bind, index);
        nodes.spawn(civitas_api::serve(state, address, grace, shutdown));
    }
    tokio::pin!(shutdown);
    let mut outcome = Ok(());
    loop {
        tokio::select! {
            finished = nodes.join_next() => match finished {
                // A node that fails (its port taken) stops them all.
                Some(Ok(Err(error))) => {
                    outcome = Err(error);
                    let _ = stop.send(true);
                }
                Some(_) => {}
                None => return outcome,
            },
            () = &mut shutdown, if !*stop.borrow() => {
                let _ = stop.send(true);
            }
        }
    }
}

/// Completes when the nodes are told to stop.
async fn stop_signal(mut stopped: tokio::sync::watch::Receiver<bool>) {
    // Either a stop, or the sender gone: both mean stop.
    let _ = stopped.changed().await;
}

/// Node `index` listens on the configured port plus `index` (port 0: a free one each).
fn node_address(bind: SocketAddr, index: usize) -> SocketAddr {
    let port = match bind.port() {
        0 => 0,
        port => port.saturating_add(u16::try_from(index).unwrap_or(u16::MAX)),
    };
    SocketAddr::new(bind.ip(), port)
}

/// With embedded storage no other process can have the database open, so webhook leases
/// left by a previous run (killed while delivering) belong to nobody: free them, so its
/// deliveries resume at once instead of when the leases expire.
async fn release_leases(config: &Config, state: &AppState) {
    let embedded = ["mem://", "surrealkv://"]
        .iter()
        .any(|scheme| config.storage.url.starts_with(scheme));
    if embedded && let Err(error) = state.store.release_all_webhook_leases().await {
        tracing::warn!(%error, "webhooks: cannot free leases left by the last run");
    }
}
