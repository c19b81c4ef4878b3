//! The set of content types a server knows, checked as a whole (references must point at
//! known types, ids must be unique).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content_type::ContentType;
use crate::definition::{DefinitionError, TypeDefinition};
use crate::field::FieldKind;

/// The built-in types, compiled into the binary from `schema/types/` so a server needs no
/// files beside it to run.
pub const BUILTIN_SOURCES: [(&str, &str); 4] = [
    (
        "schema/types/page.toml",
        include_str!("../../../schema/types/page.toml"),
    ),
    (
        "schema/types/post.toml",
        include_str!("../../../schema/types/post.toml"),
    ),
    (
        "schema/types/expert.toml",
        include_str!("../../../schema/types/expert.toml"),
    ),
    (
        "schema/types/partner.toml",
        include_str!("../../../schema/types/partner.toml"),
    ),
];

/// Why a set of types could not be loaded; names the file the problem is in.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{file}: {source}")]
    Parse {
        file: String,
        source: toml::de::Error,
    },
    #[error("{file}: {source}")]
    Definition {
        file: String,
        source: DefinitionError,
    },
    #[error("{file}: content type `{id}` is already defined")]
    Duplicate { file: String, id: String },
}

/// Content types by id, in a stable (alphabetical) order.
#[derive(Debug, Clone, Default)]
pub struct TypeRegistry {
    types: BTreeMap<String, Arc<ContentType>>,
    /// Where each type was defined (a file of `schema/types/`, a plugin), for messages
    /// that must say which two definitions clash.
    sources: BTreeMap<String, String>,
}

impl TypeRegistry {
    /// The built-in types: page, post, expert, partner.
    pub fn builtin() -> Result<TypeRegistry, RegistryError> {
        TypeRegistry::from_sources(&BUILTIN_SOURCES)
    }

    /// Loads `(file name, TOML text)` pairs and checks them together.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<TypeRegistry, RegistryError> {
        let mut registry = TypeRegistry::default();
        for (file, text) in sources {
            let definition =
                TypeDefinition::from_toml(text).map_err(|source| RegistryError::Parse {
                    file: file.to_string(),
                    source,
                })?;
            let content_type =
                definition
                    .into_content_type()
                    .map_err(|source| RegistryError::Definition {
                        file: file.to_string(),
                        source,
                    })?;
            if registry.types.contains_key(&content_type.id) {
                return Err(RegistryError::Duplicate {
                    file: file.to_string(),
                    id: content_type.id,
                });
            }
            registry
                .sources
                .insert(content_type.id.clone(), file.to_string());
            registry
                .types
                .insert(content_type.id.clone(), Arc::new(content_type));
        }
        registry
            .check_references()
            .map_err(|(id, source)| RegistryError::Definition {
                file: registry.sources.get(&id).cloned().unwrap_or_default(),
                source,
            })?;
        Ok(registry)
    }

    fn check_references(&self) -> Result<(), (String, DefinitionError)> {
        for content_type in self.types.values() {
            for field in &content_type.fields {
                if let FieldKind::Reference { to, .. } = &field.kind
                    && !self.types.contains_key(to)
                {
                    let error = DefinitionError {
                        type_id: content_type.id.clone(),
                        field: Some(field.name.clone()),
                        message: format!("references unknown type `{to}`"),
                    };
                    return Err((content_type.id.clone(), error));
                }
            }
        }
        Ok(())
    }

    /// Adds a type from elsewhere (a plugin), checked like the built-in ones: its id must
    /// be new and its references must point at known types (or at itself). On error the
    /// registry is unchanged.
    pub fn add(&mut self, source: &str, definition: TypeDefinition) -> Result<(), RegistryError> {
        let content_type =
            definition
                .into_content_type()
                .map_err(|source_error| RegistryError::Definition {
                    file: source.to_owned(),
                    source: source_error,
                })?;
        if self.types.contains_key(&content_type.id) {
            return Err(RegistryError::Duplicate {
                file: source.to_owned(),
                id: content_type.id,
            });
        }
        let id = content_type.id.clone();
        self.types.insert(id.clone(), Arc::new(content_type));
        if let Err((_, error)) = self.check_references() {
            self.types.remove(&id);
            return Err(RegistryError::Definition {
                file: source.to_owned(),
                source: error,
            });
        }
        self.sources.insert(id, source.to_owned());
        Ok(())
    }

    /// Where the type `id` was defined: its file of `schema/types/`, or its plugin.
    pub fn source_of(&self, id: &str) -> Option<&str> {
        self.sources.get(id).map(String::as_str)
    }

    pub fn get(&self, id: &str) -> Option<&Arc<ContentType>> {
        self.types.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<ContentType>> {
        self.types.values()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::validate::{WriteMode, validate};

    fn builtin() -> TypeRegistry {
        TypeRegistry::builtin().expect("built-in types load")
    }

    fn check(type_id: &str, body: Value) -> Result<crate::validate::Document, Vec<String>> {
        let registry = builtin();
        let content_type = registry.get(type_id).expect("type exists");
        let object = body.as_object().expect("object body").clone();
        validate(content_type, &object, WriteMode::Create).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| format!("{}:{}", e.field, e.code))
                .collect()
        })
    }

    #[test]
    fn builtin_types_load() {
        let ids: Vec<_> = builtin().iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids, ["expert", "page", "partner", "post"]);
    }

    #[test]
    fn reports_every_field_error_at_once() {
        let errors = check(
            "partner",
            json!({"kind": "castle", "website": "ftp://x", "member_since": "2024-13-01",
                   "trusted": "yes", "colour": "red"}),
        )
        .expect_err("invalid partner");
        for expected in [
            "name:required",
            "kind:invalid_option",
            "website:invalid_url",
            "member_since:invalid_date",
            "trusted:invalid_type",
            "colour:unknown_field",
        ] {
            assert!(
                errors.contains(&expected.to_string()),
                "{expected} in {errors:?}"
            );
        }
    }

    #[test]
    fn normalises_valid_data() {
        let document = check(
            "post",
            json!({"title": "This is WSCO", "body": "**Hello**", "tags": ["wsco"],
                   "published_at": "2024-03-01T10:00:00+01:00", "id": "ignored"}),
        )
        .expect("valid post");
        assert_eq!(
            document.values["body"]["html"],
            "<p><strong>Hello</strong></p>\n"
        );
        assert_eq!(
            document.published_at.as_deref(),
            Some("2024-03-01T09:00:00Z")
        );
    }

    #[test]
    fn defaults_apply_on_create() {
        let document = check("partner", json!({"name": "Demo", "kind": "city"})).expect("valid");
        assert_eq!(document.values["trusted"], false);
    }

    #[test]
    fn refuses_bad_definitions() {
        let bad = [
            ("unknown kind", r#"kind = "colour""#),
            ("option on text", "kind = \"text\"\noptions = [\"a\"]"),
            ("system name", "kind = \"text\"\nname2 = 1"),
        ];
        for (what, field) in bad {
            let text = format!(
                "id = \"t\"\nlabel = \"T\"\nplural_label = \"Ts\"\ntitle_field = \"name\"\n\
                 slug_from = \"name\"\n[[fields]]\nname = \"name\"\n{field}\n"
            );
            assert!(
                TypeRegistry::from_sources(&[("t.toml", &text)]).is_err(),
                "{what}"
            );
        }
    }
}
