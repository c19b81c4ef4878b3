//! Runs SurrealQL against a Civitas data directory and reports the plan and the time,
//! for the query-shape work in `docs/performance.md`:
//!
//! ```sh
//! cargo run --release -p civitas-store --example explain -- target/bench/data-100000 \
//!     "SELECT * FROM post WHERE status = 'published' ORDER BY published_at DESC LIMIT 20"
//! ```
//!
//! Each statement is run with `EXPLAIN FULL` (appended, as SurrealQL writes it) once (printed), then timed over `RUNS` runs
//! (p50 and p90 printed). Statements are separated by `;;`.

use std::time::{Duration, Instant};

use surrealdb::engine::any;

const RUNS: usize = 50;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: explain DATA_DIR \"SQL;; SQL ...\"")?;
    let sql = args
        .next()
        .ok_or("usage: explain DATA_DIR \"SQL;; SQL ...\"")?;
    let db = any::connect(format!("surrealkv://{dir}")).await?;
    db.use_ns("civitas").use_db("main").await?;
    for statement in sql.split(";;").map(str::trim).filter(|s| !s.is_empty()) {
        println!("== {statement}");
        if statement.starts_with("SELECT") {
            let mut plan = db.query(format!("{statement} EXPLAIN FULL")).await?;
            let plan: surrealdb::types::Value = plan.take(0)?;
            println!("{}", serde_json::to_string_pretty(&plan.into_json_value())?);
        }
        // Only reads are timed; other statements (set-up) run once.
        let runs = if statement.starts_with("SELECT") {
            RUNS
        } else {
            1
        };
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut rows = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let mut response = db.query(statement).await?;
            let taken: surrealdb::types::Value = response.take(0)?;
            times.push(started.elapsed());
            rows = match &taken {
                surrealdb::types::Value::Array(items) => items.len(),
                _ => 1,
            };
            if times.len() == 1 && !statement.starts_with("SELECT") {
                println!("{}", serde_json::to_string(&taken.into_json_value())?);
            }
        }
        times.sort();
        println!(
            "rows {rows}, p50 {:?}, p90 {:?}\n",
            times[runs / 2],
            times[runs * 9 / 10]
        );
    }
    Ok(())
}
