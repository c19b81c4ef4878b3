//! The schema in use, held so that it can be replaced whole when the content types
//! change: a request keeps the schema it started with to its end, and one rebuild runs
//! at a time, so a burst of changes never holds several half-built schemas in memory.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use civitas_core::TypeRegistry;

use crate::schema::{BuildError, Schemas, build};

pub struct CurrentSchema {
    schemas: ArcSwap<Schemas>,
    default_page_size: u64,
    rebuilding: Mutex<()>,
}

impl CurrentSchema {
    /// Builds the schema of `registry`'s types; lists without `first` get
    /// `default_page_size` entries.
    pub fn build(
        registry: &TypeRegistry,
        default_page_size: u64,
    ) -> Result<CurrentSchema, BuildError> {
        Ok(CurrentSchema {
            schemas: ArcSwap::from_pointee(build(registry, default_page_size)?),
            default_page_size,
            rebuilding: Mutex::new(()),
        })
    }

    /// The schema to answer one request with.
    pub fn load(&self) -> Arc<Schemas> {
        self.schemas.load_full()
    }

    /// Builds the schema of `registry`'s types and puts it in use; on error the schema in
    /// use stays.
    pub fn rebuild(&self, registry: &TypeRegistry) -> Result<Arc<Schemas>, BuildError> {
        let _one_at_a_time = self
            .rebuilding
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let schemas = Arc::new(build(registry, self.default_page_size)?);
        self.schemas.store(schemas.clone());
        Ok(schemas)
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::with_type;

    use super::*;

    #[test]
    fn a_rebuild_swaps_in_new_types_while_held_schemas_stay_whole() {
        let builtin = TypeRegistry::builtin().expect("built-in types");
        let current = CurrentSchema::build(&builtin, 20).expect("schema");
        let in_flight = current.load();
        let rebuilt = current.rebuild(&with_type("study")).expect("rebuilt");
        assert!(rebuilt.closed.sdl().contains("study_list("));
        assert!(current.load().open.sdl().contains("study_list("));
        assert!(!in_flight.closed.sdl().contains("study_list("));
        assert!(in_flight.closed.sdl().contains("post_list("));
        assert!(current.rebuild(&with_type("page_info")).is_err());
        assert!(
            current.load().closed.sdl().contains("study_list("),
            "a failed rebuild keeps the schema in use"
        );
    }
}
