//! The list-query model: sorting and paging, parsed from request parameters against a
//! content type so that only the schema's own field names ever reach the store.

use crate::content_type::ContentType;
use crate::entry::SystemField;

/// A field a list can be ordered by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortField {
    System(SystemField),
    Field(String),
}

impl SortField {
    pub fn name(&self) -> &str {
        match self {
            SortField::System(system) => system.name(),
            SortField::Field(name) => name,
        }
    }
}

/// One key of an ordering, ascending unless `descending`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

impl SortKey {
    pub fn descending_system(field: SystemField) -> SortKey {
        SortKey {
            field: SortField::System(field),
            descending: true,
        }
    }
}

/// A query parameter that cannot be used, with a stable code that names the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub code: QueryErrorCode,
    /// The request parameter at fault, e.g. `sort` or `page[size]`.
    pub parameter: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryErrorCode {
    UnknownParameter,
    InvalidSort,
    InvalidPage,
}

impl QueryError {
    fn new(code: QueryErrorCode, parameter: &str, message: String) -> QueryError {
        QueryError {
            code,
            parameter: parameter.to_owned(),
            message,
        }
    }
}

/// Parses `title,-published_at`. Only indexed fields and the indexed system fields may be
/// sorted on, so every public ordering is served by an index, never by a table scan.
pub fn parse_sort(content_type: &ContentType, text: &str) -> Result<Vec<SortKey>, QueryError> {
    let mut keys: Vec<SortKey> = Vec::new();
    for part in text.split(',') {
        let (descending, name) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let field = sort_field(content_type, name)?;
        if keys.iter().any(|k| k.field == field) {
            return Err(QueryError::new(
                QueryErrorCode::InvalidSort,
                "sort",
                format!("`{name}` appears twice in `sort`"),
            ));
        }
        keys.push(SortKey { field, descending });
    }
    Ok(keys)
}

fn sort_field(content_type: &ContentType, name: &str) -> Result<SortField, QueryError> {
    if let Some(system) = SystemField::parse(name).filter(|s| s.is_sortable()) {
        return Ok(SortField::System(system));
    }
    match content_type.field(name) {
        Some(field) if field.indexed && !field.private => Ok(SortField::Field(name.to_owned())),
        Some(_) => Err(QueryError::new(
            QueryErrorCode::InvalidSort,
            "sort",
            format!(
                "`{name}` is not indexed, so `{}` lists cannot be sorted on it",
                content_type.id
            ),
        )),
        None => Err(QueryError::new(
            QueryErrorCode::InvalidSort,
            "sort",
            format!("`{name}` is not a sortable field of `{}`", content_type.id),
        )),
    }
}

/// Writes an ordering back in the form [`parse_sort`] reads.
pub fn format_sort(keys: &[SortKey]) -> String {
    keys.iter()
        .map(|k| format!("{}{}", if k.descending { "-" } else { "" }, k.field.name()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Which page of a list to return. Numbers start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub number: u64,
    pub size: u64,
}

impl PageRequest {
    /// Checks `page[number]` and `page[size]`; a size above `max_size` is an error rather
    /// than silently cut, so a client never mistakes a short page for the end of the list.
    pub fn new(
        number: Option<u64>,
        size: Option<u64>,
        default_size: u64,
        max_size: u64,
    ) -> Result<PageRequest, QueryError> {
        let number = in_range("page[number]", number, 1, u64::MAX / max_size.max(1))?;
        let size = in_range("page[size]", size, default_size, max_size)?;
        Ok(PageRequest { number, size })
    }

    pub fn offset(&self) -> u64 {
        (self.number - 1) * self.size
    }
}

fn in_range(
    parameter: &str,
    given: Option<u64>,
    default: u64,
    max: u64,
) -> Result<u64, QueryError> {
    match given {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(QueryError::new(
            QueryErrorCode::InvalidPage,
            parameter,
            format!("`{parameter}` must be a whole number from 1 to {max}, not {n}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::TypeDefinition;

    fn post() -> ContentType {
        TypeDefinition::from_toml(
            r#"
            id = "post"
            label = "Post"
            plural_label = "Posts"
            title_field = "title"
            slug_from = "title"
            [[fields]]
            name = "title"
            kind = "text"
            indexed = true
            [[fields]]
            name = "excerpt"
            kind = "text"
            "#,
        )
        .expect("test type parses")
        .into_content_type()
        .expect("test type is valid")
    }

    #[test]
    fn sorts_on_indexed_and_system_fields() {
        let keys = parse_sort(&post(), "-published_at,title").expect("valid sort");
        assert_eq!(format_sort(&keys), "-published_at,title");
    }

    #[test]
    fn refuses_unindexed_unknown_and_repeated_fields() {
        for bad in ["excerpt", "nope", "title,-title", "", "body;DROP"] {
            let err = parse_sort(&post(), bad).expect_err(bad);
            assert_eq!(err.code, QueryErrorCode::InvalidSort, "{bad}");
        }
    }

    #[test]
    fn pages_are_bounded() {
        let page = PageRequest::new(Some(3), Some(10), 20, 100).expect("valid page");
        assert_eq!(page.offset(), 20);
        assert_eq!(
            PageRequest::new(None, None, 20, 100).map(|p| p.size),
            Ok(20)
        );
        for (number, size) in [(0, 10), (1, 101), (1, 0), (u64::MAX, 100)] {
            assert!(PageRequest::new(Some(number), Some(size), 20, 100).is_err());
        }
    }
}
