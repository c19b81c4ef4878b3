//! What a stream reader may see of the change log: the public see only changes to what
//! they can read (publishes, and published entries leaving); `preview` on a type shows that type's draft work too, and `preview`
//! everywhere shows media and plugin events, with who made each change.

use civitas_store::ChangeEvent;
use serde_json::{Value, json};

use crate::auth::{Access, Capability, Principal};
use crate::state::AppState;

#[derive(Debug, Clone, Default)]
pub struct Visibility {
    /// `preview` on every type (and on no type in particular).
    preview_all: bool,
    /// Types with `preview`, when not all.
    preview_types: Vec<String>,
}

impl Visibility {
    pub fn public() -> Visibility {
        Visibility::default()
    }

    pub fn of(state: &AppState, principal: &Principal) -> Visibility {
        let previews = |type_id: Option<&str>| {
            principal.access(Capability::Preview, type_id) != Access::Denied
        };
        Visibility {
            preview_all: previews(None),
            preview_types: state
                .registry()
                .iter()
                .filter(|t| previews(Some(&t.id)))
                .map(|t| t.id.clone())
                .collect(),
        }
    }

    pub fn sees(&self, event: &ChangeEvent) -> bool {
        event.public
            || self.preview_all
            || event
                .content_type
                .as_ref()
                .is_some_and(|type_id| self.preview_types.contains(type_id))
    }

    /// Whether messages name who made each change and in which request.
    pub fn shows_actors(&self) -> bool {
        self.preview_all || !self.preview_types.is_empty()
    }

    /// As kept with a stream ticket.
    pub fn to_json(&self) -> Value {
        json!({"preview_all": self.preview_all, "preview_types": self.preview_types})
    }

    pub fn from_json(grant: &Value) -> Visibility {
        Visibility {
            preview_all: grant["preview_all"].as_bool().unwrap_or(false),
            preview_types: grant["preview_types"]
                .as_array()
                .map(|types| {
                    types
                        .iter()
                        .filter_map(|t| t.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}
