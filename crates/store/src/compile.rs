//! Compiles a checked list query into SurrealQL. Identifiers come from the schema (and
//! are quoted); every value is bound as a parameter, typed by its field's kind. No text
//! from a request is ever spliced into the statement.

use civitas_core::query::{
    Condition, Cursor, Filter, FilterValue, Operator, SortKey, Subject, Target,
};
use civitas_core::{ContentType, FieldKind, Status};
use serde_json::Value as Json;
use surrealdb::types::{Object, RecordId, Value};

use crate::convert::field_to_db;
use crate::descending;
use crate::entries::{StatusFilter, Version};
use crate::schema::ident;

/// Collects bound parameters and hands out their names.
#[derive(Default, Clone)]
pub(crate) struct Binder {
    pub(crate) vars: Object,
    next: usize,
}

impl Binder {
    pub(crate) fn bind(&mut self, value: Value) -> String {
        let name = format!("p{}", self.next);
        self.next += 1;
        self.vars.insert(name.clone(), value);
        format!("${name}")
    }
}

/// The SurrealQL path of a subject; rich text is tested on its Markdown.
fn subject_expr(subject: &Subject) -> String {
    match subject {
        Subject::Id => "id".to_owned(),
        Subject::System(system) => ident(system.name()),
        Subject::Field(field) if matches!(field.kind, FieldKind::RichText(_)) => {
            format!("{}.markdown", ident(&field.name))
        }
        Subject::Field(field) => ident(&field.name),
    }
}

fn holds_many(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::List { .. } | FieldKind::Reference { many: true, .. }
    )
}

/// A filter value as SurrealDB should compare it: references become record ids (slugs
/// were resolved to ids before compiling), datetimes become datetimes.
fn to_db(kind: &FieldKind, value: &Json) -> Value {
    match kind {
        FieldKind::List { item, .. } => to_db(item, value),
        FieldKind::Reference { to, .. } => match value.as_str() {
            Some(id) => Value::RecordId(RecordId::new(to.as_str(), id)),
            None => Value::None,
        },
        other => field_to_db(other, value),
    }
}

fn many_to_db(kind: &FieldKind, values: &[Json]) -> Value {
    Value::Array(values.iter().map(|v| to_db(kind, v)).collect())
}

fn lowercase(value: &FilterValue) -> Json {
    match value {
        FilterValue::One(Json::String(text)) => Json::String(text.to_lowercase()),
        FilterValue::One(other) => other.clone(),
        _ => Json::Null,
    }
}

fn comparison(
    expr: &str,
    kind: &FieldKind,
    op: Operator,
    value: &FilterValue,
    binder: &mut Binder,
) -> String {
    let many = holds_many(kind);
    let one = |binder: &mut Binder| match value {
        FilterValue::One(v) => binder.bind(to_db(kind, v)),
        _ => binder.bind(Value::None),
    };
    let list = |binder: &mut Binder| match value {
        FilterValue::Many(values) => binder.bind(many_to_db(kind, values)),
        _ => binder.bind(Value::Array(Default::default())),
    };
    match op {
        Operator::Eq if many => format!("{expr} CONTAINS {}", one(binder)),
        Operator::Ne if many => format!("{expr} CONTAINSNOT {}", one(binder)),
        Operator::In if many => format!("{expr} CONTAINSANY {}", list(binder)),
        Operator::Nin if many => format!("{expr} CONTAINSNONE {}", list(binder)),
        Operator::Contains if many => format!("{expr} CONTAINS {}", one(binder)),
        Operator::Eq => format!("{expr} = {}", one(binder)),
        Operator::Ne => format!("{expr} != {}", one(binder)),
        Operator::Lt => format!("{expr} < {}", one(binder)),
        Operator::Lte => format!("{expr} <= {}", one(binder)),
        Operator::Gt => format!("{expr} > {}", one(binder)),
        Operator::Gte => format!("{expr} >= {}", one(binder)),
        Operator::In => format!("{expr} INSIDE {}", list(binder)),
        Operator::Nin => format!("{expr} NOTINSIDE {}", list(binder)),
        Operator::Contains => {
            let needle = binder.bind(Value::from_t(lowercase(value)));
            format!("string::contains(string::lowercase({expr} ?? ''), {needle})")
        }
        Operator::StartsWith => {
            let prefix = binder.bind(Value::from_t(lowercase(value)));
            format!("string::starts_with(string::lowercase({expr} ?? ''), {prefix})")
        }
        Operator::Null => match value {
            FilterValue::Flag(false) => format!("({expr} != NONE AND {expr} != NULL)"),
            _ => format!("({expr} = NONE OR {expr} = NULL)"),
        },
    }
}

