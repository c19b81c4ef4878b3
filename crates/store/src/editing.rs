//! Changing existing entries: new field values, and moves between statuses. A published
//! entry's changes are kept aside as its working copy (`_draft`) until it is published
//! again, so the public keeps seeing what was published.

use chrono::Utc;
use civitas_core::validate::Document;
use civitas_core::{ContentType, Status};
use surrealdb::types::{Object, Value};

use crate::audit::{Actor, AuditEvent};
use crate::convert::{datetime_to_db, field_to_db, time_to_db};
use crate::entries::{
    DRAFT, Entry, I18N, Store, Version, entry_from_row, is_entry_id, record_id, translations_to_db,
};
use crate::error::{StoreError, unique_violation};
use crate::schema::ident;

/// Who changes an entry, why, and against which revision.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub actor: &'a Actor,
    /// The audit action, such as `entry.update` or `entry.restore`.
    pub action: &'a str,
    /// The revisions the writer accepts the entry to be at (`If-Match`, or the revision
    /// it last read); if the entry is at none of them, the write is refused as `Stale`.
    /// `None` writes whatever the revision; an empty list never writes.
    pub expected_revisions: Option<&'a [i64]>,
}

impl<'a> Edit<'a> {
    pub fn new(actor: &'a Actor, action: &'a str) -> Edit<'a> {
        Edit {
            actor,
            action,
            expected_revisions: None,
        }
    }
}

/// A document's values as stored: (field or system name, value), the slug and the
/// publication time only when the document names them.
fn stored_values(content_type: &ContentType, document: &Document) -> Vec<(String, Value)> {
    let mut values: Vec<(String, Value)> = content_type
        .fields
        .iter()
        .map(|field| {
            let value = document
                .values
                .get(&field.name)
                .map(|v| field_to_db(&field.kind, v))
                .unwrap_or(Value::None);
            (field.name.clone(), value)
        })
        .collect();
    if let Some(slug) = &document.slug {
        values.push(("slug".to_owned(), Value::String(slug.clone())));
    }
    if let Some(at) = &document.published_at {
        values.push(("published_at".to_owned(), datetime_to_db(at)));
    }
    values.push((I18N.to_owned(), translations_to_db(content_type, document)));
    values
}

/// Statements that copy a published entry's working copy over its published fields.
pub(crate) fn apply_draft(content_type: &ContentType) -> String {
    let mut set: Vec<String> = content_type
        .fields
        .iter()
        .map(|field| {
            let name = ident(&field.name);
            format!("{name} = (IF {DRAFT} != NONE {{ {DRAFT}.{name} }} ELSE {{ {name} }})")
        })
        .collect();
    set.push(format!("slug = {DRAFT}.slug ?? slug"));
    set.push(format!(
        "published_at = {DRAFT}.published_at ?? published_at"
    ));
    set.push(format!(
        "{I18N} = (IF {DRAFT} != NONE {{ {DRAFT}.{I18N} }} ELSE {{ {I18N} }})"
    ));
    set.push(format!("{DRAFT} = NONE"));
    set.join(", ")
}

impl Store {
    /// Replaces every field of an entry; fields the document lacks are cleared, the slug
    /// stays unless the document names a new one. A published entry keeps its published
    /// fields: the document becomes its working copy, public at the next publish. Which
    /// of the two happens is decided inside the write, so an entry published between an
    /// editor's read and this write still keeps the edit out of public view.
    pub async fn replace(
        &self,
        content_type: &ContentType,
        id: &str,
        document: &Document,
        edit: Edit<'_>,
    ) -> Result<Entry, StoreError> {
        let published = format!("status = '{}'", Status::Published.as_str());
        let mut assignments = vec![format!(
            "{DRAFT} = (IF {published} {{ $draft }} ELSE {{ NONE }})"
        )];
        let mut draft = Object::new();
        for (name, value) in stored_values(content_type, document) {
            let field = ident(&name);
            assignments.push(format!(
                "{field} = (IF {published} {{ {field} }} ELSE {{ $draft.{field} }})"
            ));
            draft.insert(name, value);
        }
        let mut values = Object::new();
        values.insert("draft", draft);
        self.update(content_type, id, &assignments.join(", "), values, edit)
            .await
    }

    /// Moves an entry to `status`; its working copy, if any, becomes what is stored (and,
    /// when publishing, what the public sees). Publishing sets `published_at` to now
    /// unless the entry has one (backdated, or published before).
    pub async fn set_status(
        &self,
        content_type: &ContentType,
        id: &str,
        status: Status,
        edit: Edit<'_>,
    ) -> Result<Entry, StoreError> {
        let mut values = Object::new();
        values.insert("status", status.as_str());
        let mut set = format!("{}, status = $status", apply_draft(content_type));
        if status == Status::Published {
            set += ", published_at = published_at ?? $now";
        }
        self.update(content_type, id, &set, values, edit).await
    }

    /// Runs `UPDATE` with the given assignments plus the bookkeeping every write does.
    pub(crate) async fn update(
        &self,
        content_type: &ContentType,
        id: &str,
        set: &str,
        mut values: Object,
        edit: Edit<'_>,
    ) -> Result<Entry, StoreError> {
        if !is_entry_id(id) {
            return Err(StoreError::NotFound);
        }
        let guard = match edit.expected_revisions {
            Some(revisions) => {
                values.insert("expected", Value::from_t(revisions.to_vec()));
                " WHERE revision INSIDE $expected"
            }
            None => "",
        };
        let sql = format!(
            "UPDATE $rid SET {set}, updated_at = $now, updated_by = $actor, revision += 1{guard} RETURN AFTER"
        );
        values.insert("rid", record_id(content_type, id));
        values.insert("now", time_to_db(Utc::now()));
        values.insert("actor", edit.actor.id.clone());
        let event = AuditEvent::on_entry(edit.action, &content_type.id, id);
        let result = self.audited(&sql, values, event, edit.actor).await;
        self.wrote(content_type, &[id.to_owned()]).await;
        let rows: Vec<Value> = result.map_err(|error| match unique_violation(&error) {
            Some(field) => StoreError::Conflict { field },
            None => error.into(),
        })?;
        match rows.into_iter().next() {
            Some(row) => Ok(entry_from_row(content_type, row, Version::Working)),
            None if edit.expected_revisions.is_some() => Err(StoreError::Stale),
            None => Err(StoreError::NotFound),
        }
    }
}
