//! Which references a query selects, as REST `include` paths: the whole page's
//! references are then read with one database query per level, never one per entry.

use std::collections::BTreeSet;

use async_graphql::SelectionField;

use crate::model::Model;

/// The `include` paths of a list field: the references selected under `nodes` and
/// `edges { node }`.
pub fn list_include(model: &Model, type_id: &str, field: SelectionField) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for child in field.selection_set() {
        match child.name() {
            "nodes" => collect(model, type_id, "", child, &mut paths),
            "edges" => {
                for node in child.selection_set().filter(|f| f.name() == "node") {
                    collect(model, type_id, "", node, &mut paths);
                }
            }
            _ => {}
        }
    }
    paths.into_iter().collect()
}

/// The `include` paths of a single entry's field.
pub fn entry_include(model: &Model, type_id: &str, field: SelectionField) -> Vec<String> {
    let mut paths = BTreeSet::new();
    collect(model, type_id, "", field, &mut paths);
    paths.into_iter().collect()
}

/// Adds the reference paths under an entry's selection.
fn collect(
    model: &Model,
    type_id: &str,
    prefix: &str,
    entry: SelectionField,
    paths: &mut BTreeSet<String>,
) {
    for field in entry.selection_set() {
        let Some(reference) = model.reference(type_id, field.name()) else {
            continue;
        };
        let path = format!("{prefix}{}", field.name());
        collect(model, &reference.target, &format!("{path}."), field, paths);
        paths.insert(path);
    }
}
