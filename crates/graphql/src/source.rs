//! What the resolvers read through: the REST list and entry reads, given the REST query
//! parameters. The API implements it for each request, with the caller's access.

use std::future::Future;
use std::pin::Pin;

use async_graphql::ErrorExtensions;
use serde_json::Value;

/// A read under way.
pub type Reading<T> = Pin<Box<dyn Future<Output = Result<T, SourceError>> + Send>>;

/// A refused or failed read, with the REST error code (`invalid_sort`, `forbidden`, ...)
/// and the query parameter at fault, if one is.
#[derive(Debug, Clone)]
pub struct SourceError {
    pub code: String,
    pub message: String,
    pub parameter: Option<String>,
}

impl SourceError {
    pub fn new(code: &str, message: impl Into<String>) -> SourceError {
        SourceError {
            code: code.to_owned(),
            message: message.into(),
            parameter: None,
        }
    }

    /// The error as GraphQL answers it, its code in `extensions`.
    pub fn into_graphql(self) -> async_graphql::Error {
        let SourceError {
            code,
            message,
            parameter,
        } = self;
        async_graphql::Error::new(message).extend_with(move |_, extensions| {
            extensions.set("code", code.as_str());
            if let Some(parameter) = &parameter {
                extensions.set("parameter", parameter.as_str());
            }
        })
    }
}

pub trait ContentSource: Send + Sync {
    /// A REST list answer, `{"data": [...], "meta": {...}}`, for these query parameters.
    fn list(&self, type_id: String, params: Vec<(String, String)>) -> Reading<Value>;

    /// One entry by id or slug (REST's `data`), or `None` when there is none to show.
    fn one(
        &self,
        type_id: String,
        key: String,
        params: Vec<(String, String)>,
    ) -> Reading<Option<Value>>;
}
