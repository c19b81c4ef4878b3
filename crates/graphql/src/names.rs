//! The check that no two sources claim one GraphQL name.

use std::collections::BTreeMap;

/// Who has claimed each name so far.
#[derive(Default)]
pub struct Claims {
    owners: BTreeMap<String, String>,
}

impl Claims {
    /// Claims `name` for `owner` (e.g. "content type `post`"); the error names both.
    pub fn claim(&mut self, name: &str, owner: &str) -> Result<(), String> {
        match self.owners.get(name) {
            Some(first) if first != owner => Err(format!(
                "the GraphQL name `{name}` comes from both {first} and {owner}; rename one of the content types"
            )),
            Some(_) => Ok(()),
            None => {
                self.owners.insert(name.to_owned(), owner.to_owned());
                Ok(())
            }
        }
    }
}
