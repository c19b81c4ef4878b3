//! A whole list request, parsed and checked: every parameter is known, every field name
//! comes from the schema, every value is typed. Anything else is an error naming the
//! parameter, never silently ignored.

use crate::content_type::ContentType;
use crate::entry::SystemField;
use crate::field::FieldKind;
use crate::query::filter::{Condition, Filter, operators_for, parse_value, resolve_target};
use crate::query::page::{PagePosition, PageRequest};
use crate::query::sort::{SortKey, format_sort, parse_sort};
use crate::query::{Operator, QueryError, QueryErrorCode};
use crate::registry::TypeRegistry;

/// Limits from configuration.
#[derive(Debug, Clone, Copy)]
pub struct ListLimits {
    pub default_page_size: u64,
    pub max_page_size: u64,
    /// How many reference levels `include` may follow.
    pub max_include_depth: usize,
}

/// A reference path to embed, e.g. `["authors"]` or `["parent", "parent"]`.
pub type IncludePath = Vec<String>;

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filter: Filter,
    /// The ordering; empty with `search` means by relevance. The store adds the id as a
    /// last key so the order is total.
    pub sort: Vec<SortKey>,
    pub page: PageRequest,
    /// Only these fields (plus system fields), when given.
    pub fields: Option<Vec<String>>,
    pub include: Vec<IncludePath>,
    /// Full-text query over the type's searchable fields.
    pub search: Option<String>,
}

/// The shape a `filter` may have: enough for any page, small enough that no request can
/// make the database plan an enormous query. Stated per level (and so in the OpenAPI
/// document, as the `filter` object's schema) rather than as one total: at most
/// `MAX_FILTER_KEYS` fields (with `or` counting as one) at the top, `MAX_OPERATORS` per
/// field, and at most `MAX_GROUPS` `or` groups numbered 0 to `MAX_GROUP_INDEX` of
/// `MAX_GROUP_FIELDS` fields each.
pub const MAX_FILTER_KEYS: usize = 10;
pub const MAX_OPERATORS: usize = 4;
pub const MAX_GROUPS: usize = 5;
pub const MAX_GROUP_INDEX: usize = 9;
pub const MAX_GROUP_FIELDS: usize = 5;
/// Longest `q`, in characters, as sent.
pub const MAX_SEARCH_LEN: usize = 200;

/// Counts what a filter holds so far, to refuse one past its shape.
#[derive(Default)]
struct FilterShape {
    top: Vec<String>,
    groups: Vec<(usize, Vec<String>)>,
    operators: Vec<((Option<usize>, String), usize)>,
}

impl FilterShape {
    fn admit(&mut self, key: &str, group: Option<usize>, path: &str) -> Result<(), QueryError> {
        let too_many = |what: String| error(QueryErrorCode::InvalidValue, key, what);
        let top = if group.is_some() { "or" } else { path };
        if !self.top.iter().any(|t| t == top) {
            if self.top.len() == MAX_FILTER_KEYS {
                return Err(too_many(format!(
                    "`filter` takes at most {MAX_FILTER_KEYS} fields (`or` counts as one)"
                )));
            }
            self.top.push(top.to_owned());
        }
        if let Some(n) = group {
            let at = match self.groups.iter().position(|(g, _)| *g == n) {
                Some(at) => at,
                None if self.groups.len() < MAX_GROUPS => {
                    self.groups.push((n, Vec::new()));
                    self.groups.len() - 1
                }
                None => {
                    return Err(too_many(format!(
                        "at most {MAX_GROUPS} `filter[or]` groups"
                    )));
                }
            };
            let paths = &mut self.groups[at].1;
            if !paths.iter().any(|p| p == path) {
                if paths.len() == MAX_GROUP_FIELDS {
                    return Err(too_many(format!(
                        "a `filter[or]` group takes at most {MAX_GROUP_FIELDS} fields"
                    )));
                }
                paths.push(path.to_owned());
            }
        }
        let field = (group, path.to_owned());
        match self.operators.iter_mut().find(|(f, _)| *f == field) {
            Some((_, count)) if *count == MAX_OPERATORS => Err(too_many(format!(
                "at most {MAX_OPERATORS} operators per field"
            ))),
            Some((_, count)) => {
                *count += 1;
                Ok(())
            }
            None => {
                self.operators.push((field, 1));
                Ok(())
            }
        }
    }
}

fn error(code: QueryErrorCode, parameter: &str, message: impl Into<String>) -> QueryError {
    QueryError::new(code, parameter, message.into())
}

