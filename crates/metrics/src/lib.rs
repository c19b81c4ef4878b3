//! Metrics for operators: every part of a node records what it does through the
//! functions in [`record`] (so each metric's name, labels and unit are written once),
//! and [`serve`] answers `GET /metrics` in the Prometheus text format on an address of
//! its own. Until [`install`] runs, recording costs nothing and keeps nothing.

mod exporter;
mod process;
pub mod record;

pub use exporter::{MetricsError, install, serve};
