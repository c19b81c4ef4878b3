//! The checks a query passes before it runs, so that a costly query is refused without a
//! single database query: its nesting depth (introspection not counted, so GraphiQL can
//! read the schema), its aliases, and its cost, where each selected field counts once per
//! entry it may be read for: times the page size of the list it is in, times the most
//! entries of each reference list above it.

use std::collections::HashSet;

use async_graphql::Value;
use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};

use crate::model::Model;
use crate::settings::Settings;

/// A query refused by a check, with the code clients see in `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LimitError {
    pub code: &'static str,
    pub message: String,
}

/// Where a selection sits, for knowing what its fields are.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Root,
    Connection(&'a str),
    Edge(&'a str),
    Entry(&'a str),
    Other,
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    model: &'a Model,
    settings: &'a Settings,
    /// Whether `__schema` and `__type` may be asked for.
    introspection: bool,
    aliases: usize,
    /// Fragments being walked, so a cycle (refused later by validation) ends here.
    fragments: HashSet<&'a str>,
}

/// Checks every operation of `document`; `introspection` says whether the caller may
/// read the schema (`__schema`, `__type`).
pub fn check_document(
    document: &ExecutableDocument,
    variables: &Variables,
    model: &Model,
    settings: &Settings,
    introspection: bool,
) -> Result<(), LimitError> {
    let mut walk = Walk {
        document,
        variables,
        model,
        settings,
        introspection,
        aliases: 0,
        fragments: HashSet::new(),
    };
    let mut cost = 0u64;
    for (_, operation) in document.operations.iter() {
        cost = cost.saturating_add(walk.set(&operation.node.selection_set.node, Scope::Root, 1)?);
    }
    if cost > settings.max_cost {
        return Err(LimitError {
            code: "query_too_costly",
            message: format!(
                "the query may read {cost} values, over the limit of {}; ask for smaller pages or fewer fields",
                settings.max_cost
            ),
        });
    }
    Ok(())
}

impl<'a> Walk<'a> {
    /// The cost of a selection set at `depth`.
    fn set(
        &mut self,
        set: &'a SelectionSet,
        scope: Scope<'a>,
        depth: usize,
    ) -> Result<u64, LimitError> {
        let mut cost = 0u64;
        for item in &set.items {
            let item_cost = match &item.node {
                Selection::Field(field) => self.field(&field.node, scope, depth)?,
                Selection::InlineFragment(fragment) => {
                    self.set(&fragment.node.selection_set.node, scope, depth)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.document.fragments.get(name) {
                        Some(fragment) if self.fragments.insert(name) => {
                            let cost = self.set(&fragment.node.selection_set.node, scope, depth);
                            self.fragments.remove(name);
                            cost?
                        }
                        _ => 0,
                    }
                }
            };
            cost = cost.saturating_add(item_cost);
        }
        Ok(cost)
    }

    fn field(
        &mut self,
        field: &'a Field,
        scope: Scope<'a>,
        depth: usize,
    ) -> Result<u64, LimitError> {
        let name = field.name.node.as_str();
        if matches!(name, "__schema" | "__type") && !self.introspection {
            return Err(LimitError {
                code: "introspection_disabled",
                message: "this server does not describe its schema to this caller (`graphql.introspection`); the SDL is at /api/v1/graphql/schema.graphql".to_owned(),
            });
        }
        if name.starts_with("__") {
            return Ok(0);
        }
        if field.alias.is_some() {
            self.aliases += 1;
            if self.aliases > self.settings.max_aliases {
                return Err(LimitError {
                    code: "too_many_aliases",
                    message: format!(
                        "the query has more than {} aliases",
                        self.settings.max_aliases
                    ),
                });
            }
        }
        if depth > self.settings.max_depth {
            return Err(LimitError {
                code: "query_too_deep",
                message: format!(
                    "the query nests fields deeper than {} levels",
                    self.settings.max_depth
                ),
            });
        }
        let (times, inner) = self.inner(field, scope);
        let below = self.set(&field.selection_set.node, inner, depth + 1)?;
        Ok(times.saturating_mul(below.saturating_add(1)))
    }

    /// How many times a field's selection may be read, and its scope.
    fn inner(&self, field: &'a Field, scope: Scope<'a>) -> (u64, Scope<'a>) {
        let name = field.name.node.as_str();
        match scope {
            Scope::Root => match self.model.root(name) {
                Some(root) if root.list => {
                    (self.page_size(field), Scope::Connection(&root.type_id))
                }
                Some(root) => (1, Scope::Entry(&root.type_id)),
                None => (1, Scope::Other),
            },
            Scope::Connection(type_id) => match name {
                "nodes" => (1, Scope::Entry(type_id)),
                "edges" => (1, Scope::Edge(type_id)),
                _ => (1, Scope::Other),
            },
            Scope::Edge(type_id) if name == "node" => (1, Scope::Entry(type_id)),
            Scope::Entry(type_id) => match self.model.reference(type_id, name) {
                Some(reference) => (reference.most, Scope::Entry(&reference.target)),
                None => (1, Scope::Other),
            },
            Scope::Edge(_) | Scope::Other => (1, Scope::Other),
        }
    }

    /// The `first` of a list field, from the query or its variables; else the default.
    fn page_size(&self, field: &Field) -> u64 {
        let first = field
            .arguments
            .iter()
            .find(|(name, _)| name.node.as_str() == "first")
            .map(|(_, value)| &value.node);
        let value = first.and_then(|value| {
            let variable = |name| self.variables.get(&name).cloned().ok_or(());
            value.clone().into_const_with(variable).ok()
        });
        match value {
            Some(Value::Number(number)) => number.as_u64().unwrap_or(u64::MAX),
            _ => self.model.default_page_size,
        }
    }
}
