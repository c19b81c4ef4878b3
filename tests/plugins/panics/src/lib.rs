//! Hostile fixture: `validate` panics. A panic is a trap to the host (`plugin_failed`,
//! reason "the plugin panicked or aborted").

use civitas_plugin_sdk::prelude::*;

struct Panics;

impl Plugin for Panics {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("hostile_panic", "Panic", "Panics")
                    .field(Field::text("title").required()),
            )
            .hooks(Hooks::VALIDATE)
    }

    fn validate(_cx: &CallContext, entry: &Entry) -> Result<(), Vec<Issue>> {
        panic!(
            "the panics fixture panics on purpose (title: {:?})",
            entry.get_str("title")
        )
    }
}

export_plugin!(Panics);
