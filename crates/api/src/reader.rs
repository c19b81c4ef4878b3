//! What plugins read through their `content` import: entries from the store, by id or
//! slug, or by simple field equalities. The host has already checked that the plugin
//! declared the type.

use std::sync::Arc;

use civitas_core::query::{ListLimits, ListQuery};
use civitas_plugin_host::{BoxFuture, ContentReader, ReadError};
use civitas_store::{StatusFilter, Store, Version};
use serde_json::Value;

pub struct StoreReader {
    pub store: Store,
}

impl StoreReader {
    pub fn shared(store: Store) -> Arc<dyn ContentReader> {
        Arc::new(StoreReader { store })
    }
}

impl ContentReader for StoreReader {
    fn get(
        &self,
        type_id: &str,
        id_or_slug: &str,
    ) -> BoxFuture<'static, Result<Option<Value>, ReadError>> {
        let store = self.store.clone();
        let (type_id, key) = (type_id.to_owned(), id_or_slug.to_owned());
        Box::pin(async move {
            let content_type = known_type(&store, &type_id)?;
            let entry = store
                .find(&content_type, &key, Version::Working)
                .await
                .map_err(unavailable)?;
            Ok(entry.map(Value::Object))
        })
    }

    fn find(
        &self,
        type_id: &str,
        filter: Option<Value>,
        limit: u32,
    ) -> BoxFuture<'static, Result<Vec<Value>, ReadError>> {
        let store = self.store.clone();
        let type_id = type_id.to_owned();
        Box::pin(async move {
            let content_type = known_type(&store, &type_id)?;
            let mut params = vec![("page[size]".to_owned(), limit.max(1).to_string())];
            if let Some(Value::Object(conditions)) = filter {
                for (field, value) in conditions {
                    let text = match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    params.push((format!("filter[{field}][eq]"), text));
                }
            }
            let limits = ListLimits {
                default_page_size: 20,
                max_page_size: 100,
                max_include_depth: 0,
            };
            let query =
                ListQuery::parse(&params, store.registry(), &content_type, limits, false, &[])
                    .map_err(|e| ReadError::Invalid(e.message))?;
            let page = store
                .list(
                    &content_type,
                    StatusFilter::NotArchived,
                    &query,
                    Version::Working,
                )
                .await
                .map_err(unavailable)?;
            Ok(page.entries.into_iter().map(Value::Object).collect())
        })
    }
}

fn known_type(store: &Store, type_id: &str) -> Result<Arc<civitas_core::ContentType>, ReadError> {
    store
        .registry()
        .get(type_id)
        .cloned()
        .ok_or_else(|| ReadError::Invalid(format!("no content type `{type_id}`")))
}

fn unavailable(error: civitas_store::StoreError) -> ReadError {
    ReadError::Unavailable(error.to_string())
}
