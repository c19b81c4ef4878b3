//! Fixture for the request budget and the after-read memo: a `slow_note` type whose
//! `after-read` spins for `burn_ms` (40 by default) before adding a computed field, as a
//! plugin near its deadline would. Notes can name a related note, so `include` embeds
//! entries of a plugin type. Its output depends only on its input, as the host requires
//! of `after-read`.

use std::time::{Duration, Instant};

use civitas_plugin_sdk::prelude::*;

struct SlowRead;

fn burn() -> Duration {
    let millis = config::get("burn_ms")
        .and_then(|text| text.parse().ok())
        .unwrap_or(40);
    Duration::from_millis(millis)
}

impl Plugin for SlowRead {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("slow_note", "Slow note", "Slow notes")
                    .field(Field::text("title").required().max_length(200))
                    .field(Field::reference("related", "slow_note")),
            )
            .hooks(Hooks::AFTER_READ)
    }

    fn after_read(_cx: &CallContext, mut entry: Entry) -> Result<Entry, HookError> {
        let started = Instant::now();
        let mut spins: u64 = 0;
        while started.elapsed() < burn() {
            // black_box keeps the loop from being optimised away.
            spins = std::hint::black_box(spins.wrapping_add(1));
        }
        let shout = entry.get_str("title").unwrap_or_default().to_uppercase();
        entry.set("shout", shout);
        Ok(entry)
    }
}

export_plugin!(SlowRead);
