//! Whether the database answers. A SurrealDB server can go away mid-flight (a restart,
//! a network fault); the SDK then reconnects on its own, holding queries meanwhile. So
//! each query has a time limit, and a query that fails for want of a connection or runs
//! out of time marks the database unavailable: requests are then refused at once with
//! 503 instead of each waiting out the limit, until a probe gets an answer again.

use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use civitas_metrics::record::QueryOutcome;
use surrealdb::method::IntoVariables;

use crate::database::Statements;

/// Shared by every clone of a store (and its siblings: one connection).
#[derive(Debug, Default)]
pub(crate) struct Availability {
    down: AtomicBool,
}

impl Availability {
    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// Records the outcome of a query; says so in the log when the state flips.
    fn saw(&self, error: Option<&surrealdb::Error>) {
        let down = error.is_some_and(surrealdb::Error::is_connection);
        if error.is_some() && !down {
            return;
        }
        if self.down.swap(down, Ordering::Relaxed) != down {
            match error {
                Some(error) => tracing::error!(%error, "storage unavailable"),
                None => tracing::info!("storage available again"),
            }
        }
    }
}

/// A query with the store's time limit; built and bound like the SDK's own.
pub(crate) struct TimedQuery<'a> {
    query: Statements<'a>,
    pub(crate) limit: Option<Duration>,
    availability: Arc<Availability>,
}

impl<'a> TimedQuery<'a> {
    pub(crate) fn new(
        query: Statements<'a>,
        limit: Option<Duration>,
        availability: Arc<Availability>,
    ) -> TimedQuery<'a> {
        TimedQuery {
            query,
            limit,
            availability,
        }
    }

    pub(crate) fn bind(self, vars: impl IntoVariables) -> TimedQuery<'a> {
        TimedQuery {
            query: self.query.bind(vars),
            ..self
        }
    }
}

impl<'a> IntoFuture for TimedQuery<'a> {
    type Output = Result<surrealdb::IndexedResults, surrealdb::Error>;
    type IntoFuture =
        std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let started = std::time::Instant::now();
            let outcome = match self.limit {
                None => self.query.await,
                Some(limit) => tokio::time::timeout(limit, self.query.into_future())
                    .await
                    .unwrap_or_else(|_| {
                        Err(surrealdb::Error::connection(
                            format!("the database did not answer within {limit:?}"),
                            None,
                        ))
                    }),
            };
            self.availability.saw(outcome.as_ref().err());
            civitas_metrics::record::db_query(query_outcome(&outcome), started.elapsed());
            outcome
        })
    }
}

fn query_outcome<T>(outcome: &Result<T, surrealdb::Error>) -> QueryOutcome {
    match outcome {
        Ok(_) => QueryOutcome::Ok,
        Err(error) if error.is_connection() => QueryOutcome::Unavailable,
        Err(_) => QueryOutcome::Error,
    }
}
