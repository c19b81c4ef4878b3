//! Hostile fixture: `before_save` allocates a mebibyte at a time until the memory cap
//! stops it (`plugin_failed`, reason "memory limit exceeded").

use civitas_plugin_sdk::prelude::*;

struct MemoryBomb;

impl Plugin for MemoryBomb {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("hostile_memory", "Memory bomb", "Memory bombs")
                    .field(Field::text("title").required()),
            )
            .hooks(Hooks::BEFORE_SAVE)
    }

    fn before_save(_cx: &CallContext, _entry: Entry) -> Result<Entry, HookError> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![1u8; 1 << 20]);
            std::hint::black_box(&hoard);
        }
    }
}

export_plugin!(MemoryBomb);
