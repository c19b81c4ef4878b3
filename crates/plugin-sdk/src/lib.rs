//! The Civitas plugin SDK: what a plugin author depends on.
//!
//! A plugin is a WebAssembly component (`wasm32-wasip2`) that implements the WIT world
//! `civitas:plugin/content-type-plugin@0.1.0` (see `wit/since_v0.1.0/plugin.wit`, the
//! reference). This crate wraps the generated bindings so a plugin is a type implementing
//! [`Plugin`], whose hooks have defaults, plus one [`export_plugin!`] line:
//!
//! ```ignore
//! use civitas_plugin_sdk::prelude::*;
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn describe() -> Manifest {
//!         Manifest::new()
//!             .with_type(TypeDef::new("greeting", "Greeting", "Greetings")
//!                 .field(Field::text("title").required()))
//!             .hooks(Hooks::VALIDATE)
//!     }
//!
//!     fn validate(_cx: &CallContext, entry: &Entry) -> Result<(), Vec<Issue>> {
//!         match entry.get_str("title") {
//!             Some(t) if t.starts_with("Hello") => Ok(()),
//!             _ => Err(vec![Issue::new("title", "not_a_greeting", "say hello")]),
//!         }
//!     }
//! }
//!
//! export_plugin!(Hello);
//! ```

mod define;
mod entry;
pub mod host;

/// The generated bindings of the 0.1.0 world. Plugins normally use the re-exports instead.
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/since_v0.1.0",
        world: "content-type-plugin",
        pub_export_macro: true,
        default_bindings_module: "civitas_plugin_sdk::bindings",
        export_macro_name: "export_bindings",
    });
}

pub use bindings::civitas::plugin::types::{
    CallContext, FieldDef, HookError, Hooks, Issue, Manifest, TypeDef,
};
pub use define::Field;
pub use entry::Entry;

/// The version of the WIT contract this SDK implements.
pub const API_VERSION: &str = "0.1.0";

/// Everything a plugin usually needs, for `use civitas_plugin_sdk::prelude::*`.
pub mod prelude {
    pub use crate::host::{config, content, log};
    pub use crate::{
        CallContext, Entry, Field, HookError, Hooks, Issue, Manifest, Plugin, TypeDef,
        export_plugin,
    };
}

/// A plugin: its types and hooks. Every hook has a default that lets the entry through
/// unchanged, so a plugin implements only what it declares in [`Plugin::describe`].
pub trait Plugin {
    /// The plugin's types and the hooks it implements. Called once at load.
    fn describe() -> Manifest;

    /// Checks an entry before it is stored. `Err` must hold at least one issue.
    fn validate(_cx: &CallContext, _entry: &Entry) -> Result<(), Vec<Issue>> {
        Ok(())
    }

    /// Rewrites an entry just before it is stored.
    fn before_save(_cx: &CallContext, entry: Entry) -> Result<Entry, HookError> {
        Ok(entry)
    }

    /// Rewrites an entry just before it is served.
    fn after_read(_cx: &CallContext, entry: Entry) -> Result<Entry, HookError> {
        Ok(entry)
    }
}

impl Issue {
    /// An issue with `field` (empty for the whole entry), a stable `code` and a message.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Issue {
        Issue {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

impl HookError {
    /// Refuses the entry with one issue.
    pub fn rejected(issue: Issue) -> HookError {
        HookError::Rejected(vec![issue])
    }

    /// Reports that the plugin could not do its work.
    pub fn internal(message: impl Into<String>) -> HookError {
        HookError::Internal(message.into())
    }
}

/// The glue between the generated `Guest` trait and a [`Plugin`]; used by
/// [`export_plugin!`], not meant to be called directly.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use bindings::exports::civitas::plugin::plugin::Guest;

    pub fn validate<P: Plugin>(cx: CallContext, entry: String) -> Result<(), Vec<Issue>> {
        let entry = Entry::parse(&entry)
            .map_err(|message| vec![Issue::new("", "invalid_entry", message)])?;
        P::validate(&cx, &entry)
    }

    pub fn before_save<P: Plugin>(cx: CallContext, entry: String) -> Result<String, HookError> {
        let entry = Entry::parse(&entry).map_err(HookError::Internal)?;
        P::before_save(&cx, entry).map(|e| e.to_json())
    }

    pub fn after_read<P: Plugin>(cx: CallContext, entry: String) -> Result<String, HookError> {
        let entry = Entry::parse(&entry).map_err(HookError::Internal)?;
        P::after_read(&cx, entry).map(|e| e.to_json())
    }
}

/// Exports a [`Plugin`] as the component's `plugin` interface. Use once per plugin crate
/// (which must be a `cdylib`).
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        const _: () = {
            struct CivitasExport;

            impl $crate::__private::Guest for CivitasExport {
                fn describe() -> $crate::Manifest {
                    <$plugin as $crate::Plugin>::describe()
                }
                fn validate(
                    cx: $crate::CallContext,
                    entry: ::std::string::String,
                ) -> ::std::result::Result<(), ::std::vec::Vec<$crate::Issue>> {
                    $crate::__private::validate::<$plugin>(cx, entry)
                }
                fn before_save(
                    cx: $crate::CallContext,
                    entry: ::std::string::String,
                ) -> ::std::result::Result<::std::string::String, $crate::HookError> {
                    $crate::__private::before_save::<$plugin>(cx, entry)
                }
                fn after_read(
                    cx: $crate::CallContext,
                    entry: ::std::string::String,
                ) -> ::std::result::Result<::std::string::String, $crate::HookError> {
                    $crate::__private::after_read::<$plugin>(cx, entry)
                }
            }

    $crate::bindings::export_bindings!(CivitasExport with_types_in $crate::bindings);
        };
    };
}
