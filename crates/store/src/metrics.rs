//! Counting database round trips per request, so the API can report them
//! (`Server-Timing`) and tests can prove that relation loading does not grow with the page.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static QUERIES: Cell<u32>;
}

/// Runs `work` and returns its output with the number of database queries it made.
pub async fn count_queries<F: Future>(work: F) -> (F::Output, u32) {
    QUERIES
        .scope(Cell::new(0), async move {
            let output = work.await;
            (output, QUERIES.with(Cell::get))
        })
        .await
}

pub(crate) fn record_query() {
    let _ = QUERIES.try_with(|count| count.set(count.get() + 1));
}
