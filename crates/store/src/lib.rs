//! Civitas storage on SurrealDB.
//!
//! One code path for every engine (`surrealkv://`, `mem://`, `ws://`): statements go
//! through one handle (`database.rs`), whether the engine runs in this process (opened
//! with the memory it is given) or is a SurrealDB server. The database schema is derived from the content types and applied at
//! every start; entries are written and read with bound parameters only. Identifiers in
//! generated SurrealQL (table and field names) come from the validated schema, never
//! from a request.

mod accounts;
mod audit;
mod availability;
mod backup;
mod batched;
mod compile;
mod connect;
mod convert;
mod counts;
mod database;
mod descending;
mod editing;
mod entries;
mod error;
mod events;
mod freshness;
mod include;
mod list;
mod media;
mod metrics;
mod page_starts;
mod projection;
mod ranked;
mod retry;
mod revisions;
mod scheduling;
mod schema;
mod search;
#[cfg(test)]
mod testing;
mod text_index;
mod throttle;
mod tickets;
mod webhooks;

pub use accounts::{ApiToken, CredentialTable, NewToken, NewUser, Session, User, UserChanges};
pub use audit::{Actor, AuditEvent, AuditPage, AuditQuery};
pub use backup::{BackupSummary, RestoreError, check_backup, restore};
pub use connect::{StorageSettings, wait_until_closed};
pub use database::EngineMemory;
pub use editing::Edit;
pub use entries::{Entry, StatusFilter, Store, Version, is_entry_id};
pub use error::StoreError;
pub use events::{ChangeEvent, EVENT_TYPES};
pub use freshness::{ReadSet, track_reads};
pub use include::Included;
pub use list::ListPage;
pub use media::{
    MEDIA_TABLE, MediaPage, MediaQuery, MediaRecord, MediaUser, ids_in, media_record_id,
};
pub use metrics::count_queries;
pub use retry::conflicts_retried;
pub use revisions::Revision;
pub use scheduling::{Due, ScheduledAction};
pub use search::SearchHit;
pub use throttle::Allowance;
pub use webhooks::{Delivery, Lease, NewDelivery, NewWebhook, Webhook, WebhookChanges};
