//! Several `civitas serve` processes on one real SurrealDB server (built from the
//! surrealdb-server crate by `scripts/surrealdb.sh`): what one node writes, every node
//! serves; credentials made on one work on all; and a node rides out its database going
//! away and coming back.

mod backup;
mod faults;
mod nodes;

use tempfile::TempDir;

use crate::support::Server;
use crate::support::surreal::SurrealServer;

/// A node on `database`; the first one seeds the demo content.
async fn node(database: &SurrealServer, seed: bool) -> Server {
    node_with(database, seed, &[]).await
}

/// `node`, with more environment.
async fn node_with(database: &SurrealServer, seed: bool, env: &[(&str, &str)]) -> Server {
    let mut options = database.node_options(seed);
    // Other nodes' writes arrive through the change log; poll it often in tests.
    options
        .env
        .push(("CIVITAS_EVENTS__POLL_INTERVAL".into(), "100ms".into()));
    options
        .env
        .extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Server::start_with(options, TempDir::new().expect("temp dir")).await
}
