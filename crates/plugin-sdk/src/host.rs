//! The host's imports, wrapped: logging, the plugin's own settings, and read-only content.

/// Writing to the server log, tagged with the plugin's id.
pub mod log {
    use crate::bindings::civitas::plugin::log::{Level, log};

    /// Fine-grained diagnostics.
    pub fn debug(message: &str) {
        log(Level::Debug, message);
    }

    /// Normal events.
    pub fn info(message: &str) {
        log(Level::Info, message);
    }

    /// Something unexpected that the plugin handled.
    pub fn warn(message: &str) {
        log(Level::Warn, message);
    }

    /// Something the plugin could not handle.
    pub fn error(message: &str) {
        log(Level::Error, message);
    }
}

/// The plugin's settings from the server config (`[plugins.config.<id>]`).
pub mod config {
    /// A setting's value, if set.
    pub fn get(key: &str) -> Option<String> {
        crate::bindings::civitas::plugin::config::get(key)
    }
}

/// Read-only content, limited to the types in the plugin's `content_read` capability.
pub mod content {
    use crate::Entry;
    use crate::bindings::civitas::plugin::content as raw;
    pub use crate::bindings::civitas::plugin::content::ContentError;

    /// One entry by id or slug; `Ok(None)` when it does not exist.
    pub fn get(type_id: &str, id_or_slug: &str) -> Result<Option<Entry>, ContentError> {
        match raw::get(type_id, id_or_slug)? {
            Some(json) => Entry::parse(&json)
                .map(Some)
                .map_err(|_| ContentError::Invalid),
            None => Ok(None),
        }
    }

    /// Whether an entry exists, by id or slug.
    pub fn exists(type_id: &str, id_or_slug: &str) -> Result<bool, ContentError> {
        raw::get(type_id, id_or_slug).map(|found| found.is_some())
    }

    /// Up to `limit` entries matching `filter`, a JSON object of field equalities.
    pub fn find(
        type_id: &str,
        filter: Option<&serde_json::Value>,
        limit: u32,
    ) -> Result<Vec<Entry>, ContentError> {
        let filter = filter.map(|f| f.to_string());
        raw::find(type_id, filter.as_deref(), limit)?
            .iter()
            .map(|json| Entry::parse(json).map_err(|_| ContentError::Invalid))
            .collect()
    }
}
