//! `civitas` as an admin client: commands that work over the admin HTTP API, so they
//! manage any deployed server, not only a local database. Exit codes: 0 done, 1 the
//! server said no (the message shows its error code), 2 a usage or connection problem.

mod backup;
mod commands;
mod credentials;
mod events;
mod files;
mod http;
mod media;
mod media_fields;
mod media_plan;
mod media_transfer;
mod multipart;
mod output;
mod portable;
mod portable_media;
mod preflight;
mod progress;
mod sha256;
mod transfer;
mod webhooks;

pub use commands::{ClientCommand, run};
pub use http::ClientError;
