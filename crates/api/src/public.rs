//! Public routes: content types and published entries, no token needed.

use civitas_core::definition::TypeDefinition;
use civitas_core::query::{PageRequest, parse_sort};
use civitas_core::{ContentType, Status};
use civitas_store::ListRequest;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{OpenApi, Tags};
use serde_json::{Value, json};

use crate::envelope;
use crate::error::ApiError;
use crate::params::allow_only;
use crate::state::SharedState;

#[derive(Tags)]
pub enum ApiTags {
    /// Published content, for websites and apps. No token needed.
    Public,
    /// Editing content. Every route needs `Authorization: Bearer <token>`.
    Admin,
}

pub struct PublicApi {
    pub state: SharedState,
}

/// The query parameters the list route takes.
pub const LIST_PARAMETERS: [&str; 3] = ["sort", "page[number]", "page[size]"];

/// A content type as the public sees it: private fields are not listed.
pub fn public_type(content_type: &ContentType) -> Value {
    let mut definition = TypeDefinition::from(content_type);
    definition.fields.retain(|f| !f.private);
    serde_json::to_value(definition).unwrap_or(Value::Null)
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Public")]
impl PublicApi {
    /// Liveness check
    ///
    /// Answers `{"status": "ok"}` while the server runs; for load balancers and probes.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self) -> Json<Value> {
        Json(json!({ "status": "ok" }))
    }

    /// List content types
    ///
    /// Every content type the server serves, built-in and plugin-provided alike, with
    /// its fields and their rules.
    #[oai(path = "/types", method = "get", operation_id = "listTypes")]
    async fn list_types(&self, request: &Request) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let types: Vec<Value> = self
            .state
            .registry()
            .iter()
            .map(|t| public_type(t))
            .collect();
        Ok(Json(envelope::one(types)))
    }

    /// Get a content type
    #[oai(path = "/types/:type_id", method = "get", operation_id = "getType")]
    async fn get_type(
        &self,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let content_type = self.state.content_type(&type_id)?;
        Ok(Json(envelope::one(public_type(&content_type))))
    }

    /// List published entries
    ///
    /// Published entries of one type, a page at a time. `meta.total` counts the whole
    /// list; `meta.page.total_pages` is the number of pages at this page size.
    #[oai(
        path = "/content/:type_id",
        method = "get",
        operation_id = "listEntries"
    )]
    async fn list_entries(
        &self,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// Order, as comma-separated field names; `-` before a name sorts descending,
        /// e.g. `-published_at,title`. Allowed: `slug`, `created_at`, `updated_at`,
        /// `published_at` and the type's indexed fields. Default: the type's
        /// `default_sort`. Ties are broken by id, so the order is stable.
        sort: Query<Option<String>>,
        /// Page to return, from 1.
        #[oai(name = "page[number]")]
        page_number: Query<Option<u64>>,
        /// Entries per page, from 1 to `api.max_page_size` (default `api.default_page_size`).
        #[oai(name = "page[size]")]
        page_size: Query<Option<u64>>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &LIST_PARAMETERS)?;
        let content_type = self.state.content_type(&type_id)?;
        let settings = &self.state.settings;
        let page = PageRequest::new(
            page_number.0,
            page_size.0,
            settings.default_page_size,
            settings.max_page_size,
        )?;
        let sort = match sort.0.as_deref() {
            Some(text) => parse_sort(&content_type, text)?,
            None => content_type.default_sort.clone(),
        };
        let list_request = ListRequest {
            status: Some(Status::Published),
            sort,
            page,
        };
        let result = self.state.store.list(&content_type, &list_request).await?;
        Ok(Json(envelope::list(result, page, |e| {
            envelope::public_entry(&content_type, e)
        })))
    }

    /// Get a published entry
    ///
    /// By id or by slug. Drafts answer 404 `entry_not_found`, as if they did not exist.
    #[oai(
        path = "/content/:type_id/:id_or_slug",
        method = "get",
        operation_id = "getEntry"
    )]
    async fn get_entry(
        &self,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or its slug.
        id_or_slug: Path<String>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let content_type = self.state.content_type(&type_id)?;
        let entry = self
            .state
            .store
            .find(&content_type, &id_or_slug, Some(Status::Published))
            .await?
            .ok_or_else(|| ApiError::entry_not_found(&type_id, &id_or_slug))?;
        Ok(Json(envelope::one(envelope::public_entry(
            &content_type,
            entry,
        ))))
    }
}