impl ListQuery {
    /// Parses a list request's query parameters. `extra` names parameters the caller
    /// handles itself (e.g. `status` on admin lists); `public` hides private fields.
    pub fn parse(
        params: &[(String, String)],
        registry: &TypeRegistry,
        content_type: &ContentType,
        limits: ListLimits,
        public: bool,
        extra: &[&str],
    ) -> Result<ListQuery, QueryError> {
        refuse_repeats(params)?;
        let mut filter = Filter::default();
        let mut groups: Vec<(usize, Vec<Condition>)> = Vec::new();
        let mut sort_text = None;
        let (mut number, mut size, mut after) = (None, None, None);
        let (mut fields, mut include, mut search) = (None, Vec::new(), None);
        let mut shape = FilterShape::default();
        for (key, value) in params {
            match key.as_str() {
                "sort" => sort_text = Some(value.as_str()),
                "page[number]" => number = Some(whole(key, value)?),
                "page[size]" => size = Some(whole(key, value)?),
                "page[after]" => after = Some(value.as_str()),
                "fields" => fields = Some(parse_fields(content_type, value, public)?),
                "include" => {
                    include = parse_include(
                        registry,
                        content_type,
                        value,
                        limits.max_include_depth,
                        public,
                    )?
                }
                "q" => search = Some(parse_search(content_type, value)?),
                _ if key.starts_with("filter[") => {
                    let (group, path, condition) =
                        parse_condition(registry, content_type, key, value, public)?;
                    shape.admit(key, group, &path)?;
                    match group {
                        None => filter.all.push(condition),
                        Some(n) => match groups.iter().position(|(g, _)| *g == n) {
                            Some(at) => groups[at].1.push(condition),
                            None => groups.push((n, vec![condition])),
                        },
                    }
                }
                _ if extra.contains(&key.as_str()) => {}
                _ => {
                    return Err(error(
                        QueryErrorCode::UnknownParameter,
                        key,
                        format!("unknown query parameter `{key}`"),
                    ));
                }
            }
        }
        groups.sort_by_key(|(n, _)| *n);
        filter.any = groups
            .into_iter()
            .map(|(_, conditions)| conditions)
            .collect();
        let sort = match (sort_text, &search) {
            (Some(text), _) => parse_sort(content_type, text)?,
            (None, Some(_)) => Vec::new(),
            (None, None) => content_type.default_sort.clone(),
        };
        let page = PageRequest::new(
            number,
            size,
            after,
            limits.default_page_size,
            limits.max_page_size,
        )?;
        if let PagePosition::After(cursor) = &page.position {
            if search.is_some() && sort.is_empty() {
                return Err(error(
                    QueryErrorCode::InvalidCursor,
                    "page[after]",
                    "relevance-ordered search results page by `page[number]`",
                ));
            }
            if cursor.sort != format_sort(&sort) || cursor.values.len() != sort.len() + 1 {
                return Err(error(
                    QueryErrorCode::InvalidCursor,
                    "page[after]",
                    "this cursor was made for another `sort`",
                ));
            }
        }
        Ok(ListQuery {
            filter,
            sort,
            page,
            fields,
            include,
            search,
        })
    }
}

/// The parameters a single-entry read takes: `fields` and `include`.
#[derive(Debug, Clone, Default)]
pub struct EntryQuery {
    pub fields: Option<Vec<String>>,
    pub include: Vec<IncludePath>,
}

impl EntryQuery {
    pub fn parse(
        params: &[(String, String)],
        registry: &TypeRegistry,
        content_type: &ContentType,
        limits: ListLimits,
        public: bool,
    ) -> Result<EntryQuery, QueryError> {
        refuse_repeats(params)?;
        let mut query = EntryQuery::default();
        for (key, value) in params {
            match key.as_str() {
                "fields" => query.fields = Some(parse_fields(content_type, value, public)?),
                "include" => {
                    query.include = parse_include(
                        registry,
                        content_type,
                        value,
                        limits.max_include_depth,
                        public,
                    )?
                }
                _ => {
                    return Err(error(
                        QueryErrorCode::UnknownParameter,
                        key,
                        format!(
                            "unknown query parameter `{key}`; this route takes fields and include"
                        ),
                    ));
                }
            }
        }
        Ok(query)
    }
}

/// A parameter given twice is ambiguous (which one wins?), so it is an error.
fn refuse_repeats(params: &[(String, String)]) -> Result<(), QueryError> {
    for (index, (key, _)) in params.iter().enumerate() {
        if params[..index].iter().any(|(earlier, _)| earlier == key) {
            return Err(error(
                QueryErrorCode::RepeatedParameter,
                key,
                format!("`{key}` is given more than once"),
            ));
        }
    }
    Ok(())
}

