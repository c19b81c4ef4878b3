//! A statement over every row of a table, a batch of rows at a time: one transaction per
//! batch, so a start-time migration of a large table never outgrows the storage engine's
//! memory table (`storage.memtable_mib`), which also bounds one transaction.

use surrealdb::types::{Object, Value};

use crate::database::Database;

/// Rows per transaction: a few MiB even for rows of several KB.
const BATCH: i64 = 1000;

/// Runs `each`, SurrealQL that reads the batch's record ids from `$ids`, over all of
/// `table`'s rows in id order; answers how many rows it passed.
pub(crate) async fn for_each_batch(
    db: &Database,
    table: &str,
    each: &str,
) -> Result<u64, surrealdb::Error> {
    let mut after: Option<Value> = None;
    let mut passed = 0;
    loop {
        let mut vars = Object::new();
        vars.insert("table", table.to_owned());
        vars.insert("limit", BATCH);
        let select = match after.take() {
            None => "SELECT VALUE id FROM type::table($table) ORDER BY id LIMIT $limit",
            Some(id) => {
                vars.insert("after", id);
                "SELECT VALUE id FROM type::table($table) WHERE id > $after ORDER BY id LIMIT $limit"
            }
        };
        let sql = format!("LET $ids = ({select});\n{each};\nRETURN $ids;");
        let ids: Vec<Value> = db.query(sql).bind(vars).await?.check()?.take(2)?;
        passed += ids.len() as u64;
        if (ids.len() as i64) < BATCH {
            return Ok(passed);
        }
        after = ids.last().cloned();
    }
}
