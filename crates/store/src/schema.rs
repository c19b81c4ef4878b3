//! The database schema, derived from the content types and applied at every start.
//!
//! Tables and fields are (re)defined with `OVERWRITE`, which only touches metadata. Index
//! names encode their definition (`uq_slug`, `ix_status_order`), so an index whose
//! definition changes gets a new name: the applier adds missing indexes and removes
//! stale ones of ours, and never rebuilds an index that is already right.

use std::collections::BTreeSet;

use civitas_core::entry::SystemField;
use civitas_core::query::sortable_fields;
use civitas_core::{ContentType, FieldKind, TypeRegistry};
use serde_json::Value;

use crate::database::Database;
use crate::descending;
use crate::media::MEDIA_TABLE;

const UNIQUE_PREFIX: &str = "uq_";
const SORT_PREFIX: &str = "ix_status_";
const FULLTEXT_PREFIX: &str = "ft_";

/// The analyzer for full-text indexes: words split on blanks and character classes,
/// lowercased, accents folded, English stemming ("cities" finds "city").
const ANALYZER: &str = "civitas_text";
const DEFINE_ANALYZER: &str = "DEFINE ANALYZER IF NOT EXISTS civitas_text TOKENIZERS blank,class FILTERS lowercase,ascii,snowball(english);";

/// Accounts, credentials, the audit log, revisions, slug history, media, the change log and
/// webhooks. Content type ids may not start with `sys_`,
/// so these names cannot clash with a type's table.
const SYSTEM_TABLES: &str = "
DEFINE TABLE IF NOT EXISTS sys_user SCHEMALESS;
DEFINE INDEX IF NOT EXISTS uq_email ON sys_user FIELDS email UNIQUE;
DEFINE TABLE IF NOT EXISTS sys_session SCHEMALESS;
DEFINE INDEX IF NOT EXISTS ix_user ON sys_session FIELDS user;
DEFINE TABLE IF NOT EXISTS sys_token SCHEMALESS;
DEFINE TABLE IF NOT EXISTS sys_audit SCHEMALESS;
DEFINE INDEX IF NOT EXISTS ix_actor ON sys_audit FIELDS actor;
DEFINE INDEX IF NOT EXISTS ix_target ON sys_audit FIELDS target;
DEFINE TABLE IF NOT EXISTS sys_revision SCHEMALESS;
DEFINE INDEX IF NOT EXISTS uq_revision ON sys_revision FIELDS type_id, entry, number UNIQUE;
DEFINE TABLE IF NOT EXISTS sys_slug SCHEMALESS;
DEFINE INDEX IF NOT EXISTS ix_slug ON sys_slug FIELDS type_id, slug;
DEFINE TABLE IF NOT EXISTS sys_media SCHEMALESS;
DEFINE INDEX IF NOT EXISTS ix_sha ON sys_media FIELDS sha256;
DEFINE TABLE IF NOT EXISTS sys_counter SCHEMALESS;
DEFINE TABLE IF NOT EXISTS sys_event SCHEMALESS;
DEFINE INDEX IF NOT EXISTS uq_seq ON sys_event FIELDS seq UNIQUE;
DEFINE INDEX IF NOT EXISTS ix_at ON sys_event FIELDS at;
DEFINE TABLE IF NOT EXISTS sys_ticket SCHEMALESS;
DEFINE TABLE IF NOT EXISTS sys_throttle SCHEMALESS;
DEFINE TABLE IF NOT EXISTS sys_webhook SCHEMALESS;
DEFINE TABLE IF NOT EXISTS sys_webhook_delivery SCHEMALESS;
DEFINE INDEX IF NOT EXISTS ix_webhook ON sys_webhook_delivery FIELDS webhook, at;
DEFINE INDEX IF NOT EXISTS ix_at ON sys_webhook_delivery FIELDS at;
";

/// Quotes an identifier from the schema (already restricted to `[a-z0-9_]`), so names
/// that are SurrealQL keywords, such as `order`, are still read as field names.
pub(crate) fn ident(name: &str) -> String {
    format!("`{name}`")
}

