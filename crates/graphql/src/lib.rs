//! The read-only GraphQL schema of Civitas, generated from the content types: per type one
//! entry by id or slug and a list with the REST list's arguments. Resolvers do not query
//! the store themselves: they rewrite their arguments into the REST list's query
//! parameters (selected references become `include` paths) and read through a
//! [`ContentSource`], so GraphQL and REST share one parser, one store path, one set of
//! limits and error codes, and a list costs one database query per reference level.

mod arguments;
mod current;
mod documents;
mod filters;
mod limits;
mod model;
mod names;
mod objects;
mod schema;
mod selection;
mod settings;
mod source;
#[cfg(test)]
mod tests;

pub use async_graphql::Request;
pub use current::CurrentSchema;
pub use documents::TrustedDocuments;
pub use limits::{LimitError, check_document};
pub use model::Model;
pub use schema::{BuildError, Schemas, build};
pub use settings::{Introspection, Settings};
pub use source::{ContentSource, Reading, SourceError};
