//! The list-query model: filters, sorting, paging, sparse fields, relations and search,
//! parsed from request parameters against the content types, so that only the schema's
//! own field names ever reach the store and every value is typed by its field's kind.

pub mod filter;
pub mod list;
pub mod page;
pub mod sort;

pub use filter::{
    Condition, Filter, FilterValue, Operator, Subject, Target, filter_paths, operators_for,
};
pub use list::{EntryQuery, IncludePath, ListLimits, ListQuery, search_words};
pub use page::{Cursor, PagePosition, PageRequest};
pub use sort::{SortField, SortKey, format_sort, parse_sort, sortable_fields};

/// A query parameter that cannot be used, with a stable code and the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub code: QueryErrorCode,
    /// The request parameter at fault, e.g. `sort` or `filter[year][gt]`.
    pub parameter: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryErrorCode {
    UnknownParameter,
    /// A parameter given twice.
    RepeatedParameter,
    InvalidSort,
    InvalidPage,
    InvalidCursor,
    UnknownField,
    UnknownOperator,
    InvalidValue,
    InvalidInclude,
    InvalidSearch,
}

impl QueryError {
    pub fn new(code: QueryErrorCode, parameter: &str, message: String) -> QueryError {
        QueryError {
            code,
            parameter: parameter.to_owned(),
            message,
        }
    }
}
