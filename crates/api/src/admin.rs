//! Admin routes: create, read, change, publish and delete entries of any status.

use civitas_core::definition::TypeDefinition;
use civitas_core::{Status, WriteMode};
use civitas_store::Edit;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use serde_json::Value;

use crate::auth::schemes::{PreviewAuth, PublishAuth, WriteAuth};
use crate::content::{self, References, body_object};
use crate::entry_routes::{TaggedEntry, entry_id, existing, respond, rewrite, tagged};
use crate::envelope;
use crate::error::ApiError;
use crate::listing::{self, Audience, Found};
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;

pub struct AdminApi {
    pub state: SharedState,
}

#[derive(ApiResponse)]
pub enum Created {
    /// The entry was created as a draft.
    #[oai(status = 201)]
    Created(Json<Value>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum Deleted {
    /// The entry is gone.
    #[oai(status = 204)]
    Deleted,
}

// List handlers take each documented query parameter as an argument: that is how
// poem-openapi describes them in the spec.
#[allow(clippy::too_many_arguments)]
#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl AdminApi {
    /// List entries of any status
    ///
    /// Drafts and published entries together, with the public list's query language
    /// (`filter`, `sort`, `page[...]`, `fields`, `include`, `q`; see `listEntries`) plus
    /// `status`. Private fields are shown; `include` embeds entries of any status.
    #[oai(
        path = "/content/:type_id",
        method = "get",
        operation_id = "adminListEntries"
    )]
    async fn list_entries(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// Only entries with this status: `draft`, `published`, `scheduled` or `archived`.
        #[oai(name = "status")]
        _status: Query<Option<String>>,
        /// Conditions, `filter[field][op]=value`, as on the public list.
        #[oai(name = "filter", style = "deep_object", explode = true)]
        _filter: Query<Option<String>>,
        /// Order, as on the public list.
        #[oai(name = "sort")]
        _sort: Query<Option<String>>,
        /// Page to return, from 1.
        #[oai(name = "page[number]")]
        _page_number: Query<Option<u64>>,
        /// Entries per page, from 1 to `api.max_page_size`.
        #[oai(name = "page[size]")]
        _page_size: Query<Option<u64>>,
        /// Cursor from `meta.page.next`.
        #[oai(name = "page[after]")]
        _page_after: Query<Option<String>>,
        /// Only these fields, comma-separated.
        #[oai(name = "fields")]
        _fields: Query<Option<String>>,
        /// References to embed, comma-separated dotted paths.
        #[oai(name = "include")]
        _include: Query<Option<String>>,
        /// Full-text search.
        #[oai(name = "q")]
        _q: Query<Option<String>>,
    ) -> Result<Json<Value>, ApiError> {
        Ok(Json(
            listing::list(&self.state, request, &type_id, Audience::Admin).await?,
        ))
    }

    /// Create an entry
    ///
    /// The body holds the type's fields; `slug` and `published_at` may be given too. A
    /// slug is made from the title field when omitted, numbered (`-2`, `-3`...) until it
    /// is unique. Rich text is Markdown. New entries are drafts until published.
    #[oai(
        path = "/content/:type_id",
        method = "post",
        operation_id = "createEntry"
    )]
    async fn create_entry(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        body: Json<Value>,
    ) -> Result<Created, ApiError> {
        allow_only(request, &[])?;
        let content_type = self.state.content_type(&type_id)?;
        let input = body_object(body.0)?;
        let entry =
            content::create(&self.state, &content_type, input, &auth.0.principal.actor()).await?;
        let location = format!(
            "/api/v1/admin/content/{}/{}",
            content_type.id,
            entry_id(&entry)
        );
        let entry = content::present_one(&self.state, &content_type, entry, None).await?;
        Ok(Created::Created(
            Json(envelope::one(Value::Object(entry))),
            location,
        ))
    }

    /// List content types with every field
    ///
    /// As `GET /api/v1/types`, private fields included: what an editor (or an export)
    /// needs to know of each type.
    #[oai(path = "/types", method = "get", operation_id = "adminListTypes")]
    async fn list_types(
        &self,
        _auth: PreviewAuth,
        request: &Request,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let types: Vec<Value> = self
            .state
            .registry()
            .iter()
            .map(|t| serde_json::to_value(TypeDefinition::from(t.as_ref())).unwrap_or(Value::Null))
            .collect();
        Ok(Json(envelope::one(types)))
    }

    /// Check an entry without storing it
    ///
    /// Runs the type's rules on a body as a create would, and stores nothing: 200
    /// `{"data": {"valid": true}}`, or 422 with every problem. References are not looked
    /// up and plugin hooks do not run (they may read what references point to), so a
    /// batch whose references point into itself can be checked before any of it is
    /// written (`civitas import`).
    #[oai(
        path = "/content/:type_id/validate",
        method = "post",
        operation_id = "validateEntry"
    )]
    async fn validate_entry(
        &self,
        _auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        body: Json<Value>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let content_type = self.state.content_type(&type_id)?;
        let input = body_object(body.0)?;
        content::checked(
            &self.state,
            &content_type,
            input,
            WriteMode::Create,
            References::Skip,
        )
        .await?;
        Ok(Json(envelope::one(serde_json::json!({"valid": true}))))
    }

    /// Get an entry of any status
    #[oai(
        path = "/content/:type_id/:id",
        method = "get",
        operation_id = "adminGetEntry"
    )]
    async fn get_entry(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// Only these fields, comma-separated.
        #[oai(name = "fields")]
        _fields: Query<Option<String>>,
        /// References to embed, e.g. `authors`; entries of any status.
        #[oai(name = "include")]
        _include: Query<Option<String>>,
    ) -> Result<TaggedEntry, ApiError> {
        match listing::one(&self.state, request, &type_id, &id, Audience::Admin).await? {
            Found::Entry(body) => Ok(tagged(body)),
            Found::Moved(_) => Err(ApiError::entry_not_found(&type_id, &id)),
        }
    }

    /// Replace an entry
    ///
    /// Sets every field: fields the body leaves out are cleared. Read-only system fields
    /// in the body (`id`, `status`, ...) are ignored, so an entry read from the API can be
    /// sent back as it is. The slug stays unless the body gives a new one. On a published
    /// entry this changes its working copy (`unpublished_changes` becomes true); the public
    /// sees the change once the entry is published again. With `If-Match` (the `ETag` of
    /// a read), a change made by someone else since is refused with 412.
    #[oai(
        path = "/content/:type_id/:id",
        method = "put",
        operation_id = "replaceEntry"
    )]
    async fn replace_entry(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        body: Json<Value>,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        let input = body_object(body.0)?;
        let target = (type_id.as_str(), id.as_str());
        rewrite(
            &self.state,
            request,
            &auth.0,
            target,
            "entry.update",
            |_| Ok(input.clone()),
        )
        .await
    }

    /// Change some fields of an entry
    ///
    /// A JSON merge patch: fields in the body are set, `null` clears a field, the rest stay.
    /// The merged entry is validated as a whole. Published entries and `If-Match` as for
    /// PUT.
    #[oai(
        path = "/content/:type_id/:id",
        method = "patch",
        operation_id = "patchEntry"
    )]
    async fn patch_entry(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        body: Json<Value>,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        let patch = body_object(body.0)?;
        let target = (type_id.as_str(), id.as_str());
        rewrite(
            &self.state,
            request,
            &auth.0,
            target,
            "entry.update",
            |current| {
                let mut merged = current.clone();
                merged.extend(patch.clone());
                Ok(merged)
            },
        )
        .await
    }

    /// Delete an entry
    #[oai(
        path = "/content/:type_id/:id",
        method = "delete",
        operation_id = "deleteEntry"
    )]
    async fn delete_entry(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
    ) -> Result<Deleted, ApiError> {
        allow_only(request, &[])?;
        let (content_type, existing) = existing(&self.state, &type_id, &id).await?;
        auth.0.may_change(&existing)?;
        let actor = auth.0.principal.actor();
        self.state
            .store
            .delete(&content_type, &entry_id(&existing), &actor)
            .await?;
        Ok(Deleted::Deleted)
    }

    /// Publish an entry
    ///
    /// Makes the entry, with its unpublished changes, what the public API serves.
    /// `published_at` is set to now unless the entry already has one (e.g. backdated, or
    /// published before).
    #[oai(
        path = "/content/:type_id/:id/publish",
        method = "post",
        operation_id = "publishEntry"
    )]
    async fn publish_entry(
        &self,
        auth: PublishAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
    ) -> Result<TaggedEntry, ApiError> {
        self.move_to(
            auth,
            request,
            &type_id,
            &id,
            Status::Published,
            "entry.publish",
        )
        .await
    }

    /// Unpublish an entry
    ///
    /// Takes the entry off the public API; it becomes a draft again, with its unpublished
    /// changes.
    #[oai(
        path = "/content/:type_id/:id/unpublish",
        method = "post",
        operation_id = "unpublishEntry"
    )]
    async fn unpublish_entry(
        &self,
        auth: PublishAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
    ) -> Result<TaggedEntry, ApiError> {
        self.move_to(
            auth,
            request,
            &type_id,
            &id,
            Status::Draft,
            "entry.unpublish",
        )
        .await
    }

    /// Archive an entry
    ///
    /// Takes the entry off the public API and out of editors' lists (list with
    /// `status=archived` to see it). Publish or unpublish it to bring it back.
    #[oai(
        path = "/content/:type_id/:id/archive",
        method = "post",
        operation_id = "archiveEntry"
    )]
    async fn archive_entry(
        &self,
        auth: PublishAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
    ) -> Result<TaggedEntry, ApiError> {
        self.move_to(
            auth,
            request,
            &type_id,
            &id,
            Status::Archived,
            "entry.archive",
        )
        .await
    }
}

impl AdminApi {
    async fn move_to(
        &self,
        auth: PublishAuth,
        request: &Request,
        type_id: &str,
        key: &str,
        status: Status,
        action: &str,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        let (content_type, existing) = existing(&self.state, type_id, key).await?;
        let actor = auth.0.principal.actor();
        let edit = Edit::new(&actor, action);
        let entry = self
            .state
            .store
            .set_status(&content_type, &entry_id(&existing), status, edit)
            .await?;
        respond(&self.state, &content_type, entry).await
    }
}
