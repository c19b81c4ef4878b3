//! `surreal`: SurrealDB's server entry point, as the official binary runs it
//! (`surreal start --bind 127.0.0.1:8000 --user root --pass secret surrealkv://data`),
//! composed with the community edition's storage, router and observability.

// As in surrealdb-server's own lib.rs: the optimised build computes the layout of
// SurrealDB's deepest async functions here, past the default limit of 128.
#![recursion_limit = "256"]

use std::process::ExitCode;

use surrealdb_server::core::CommunityComposer;

fn main() -> ExitCode {
    surrealdb_server::init(CommunityComposer())
}
