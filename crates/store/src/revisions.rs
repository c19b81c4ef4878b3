//! Reading revisions: every write to an entry leaves the whole row as it was after the
//! write (the `civitas_revision` table event), numbered by the entry's `revision`.

use civitas_core::ContentType;
use serde_json::Value as Json;
use surrealdb::types::{Object, Value};

use crate::convert::from_db;
use crate::entries::{Entry, Store, Version, entry_from_row};
use crate::error::StoreError;

/// One revision: the entry as editors saw it right after that write.
#[derive(Debug, Clone)]
pub struct Revision {
    pub number: i64,
    pub at: Json,
    /// Who made the write (`user:ID`, `token:ID`, `system:NAME`).
    pub actor: Json,
    pub entry: Entry,
}

impl Store {
    /// Up to `limit` revisions of an entry, newest first, older than `before` when given.
    pub async fn revisions(
        &self,
        content_type: &ContentType,
        id: &str,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<Revision>, StoreError> {
        let mut values = Object::new();
        values.insert("type_id", content_type.id.clone());
        values.insert("entry", id.to_owned());
        values.insert("before", before.unwrap_or(i64::MAX));
        values.insert("limit", limit as i64);
        let sql = "SELECT * FROM sys_revision WHERE type_id = $type_id AND entry = $entry \
                   AND number < $before ORDER BY number DESC LIMIT $limit";
        let rows: Vec<Value> = self.query(sql).bind(values).await?.check()?.take(0)?;
        Ok(rows
            .into_iter()
            .map(|row| revision_from_row(content_type, row))
            .collect())
    }

    /// One revision of an entry, by number.
    pub async fn revision(
        &self,
        content_type: &ContentType,
        id: &str,
        number: i64,
    ) -> Result<Option<Revision>, StoreError> {
        let mut values = Object::new();
        values.insert("type_id", content_type.id.clone());
        values.insert("entry", id.to_owned());
        values.insert("number", number);
        let sql = "SELECT * FROM sys_revision WHERE type_id = $type_id AND entry = $entry \
                   AND number = $number LIMIT 1";
        let rows: Vec<Value> = self.query(sql).bind(values).await?.check()?.take(0)?;
        Ok(rows
            .into_iter()
            .next()
            .map(|row| revision_from_row(content_type, row)))
    }
}

fn revision_from_row(content_type: &ContentType, row: Value) -> Revision {
    let mut row = match row {
        Value::Object(object) => object,
        _ => Object::new(),
    };
    let mut take = |name: &str| row.remove(name).unwrap_or(Value::None);
    let number = from_db(take("number")).as_i64().unwrap_or_default();
    let at = from_db(take("at"));
    let actor = from_db(take("actor"));
    let entry = entry_from_row(content_type, take("snapshot"), Version::Working);
    Revision {
        number,
        at,
        actor,
        entry,
    }
}