fn condition(condition: &Condition, public: bool, binder: &mut Binder) -> String {
    match &condition.target {
        Target::Own(subject) => comparison(
            &subject_expr(subject),
            &condition.kind,
            condition.op,
            &condition.value,
            binder,
        ),
        Target::Related { via, to, subject } => {
            let inner = comparison(
                &subject_expr(subject),
                &condition.kind,
                condition.op,
                &condition.value,
                binder,
            );
            let visible = if public {
                "status = 'published' AND "
            } else {
                ""
            };
            let matching = format!(
                "(SELECT VALUE id FROM {} WHERE {visible}{inner})",
                ident(to)
            );
            let link = if holds_many(&via.kind) {
                "CONTAINSANY"
            } else {
                "INSIDE"
            };
            format!("{} {link} {matching}", ident(&via.name))
        }
    }
}

fn all_of(conditions: &[Condition], public: bool, binder: &mut Binder) -> String {
    conditions
        .iter()
        .map(|c| format!("({})", condition(c, public, binder)))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The WHERE clause for a list: status, filters and full-text search, without paging.
pub(crate) fn where_clause(
    content_type: &ContentType,
    statuses: StatusFilter,
    version: Version,
    filter: &Filter,
    search: Option<&str>,
    binder: &mut Binder,
) -> String {
    let public = version == Version::Published;
    // Written as literals, not bound: SurrealDB 3.3 only plans an index scan on
    // `(status, field)` when the status is a constant (a bound `$status` scans the
    // table). The values come from the `Status` enum, never from a request.
    let mut parts: Vec<String> = vec![match statuses {
        StatusFilter::Only(status) => format!("status = '{}'", status.as_str()),
        StatusFilter::NotArchived => format!("status != '{}'", Status::Archived.as_str()),
    }];
    if !filter.all.is_empty() {
        parts.push(all_of(&filter.all, public, binder));
    }
    if !filter.any.is_empty() {
        let groups: Vec<String> = filter
            .any
            .iter()
            .map(|g| format!("({})", all_of(g, public, binder)))
            .collect();
        parts.push(format!("({})", groups.join(" OR ")));
    }
    if let Some(text) = search {
        let query = binder.bind(Value::String(text.to_owned()));
        let matches: Vec<String> = searchable_paths(content_type)
            .iter()
            .enumerate()
            .map(|(n, path)| format!("{path} @{n}@ {query}"))
            .collect();
        parts.push(format!("({})", matches.join(" OR ")));
    }
    if parts.is_empty() {
        "true".to_owned()
    } else {
        parts.join(" AND ")
    }
}

/// The fields full-text search looks in, as SurrealQL paths; their order numbers the
/// match references (`@0@`, `@1@`, ...) used for scores and highlights.
pub(crate) fn searchable_paths(content_type: &ContentType) -> Vec<String> {
    content_type
        .fields
        .iter()
        .filter(|f| f.searchable)
        .map(|f| subject_expr(&Subject::Field(Box::new(f.clone()))))
        .collect()
}

/// The relevance of a search hit: the sum of its BM25 scores over every searchable field.
pub(crate) fn score_expr(content_type: &ContentType) -> String {
    let terms: Vec<String> = (0..searchable_paths(content_type).len())
        .map(|n| format!("(search::score({n}) ?? 0)"))
        .collect();
    terms.join(" + ")
}

/// Whether ties are broken by descending id: the id runs in the direction the last sort
/// key's index is walked, because an index on `(status, field)` holds ties in id order,
/// so `field DESC, id DESC` is one backward index scan while `field DESC, id ASC` sorts
/// the whole table. A descending key with a descending-key field walks forwards.
pub(crate) fn id_descending(content_type: &ContentType, sort: &[SortKey]) -> bool {
    sort.last()
        .is_some_and(|key| descending::ordered_field(content_type, key).1)
}

/// ORDER BY for a list; the id is always the last key, so the order is total and
/// cursors are exact.
pub(crate) fn order_by(content_type: &ContentType, sort: &[SortKey], by_relevance: bool) -> String {
    let mut keys: Vec<String> = Vec::new();
    if by_relevance {
        keys.push("_score DESC".to_owned());
    }
    keys.extend(sort.iter().map(|key| {
        let (field, descending) = descending::ordered_field(content_type, key);
        format!("{field} {}", direction(descending))
    }));
    keys.push(format!(
        "id {}",
        direction(id_descending(content_type, sort))
    ));
    keys.join(", ")
}

fn direction(descending: bool) -> &'static str {
    if descending { "DESC" } else { "ASC" }
}

