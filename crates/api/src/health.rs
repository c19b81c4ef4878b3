//! Whether this node can serve: liveness (the process answers), readiness (its database
//! answers), and what a node does while its database is out of reach: refuse requests
//! at once with 503 `storage_unavailable`, probe every second, and carry on by itself
//! when the database is back.

use std::sync::Arc;
use std::time::Duration;

use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::public::ApiTags;
use crate::state::SharedState;

/// How long a readiness check waits for the database: load balancers' probes give up
/// after a second or two.
const READINESS_LIMIT: Duration = Duration::from_secs(1);

/// How often a node whose database is out of reach checks whether it is back.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);

pub struct HealthApi {
    pub state: SharedState,
}

/// What readiness found.
#[derive(Debug, Clone, Object)]
pub struct ReadinessBody {
    /// `ready`, or `unavailable`.
    pub status: String,
    /// `ok`, or `unavailable`: the database did not answer within a second.
    pub storage: String,
    /// Plugins loaded (each is loaded before the node starts listening).
    pub plugins: u64,
}

#[derive(ApiResponse)]
pub enum Readiness {
    /// Ready: send traffic.
    #[oai(status = 200)]
    Ready(Json<ReadinessBody>),
    /// Not ready: the database does not answer; keep traffic away until it does.
    #[oai(status = 503)]
    NotReady(
        Json<ReadinessBody>,
        /// Seconds until it is worth asking again.
        #[oai(header = "Retry-After")]
        u64,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Public")]
impl HealthApi {
    /// Liveness check
    ///
    /// Answers `{"status": "ok"}` while the process runs, whatever state its database is
    /// in; for process supervisors (restart when this fails).
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self) -> Json<Value> {
        Json(json!({ "status": "ok" }))
    }

    /// Readiness check
    ///
    /// 200 when this node can serve: its plugins are loaded and its database answers
    /// within a second; 503 otherwise (a SurrealDB server down or out of reach), for load
    /// balancers to route around it. Never cached.
    #[oai(path = "/health/ready", method = "get", operation_id = "readiness")]
    async fn readiness(&self) -> Readiness {
        let plugins = self.state.plugins.plugins().len() as u64;
        match self.state.store.probe(READINESS_LIMIT).await {
            Ok(()) => Readiness::Ready(Json(ReadinessBody {
                status: "ready".into(),
                storage: "ok".into(),
                plugins,
            })),
            Err(error) => {
                tracing::warn!(%error, "readiness: storage does not answer");
                let body = ReadinessBody {
                    status: "unavailable".into(),
                    storage: "unavailable".into(),
                    plugins,
                };
                Readiness::NotReady(Json(body), PROBE_INTERVAL.as_secs().max(1))
            }
        }
    }
}

/// The paths that answer whatever state the database is in.
fn needs_no_storage(path: &str) -> bool {
    path.starts_with("/api/v1/health")
        || path == "/api/v1/openapi.json"
        || path.starts_with("/docs")
        || path.starts_with("/admin")
        || path.starts_with("/graphiql")
}

/// While the database is known to be out of reach, answers 503 at once instead of
/// letting each request wait out `storage.timeout`. Cached public answers are still
/// served (the cache sits outside): nothing can have changed them meanwhile.
pub async fn storage_gate<E: Endpoint>(next: Arc<E>, request: Request) -> poem::Result<Response> {
    let unavailable = request
        .data::<SharedState>()
        .is_some_and(|state| state.store.is_unavailable());
    if unavailable && !needs_no_storage(request.uri().path()) {
        return Ok(ApiError::storage_unavailable().into_response());
    }
    Ok(next.call(request).await?.into_response())
}

/// Probes the database every second while it is out of reach, so the node serves again
/// as soon as it is back even if no request comes to find out.
pub async fn watch_storage(state: SharedState) {
    loop {
        civitas_metrics::record::storage_available(!state.store.is_unavailable());
        tokio::time::sleep(PROBE_INTERVAL).await;
        if state.store.is_unavailable() {
            let _ = state.store.probe(PROBE_INTERVAL).await;
        }
    }
}