fn whole(key: &str, value: &str) -> Result<u64, QueryError> {
    value.parse::<u64>().map_err(|_| {
        error(
            QueryErrorCode::InvalidPage,
            key,
            format!("`{key}` must be a whole number, not `{value}`"),
        )
    })
}

/// `filter[path][op]`, `filter[path]` (meaning `eq`), `filter[or][N][path][op]`.
fn parse_condition(
    registry: &TypeRegistry,
    content_type: &ContentType,
    key: &str,
    value: &str,
    public: bool,
) -> Result<(Option<usize>, String, Condition), QueryError> {
    let malformed = || {
        error(
            QueryErrorCode::UnknownParameter,
            key,
            format!("`{key}` is not `filter[field][operator]` or `filter[or][N][field][operator]`"),
        )
    };
    let segments = bracket_segments(key.strip_prefix("filter").ok_or_else(malformed)?)
        .ok_or_else(malformed)?;
    let (group, rest) = match segments.as_slice() {
        [or, n, rest @ ..] if *or == "or" => {
            let n = n
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= MAX_GROUP_INDEX)
                .ok_or_else(malformed)?;
            (Some(n), rest)
        }
        rest => (None, rest),
    };
    let (path, op_name) = match rest {
        [path] => (*path, "eq"),
        [path, op] => (*path, *op),
        _ => return Err(malformed()),
    };
    let (target, kind) = resolve_target(registry, content_type, path, public)
        .map_err(|m| error(QueryErrorCode::UnknownField, key, m))?;
    let op = Operator::parse(op_name).ok_or_else(|| {
        error(
            QueryErrorCode::UnknownOperator,
            key,
            format!(
                "unknown operator `{op_name}`; use one of {}",
                operator_names(&kind)
            ),
        )
    })?;
    if !operators_for(&kind).contains(&op) {
        return Err(error(
            QueryErrorCode::UnknownOperator,
            key,
            format!(
                "`{op_name}` does not apply to a {} field; use one of {}",
                kind.name(),
                operator_names(&kind)
            ),
        ));
    }
    let value = parse_value(&kind, op, value)
        .map_err(|m| error(QueryErrorCode::InvalidValue, key, format!("`{key}`: {m}")))?;
    Ok((
        group,
        path.to_owned(),
        Condition {
            target,
            op,
            value,
            kind,
        },
    ))
}