/// The field a unique index guards, from the index's name.
pub(crate) fn unique_index_field(index: &str) -> Option<&str> {
    index.strip_prefix(UNIQUE_PREFIX)
}

/// The SurrealQL type of a field; every content field is optional in the database because
/// `required` is enforced by validation, so tightening a type never breaks stored rows.
fn db_type(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Text(_)
        | FieldKind::Slug(_)
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::Enum(_)
        | FieldKind::Date => "string".into(),
        FieldKind::RichText(_) => "object".into(),
        FieldKind::Integer(_) => "int".into(),
        FieldKind::Number(_) => "number".into(),
        FieldKind::Boolean => "bool".into(),
        FieldKind::Datetime => "datetime".into(),
        FieldKind::Json => "any".into(),
        FieldKind::Reference {
            to, many: false, ..
        } => format!("record<{to}>"),
        FieldKind::Reference { to, many: true, .. } => format!("array<record<{to}>>"),
        FieldKind::Media { many: false, .. } => format!("record<{MEDIA_TABLE}>"),
        FieldKind::Media { many: true, .. } => format!("array<record<{MEDIA_TABLE}>>"),
        FieldKind::List { item, .. } => format!("array<{}>", db_type(item)),
    }
}

const SYSTEM_FIELD_TYPES: [(SystemField, &str); 10] = [
    (SystemField::Slug, "string"),
    (SystemField::Status, "string"),
    (SystemField::CreatedAt, "datetime"),
    (SystemField::UpdatedAt, "datetime"),
    (SystemField::PublishedAt, "option<datetime>"),
    (SystemField::ScheduledPublishAt, "option<datetime>"),
    (SystemField::ScheduledUnpublishAt, "option<datetime>"),
    (SystemField::Revision, "int"),
    (SystemField::CreatedBy, "option<string>"),
    (SystemField::UpdatedBy, "option<string>"),
];

/// The events every content table has. They run inside the transaction of each write,
/// whatever path it came by, so no write can skip them: a revision (the whole row after
/// each write that counts one, kept `keep_revisions` deep, 0 for all), and the slug
/// history that lets an old slug still find its entry. Upkeep that changes no content
/// (filling in a new computed field) does not count as a revision.
fn define_events(content_type: &ContentType, keep_revisions: u64) -> String {
    let table = ident(&content_type.id);
    // The type id is schema-validated `[a-z0-9_]`, so it is safe as a string literal.
    let type_id = &content_type.id;
    let retention = if keep_revisions > 0 {
        format!(
            "DELETE sys_revision WHERE type_id = '{type_id}' AND entry = record::id($after.id) AND number <= $after.revision - {keep_revisions};"
        )
    } else {
        String::new()
    };
    format!(
        "DEFINE EVENT OVERWRITE civitas_revision ON TABLE {table} WHEN $event = 'CREATE' OR ($event = 'UPDATE' AND $before.revision != $after.revision) THEN {{
            CREATE sys_revision CONTENT {{ type_id: '{type_id}', entry: record::id($after.id), number: $after.revision, at: $after.updated_at, actor: $after.updated_by, snapshot: $after }};
            {retention}
        }};
        DEFINE INDEX IF NOT EXISTS sched_publish ON TABLE {table} FIELDS scheduled_publish_at;
        DEFINE INDEX IF NOT EXISTS sched_unpublish ON TABLE {table} FIELDS scheduled_unpublish_at;
        DEFINE EVENT OVERWRITE civitas_slug_history ON TABLE {table} WHEN $event = 'UPDATE' AND $before.slug != $after.slug THEN {{
            UPSERT type::record('sys_slug', ['{type_id}', $before.slug]) CONTENT {{ type_id: '{type_id}', slug: $before.slug, entry: record::id($after.id), moved_at: time::now() }};
        }};\n"
    )
}

