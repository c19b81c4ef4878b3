//! Running the application on a TCP port until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};

use crate::state::SharedState;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the OpenAPI document: {0}")]
    OpenApi(#[from] serde_json::Error),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Metrics(#[from] civitas_metrics::MetricsError),
}

/// The tasks that follow the change log: cache invalidation and live streams, webhook
/// delivery, and pruning.
fn start_background(state: &SharedState) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(crate::events::follow(state.clone())),
        tokio::spawn(crate::webhooks::deliver(state.clone())),
        tokio::spawn(crate::events::prune(state.clone())),
        tokio::spawn(crate::health::watch_storage(state.clone())),
    ]
}

/// Binds `address`, logs the address actually bound (port 0 picks a free one), and
/// serves (and runs the scheduler and the media store's upkeep) until `shutdown` completes; requests in flight then
/// get `grace` to finish.
pub async fn serve(
    state: SharedState,
    address: SocketAddr,
    grace: Duration,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let scheduler = tokio::spawn(crate::scheduler::run(
        state.clone(),
        state.settings.scheduler_interval,
    ));
    let indexing = state.store.start_text_index();
    let sweeper = tokio::spawn(crate::media::sweep_uploads(state.clone()));
    let background = start_background(&state);
    let app = crate::app(state.clone())?;
    // The decoy password hash is made now, not by the first failed login; beside the
    // start rather than before it (a login arriving meanwhile waits for it).
    tokio::task::spawn_blocking(crate::auth::secret::warm_up);
    let acceptor = TcpListener::bind(address)
        .into_acceptor()
        .await
        .map_err(|source| ServeError::Bind { address, source })?;
    for local in acceptor.local_addr() {
        if let Some(bound) = local.as_socket_addr() {
            tracing::info!("listening on http://{bound}");
        }
    }
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(
            app,
            async {
                shutdown.await;
                // Streams never end by themselves; the grace is for requests.
                state.events.close();
            },
            Some(grace),
        )
        .await?;
    scheduler.abort();
    sweeper.abort();
    for task in background {
        task.abort();
    }
    if let Some(indexing) = indexing {
        indexing.abort();
    }
    let (hits, misses) = state.cache.hits_and_misses();
    tracing::info!(
        hits,
        misses,
        "server stopped; response cache hits and misses"
    );
    Ok(())
}
