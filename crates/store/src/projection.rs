//! A slim copy of each type's rows for lists. SurrealDB fetches every row an index walk
//! passes, and an entry's row carries its whole text: skipping 980 posts to reach page 50
//! costs about 20 ms, and a filter the index cannot answer (`tags CONTAINS`) reads every
//! row it tests. So each type has a projection table `sys_order_<type>` holding only the
//! status, the sortable and indexed fields and their descending keys, with the same
//! `(status, field)` indexes. A table event keeps it in the transaction of every write to
//! the type (create, update, delete), so it can never disagree with the rows. A public
//! list whose filter and sort only touch those fields walks the projection, then fetches
//! the page's entries by id in the same statement; everything else reads the type's table.

use civitas_core::query::{Condition, ListQuery, Subject, Target};
use civitas_core::{ContentType, FieldKind, Status};
use surrealdb::types::Value;

use crate::database::Database;
use crate::entries::{StatusFilter, Version};
use crate::schema::{ident, status_indexed_fields, status_indexes};

/// Which version of the projection a database holds; a change to the fields or to this
/// tag rebuilds it.
const VERSION_TAG: &str = "civitas list projection v1";

/// The projection's table.
pub(crate) fn table_name(content_type: &ContentType) -> String {
    format!("sys_order_{}", content_type.id)
}

fn projected_fields(content_type: &ContentType) -> Vec<String> {
    let mut fields = vec!["status".to_owned()];
    fields.extend(status_indexed_fields(content_type));
    fields
}

/// Keeps the projection in the transaction of every write to the type (the event), and
/// rebuilds it from the table only when its fields changed, so a start with an unchanged
/// schema costs one lookup. (SurrealDB 3.3's own table views, `DEFINE TABLE .. AS
/// SELECT`, copy the rows but do not update the view's indexes on later writes.)
pub(crate) async fn apply(
    db: &Database,
    content_type: &ContentType,
) -> Result<(), surrealdb::Error> {
    let projection = table_name(content_type);
    let fields = projected_fields(content_type);
    let fingerprint = format!("{VERSION_TAG}: {}", fields.join(","));
    let table = ident(&content_type.id);
    let projection_ident = ident(&projection);
    // Names are validated `[a-z0-9_]` (schema), so they are safe as literals.
    let copied: Vec<String> = fields
        .iter()
        .map(|f| format!("\"{f}\": $after.{}", ident(f)))
        .collect();
    let event = format!(
        "DEFINE EVENT OVERWRITE civitas_projection ON TABLE {table} THEN {{
            IF $event = 'DELETE' {{
                DELETE type::record('{projection}', record::id($before.id));
            }} ELSE {{
                UPSERT type::record('{projection}', record::id($after.id)) CONTENT {{ {} }};
            }};
        }};",
        copied.join(", ")
    );
    db.query(event).await?.check()?;
    if holds(db, &projection, &fingerprint).await? {
        return Ok(());
    }
    tracing::info!(content_type = %content_type.id, "building the list projection");
    // Each step commits on its own (SurrealDB builds an index over existing rows outside
    // the defining transaction, so one transaction conflicts with itself), and the rows
    // are copied in batches (one transaction must fit in the engine's memory table). The
    // event above already copies every write made meanwhile. The fingerprint is written
    // last: a start that dies half-way leaves a table without it, which the next start
    // rebuilds. Every step tolerates another node running the same ones at the same moment.
    let mut define = format!(
        "REMOVE TABLE IF EXISTS {projection_ident};\n\
         DEFINE TABLE IF NOT EXISTS {projection_ident} SCHEMALESS;\n"
    );
    for (name, body) in status_indexes(content_type) {
        define += &format!(
            "DEFINE INDEX IF NOT EXISTS {} ON {projection_ident} {body};\n",
            ident(&name)
        );
    }
    db.query(define).await?.check()?;
    let selected: Vec<String> = fields.iter().map(|f| ident(f)).collect();
    let copy = format!(
        "INSERT IGNORE INTO {projection_ident} (SELECT type::record('{projection}', record::id(id)) AS id, {} FROM $ids) RETURN NONE",
        selected.join(", ")
    );
    crate::batched::for_each_batch(db, &content_type.id, &copy).await?;
    db.query(format!(
        "DEFINE TABLE OVERWRITE {projection_ident} SCHEMALESS COMMENT \"{fingerprint}\";"
    ))
    .await?
    .check()?;
    Ok(())
}

/// Whether the database's projection table was built for these fields.
async fn holds(
    db: &Database,
    projection: &str,
    fingerprint: &str,
) -> Result<bool, surrealdb::Error> {
    let mut info = db.query("RETURN (INFO FOR DB).tables").await?.check()?;
    let tables: Option<Value> = info.take(0)?;
    Ok(match tables {
        Some(Value::Object(tables)) => {
            matches!(tables.get(projection), Some(Value::String(definition)) if definition.contains(fingerprint))
        }
        _ => false,
    })
}

/// Whether the projection can answer this list: published entries, no full-text search,
/// and a filter and sort on the projection's own fields only.
pub(crate) fn serves(
    content_type: &ContentType,
    statuses: StatusFilter,
    version: Version,
    query: &ListQuery,
) -> bool {
    let published =
        matches!(statuses, StatusFilter::Only(Status::Published)) && version == Version::Published;
    let fields = projected_fields(content_type);
    let sorts_on_projection = query
        .sort
        .iter()
        .all(|key| fields.iter().any(|f| f == key.field.name()));
    let conditions = query
        .filter
        .all
        .iter()
        .chain(query.filter.any.iter().flatten());
    let filters_on_projection = conditions
        .into_iter()
        .all(|condition| condition_on_projection(condition, &fields));
    published && query.search.is_none() && sorts_on_projection && filters_on_projection
}

/// Conditions compare stored values the projection copies as they are; ids and references are
/// compared as record ids of other tables, so those stay on the type's table.
fn condition_on_projection(condition: &Condition, fields: &[String]) -> bool {
    let name = match &condition.target {
        Target::Own(Subject::System(system)) => system.name(),
        Target::Own(Subject::Field(field)) => field.name.as_str(),
        _ => return false,
    };
    let plain = !matches!(
        condition.kind,
        FieldKind::Reference { .. } | FieldKind::RichText(_)
    );
    plain && fields.iter().any(|f| f == name)
}