/// Table and field definitions for one type.
fn define_table(content_type: &ContentType) -> String {
    let table = ident(&content_type.id);
    let mut sql = format!("DEFINE TABLE OVERWRITE {table} SCHEMALESS;\n");
    for (field, ty) in SYSTEM_FIELD_TYPES {
        sql += &format!(
            "DEFINE FIELD OVERWRITE {} ON {table} TYPE {ty};\n",
            ident(field.name())
        );
    }
    for field in &content_type.fields {
        let ty = db_type(&field.kind);
        let ty = if ty == "any" {
            ty
        } else {
            format!("option<{ty}>")
        };
        sql += &format!(
            "DEFINE FIELD OVERWRITE {} ON {table} TYPE {ty};\n",
            ident(&field.name)
        );
    }
    for (name, kind) in descending::keyed_fields(content_type) {
        if let Some(key) = descending::key_expression(&kind, &ident(&name)) {
            sql += &format!(
                "DEFINE FIELD OVERWRITE {} ON {table} VALUE {key};\n",
                ident(&descending::field_name(&name))
            );
        }
    }
    sql
}

/// The indexes one type needs, by name, with their definitions.
fn wanted_indexes(content_type: &ContentType) -> Vec<(String, String)> {
    let table = ident(&content_type.id);
    let mut indexes = vec![(
        format!("{UNIQUE_PREFIX}slug"),
        format!("FIELDS {} UNIQUE", ident("slug")),
    )];
    for field in content_type.fields.iter().filter(|f| f.unique) {
        indexes.push((
            format!("{UNIQUE_PREFIX}{}", field.name),
            format!("FIELDS {} UNIQUE", ident(&field.name)),
        ));
    }
    let searchable = content_type.fields.iter().filter(|f| f.searchable);
    for (field, path) in searchable.zip(crate::compile::searchable_paths(content_type)) {
        let name = &field.name;
        indexes.push((
            format!("{FULLTEXT_PREFIX}{name}"),
            format!("FIELDS {path} FULLTEXT ANALYZER {ANALYZER} BM25 HIGHLIGHTS"),
        ));
    }
    indexes.extend(status_indexes(content_type));
    indexes
        .into_iter()
        .map(|(name, body)| {
            let sql = format!(
                "DEFINE INDEX IF NOT EXISTS {} ON {table} {body};",
                ident(&name)
            );
            (name, sql)
        })
        .collect()
}

/// The fields lists sort and filter on through an index on `(status, field)`: the
/// sortable system fields, the indexed fields, and their descending keys.
pub(crate) fn status_indexed_fields(content_type: &ContentType) -> Vec<String> {
    let descending = descending::keyed_fields(content_type)
        .into_iter()
        .map(|(name, _)| descending::field_name(&name));
    sortable_fields(content_type, false)
        .map(|field| field.name().to_owned())
        .chain(descending)
        .collect()
}

/// The `(status, field)` indexes of a type's table (or of its list projection).
pub(crate) fn status_indexes(content_type: &ContentType) -> Vec<(String, String)> {
    status_indexed_fields(content_type)
        .into_iter()
        .map(|name| {
            (
                format!("{SORT_PREFIX}{name}"),
                format!("FIELDS {}, {}", ident("status"), ident(&name)),
            )
        })
        .collect()
}

fn is_ours(index: &str) -> bool {
    [UNIQUE_PREFIX, SORT_PREFIX, FULLTEXT_PREFIX]
        .iter()
        .any(|prefix| index.starts_with(prefix))
}

/// Brings the database in line with the content types. Safe to run at every start.
/// How often a node retries its schema when other nodes apply theirs at the same moment.
const APPLY_ATTEMPTS: u32 = 10;

