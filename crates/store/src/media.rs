//! The media library's records: one row per uploaded file in `sys_media` (the bytes live in
//! the object store, addressed by their SHA-256), and the questions entries ask of it: does
//! this id exist, which entries use this file, which records share these bytes.

use std::collections::HashMap;

use chrono::Utc;
use civitas_core::validate::Document;
use civitas_core::{ContentType, FieldError, FieldKind};
use serde_json::{Map, Value as Json};
use surrealdb::types::{Object, RecordId, SurrealValue, Value};

use crate::audit::{Actor, AuditEvent};
use crate::convert::{from_db, object_from_db, time_to_db};
use crate::entries::{DRAFT, Store};
use crate::error::StoreError;
use crate::schema::ident;

/// The table of media records; content type ids cannot start with `sys_`.
pub const MEDIA_TABLE: &str = "sys_media";

/// A media record as the admin API shows it (without the computed `url`).
pub type MediaRecord = Map<String, Json>;

/// One page of the media library, newest first.
#[derive(Debug, Default)]
pub struct MediaPage {
    pub records: Vec<MediaRecord>,
    /// The id to pass as `after` for the next page, when there is one.
    pub next: Option<String>,
}

/// Which records a library listing takes.
#[derive(Debug, Clone, Default)]
pub struct MediaQuery {
    /// Only records older than this id (the previous page's `next`).
    pub after: Option<String>,
    /// A MIME type, or a family as `image/*`.
    pub mime: Option<String>,
    /// Words the filename, title or alt text contains (case-insensitive).
    pub q: Option<String>,
    pub limit: usize,
}

/// An entry that uses a media file, named for the `409 media_in_use` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUser {
    pub type_id: String,
    pub id: String,
}

/// Media ids are ULIDs, like entry ids.
pub fn media_record_id(id: &str) -> RecordId {
    RecordId::new(MEDIA_TABLE, id)
}

impl Store {
    /// Stores a new media record from its checked fields; `id` is chosen by the caller
    /// (a ULID), so the upload can be logged under it before it is written.
    pub async fn create_media(
        &self,
        id: &str,
        fields: MediaRecord,
        actor: &Actor,
    ) -> Result<MediaRecord, StoreError> {
        let now = time_to_db(Utc::now());
        let mut row = json_object(fields);
        row.insert("created_at".to_owned(), now.clone());
        row.insert("updated_at".to_owned(), now);
        row.insert("created_by".to_owned(), Value::String(actor.id.clone()));
        row.insert("updated_by".to_owned(), Value::String(actor.id.clone()));
        let mut values = Object::new();
        values.insert("rid", media_record_id(id));
        values.insert("row", Value::Object(row));
        let target = format!("{MEDIA_TABLE}:{id}");
        let event = AuditEvent::new("media.upload", Some(&target));
        let rows = self
            .audited("CREATE $rid CONTENT $row", values, event, actor)
            .await?;
        self.generations.bump(MEDIA_TABLE);
        rows.into_iter()
            .next()
            .map(record_from_row)
            .ok_or_else(|| StoreError::Corrupt("CREATE returned no media record".into()))
    }

    /// Merges `changes` into a record (metadata edits, or a replaced file's facts).
    pub async fn update_media(
        &self,
        id: &str,
        changes: MediaRecord,
        action: &str,
        actor: &Actor,
    ) -> Result<MediaRecord, StoreError> {
        let mut row = json_object(changes);
        row.insert("updated_at".to_owned(), time_to_db(Utc::now()));
        row.insert("updated_by".to_owned(), Value::String(actor.id.clone()));
        let mut values = Object::new();
        values.insert("rid", media_record_id(id));
        values.insert("row", Value::Object(row));
        let target = format!("{MEDIA_TABLE}:{id}");
        let event = AuditEvent::new(action, Some(&target));
        let rows = self
            .audited("UPDATE $rid MERGE $row RETURN AFTER", values, event, actor)
            .await?;
        self.generations.bump(MEDIA_TABLE);
        first_record(rows)
    }

    /// Deletes a record, unless an entry (published or in its working copy) uses it.
    /// Returns the deleted record, so the caller can drop bytes nobody else shares.
    pub async fn delete_media(
        &self,
        id: &str,
        actor: &Actor,
    ) -> Result<Result<MediaRecord, Vec<MediaUser>>, StoreError> {
        let users = self.media_users(id).await?;
        if !users.is_empty() {
            return Ok(Err(users));
        }
        let mut values = Object::new();
        values.insert("rid", media_record_id(id));
        let target = format!("{MEDIA_TABLE}:{id}");
        let event = AuditEvent::new("media.delete", Some(&target));
        let rows = self
            .audited("DELETE $rid RETURN BEFORE", values, event, actor)
            .await?;
        self.generations.bump(MEDIA_TABLE);
        first_record(rows).map(Ok)
    }

