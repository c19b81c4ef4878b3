//! Who is asking and what they may do: capabilities granted by a role (sessions) or by
//! scopes (API tokens), over all content types or some.

use std::collections::{BTreeMap, BTreeSet};

use civitas_store::Actor;
use serde::Serialize;

/// What a request may do. Each admin route needs one (see `schemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Read published content (public routes, when they require a token).
    Read,
    /// Read drafts: the admin content routes' GETs.
    Preview,
    /// Create, change and delete entries.
    Write,
    /// Publish and unpublish entries.
    Publish,
    /// Everything, including users, tokens, plugins and the audit log.
    Admin,
}

impl Capability {
    pub const ALL: [Capability; 5] = [
        Capability::Read,
        Capability::Preview,
        Capability::Write,
        Capability::Publish,
        Capability::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Read => "read",
            Capability::Preview => "preview",
            Capability::Write => "write",
            Capability::Publish => "publish",
            Capability::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Whether holding `self` also allows `wanted`: admin allows everything, writing
    /// allows reading drafts (an editor must see what they change), and any capability
    /// allows reading what is published.
    fn covers(self, wanted: Capability) -> bool {
        self == wanted
            || self == Capability::Admin
            || (self == Capability::Write && wanted == Capability::Preview)
            || wanted == Capability::Read
    }
}

/// One capability over all types (`types: None`) or the named ones, perhaps only on
/// entries the holder created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub capability: Capability,
    pub types: Option<BTreeSet<String>>,
    pub own_entries_only: bool,
}

impl Grant {
    pub fn everywhere(capability: Capability) -> Grant {
        Grant {
            capability,
            types: None,
            own_entries_only: false,
        }
    }

    fn applies_to(&self, type_id: Option<&str>) -> bool {
        match (&self.types, type_id) {
            (None, _) => true,
            (Some(types), Some(type_id)) => types.contains(type_id),
            // A route about no type in particular (the type list, search) is open to a
            // grant over some types.
            (Some(_), None) => true,
        }
    }
}

/// How far a capability reaches on one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Denied,
    /// Only entries the principal created (the author role).
    OwnEntries,
    All,
}

/// A role: built in (admin, editor, author, viewer) or defined in `auth.roles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub grants: Vec<Grant>,
}

impl Role {
    /// A role from `auth.roles`: capabilities (`read`, `preview`, `write`, `publish`),
    /// over the named types or all, writing perhaps only entries its holders created.
    pub fn configured(
        can: &[String],
        types: Option<&[String]>,
        own_entries_only: bool,
    ) -> Result<Role, String> {
        let types: Option<BTreeSet<String>> = types.map(|t| t.iter().cloned().collect());
        let grants = can
            .iter()
            .map(|name| match Capability::parse(name) {
                Some(Capability::Admin) | None => Err(format!(
                    "`{name}` is not a capability a role can have (read, preview, write, publish; use the built-in admin role for admin)"
                )),
                Some(capability) => Ok(Grant {
                    capability,
                    types: types.clone(),
                    own_entries_only: own_entries_only && capability == Capability::Write,
                }),
            })
            .collect::<Result<Vec<Grant>, String>>()?;
        Ok(Role { grants })
    }
}

pub const BUILTIN_ROLES: [&str; 4] = ["admin", "editor", "author", "viewer"];

fn builtin_role(name: &str) -> Option<Role> {
    use Capability::*;
    let grants = match name {
        "admin" => vec![Grant::everywhere(Admin)],
        "editor" => vec![
            Grant::everywhere(Preview),
            Grant::everywhere(Write),
            Grant::everywhere(Publish),
        ],
        "author" => vec![
            Grant::everywhere(Preview),
            Grant {
                capability: Write,
                types: None,
                own_entries_only: true,
            },
        ],
        "viewer" => vec![Grant::everywhere(Preview)],
        _ => return None,
    };
    Some(Role { grants })
}

/// The roles a user may have: the built-in ones and those configured.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub custom: BTreeMap<String, Role>,
}

impl Roles {
    pub fn get(&self, name: &str) -> Option<Role> {
        builtin_role(name).or_else(|| self.custom.get(name).cloned())
    }

