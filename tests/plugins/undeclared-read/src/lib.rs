//! Fixture: `validate` reads type `post` through the `content` import while its manifest
//! grants only `expert`. The host answers `not-permitted` (it never reaches the store);
//! this plugin turns that answer into an issue, so the client sees a 422 whose details
//! hold `{"field": "", "code": "not_permitted", ...}`.

use civitas_plugin_sdk::prelude::*;

struct UndeclaredRead;

impl Plugin for UndeclaredRead {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("hostile_read", "Undeclared read", "Undeclared reads")
                    .field(Field::text("title").required()),
            )
            .hooks(Hooks::VALIDATE)
    }

    fn validate(_cx: &CallContext, _entry: &Entry) -> Result<(), Vec<Issue>> {
        match content::find("post", None, 1) {
            Err(content::ContentError::NotPermitted) => Err(vec![Issue::new(
                "",
                "not_permitted",
                "the host refused to let this plugin read `post`",
            )]),
            Err(other) => Err(vec![Issue::new("", "read_failed", format!("{other:?}"))]),
            Ok(_) => Err(vec![Issue::new(
                "",
                "read_allowed",
                "the host let this plugin read `post`: the capability check is broken",
            )]),
        }
    }
}

export_plugin!(UndeclaredRead);
