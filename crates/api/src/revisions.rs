//! Entry history: every write leaves a revision (the whole entry, who, when); editors
//! list them with the fields each changed, read one, compare two field by field, and
//! restore one (which is itself a new write, so a new revision).

use civitas_core::{ContentType, SystemField};
use civitas_store::{Entry, Revision};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use serde_json::{Map, Value, json};

use crate::auth::schemes::{PreviewAuth, WriteAuth};
use crate::entry_routes::{TaggedEntry, entry_id, existing, rewrite};
use crate::error::{ApiError, ErrorCode};
use crate::params::{self, allow_only};
use crate::public::ApiTags;
use crate::state::SharedState;

/// What a write can change: the type's fields and the editable system fields.
fn compared_fields(content_type: &ContentType) -> Vec<&str> {
    [
        SystemField::Slug,
        SystemField::Status,
        SystemField::PublishedAt,
        SystemField::ScheduledPublishAt,
        SystemField::ScheduledUnpublishAt,
    ]
    .into_iter()
    .map(|field| field.name())
    .chain(content_type.fields.iter().map(|f| f.name.as_str()))
    .collect()
}

/// Field by field, what differs from `before` to `after`; against nothing, every field
/// that has a value.
fn changes(content_type: &ContentType, before: Option<&Entry>, after: &Entry) -> Vec<Value> {
    compared_fields(content_type)
        .into_iter()
        .filter_map(|name| {
            let old = before
                .and_then(|b| b.get(name))
                .cloned()
                .unwrap_or(Value::Null);
            let new = after.get(name).cloned().unwrap_or(Value::Null);
            (old != new).then(|| json!({"field": name, "before": old, "after": new}))
        })
        .collect()
}

fn changed_names(changes: &[Value]) -> Vec<Value> {
    changes.iter().map(|c| c["field"].clone()).collect()
}

fn summary(revision: &Revision, changed: Vec<Value>) -> Value {
    json!({
        "number": revision.number,
        "at": revision.at,
        "actor": revision.actor,
        "changed": changed,
    })
}

fn revision_not_found(number: i64) -> ApiError {
    ApiError::new(
        ErrorCode::RevisionNotFound,
        format!("the entry has no revision {number} (or it is past `storage.keep_revisions`)"),
    )
}

pub struct RevisionsApi {
    pub state: SharedState,
}

impl RevisionsApi {
    async fn revision(
        &self,
        content_type: &ContentType,
        id: &str,
        number: i64,
    ) -> Result<Revision, ApiError> {
        self.state
            .store
            .revision(content_type, id, number)
            .await?
            .ok_or_else(|| revision_not_found(number))
    }
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl RevisionsApi {
    /// List an entry's revisions
    ///
    /// Newest first: each with its number, time, who made it and which fields changed
    /// from the revision before. Page with `page[after]` = `meta.page.next`.
    #[oai(
        path = "/content/:type_id/:id/revisions",
        method = "get",
        operation_id = "listRevisions"
    )]
    async fn list(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// Revisions per page, 1 to `api.max_page_size`.
        #[oai(name = "page[size]")]
        page_size: Query<Option<u64>>,
        /// Cursor from `meta.page.next`: revisions older than this number.
        #[oai(name = "page[after]")]
        page_after: Query<Option<i64>>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &["page[size]", "page[after]"])?;
        let size = params::page_size(&self.state.settings, "page[size]", page_size.0)?;
        let (content_type, entry) = existing(&self.state, &type_id, &id).await?;
        let id = entry_id(&entry);
        // One more than the page, to tell what the oldest listed revision changed.
        let revisions = self
            .state
            .store
            .revisions(&content_type, &id, page_after.0, size + 1)
            .await?;
        let data: Vec<Value> = revisions
            .iter()
            .enumerate()
            .take(size as usize)
            .map(|(index, revision)| {
                let before = revisions
                    .get(index + 1)
                    .filter(|older| older.number == revision.number - 1);
                let changed = changes(&content_type, before.map(|r| &r.entry), &revision.entry);
                summary(revision, changed_names(&changed))
            })
            .collect();
        let next = (revisions.len() as u64 > size)
            .then(|| data.last().map(|r| r["number"].clone()))
            .flatten();
        Ok(Json(json!({
            "data": data,
            "meta": {"page": {"size": size, "next": next}},
        })))
    }

    /// Get one revision
    ///
    /// The whole entry as it was right after that write.
    #[oai(
        path = "/content/:type_id/:id/revisions/:number",
        method = "get",
        operation_id = "getRevision"
    )]
    async fn get(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// The revision's number.
        number: Path<i64>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let (content_type, entry) = existing(&self.state, &type_id, &id).await?;
        let revision = self
            .revision(&content_type, &entry_id(&entry), number.0)
            .await?;
        let mut data = summary(&revision, Vec::new());
        if let Value::Object(data) = &mut data {
            data.remove("changed");
            data.insert("entry".to_owned(), Value::Object(revision.entry));
        }
        Ok(Json(json!({ "data": data })))
    }

    /// Compare two revisions
    ///
    /// Field by field, what changed from revision `against` (default: the one before) to
    /// this one: `[{field, before, after}]`.
    #[oai(
        path = "/content/:type_id/:id/revisions/:number/diff",
        method = "get",
        operation_id = "diffRevisions"
    )]
    async fn diff(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// The newer revision's number.
        number: Path<i64>,
        /// The revision to compare with; the one before `number` when absent.
        against: Query<Option<i64>>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &["against"])?;
        let (content_type, entry) = existing(&self.state, &type_id, &id).await?;
        let id = entry_id(&entry);
        let to = self.revision(&content_type, &id, number.0).await?;
        let from_number = against.0.unwrap_or(number.0 - 1);
        let from = if from_number == 0 {
            None
        } else {
            Some(self.revision(&content_type, &id, from_number).await?)
        };
        let changes = changes(&content_type, from.as_ref().map(|r| &r.entry), &to.entry);
        Ok(Json(json!({
            "data": {"from": from_number, "to": to.number, "changes": changes}
        })))
    }

    /// Restore a revision
    ///
    /// Writes that revision's fields (and slug) back, as a new revision; the status does
    /// not change, so restoring a published entry changes its working copy until it is
    /// published again. `If-Match` as for PUT.
    #[oai(
        path = "/content/:type_id/:id/revisions/:number/restore",
        method = "post",
        operation_id = "restoreRevision"
    )]
    async fn restore(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// The revision to restore.
        number: Path<i64>,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        let (content_type, existing) = existing(&self.state, &type_id, &id).await?;
        auth.0.may_change(&existing)?;
        let revision = self
            .revision(&content_type, &entry_id(&existing), number.0)
            .await?;
        let input: Map<String, Value> = revision.entry;
        let target = (type_id.as_str(), id.as_str());
        rewrite(
            &self.state,
            request,
            &auth.0,
            target,
            "entry.restore",
            |_| Ok(input.clone()),
        )
        .await
    }
}
