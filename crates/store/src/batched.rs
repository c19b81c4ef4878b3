//! A statement over every row of a table, a batch of rows at a time: one transaction per
//! batch, so a start-time migration of a large table never outgrows the storage engine's
//! memory table (`storage.memtable_mib`), which also bounds one transaction.

use surrealdb::types::{Object, Value};

use crate::database::Database;

/// Rows per transaction: a few MiB even for rows of several KB.
const BATCH: i64 = 1000;

/// Runs `each`, SurrealQL that reads the batch's record ids from `$ids`, over all of
/// `table`'s rows in id order.
pub(crate) async fn for_each_batch(
    db: &Database,
    table: &str,
    each: &str,
) -> Result<(), surrealdb::Error> {
    let mut after: Option<Value> = None;
    loop {
        let (select, vars) = page_by_id("VALUE id", table, after.take(), BATCH);
        let sql = format!("LET $ids = ({select});\n{each};\nRETURN $ids;");
        let ids: Vec<Value> = db.query(sql).bind(vars).await?.check()?.take(2)?;
        if (ids.len() as i64) < BATCH {
            return Ok(());
        }
        after = ids.last().cloned();
    }
}

/// The statement and variables that read `limit` rows of `table` (`projection` of each)
/// in id order, after the row `after` when given: a range walk of the table, never a scan
/// from the start.
pub(crate) fn page_by_id(
    projection: &str,
    table: &str,
    after: Option<Value>,
    limit: i64,
) -> (String, Object) {
    let mut vars = Object::new();
    vars.insert("table", table.to_owned());
    vars.insert("limit", limit);
    let range = match after {
        None => "",
        Some(id) => {
            vars.insert("after", id);
            "WHERE id > $after "
        }
    };
    let sql =
        format!("SELECT {projection} FROM type::table($table) {range}ORDER BY id LIMIT $limit");
    (sql, vars)
}
