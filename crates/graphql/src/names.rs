//! The check that no two sources claim one GraphQL name.

use std::collections::BTreeMap;

use civitas_core::TypeRegistry;

use crate::filters::owner;

/// Who has claimed each name so far, and where each content type was defined, so that a
/// clash names both definitions.
pub struct Claims {
    owners: BTreeMap<String, String>,
    sources: BTreeMap<String, String>,
}

impl Claims {
    /// Claims for the types of `registry`, whose clashes name the file or plugin each
    /// type comes from.
    pub fn new(registry: &TypeRegistry) -> Claims {
        let sources = registry
            .iter()
            .filter_map(|content_type| {
                let source = registry.source_of(&content_type.id)?;
                Some((
                    owner(content_type),
                    format!("{} ({source})", owner(content_type)),
                ))
            })
            .collect();
        Claims {
            owners: BTreeMap::new(),
            sources,
        }
    }

    /// Claims `name` for `owner` (e.g. "content type `post`"); the error names both.
    pub fn claim(&mut self, name: &str, owner: &str) -> Result<(), String> {
        match self.owners.get(name) {
            Some(first) if first != owner => Err(format!(
                "the GraphQL name `{name}` comes from both {} and {}; rename one of the content types",
                self.described(first),
                self.described(owner)
            )),
            Some(_) => Ok(()),
            None => {
                self.owners.insert(name.to_owned(), owner.to_owned());
                Ok(())
            }
        }
    }

    fn described<'a>(&'a self, owner: &'a str) -> &'a str {
        self.sources.get(owner).map_or(owner, String::as_str)
    }
}