    pub fn names(&self) -> Vec<String> {
        BUILTIN_ROLES
            .iter()
            .map(|r| (*r).to_owned())
            .chain(self.custom.keys().cloned())
            .collect()
    }
}

/// An API token's scope: `read`, `preview`, `write`, `publish` or `admin`, the first four
/// optionally narrowed to one type (`write:partner`).
pub fn parse_scope(scope: &str) -> Option<Grant> {
    let (name, type_id) = match scope.split_once(':') {
        Some((name, type_id)) => (name, Some(type_id)),
        None => (scope, None),
    };
    let capability = Capability::parse(name)?;
    if capability == Capability::Admin && type_id.is_some() {
        return None;
    }
    Some(Grant {
        capability,
        types: type_id.map(|t| BTreeSet::from([t.to_owned()])),
        own_entries_only: false,
    })
}

/// How the request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session { id: String, user_id: String },
    Token { id: String },
    Emergency,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub credential: Credential,
    /// `user:ID`, `token:ID` or `emergency`.
    pub actor_id: String,
    /// An email or a token's name.
    pub name: String,
    /// The user's role, for sessions.
    pub role: Option<String>,
    pub grants: Vec<Grant>,
}

impl Principal {
    /// How far `capability` reaches on `type_id` (or on no type in particular).
    pub fn access(&self, capability: Capability, type_id: Option<&str>) -> Access {
        let mut access = Access::Denied;
        for grant in &self.grants {
            if !grant.capability.covers(capability) || !grant.applies_to(type_id) {
                continue;
            }
            let own_only = grant.own_entries_only && grant.capability == capability;
            if !own_only {
                return Access::All;
            }
            access = Access::OwnEntries;
        }
        access
    }

    /// Who this is, for `created_by`/`updated_by` and the audit log.
    pub fn actor(&self) -> Actor {
        let credential = match &self.credential {
            Credential::Session { id, .. } => format!("session:{id}"),
            Credential::Token { id } => format!("token:{id}"),
            Credential::Emergency => "emergency".to_owned(),
        };
        Actor {
            id: self.actor_id.clone(),
            name: self.name.clone(),
            credential,
            request_id: crate::request_id::current(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            credential: Credential::Emergency,
            actor_id: "test".into(),
            name: "test".into(),
            role: None,
            grants,
        }
    }

    #[test]
    fn roles_grant_what_their_names_promise() {
        let roles = Roles::default();
        let of = |role: &str| principal(roles.get(role).expect("built in").grants);
        let (admin, editor, author, viewer) =
            (of("admin"), of("editor"), of("author"), of("viewer"));
        for capability in Capability::ALL {
            assert_eq!(admin.access(capability, Some("post")), Access::All);
        }
        assert_eq!(
            editor.access(Capability::Publish, Some("post")),
            Access::All
        );
        assert_eq!(editor.access(Capability::Admin, None), Access::Denied);
        assert_eq!(
            author.access(Capability::Write, Some("post")),
            Access::OwnEntries
        );
        assert_eq!(
            author.access(Capability::Preview, Some("post")),
            Access::All
        );
        assert_eq!(
            author.access(Capability::Publish, Some("post")),
            Access::Denied
        );
        assert_eq!(
            viewer.access(Capability::Preview, Some("post")),
            Access::All
        );
        assert_eq!(
            viewer.access(Capability::Write, Some("post")),
            Access::Denied
        );
    }

    #[test]
    fn scopes_narrow_to_one_type() {
        let token = principal(vec![parse_scope("write:partner").expect("valid")]);
        assert_eq!(
            token.access(Capability::Write, Some("partner")),
            Access::All
        );
        assert_eq!(
            token.access(Capability::Preview, Some("partner")),
            Access::All
        );
        assert_eq!(
            token.access(Capability::Write, Some("post")),
            Access::Denied
        );
        assert_eq!(
            token.access(Capability::Publish, Some("partner")),
            Access::Denied
        );
        assert!(parse_scope("admin:post").is_none());
        assert!(parse_scope("delete").is_none());
        let reader = principal(vec![parse_scope("read").expect("valid")]);
        assert_eq!(reader.access(Capability::Read, Some("post")), Access::All);
        assert_eq!(
            reader.access(Capability::Preview, Some("post")),
            Access::Denied
        );
    }
}