/// Entries after the cursor, in the list's order, as conditions whose results follow one
/// another: `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... OR (all equal AND id > vid)`,
/// with `<` for keys walked backwards (and for the id when it runs descending, see
/// [`id_descending`]); a descending key with a descending-key field compares that field,
/// forwards. That disjunction left in one query stops SurrealDB from pushing the page's
/// limit into the index walk (it then reads ahead in large batches), so it is split: the
/// entries tied with the cursor on the first key (`k1 = v1 AND ...`, a small range of
/// the `(status, k1)` index), then those beyond it (`k1 > v1`, a plain range with the
/// limit pushed down). A deep page then costs what the first one does. A cursor whose
/// first value is missing (and has no descending key) keeps the single condition. `table`
/// is the table walked (the type's, or its list projection's), whose ids are compared.
pub(crate) fn after_cursor(
    content_type: &ContentType,
    sort: &[SortKey],
    cursor: &Cursor,
    table: &str,
    binder: &mut Binder,
) -> Vec<String> {
    let mut equal_so_far: Vec<String> = Vec::new();
    let mut alternatives: Vec<String> = Vec::new();
    let mut splittable = false;
    for (position, (key, value)) in sort.iter().zip(&cursor.values).enumerate() {
        let kind = descending::sort_kind(content_type, &key.field);
        // A descending key compares the cursor's value turned the same way.
        let stored = if descending::has_key(content_type, key) {
            descending::key_of(&kind, value)
        } else if value.is_null() {
            Value::None
        } else {
            field_to_db(&kind, value)
        };
        let compared = binder.bind(stored);
        let (expr, walks_backwards) = descending::ordered_field(content_type, key);
        let strict = if walks_backwards { "<" } else { ">" };
        if position == 0 {
            splittable = !value.is_null() || descending::has_key(content_type, key);
        }
        alternatives.push(conjunction(
            &equal_so_far,
            format!("{expr} {strict} {compared}"),
        ));
        equal_so_far.push(format!("{expr} = {compared}"));
    }
    let id = cursor
        .values
        .last()
        .and_then(Json::as_str)
        .unwrap_or_default();
    let bound = binder.bind(Value::RecordId(RecordId::new(table, id)));
    let id_op = if id_descending(content_type, sort) {
        "<"
    } else {
        ">"
    };
    alternatives.push(conjunction(&equal_so_far, format!("id {id_op} {bound}")));
    if !splittable || alternatives.len() < 2 {
        return vec![format!("({})", alternatives.join(" OR "))];
    }
    let beyond = alternatives.remove(0);
    // Every remaining alternative starts with `k1 = v1`.
    let ties = format!("({})", alternatives.join(" OR "));
    vec![ties, beyond]
}

fn conjunction(prefix: &[String], last: String) -> String {
    let mut parts = prefix.to_vec();
    parts.push(last);
    format!("({})", parts.join(" AND "))
}
