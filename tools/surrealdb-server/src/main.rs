//! `surreal`: SurrealDB's server entry point, as the official binary runs it
//! (`surreal start --bind 127.0.0.1:8000 --user root --pass secret surrealkv://data`),
//! composed with the community edition's storage, router and observability.

use std::process::ExitCode;

use surrealdb_server::core::CommunityComposer;

fn main() -> ExitCode {
    surrealdb_server::init(CommunityComposer())
}
