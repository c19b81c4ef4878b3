//! A content type: the checked, ready-to-use form of a type definition.

use serde_json::{Map, Value};

use crate::field::Field;
use crate::query::SortKey;

/// A kind of entry (`post`, `expert`, ...): its fields and options. Built-in types and
/// plugin types are the same thing to everything downstream.
#[derive(Debug, Clone)]
pub struct ContentType {
    pub id: String,
    pub label: String,
    pub plural_label: String,
    pub description: Option<String>,
    /// The text field shown as the entry's title.
    pub title_field: String,
    /// The text field a slug is made from when an editor gives none.
    pub slug_from: String,
    /// The order of public lists when a request names none.
    pub default_sort: Vec<SortKey>,
    pub fields: Vec<Field>,
}

/// A type id in PascalCase (`study_case` -> `StudyCase`): the form names take in the
/// OpenAPI document and the GraphQL schema.
pub fn pascal_case(id: &str) -> String {
    id.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl ContentType {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The fields a reader may name and see: all of them for the admin API, the
    /// non-private ones for the public API.
    pub fn visible_fields(&self, public: bool) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(move |f| !(public && f.private))
    }

    /// The field called `name`, when the reader may see it (see [`Self::visible_fields`]).
    pub fn visible_field(&self, name: &str, public: bool) -> Option<&Field> {
        self.field(name).filter(|f| !(public && f.private))
    }

    /// Whether full-text search has anything to look in.
    pub fn is_searchable(&self) -> bool {
        self.fields.iter().any(|f| f.searchable)
    }

    /// Removes what the public must not see from an entry: private fields, who created
    /// or last changed it, editorial state, and the raw translations (the public gets one
    /// locale, resolved before this).
    pub fn strip_private(&self, entry: &mut Map<String, Value>) {
        for editorial in [
            "translations",
            "unpublished_changes",
            "scheduled_publish_at",
            "scheduled_unpublish_at",
            "created_by",
            "updated_by",
        ] {
            entry.shift_remove(editorial);
        }
        for field in self.fields.iter().filter(|f| f.private) {
            entry.shift_remove(&field.name);
        }
    }
}
