//! Sorting: `sort=-published_at,title`, checked against the content type.

use crate::content_type::ContentType;
use crate::entry::SystemField;
use crate::query::{QueryError, QueryErrorCode};

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

/// What a list of the type may be sorted by: the sortable system fields, then the indexed
/// fields (the private ones only when `public` is false).
pub fn sortable_fields(
    content_type: &ContentType,
    public: bool,
) -> impl Iterator<Item = SortField> + '_ {
    let system = SystemField::ALL
        .into_iter()
        .filter(|f| f.is_sortable())
        .map(SortField::System);
    let indexed = content_type
        .visible_fields(public)
        .filter(|f| f.indexed)
        .map(|f| SortField::Field(f.name.clone()));
    system.chain(indexed)
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

/// Parses `title,-published_at`. Only indexed fields and the indexed system fields may be
/// sorted on, so every public ordering is served by an index, never by a table scan. A
/// field named again later (`title,-title`) can no longer change the order, so, as in
/// SQL, it is accepted and has no effect.
pub fn parse_sort(content_type: &ContentType, text: &str) -> Result<Vec<SortKey>, QueryError> {
    let mut keys: Vec<SortKey> = Vec::new();
    for part in text.split(',') {
        let (descending, name) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let field = sort_field(content_type, name)?;
        if !keys.iter().any(|k| k.field == field) {
            keys.push(SortKey { field, descending });
        }
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
    fn a_repeated_field_changes_nothing() {
        let keys = parse_sort(&post(), "title,-title,-published_at").expect("valid sort");
        assert_eq!(format_sort(&keys), "title,-published_at");
    }

    #[test]
    fn refuses_unindexed_and_unknown_fields() {
        for bad in ["excerpt", "nope", "", "body;DROP"] {
            let err = parse_sort(&post(), bad).expect_err(bad);
            assert_eq!(err.code, QueryErrorCode::InvalidSort, "{bad}");
        }
    }
}
