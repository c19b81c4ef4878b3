//! What the query checks and the include planner need to know of the content types: the
//! root fields and, per type, its reference fields.

use std::collections::BTreeMap;

use civitas_core::{FieldKind, TypeRegistry};

/// Entries a reference list is counted at when its type sets no maximum.
const UNBOUNDED_REFERENCES: u64 = 10;

/// A reference field: the type it points to and how many entries it may hold.
#[derive(Debug, Clone)]
pub struct Reference {
    pub target: String,
    pub most: u64,
}

/// A root field: the content type it reads, and whether it is the list.
#[derive(Debug, Clone)]
pub struct Root {
    pub type_id: String,
    pub list: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Model {
    roots: BTreeMap<String, Root>,
    references: BTreeMap<String, BTreeMap<String, Reference>>,
    /// The page size of a list that gives no `first`.
    pub default_page_size: u64,
}

/// The root field of the list of a type.
pub fn list_field(type_id: &str) -> String {
    format!("{type_id}_list")
}

impl Model {
    pub fn new(registry: &TypeRegistry, default_page_size: u64) -> Model {
        let mut model = Model {
            default_page_size,
            ..Model::default()
        };
        for content_type in registry.iter() {
            let id = &content_type.id;
            for (name, list) in [(id.clone(), false), (list_field(id), true)] {
                let type_id = id.clone();
                model.roots.insert(name, Root { type_id, list });
            }
            let references = content_type
                .visible_fields(true)
                .filter_map(|field| match &field.kind {
                    FieldKind::Reference { to, many, items } => {
                        let most = match (many, items.max) {
                            (false, _) => 1,
                            (true, Some(max)) => max as u64,
                            (true, None) => UNBOUNDED_REFERENCES,
                        };
                        let target = to.clone();
                        Some((field.name.clone(), Reference { target, most }))
                    }
                    _ => None,
                })
                .collect();
            model.references.insert(id.clone(), references);
        }
        model
    }

    pub fn root(&self, field: &str) -> Option<&Root> {
        self.roots.get(field)
    }

    pub fn reference(&self, type_id: &str, field: &str) -> Option<&Reference> {
        self.references.get(type_id)?.get(field)
    }
}
