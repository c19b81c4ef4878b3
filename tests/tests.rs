//! End-to-end tests: the real `civitas` binary on an ephemeral port, with the real
//! SurrealDB engine (`mem://` or a temporary `surrealkv://` directory), or a real
//! SurrealDB server (`cluster`). One test binary, so SurrealDB is linked once.

mod support;

mod access;
mod admin;
mod admin_ui;
mod audit;
mod auth;
mod backup;
mod browser;
mod cli;
mod cli_events;
mod cli_media;
mod cluster;
mod concurrency;
mod config;
mod events;
mod fuzz;
mod graphql;
mod media;
mod metrics;
mod openapi;
mod persistence;
mod plugins;
mod public;
mod query;
mod search;
mod typescript;
mod workflow;
