//! Entries: create, read, replace, delete, publish, and list, for any content type.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use civitas_core::slug::{numbered, slugify};
use civitas_core::validate::Document;
use civitas_core::{ContentType, FieldError, FieldKind, Status, SystemField, TypeRegistry};
use serde_json::{Map, Value as Json};
use surrealdb::types::{Object, RecordId, Value};

use crate::audit::{Actor, AuditEvent};
use crate::availability::{Availability, TimedQuery};
use crate::connect::{StorageSettings, connect_patiently};
use crate::convert::{datetime_to_db, field_to_db, from_db, object_from_db, time_to_db};
use crate::counts::CountCache;
use crate::database::{Database, Snapshot};
use crate::error::{StoreError, unique_violation};
use crate::freshness::{Generations, ReadSet};
use crate::metrics::record_query;
use crate::schema::{self, ident};
use crate::text_index::LocalText;

/// An entry as the API shows it: system fields first, then the type's fields in schema
/// order.
pub type Entry = Map<String, Json>;

/// Which version of entries a read returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// What the public sees: published entries as last published, unpublished changes
    /// hidden, references followed to published entries only.
    Published,
    /// What editors see: entries of any status as they are being edited, unpublished
    /// changes applied.
    Working,
}

/// Which statuses a list takes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Only(Status),
    /// Every status but `archived`: what editors see by default.
    NotArchived,
}

/// The stored field holding the unpublished changes of a published entry: a complete
/// working copy of its fields (and slug), applied when the entry is published again.
pub(crate) const DRAFT: &str = "_draft";

/// The stored field holding an entry's translations: locale, then field, then value.
pub(crate) const I18N: &str = "_i18n";

/// A document's translations as stored.
pub(crate) fn translations_to_db(content_type: &ContentType, document: &Document) -> Value {
    let mut locales = Object::new();
    for (locale, values) in &document.translations {
        let mut fields = Object::new();
        for (name, value) in values {
            if let Some(field) = content_type.field(name) {
                fields.insert(name.clone(), field_to_db(&field.kind, value));
            }
        }
        locales.insert(locale.clone(), fields);
    }
    Value::Object(locales)
}

/// Entry ids are ULIDs: 26 characters of uppercase Crockford base32. Slugs are
/// lowercase, so an id and a slug can never be confused.
pub fn is_entry_id(key: &str) -> bool {
    key.len() == 26
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// How many numbered slugs (`title-2`, `title-3`, ...) to try before falling back to a
/// slug made unique by the entry id.
const SLUG_ATTEMPTS: u32 = 50;

fn new_node_id() -> Arc<str> {
    Arc::from(format!("node_{}", ulid::Ulid::new()).as_str())
}

/// The content store: a database handle plus the types it holds. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Database,
    registry: Arc<TypeRegistry>,
    pub(crate) counts: Arc<CountCache>,
    pub(crate) generations: Arc<Generations>,
    pub(crate) text: Arc<LocalText>,
    /// Changes committed by this store wake whoever follows the change log.
    pub(crate) change_signal: Arc<tokio::sync::Notify>,
    /// Changes made through this store take turns (see `audited`).
    pub(crate) change_turn: Arc<tokio::sync::Mutex<()>>,
    /// Names this store (this server) in the events it writes and the leases it takes.
    node: Arc<str>,
    /// Whether the database answers; shared by every store on this connection.
    availability: Arc<Availability>,
    /// How long one statement may take: `storage.timeout` on a remote server, none on
    /// embedded storage (which cannot go away).
    query_timeout: Option<std::time::Duration>,
}

impl Store {
    /// Connects and brings the database schema in line with the types.
    pub async fn open(
        settings: &StorageSettings,
        registry: Arc<TypeRegistry>,
    ) -> Result<Store, surrealdb::Error> {
        let db = connect_patiently(settings).await?;
        schema::apply_alongside_others(&db, &registry, settings.keep_revisions).await?;
        Ok(Store {
            db,
            generations: Arc::new(Generations::new(&registry)),
            registry,
            counts: Arc::default(),
            text: Arc::new(LocalText::new(settings)),
            change_signal: Arc::default(),
            change_turn: Arc::default(),
            node: new_node_id(),
            availability: Arc::default(),
            query_timeout: settings.is_remote().then_some(settings.timeout),
        })
    }

