//! The plugin time one request may spend, across every hook call it makes. A plugin's own
//! deadline bounds one call; without a budget per request, a list of N entries through an
//! `after-read` near its deadline would cost N deadlines, and anonymous clients could make
//! the server spend seconds of CPU per request. Work that no client waits for (seeding at
//! start) runs `unhurried` instead: the clock may run longer, the CPU limit stays.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

tokio::task_local! {
    static BUDGET: Budget;
    static UNHURRIED: ();
}

struct Budget {
    total: Duration,
    spent: Cell<Duration>,
}

/// What is left of the current request's budget.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Left {
    pub total: Duration,
    pub left: Duration,
}

/// Runs `work` (one request) with `total` plugin time to spend; hook calls it makes get at
/// most what is left as their deadline, and none once it is spent.
pub async fn with_budget<F: Future>(total: Duration, work: F) -> F::Output {
    let budget = Budget {
        total,
        spent: Cell::new(Duration::ZERO),
    };
    BUDGET.scope(budget, work).await
}

/// The budget left, or `None` outside a request (the scheduler, start-up, tests).
pub(crate) fn left() -> Option<Left> {
    BUDGET
        .try_with(|budget| Left {
            total: budget.total,
            left: budget.total.saturating_sub(budget.spent.get()),
        })
        .ok()
}

/// Charges a call's time to the current request.
pub(crate) fn spend(elapsed: Duration) {
    let _ = BUDGET.try_with(|budget| budget.spent.set(budget.spent.get() + elapsed));
}

/// Runs `work`, which no client waits for, so a busy machine's clock does not fail its
/// hook calls: they get `call::UNHURRIED_WALL_CAP_FACTOR` times their CPU time on the
/// clock. Seeding at start uses it: a node on a loaded machine would otherwise exit
/// because a plugin's first call waited half a second for a core.
pub async fn unhurried<F: Future>(work: F) -> F::Output {
    UNHURRIED.scope((), work).await
}

/// Whether the current task runs `unhurried` outside any request's budget.
pub(crate) fn is_unhurried() -> bool {
    UNHURRIED.try_with(|_| ()).is_ok() && left().is_none()
}