fn operator_names(kind: &FieldKind) -> String {
    operators_for(kind)
        .iter()
        .map(|op| op.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `[a][b][c]` -> `["a", "b", "c"]`; `None` unless the whole text is bracket segments.
fn bracket_segments(text: &str) -> Option<Vec<&str>> {
    let mut segments = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        let segment = &inner[..end];
        if segment.is_empty() || segment.contains('[') {
            return None;
        }
        segments.push(segment);
        rest = &inner[end + 1..];
    }
    (!segments.is_empty()).then_some(segments)
}

fn parse_fields(
    content_type: &ContentType,
    text: &str,
    public: bool,
) -> Result<Vec<String>, QueryError> {
    let mut names = Vec::new();
    for name in text.split(',') {
        let known = SystemField::parse(name).is_some()
            || content_type.visible_field(name, public).is_some();
        if !known {
            return Err(error(
                QueryErrorCode::UnknownField,
                "fields",
                format!("`{}` has no field `{name}`", content_type.id),
            ));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

fn parse_include(
    registry: &TypeRegistry,
    content_type: &ContentType,
    text: &str,
    max_depth: usize,
    public: bool,
) -> Result<Vec<IncludePath>, QueryError> {
    let mut paths: Vec<IncludePath> = Vec::new();
    for path in text.split(',') {
        let segments: Vec<&str> = path.split('.').collect();
        if segments.len() > max_depth {
            return Err(error(
                QueryErrorCode::InvalidInclude,
                "include",
                format!("`{path}` is deeper than the limit of {max_depth} levels"),
            ));
        }
        let mut current = content_type;
        for (depth, segment) in segments.iter().enumerate() {
            let field = current.visible_field(segment, public);
            let Some(FieldKind::Reference { to, .. }) = field.map(|f| &f.kind) else {
                return Err(error(
                    QueryErrorCode::InvalidInclude,
                    "include",
                    format!("`{segment}` is not a reference field of `{}`", current.id),
                ));
            };
            let prefix: IncludePath = segments[..=depth].iter().map(|s| s.to_string()).collect();
            if !paths.contains(&prefix) {
                paths.push(prefix);
            }
            current = registry.get(to).ok_or_else(|| {
                error(
                    QueryErrorCode::InvalidInclude,
                    "include",
                    format!("unknown type `{to}`"),
                )
            })?;
        }
    }
    Ok(paths)
}

/// The words of a search: the text as sent must hold 1 to `MAX_SEARCH_LEN` characters,
/// not all of them blank; the blanks around the words are dropped.
pub fn search_words(text: &str) -> Option<&str> {
    let words = text.trim();
    (!words.is_empty() && text.chars().count() <= MAX_SEARCH_LEN).then_some(words)
}

fn parse_search(content_type: &ContentType, text: &str) -> Result<String, QueryError> {
    if !content_type.is_searchable() {
        return Err(error(
            QueryErrorCode::InvalidSearch,
            "q",
            format!("`{}` has no searchable fields", content_type.id),
        ));
    }
    search_words(text).map(str::to_owned).ok_or_else(|| {
        error(
            QueryErrorCode::InvalidSearch,
            "q",
            format!("`q` must hold 1 to {MAX_SEARCH_LEN} characters, not all blank"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &[(&str, &str)]) -> Result<ListQuery, QueryError> {
        let registry = TypeRegistry::builtin().expect("types");
        let post = registry.get("post").expect("post").clone();
        let params: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let limits = ListLimits {
            default_page_size: 20,
            max_page_size: 100,
            max_include_depth: 2,
        };
        ListQuery::parse(&params, &registry, &post, limits, true, &[])
    }

    #[test]
    fn parses_a_full_query() {
        let query = parse(&[
            ("filter[tags][contains]", "mobility"),
            ("filter[authors.slug][eq]", "john-marwel"),
            ("filter[or][0][published_at][gte]", "2024-01-01"),
            ("filter[or][1][title][starts_with]", "This"),
            ("sort", "-published_at"),
            ("fields", "title,slug"),
            ("include", "authors"),
            ("q", "smart city"),
        ])
        .expect("valid query");
        assert_eq!(query.filter.all.len(), 2);
        assert_eq!(query.filter.any.len(), 2);
        assert_eq!(query.include, vec![vec!["authors".to_owned()]]);
    }

    #[test]
    fn names_what_is_wrong() {
        let cases: [(&str, &str, QueryErrorCode); 9] = [
            ("filter[nope][eq]", "x", QueryErrorCode::UnknownField),
            ("filter[title][like]", "x", QueryErrorCode::UnknownOperator),
            ("filter[tags][gt]", "x", QueryErrorCode::UnknownOperator),
            (
                "filter[published_at][gt]",
                "yesterday",
                QueryErrorCode::InvalidValue,
            ),
            ("filter[title][null]", "maybe", QueryErrorCode::InvalidValue),
            ("filter[title", "x", QueryErrorCode::UnknownParameter),
            ("include", "tags", QueryErrorCode::InvalidInclude),
            ("fields", "title,colour", QueryErrorCode::UnknownField),
            ("pagesize", "1", QueryErrorCode::UnknownParameter),
        ];
        for (key, value, code) in cases {
            let err = parse(&[(key, value)]).expect_err(key);
            assert_eq!(err.code, code, "{key}={value}: {err}");
            assert_eq!(err.parameter, key);
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::query::Target;

    proptest! {
        /// Any parameters at all: the parser answers Ok or a QueryError, never panics,
        /// and whatever it accepts names only fields of the schema.
        #[test]
        fn parser_never_panics_and_accepts_only_schema_names(
            params in proptest::collection::vec(("\\PC{0,40}", "\\PC{0,40}"), 0..6)
        ) {
            let registry = TypeRegistry::builtin().expect("types");
            let post = registry.get("post").expect("post").clone();
            let limits = ListLimits { default_page_size: 20, max_page_size: 100, max_include_depth: 2 };
            if let Ok(query) = ListQuery::parse(&params, &registry, &post, limits, true, &[]) {
                for condition in query.filter.all.iter().chain(query.filter.any.iter().flatten()) {
                    let name = match &condition.target {
                        Target::Own(subject) | Target::Related { subject, .. } => subject.name().to_owned(),
                    };
                    prop_assert!(name == "id" || crate::SystemField::parse(&name).is_some() || registry.iter().any(|t| t.field(&name).is_some()));
                }
            }
        }
    }
}
