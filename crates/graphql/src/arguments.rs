//! GraphQL arguments rewritten into the REST list's query parameters, which the REST
//! parser then checks exactly as it checks a URL: `filter: {tags: {contains: "x"}}` is
//! `filter[tags][contains]=x`, `sort: [PUBLISHED_AT_DESC]` is `sort=-published_at`.

use async_graphql::Value;
use async_graphql::dynamic::ObjectAccessor;
use civitas_core::query::Operator;

type Params = Vec<(String, String)>;

/// Arguments that map one to one onto a REST parameter.
const PLAIN: [(&str, &str); 5] = [
    ("first", "page[size]"),
    ("after", "page[after]"),
    ("page", "page[number]"),
    ("q", "q"),
    ("locale", "locale"),
];

/// The REST list parameters of a list field's arguments, with these `include` paths.
pub fn list_params(args: &ObjectAccessor, include: &[String]) -> Params {
    let mut params = Vec::new();
    if let Some(filter) = given(args, "filter") {
        filter_params(filter, &mut params);
    }
    if let Some(sort) = given(args, "sort") {
        params.push(("sort".to_owned(), sort_param(sort)));
    }
    for (argument, parameter) in PLAIN {
        if let Some(value) = given(args, argument) {
            params.push((parameter.to_owned(), text(value)));
        }
    }
    common_params(args, include, &mut params);
    params
}

/// The REST parameters of a single entry's arguments (`locale`, `preview`), with these
/// `include` paths.
pub fn entry_params(args: &ObjectAccessor, include: &[String]) -> Params {
    let mut params = Vec::new();
    if let Some(locale) = given(args, "locale") {
        params.push(("locale".to_owned(), text(locale)));
    }
    common_params(args, include, &mut params);
    params
}

fn common_params(args: &ObjectAccessor, include: &[String], params: &mut Params) {
    if let Some(preview) = given(args, "preview") {
        params.push(("preview".to_owned(), text(preview)));
    }
    if !include.is_empty() {
        params.push(("include".to_owned(), include.join(",")));
    }
}

/// An argument's value, unless absent or null.
pub fn given<'a>(args: &'a ObjectAccessor, name: &str) -> Option<&'a Value> {
    args.get(name)
        .map(|value| value.as_value())
        .filter(|value| !matches!(value, Value::Null))
}

fn filter_params(filter: &Value, params: &mut Params) {
    let Value::Object(fields) = filter else {
        return;
    };
    for (name, conditions) in fields {
        if name.as_str() != "or" {
            field_params("filter", name, conditions, params);
            continue;
        }
        let Value::List(groups) = conditions else {
            continue;
        };
        for (index, group) in groups.iter().enumerate() {
            let Value::Object(group) = group else {
                continue;
            };
            for (name, conditions) in group {
                field_params(&format!("filter[or][{index}]"), name, conditions, params);
            }
        }
    }
}

/// `{eq: "x"}` on `path` is `filter[path][eq]=x`; a key that is no operator names a field
/// of the referenced entries: `authors: {slug: {eq: "x"}}` is `filter[authors.slug][eq]=x`.
fn field_params(prefix: &str, path: &str, conditions: &Value, params: &mut Params) {
    let Value::Object(keys) = conditions else {
        return;
    };
    for (key, operand) in keys {
        if matches!(operand, Value::Null) {
            continue;
        }
        if Operator::parse(key).is_some() {
            params.push((format!("{prefix}[{path}][{key}]"), text(operand)));
        } else {
            field_params(prefix, &format!("{path}.{key}"), operand, params);
        }
    }
}

/// `[TITLE_ASC, PUBLISHED_AT_DESC]` → `title,-published_at`.
fn sort_param(sort: &Value) -> String {
    let keys = match sort {
        Value::List(keys) => keys.iter().map(text).collect(),
        other => vec![text(other)],
    };
    keys.iter()
        .map(|key| match key.strip_suffix("_DESC") {
            Some(field) => format!("-{}", field.to_lowercase()),
            None => key.strip_suffix("_ASC").unwrap_or(key).to_lowercase(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A value as the REST parameter writes it; lists are comma-separated, as `in` takes them.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Enum(name) => name.to_string(),
        Value::List(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}
