//! The recorder (installed once per process) and the scrape endpoint, served on an
//! address of its own so metrics are never public by accident: the API's port has no
//! `/metrics`, and the operator chooses who can reach this one.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{EndpointExt, IntoResponse, Route, Server, get, handler, web::Data};

use crate::record::HELP;

/// Histogram buckets, in seconds: from a cached read (well under a millisecond) to a
/// webhook receiver taking its whole timeout.
const BUCKETS: [f64; 15] = [
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0,
];

/// How often histograms are folded, so their memory stays bounded between scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("cannot start metrics: {0}")]
    Recorder(String),
    #[error("cannot listen for metrics on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("metrics server error: {0}")]
    Io(#[from] std::io::Error),
}

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Whether [`install`] has run: recording functions that would build label strings
/// return early until it has, so a node with metrics off pays nothing per request.
pub(crate) fn installed() -> bool {
    HANDLE.get().is_some()
}

/// Starts recording for this process; later calls return the same recorder.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets(&BUCKETS)
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|error| MetricsError::Recorder(error.to_string()))?;
    for (name, help) in HELP {
        metrics::describe_counter!(name, help);
    }
    Ok(HANDLE.get_or_init(|| handle).clone())
}

#[handler]
fn scrape(Data(handle): Data<&PrometheusHandle>) -> impl IntoResponse {
    if let Some(bytes) = crate::process::resident_bytes() {
        crate::record::resident_memory(bytes);
    }
    handle
        .render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
}

/// Installs the recorder and answers `GET /metrics` on `address` until `shutdown`.
pub async fn serve(
    address: SocketAddr,
    shutdown: impl Future<Output = ()>,
) -> Result<(), MetricsError> {
    let handle = install()?;
    let acceptor = TcpListener::bind(address)
        .into_acceptor()
        .await
        .map_err(|source| MetricsError::Bind { address, source })?;
    for local in acceptor.local_addr() {
        if let Some(bound) = local.as_socket_addr() {
            tracing::info!("metrics on http://{bound}/metrics");
        }
    }
    let upkeeping = handle.clone();
    let upkeep = tokio::spawn(async move {
        let mut ticks = tokio::time::interval(UPKEEP);
        loop {
            ticks.tick().await;
            upkeeping.run_upkeep();
        }
    });
    let app = Route::new().at("/metrics", get(scrape)).data(handle);
    let served = Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(app, shutdown, Some(Duration::from_secs(1)))
        .await;
    upkeep.abort();
    Ok(served?)
}