    /// Another store on the same database connection with caches and change turns of its
    /// own, as a second server on the same database would have: for trying several nodes
    /// in one process. It keeps no local full-text index (another node's writes reach it
    /// only through the change log).
    pub fn sibling(&self) -> Store {
        Store {
            db: self.db.clone(),
            registry: self.registry.clone(),
            counts: Arc::default(),
            generations: Arc::new(Generations::new(&self.registry)),
            text: Arc::default(),
            change_signal: Arc::default(),
            change_turn: Arc::default(),
            node: new_node_id(),
            availability: self.availability.clone(),
            query_timeout: self.query_timeout,
        }
    }

    /// This server's name among the nodes on the database: new at every start.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Every statement goes through here, so each request's round trips are counted.
    pub(crate) fn query(&self, sql: impl Into<String>) -> TimedQuery<'_> {
        record_query();
        TimedQuery::new(
            self.db.query(sql.into()),
            self.query_timeout,
            self.availability.clone(),
        )
    }

    /// An interactive transaction on this store's connection: a backup's snapshot, read
    /// in many statements. Its statements are not counted nor time-limited: a backup of
    /// a large database may take longer than `storage.timeout`.
    pub(crate) async fn begin(&self) -> Result<Snapshot, surrealdb::Error> {
        self.db.begin().await
    }

    /// Whether the last statement sent found the database unreachable (and no probe has
    /// reached it since): requests are then refused at once rather than each waiting.
    pub fn is_unavailable(&self) -> bool {
        self.availability.is_down()
    }

    /// Asks the database for a trivial answer within `limit`; the outcome marks it
    /// available or not.
    pub async fn probe(&self, limit: std::time::Duration) -> Result<(), StoreError> {
        let mut query = self.query("RETURN 1");
        query.limit = Some(query.limit.map_or(limit, |own| own.min(limit)));
        query.await?.check()?;
        Ok(())
    }

    /// Whether every type in `reads` is unchanged since it was read: what was computed
    /// from the read (a cached answer) still holds.
    pub fn is_current(&self, reads: &ReadSet) -> bool {
        self.generations.is_current(reads)
    }

    /// Marks a type changed by something other than a write, such as a reload of its
    /// plugin: whatever was computed from reading it is stale.
    pub fn changed(&self, type_id: &str) {
        self.generations.bump(type_id);
    }

    /// After a write to entries of `content_type` (committed or not): what is derived
    /// from them follows, the full-text index first, so that nothing computed from the
    /// index before it caught up outlives the change of generation.
    pub(crate) async fn wrote(&self, content_type: &ContentType, ids: &[String]) {
        self.refresh_text(content_type, ids).await;
        self.generations.bump(&content_type.id);
    }

    pub fn registry(&self) -> &TypeRegistry {
        &self.registry
    }

    /// An entry by id or slug: a published one, or one of any status as being edited.
    pub async fn find(
        &self,
        content_type: &ContentType,
        id_or_slug: &str,
        version: Version,
    ) -> Result<Option<Entry>, StoreError> {
        let status = (version == Version::Published).then_some(Status::Published);
        let status_test = if status.is_some() {
            "status = $status"
        } else {
            "true"
        };
        self.generations.note_reads([content_type.id.as_str()]);
        let query = if is_entry_id(id_or_slug) {
            self.query(format!("SELECT * FROM $rid WHERE {status_test}"))
                .bind(("rid", record_id(content_type, id_or_slug)))
        } else {
            let sql = format!(
                "SELECT * FROM {} WHERE slug = $slug AND {status_test} LIMIT 1",
                ident(&content_type.id)
            );
            self.query(sql).bind(("slug", id_or_slug.to_owned()))
        };
        let rows: Vec<Value> = query
            .bind(("status", status.map(|s| s.as_str().to_owned())))
            .await?
            .check()?
            .take(0)?;
        Ok(rows
            .into_iter()
            .next()
            .map(|row| entry_from_row(content_type, row, version)))
    }

    /// Replaces each reference (an id or a slug) with the id of an existing entry of the
    /// target type; every reference that matches nothing is reported.
    pub async fn resolve_references(
        &self,
        content_type: &ContentType,
        document: &mut Document,
    ) -> Result<(), StoreError> {
        let mut errors = Vec::new();
        for field in &content_type.fields {
            let FieldKind::Reference { to, .. } = &field.kind else {
                continue;
            };
            let Some(value) = document.values.get_mut(&field.name) else {
                continue;
            };
            let keys: Vec<String> = match value {
                Json::String(key) => vec![key.clone()],
                Json::Array(items) => items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => continue,
            };
            let known = self.lookup_keys(to, &keys).await?;
            let mut resolve = |key: &str| match known.get(key) {
                Some(id) => Json::String(id.clone()),
                None => {
                    errors.push(FieldError::new(
                        field.name.as_str(),
                        "reference_not_found",
                        format!("no `{to}` entry has the id or slug `{key}`"),
                    ));
                    Json::Null
                }
            };
            let resolved = match &*value {
                Json::Array(items) => Json::Array(
                    items
                        .iter()
                        .filter_map(Json::as_str)
                        .map(&mut resolve)
                        .collect(),
                ),
                Json::String(key) => resolve(key),
                other => other.clone(),
            };
            *value = resolved;
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(errors))
        }
    }

    /// Maps each key (id or slug) that exists in `type_id` to its entry id.
    pub(crate) async fn lookup_keys(
        &self,
        type_id: &str,
        keys: &[String],
    ) -> Result<BTreeMap<String, String>, StoreError> {
        self.generations.note_reads([type_id]);
        let (ids, slugs): (Vec<&String>, Vec<&String>) = keys.iter().partition(|k| is_entry_id(k));
        let rids: Vec<RecordId> = ids
            .iter()
            .map(|id| RecordId::new(type_id, id.as_str()))
            .collect();
        let sql = format!(
            "SELECT id, slug FROM $rids;\nSELECT id, slug FROM {} WHERE slug IN $slugs;",
            ident(type_id)
        );
        let mut response = self
            .query(sql)
            .bind(("rids", rids))
            .bind(("slugs", slugs.into_iter().cloned().collect::<Vec<String>>()))
            .await?
            .check()?;
        let mut known = BTreeMap::new();
        for statement in 0..2 {
            let rows: Vec<Value> = response.take(statement)?;
            for row in rows {
                let row = from_db(row);
                if let (Some(id), Some(slug)) = (row["id"].as_str(), row["slug"].as_str()) {
                    known.insert(id.to_owned(), id.to_owned());
                    known.insert(slug.to_owned(), id.to_owned());
                }
            }
        }
        Ok(known)
    }

    /// Stores a new draft entry. A slug the editor gave must be free (409 otherwise); a
    /// slug made from the title is numbered until it is.
    pub async fn create(
        &self,
        content_type: &ContentType,
        document: Document,
        actor: &Actor,
    ) -> Result<Entry, StoreError> {
        let id = ulid::Ulid::new().to_string();
        let explicit_slug = document.slug.clone();
        let mut slug = match &explicit_slug {
            Some(slug) => slug.clone(),
            None => self.free_slug(content_type, &document, &id).await?,
        };
        let mut content = new_row(content_type, &document, &slug, Status::Draft, actor);
        let event = AuditEvent::on_entry("entry.create", &content_type.id, &id);
        loop {
            let mut values = Object::new();
            values.insert("rid", record_id(content_type, &id));
            values.insert("content", content.clone());
            let result = self
                .audited(
                    "CREATE $rid CONTENT $content RETURN AFTER",
                    values,
                    event,
                    actor,
                )
                .await;
            match result {
                Ok(rows) => {
                    self.generations.bump(&content_type.id);
                    return rows
                        .into_iter()
                        .next()
                        .map(|row| entry_from_row(content_type, row, Version::Working))
                        .ok_or(StoreError::NotFound);
                }
                Err(error) => match unique_violation(&error) {
                    // Another writer took the generated slug between the check and the
                    // write: fall back to a slug made unique by this entry's own id.
                    Some(field)
                        if field == "slug"
                            && explicit_slug.is_none()
                            && !slug.ends_with(&id.to_lowercase()) =>
                    {
                        slug = format!(
                            "{}-{}",
                            base_slug(content_type, &document, &id),
                            id.to_lowercase()
                        );
                        content.insert("slug".to_owned(), Value::String(slug.clone()));
                    }
                    Some(field) => return Err(StoreError::Conflict { field }),
                    None => return Err(error.into()),
                },
            }
        }
    }

    async fn free_slug(
        &self,
        content_type: &ContentType,
        document: &Document,
        id: &str,
    ) -> Result<String, StoreError> {
        let base = base_slug(content_type, document, id);
        for n in 1..=SLUG_ATTEMPTS {
            let candidate = if n == 1 {
                base.clone()
            } else {
                numbered(&base, n)
            };
            if !self.slug_taken(content_type, &candidate).await? {
                return Ok(candidate);
            }
        }
        Ok(format!("{base}-{}", id.to_lowercase()))
    }

    /// Stores many new entries with one statement, for bulk loading (`civitas generate`).
    /// Each document must name its slug (unique, as the index enforces) and its references
    /// must already be entry ids; returns the new ids in order.
    pub async fn insert_bulk(
        &self,
        content_type: &ContentType,
        documents: &[Document],
        status: Status,
        actor: &Actor,
    ) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::with_capacity(documents.len());
        let mut rows = Vec::with_capacity(documents.len());
        for document in documents {
            let id = ulid::Ulid::new().to_string();
            let slug = document.slug.clone().unwrap_or_else(|| id.to_lowercase());
            let mut row = new_row(content_type, document, &slug, status, actor);
            row.insert(
                "id".to_owned(),
                Value::RecordId(record_id(content_type, &id)),
            );
            rows.push(Value::Object(row));
            ids.push(id);
        }
        let sql = format!("INSERT INTO {} $rows RETURN NONE", ident(&content_type.id));
        let mut values = Object::new();
        values.insert("rows", rows);
        let event = AuditEvent {
            action: "entry.bulk_create",
            type_id: Some(&content_type.id),
            target: None,
        };
        let result = self.audited(&sql, values, event, actor).await;
        self.wrote(content_type, &ids).await;
        match result {
            Ok(_) => Ok(ids),
            Err(error) => Err(match unique_violation(&error) {
                Some(field) => StoreError::Conflict { field },
                None => error.into(),
            }),
        }
    }

    /// The id of the entry that had `slug` before it moved to another one (the slug
    /// history kept by the `civitas_slug_history` event).
    pub async fn moved_slug(
        &self,
        content_type: &ContentType,
        slug: &str,
    ) -> Result<Option<String>, StoreError> {
        self.generations.note_reads([content_type.id.as_str()]);
        let rows: Vec<Value> = self
            .query("SELECT VALUE entry FROM sys_slug WHERE type_id = $type_id AND slug = $slug LIMIT 1")
            .bind(("type_id", content_type.id.clone()))
            .bind(("slug", slug.to_owned()))
            .await?
            .check()?
            .take(0)?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|id| crate::convert::from_db(id).as_str().map(str::to_owned)))
    }

    /// Whether an entry of the type already has this slug.
    pub async fn slug_taken(
        &self,
        content_type: &ContentType,
        slug: &str,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "SELECT VALUE id FROM {} WHERE slug = $slug LIMIT 1",
            ident(&content_type.id)
        );
        let rows: Vec<Value> = self
            .query(sql)
            .bind(("slug", slug.to_owned()))
            .await?
            .check()?
            .take(0)?;
        Ok(!rows.is_empty())
    }

    /// Deletes an entry for good.
    pub async fn delete(
        &self,
        content_type: &ContentType,
        id: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if !is_entry_id(id) {
            return Err(StoreError::NotFound);
        }
        let mut values = Object::new();
        values.insert("rid", record_id(content_type, id));
        let event = AuditEvent::on_entry("entry.delete", &content_type.id, id);
        let rows = self
            .audited("DELETE $rid RETURN BEFORE", values, event, actor)
            .await?;
        self.wrote(content_type, &[id.to_owned()]).await;
        if rows.is_empty() {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

/// A new entry's stored form: its fields plus the system fields a first write sets.
fn new_row(
    content_type: &ContentType,
    document: &Document,
    slug: &str,
    status: Status,
    actor: &Actor,
) -> Object {
    let now = time_to_db(Utc::now());
    let mut row = fields_to_db(content_type, document);
    row.insert("slug".to_owned(), Value::String(slug.to_owned()));
    row.insert(
        "status".to_owned(),
        Value::String(status.as_str().to_owned()),
    );
    row.insert("created_at".to_owned(), now.clone());
    row.insert("updated_at".to_owned(), now);
    if let Some(at) = &document.published_at {
        row.insert("published_at".to_owned(), datetime_to_db(at));
    }
    row.insert(I18N.to_owned(), translations_to_db(content_type, document));
    row.insert("revision".to_owned(), Value::from_t(1_i64));
    row.insert("created_by".to_owned(), Value::String(actor.id.clone()));
    row.insert("updated_by".to_owned(), Value::String(actor.id.clone()));
    row
}

pub(crate) fn record_id(content_type: &ContentType, id: &str) -> RecordId {
    RecordId::new(content_type.id.as_str(), id)
}

fn base_slug(content_type: &ContentType, document: &Document, id: &str) -> String {
    let source = document
        .values
        .get(&content_type.slug_from)
        .and_then(Json::as_str)
        .unwrap_or_default();
    let slug = slugify(source);
    if slug.is_empty() {
        id.to_lowercase()
    } else {
        slug
    }
}

fn fields_to_db(content_type: &ContentType, document: &Document) -> Object {
    let mut object = Object::new();
    for field in &content_type.fields {
        if let Some(value) = document.values.get(&field.name) {
            object.insert(field.name.clone(), field_to_db(&field.kind, value));
        }
    }
    object
}

/// Orders a stored row as the API shows it, dropping anything the schema no longer has;
/// the working version has the entry's unpublished changes applied.
pub(crate) fn entry_from_row(content_type: &ContentType, row: Value, version: Version) -> Entry {
    let mut stored = match row {
        Value::Object(object) => object_from_db(object),
        _ => Map::new(),
    };
    let mut draft = match (stored.remove(DRAFT), version) {
        (Some(Json::Object(draft)), Version::Working) => Some(draft),
        _ => None,
    };
    let translations = match &mut draft {
        Some(draft) => draft.remove(I18N),
        None => stored.remove(I18N),
    };
    let mut entry = Map::with_capacity(content_type.fields.len() + SystemField::ALL.len());
    // The locale an entry is shown in depends on the request: the API sets it.
    let stored_system = SystemField::ALL
        .into_iter()
        .filter(|f| !matches!(f, SystemField::Locale | SystemField::Locales));
    for system in stored_system {
        let drafted = draft.as_ref().and_then(|d| d.get(system.name())).cloned();
        let value = match system {
            SystemField::Type => Json::String(content_type.id.clone()),
            SystemField::UnpublishedChanges => Json::Bool(draft.is_some()),
            SystemField::Translations => translations
                .clone()
                .filter(Json::is_object)
                .unwrap_or_else(|| Json::Object(Map::new())),
            SystemField::Slug | SystemField::PublishedAt if drafted.is_some() => {
                stored.remove(system.name());
                drafted.unwrap_or(Json::Null)
            }
            _ => stored.remove(system.name()).unwrap_or(Json::Null),
        };
        entry.insert(system.name().to_owned(), value);
    }
    for field in &content_type.fields {
        let value = match &draft {
            Some(draft) => draft.get(&field.name).cloned(),
            None => stored.remove(&field.name),
        };
        entry.insert(field.name.clone(), value.unwrap_or(Json::Null));
    }
    entry
}
