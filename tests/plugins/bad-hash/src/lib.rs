//! Fixture: a well-behaved plugin that build.rs packages with a wrong sha256 in its
//! `plugin.toml`. The host refuses it at load ("sha256 mismatch").

use civitas_plugin_sdk::prelude::*;

struct BadHash;

impl Plugin for BadHash {
    fn describe() -> Manifest {
        Manifest::new().with_type(
            TypeDef::new("bad_hash_item", "Bad hash item", "Bad hash items")
                .field(Field::text("title").required()),
        )
    }
}

export_plugin!(BadHash);