    /// Checks every media field of a write: each id names a file of a type the field
    /// accepts; every problem is reported.
    pub async fn check_media(
        &self,
        content_type: &ContentType,
        document: &Document,
    ) -> Result<(), StoreError> {
        let fields: Vec<(&str, &[String], Vec<String>)> = content_type
            .fields
            .iter()
            .filter_map(|field| match &field.kind {
                FieldKind::Media { accept, .. } => Some((
                    field.name.as_str(),
                    accept.as_slice(),
                    ids_in(document.values.get(&field.name)),
                )),
                _ => None,
            })
            .filter(|(_, _, ids)| !ids.is_empty())
            .collect();
        if fields.is_empty() {
            return Ok(());
        }
        let all: Vec<String> = fields.iter().flat_map(|(_, _, ids)| ids.clone()).collect();
        let found = self.media_many(&all).await?;
        let mut errors = Vec::new();
        for (name, accept, ids) in fields {
            for id in ids {
                let mime = found
                    .get(&id)
                    .map(|r| r.get("mime").and_then(Json::as_str).unwrap_or_default());
                match mime {
                    None => errors.push(FieldError::new(
                        name,
                        "media_not_found",
                        format!("no media file has the id `{id}`"),
                    )),
                    Some(mime) if !FieldKind::accepts_mime(accept, mime) => {
                        errors.push(FieldError::new(
                            name,
                            "media_type_not_accepted",
                            format!(
                                "media `{id}` is {mime}; this field takes {}",
                                accept.join(", ")
                            ),
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(errors))
        }
    }

    /// One record by id.
    pub async fn media(&self, id: &str) -> Result<Option<MediaRecord>, StoreError> {
        Ok(self.media_many(&[id.to_owned()]).await?.remove(id))
    }

    /// Records by id, in one query, whatever their number; unknown ids are absent.
    pub async fn media_many(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, MediaRecord>, StoreError> {
        self.generations.note_reads([MEDIA_TABLE]);
        let mut wanted: Vec<RecordId> = ids.iter().map(|id| media_record_id(id)).collect();
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<Value> = self
            .query("SELECT * FROM $rids")
            .bind(("rids", wanted))
            .await?
            .check()?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(record_from_row)
            .filter_map(|record| Some((record.get("id")?.as_str()?.to_owned(), record)))
            .collect())
    }

    /// A page of the library, newest first.
    pub async fn list_media(&self, query: &MediaQuery) -> Result<MediaPage, StoreError> {
        self.generations.note_reads([MEDIA_TABLE]);
        let (mime, family) = match query.mime.as_deref() {
            Some(pattern) => match pattern.strip_suffix("/*") {
                Some(family) => (None, Some(format!("{family}/"))),
                None => (Some(pattern.to_owned()), None),
            },
            None => (None, None),
        };
        let sql = format!(
            "SELECT * FROM {MEDIA_TABLE} WHERE ($after = NONE OR id < $after) \
             AND ($mime = NONE OR mime = $mime) \
             AND ($family = NONE OR string::starts_with(mime, $family)) \
             AND ($q = NONE OR string::contains(string::lowercase(filename), $q) \
                  OR string::contains(string::lowercase(alt ?? ''), $q) \
                  OR string::contains(string::lowercase(title ?? ''), $q)) \
             ORDER BY id DESC LIMIT $limit"
        );
        let rows: Vec<Value> = self
            .query(sql)
            .bind(("after", query.after.as_deref().map(media_record_id)))
            .bind(("mime", mime))
            .bind(("family", family))
            .bind(("q", query.q.as_ref().map(|q| q.to_lowercase())))
            .bind(("limit", (query.limit + 1) as i64))
            .await?
            .check()?
            .take(0)?;
        let mut records: Vec<MediaRecord> = rows.into_iter().map(record_from_row).collect();
        let next = if records.len() > query.limit {
            records.truncate(query.limit);
            records
                .last()
                .and_then(|r| r.get("id")?.as_str().map(str::to_owned))
        } else {
            None
        };
        Ok(MediaPage { records, next })
    }

    /// Whether any record still names these bytes (so the stored object must stay).
    pub async fn media_bytes_in_use(&self, sha256: &str) -> Result<bool, StoreError> {
        let rows: Vec<Value> = self
            .query(format!(
                "SELECT VALUE id FROM {MEDIA_TABLE} WHERE sha256 = $sha LIMIT 1"
            ))
            .bind(("sha", sha256.to_owned()))
            .await?
            .check()?
            .take(0)?;
        Ok(!rows.is_empty())
    }

    /// Entries (of every type with media fields, their working copies included) that use
    /// the file; at most a few per type, enough to tell an editor where to look.
    pub async fn media_users(&self, id: &str) -> Result<Vec<MediaUser>, StoreError> {
        let mut users = Vec::new();
        for content_type in self.registry().iter() {
            let tests: Vec<String> = content_type
                .fields
                .iter()
                .filter_map(|field| match field.kind {
                    FieldKind::Media { many, .. } => Some((ident(&field.name), many)),
                    _ => None,
                })
                .flat_map(|(name, many)| {
                    [name.clone(), format!("{DRAFT}.{name}")].map(|path| {
                        if many {
                            format!("$media IN {path}")
                        } else {
                            format!("{path} = $media")
                        }
                    })
                })
                .collect();
            if tests.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT VALUE record::id(id) FROM {} WHERE {} LIMIT 5",
                ident(&content_type.id),
                tests.join(" OR ")
            );
            let ids: Vec<Value> = self
                .query(sql)
                .bind(("media", media_record_id(id)))
                .await?
                .check()?
                .take(0)?;
            users.extend(ids.into_iter().filter_map(|id| match from_db(id) {
                Json::String(id) => Some(MediaUser {
                    type_id: content_type.id.clone(),
                    id,
                }),
                _ => None,
            }));
        }
        Ok(users)
    }
}

/// The ids a link field holds: one id, or a list of them (what reads show for references
/// and media before anything is embedded).
pub fn ids_in(value: Option<&Json>) -> Vec<String> {
    match value {
        Some(Json::String(id)) => vec![id.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn json_object(fields: MediaRecord) -> Object {
    fields
        .into_iter()
        .map(|(key, value)| (key, value.into_value()))
        .collect()
}

fn first_record(rows: Vec<Value>) -> Result<MediaRecord, StoreError> {
    rows.into_iter()
        .next()
        .map(record_from_row)
        .ok_or(StoreError::NotFound)
}

fn record_from_row(row: Value) -> MediaRecord {
    match row {
        Value::Object(object) => object_from_db(object),
        _ => Map::new(),
    }
}
