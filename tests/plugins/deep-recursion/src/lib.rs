//! Hostile fixture: `validate` recurses without bound. The host's wasm stack limit stops
//! it (`plugin_failed`, reason "stack overflow").
//!
//! The frames hold only scalars, so they live on the wasm stack that the host limits. (A
//! frame with arrays would also use Rust's shadow stack in linear memory; overflowing that
//! shows up as "out of bounds memory access" instead, equally contained.)

use civitas_plugin_sdk::prelude::*;

struct DeepRecursion;

#[inline(never)]
fn descend(depth: u64) -> u64 {
    if std::hint::black_box(depth) == u64::MAX {
        return 0;
    }
    // Using the result after the call keeps the recursion from becoming a loop.
    std::hint::black_box(descend(depth + 1)).wrapping_add(depth)
}

impl Plugin for DeepRecursion {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("hostile_recursion", "Recursion", "Recursions")
                    .field(Field::text("title").required()),
            )
            .hooks(Hooks::VALIDATE)
    }

    fn validate(_cx: &CallContext, _entry: &Entry) -> Result<(), Vec<Issue>> {
        std::hint::black_box(descend(0));
        Ok(())
    }
}

export_plugin!(DeepRecursion);