/// `apply`, retried while it collides with other nodes starting on the same database at
/// the same moment: their definitions write the same catalogue records, so all but one
/// transaction fail, and the statements are idempotent, so running them again is safe.
pub(crate) async fn apply_alongside_others(
    db: &Database,
    registry: &TypeRegistry,
    keep_revisions: u64,
) -> Result<(), surrealdb::Error> {
    let mut attempt = 1;
    loop {
        match apply(db, registry, keep_revisions).await {
            Err(error) if attempt < APPLY_ATTEMPTS && collided(&error) => {
                tracing::info!(attempt, %error, "schema: another node is applying its schema; trying again");
                let wait = 50 * u64::from(attempt) + rand_jitter();
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Whether a schema transaction failed because a concurrent one won.
fn collided(error: &surrealdb::Error) -> bool {
    crate::retry::is_conflict(error) || error.message().contains("failed transaction")
}

/// Up to 50 ms, so that colliding nodes do not collide again in step.
fn rand_jitter() -> u64 {
    u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos())
            % 50,
    )
}

pub(crate) async fn apply(
    db: &Database,
    registry: &TypeRegistry,
    keep_revisions: u64,
) -> Result<(), surrealdb::Error> {
    // Definitions are metadata; one transaction makes them one commit (one log sync)
    // instead of one per statement, which was most of the time a start took here.
    let mut definitions = format!("BEGIN;\n{DEFINE_ANALYZER}\n{SYSTEM_TABLES}\n");
    for content_type in registry.iter() {
        definitions += &define_table(content_type);
        definitions += &define_events(content_type, keep_revisions);
    }
    definitions += "COMMIT;";
    db.query(definitions).await?.check()?;
    for content_type in registry.iter() {
        let existing = existing_indexes(db, &content_type.id).await?;
        fill_descending_keys(db, content_type, &existing).await?;
        let wanted = wanted_indexes(content_type);
        let wanted_names: BTreeSet<&str> = wanted.iter().map(|(name, _)| name.as_str()).collect();
        let mut sql = String::new();
        for stale in existing
            .iter()
            .filter(|i| is_ours(i) && !wanted_names.contains(i.as_str()))
        {
            sql += &format!(
                "REMOVE INDEX IF EXISTS {} ON {};\n",
                ident(stale),
                ident(&content_type.id)
            );
        }
        for (name, define) in &wanted {
            if !existing.contains(name) {
                sql += define;
                sql.push('\n');
            }
        }
        if !sql.is_empty() {
            tracing::info!(content_type = %content_type.id, "updating indexes");
            db.query(sql).await?.check()?;
        }
        crate::projection::apply(db, content_type).await?;
    }
    Ok(())
}

/// Computes the descending keys of rows written before their field existed (once: when
/// the key's index is about to be made), before that index is built over them.
async fn fill_descending_keys(
    db: &Database,
    content_type: &ContentType,
    existing: &BTreeSet<String>,
) -> Result<(), surrealdb::Error> {
    let missing: Vec<String> = descending::keyed_fields(content_type)
        .into_iter()
        .map(|(name, _)| descending::field_name(&name))
        .filter(|field| !existing.contains(&format!("{SORT_PREFIX}{field}")))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    tracing::info!(content_type = %content_type.id, fields = ?missing, "computing descending sort keys");
    // Setting any field makes the database compute every `VALUE` field of the row.
    let update = format!("UPDATE $ids SET {} = NONE RETURN NONE", ident(&missing[0]));
    crate::batched::for_each_batch(db, &content_type.id, &update).await?;
    Ok(())
}

async fn existing_indexes(
    db: &Database,
    table: &str,
) -> Result<BTreeSet<String>, surrealdb::Error> {
    let mut response = db
        .query(format!("INFO FOR TABLE {}", ident(table)))
        .await?
        .check()?;
    let info: Value = response
        .take::<surrealdb::types::Value>(0)?
        .into_json_value();
    Ok(info
        .get("indexes")
        .and_then(Value::as_object)
        .map(|indexes| indexes.keys().cloned().collect())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_tables_and_indexes_from_types() {
        let registry = TypeRegistry::builtin().expect("built-in types");
        let page = registry.get("page").expect("page type");
        let sql = define_table(page);
        assert!(sql.contains("DEFINE FIELD OVERWRITE `order` ON `page` TYPE option<int>;"));
        assert!(
            sql.contains("DEFINE FIELD OVERWRITE `parent` ON `page` TYPE option<record<page>>;")
        );
        let names: Vec<_> = wanted_indexes(page).into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"uq_slug".to_owned()));
        assert!(names.contains(&"ix_status_order".to_owned()));
        assert!(names.contains(&"ix_status_published_at".to_owned()));
        assert!(names.contains(&"ft_body".to_owned()), "{names:?}");
    }
}
