//! Hostile fixture: `describe()` claims the built-in `post` type id. The host refuses the
//! plugin at load ("type id `post` belongs to a built-in type") and starts without it.

use civitas_plugin_sdk::prelude::*;

struct ClaimsPost;

impl Plugin for ClaimsPost {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(TypeDef::new("post", "Post", "Posts").field(Field::text("title").required()))
    }
}

export_plugin!(ClaimsPost);
