//! Hostile fixture: `after_read` returns a 100 MiB string. Its manifest asks for 256 MiB of
//! memory so the string can be built; the host's output cap refuses it (`plugin_failed`,
//! reason "output of ... bytes is over the ...-byte limit").
//!
//! It implements the raw bindings rather than [`Plugin`] so the output is exactly one
//! 100 MiB allocation, not a JSON serialisation of it.

use civitas_plugin_sdk::bindings::exports::civitas::plugin::plugin::Guest;
use civitas_plugin_sdk::prelude::*;

struct HugeOutput;

const SIZE: usize = 100 << 20;

impl Guest for HugeOutput {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("hostile_output", "Huge output", "Huge outputs")
                    .field(Field::text("title").required()),
            )
            .hooks(Hooks::AFTER_READ)
    }

    fn validate(_cx: CallContext, _entry: String) -> Result<(), Vec<Issue>> {
        Ok(())
    }

    fn before_save(_cx: CallContext, entry: String) -> Result<String, HookError> {
        Ok(entry)
    }

    fn after_read(_cx: CallContext, _entry: String) -> Result<String, HookError> {
        // One allocation, filled with a memset: fast enough to finish within the deadline,
        // so it is the output cap that stops it.
        let mut out = String::with_capacity(SIZE + 16);
        out.push_str("{\"blob\":\"");
        out.push_str(&"x".repeat(SIZE));
        out.push_str("\"}");
        Ok(out)
    }
}

civitas_plugin_sdk::bindings::export_bindings!(HugeOutput with_types_in civitas_plugin_sdk::bindings);
