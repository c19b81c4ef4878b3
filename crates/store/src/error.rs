//! Errors a store operation can end in.

use civitas_core::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("entry not found")]
    NotFound,
    /// A unique field (or the slug) already has this value in another entry.
    #[error("`{field}` must be unique: another entry already has this value")]
    Conflict { field: String },
    /// The write refers to things that do not exist (e.g. a referenced entry).
    #[error("the entry is not valid")]
    Invalid(Vec<FieldError>),
    /// The entry changed since the revision the writer read (`If-Match`).
    #[error("the entry changed since it was read")]
    Stale,
    /// A stored record does not have the shape this version expects.
    #[error("a stored record is malformed: {0}")]
    Corrupt(String),
    /// The write kept meeting concurrent writes to the same data, past every retry.
    #[error("the write kept conflicting with concurrent writes")]
    WriteConflict,
    /// The database server cannot be reached, or did not answer within
    /// `storage.timeout` (a write under way then may or may not have been committed).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(surrealdb::Error),
}

impl From<surrealdb::Error> for StoreError {
    fn from(error: surrealdb::Error) -> StoreError {
        if crate::retry::is_conflict(&error) {
            StoreError::WriteConflict
        } else if error.is_connection() {
            StoreError::Unavailable(error.message().to_owned())
        } else {
            StoreError::Database(error)
        }
    }
}

/// SurrealDB reports a unique-index violation only as text ("Database index `uq_slug`
/// already contains ..."); the index name tells which field clashed.
pub(crate) fn unique_violation(error: &surrealdb::Error) -> Option<String> {
    let message = error.message();
    let rest = message.strip_prefix("Database index `")?;
    let (index, tail) = rest.split_once('`')?;
    if !tail.trim_start().starts_with("already contains") {
        return None;
    }
    crate::schema::unique_index_field(index).map(str::to_owned)
}
