//! Hostile fixture: `validate` never returns. The host must stop it at its deadline
//! (`plugin_failed`, reason "timed out") and keep serving.

use civitas_plugin_sdk::prelude::*;

struct InfiniteLoop;

impl Plugin for InfiniteLoop {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("hostile_loop", "Loop", "Loops")
                    .field(Field::text("title").required()),
            )
            .hooks(Hooks::VALIDATE)
    }

    fn validate(_cx: &CallContext, _entry: &Entry) -> Result<(), Vec<Issue>> {
        let mut n: u64 = 0;
        loop {
            // black_box keeps the loop from being optimised into a trap.
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

export_plugin!(InfiniteLoop);
