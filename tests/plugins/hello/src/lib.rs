//! The guide's plugin: a `greeting` type whose title must start with "Hello".

use civitas_plugin_sdk::prelude::*;

struct Hello;

impl Plugin for Hello {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(
                TypeDef::new("greeting", "Greeting", "Greetings")
                    .field(Field::text("title").required().max_length(200)),
            )
            .hooks(Hooks::VALIDATE)
    }

    fn validate(_cx: &CallContext, entry: &Entry) -> Result<(), Vec<Issue>> {
        match entry.get_str("title") {
            Some(title) if title.starts_with("Hello") => Ok(()),
            _ => Err(vec![Issue::new(
                "title",
                "not_a_greeting",
                "a greeting's title starts with \"Hello\"",
            )]),
        }
    }
}

export_plugin!(Hello);
