//! The `[graphql]` settings: the limits every query is checked against before it runs,
//! and who may read the schema by introspection.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Deepest field nesting a query may have (introspection fields not counted).
    pub max_depth: usize,
    /// Most aliased fields a query may have.
    pub max_aliases: usize,
    /// Largest cost: each selected field counts 1, times the page size of the lists and the
    /// most entries of the references it sits in.
    pub max_cost: u64,
    /// Longest query text, in bytes.
    pub max_query_bytes: usize,
    /// Longest a query may run, in milliseconds.
    pub timeout_ms: u64,
    pub introspection: Introspection,
    /// The trusted documents' manifest (see [`crate::TrustedDocuments`]); empty for none.
    pub documents: String,
    /// Whether only the trusted documents run, for callers other than admins.
    pub documents_only: bool,
}

/// Who may read the schema through `__schema` and `__type`, and be told field names
/// ("did you mean") in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Introspection {
    /// Anyone: for development.
    Everyone,
    /// Callers with the `admin` capability only: for production.
    Admins,
    /// Nobody.
    Off,
}
