//! Backups of the whole database, whatever the engine: every record of every table
//! (content, revisions, slugs, users, sessions, tokens, audit log, change log, webhooks
//! and their deliveries, media records), read in one transaction so a backup taken while
//! a server writes is one consistent moment. SurrealDB's own export does not work over
//! `ws://`, so Civitas writes its own file: one record per line as a SurrealQL value
//! (which keeps datetimes and record ids typed), between a header and an end line that
//! counts what came before, so a cut-off file is never mistaken for a whole one.
//!
//! ```text
//! @civitas-backup 1 {"created_at":"2026-12-01T10:00:00Z"}
//! @table page
//! { id: page:01JD..., title: 'About', ... }
//! @end {"tables":15,"records":1234}
//! ```
//!
//! Restoring loads the records into a database with no schema (so the schema's events,
//! which would write revisions of their own, do not fire), and the node that opens the
//! database next applies the schema and builds its indexes.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::json;
use surrealdb::types::{Object, Table, ToSql, Value};
use tokio::sync::mpsc;

use crate::batched::page_by_id;
use crate::connect::{StorageSettings, connect_patiently};
use crate::database::{Database, Snapshot};
use crate::entries::Store;
use crate::error::StoreError;

const MAGIC: &str = "@civitas-backup";
const VERSION: u32 = 1;
const TABLE: &str = "@table ";
const END: &str = "@end ";
/// Records read, or written, per statement.
const PAGE: i64 = 500;

/// What a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BackupSummary {
    pub tables: usize,
    pub records: u64,
}

/// Why a restore did not happen (or did not finish).
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("{path}: {problem}")]
    Malformed { path: String, problem: String },
    #[error(
        "the database already holds records (in {tables}); restore into an empty database, or pass --replace to delete them first"
    )]
    NotEmpty { tables: String },
    #[error("the database has a table Civitas did not make (`{0}`); remove it first")]
    ForeignTable(String),
    #[error("cannot read the backup: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<surrealdb::Error> for RestoreError {
    fn from(error: surrealdb::Error) -> RestoreError {
        RestoreError::Store(error.into())
    }
}

/// Table names Civitas makes: `[A-Za-z0-9_]`, so safe to name in a statement.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The statement that lists the database's tables.
const TABLES: &str = "RETURN (INFO FOR DB).tables";

/// The table names in the answer to `TABLES`, sorted.
fn table_names(tables: Option<Value>) -> Vec<String> {
    let mut names: Vec<String> = match tables {
        Some(Value::Object(tables)) => tables.keys().cloned().collect(),
        _ => Vec::new(),
    };
    names.sort();
    names
}

/// Where a backup's lines go; `false` once the reader has gone away.
async fn emit(out: &mpsc::Sender<String>, line: String) -> bool {
    out.send(line).await.is_ok()
}

impl Store {
    /// Writes the whole database to `out`, a line at a time, from one read transaction.
    /// Stops quietly when `out` is closed (the client went away).
    pub async fn backup(&self, out: mpsc::Sender<String>) -> Result<BackupSummary, StoreError> {
        // Nothing is written before the snapshot is taken, so a database that cannot be
        // read fails the request instead of cutting a file short.
        let snapshot = self.begin().await?;
        let tables = table_names(snapshot.query(TABLES).await?.check()?.take(0)?);
        let header = json!({ "created_at": chrono::Utc::now().to_rfc3339() });
        let mut summary = BackupSummary::default();
        if !emit(&out, format!("{MAGIC} {VERSION} {header}\n")).await {
            snapshot.cancel().await?;
            return Ok(summary);
        }
        for table in tables {
            if !dump_table(&snapshot, &table, &out, &mut summary).await? {
                snapshot.cancel().await?;
                return Ok(summary);
            }
        }
        // Read only: nothing to commit.
        snapshot.cancel().await?;
        let end = json!({ "tables": summary.tables, "records": summary.records });
        emit(&out, format!("{END}{end}\n")).await;
        Ok(summary)
    }
}

/// Writes `table`'s line and its records, in pages by id; `false` when `out` closed.
async fn dump_table(
    snapshot: &Snapshot,
    table: &str,
    out: &mpsc::Sender<String>,
    summary: &mut BackupSummary,
) -> Result<bool, StoreError> {
    if !emit(out, format!("{TABLE}{table}\n")).await {
        return Ok(false);
    }
    summary.tables += 1;
    let mut after: Option<Value> = None;
    loop {
        let (sql, vars) = page_by_id("*", table, after.take(), PAGE);
        let rows: Vec<Value> = snapshot.query(sql).bind(vars).await?.check()?.take(0)?;
        for row in &rows {
            if !emit(out, format!("{}\n", row.to_sql())).await {
                return Ok(false);
            }
            summary.records += 1;
        }
        after = rows.last().and_then(record_id);
        if (rows.len() as i64) < PAGE || after.is_none() {
            return Ok(true);
        }
    }
}

fn record_id(row: &Value) -> Option<Value> {
    match row {
        Value::Object(fields) => fields.get("id").cloned(),
        _ => None,
    }
}

/// One line of a backup, understood.
enum Line {
    Table(String),
    Record(Value),
    End(BackupSummary),
}

/// A problem at line `number` of the backup at `path`.
fn malformed(path: &Path, number: usize, problem: impl std::fmt::Display) -> RestoreError {
    RestoreError::Malformed {
        path: path.display().to_string(),
        problem: format!("line {number}: {problem}"),
    }
}

/// A backup's lines, after its header, one at a time (a backup can be larger than
/// memory).
struct BackupReader {
    path: std::path::PathBuf,
    lines: std::iter::Enumerate<std::io::Lines<BufReader<std::fs::File>>>,
}

impl BackupReader {
    /// Opens `path` and checks its header.
    fn open(path: &Path) -> Result<BackupReader, RestoreError> {
        let mut lines = BufReader::new(std::fs::File::open(path)?).lines();
        let header = lines.next().transpose()?.unwrap_or_default();
        let version = header
            .strip_prefix(MAGIC)
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| malformed(path, 1, "not a Civitas backup (made by `civitas backup`)"))?;
        if version != VERSION.to_string() {
            let problem =
                format!("backup format {version}; this version of Civitas reads format {VERSION}");
            return Err(malformed(path, 1, problem));
        }
        Ok(BackupReader {
            path: path.to_owned(),
            lines: lines.enumerate(),
        })
    }

    fn parse(&self, number: usize, line: &str) -> Result<Line, RestoreError> {
        if let Some(table) = line.strip_prefix(TABLE) {
            if !is_plain_name(table) {
                return Err(malformed(
                    &self.path,
                    number,
                    format!("`{table}` is not a table name"),
                ));
            }
            return Ok(Line::Table(table.to_owned()));
        }
        if let Some(end) = line.strip_prefix(END) {
            return serde_json::from_str(end)
                .map(Line::End)
                .map_err(|e| malformed(&self.path, number, format!("a bad end line: {e}")));
        }
        surrealdb::parse::value(line)
            .map(Line::Record)
            .map_err(|e| malformed(&self.path, number, format!("not a record: {e}")))
    }
}

impl Iterator for BackupReader {
    /// The line's number (from 1, the header) and what it says.
    type Item = Result<(usize, Line), RestoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (index, line) = self.lines.next()?;
        let number = index + 2;
        Some(
            line.map_err(RestoreError::from)
                .and_then(|line| self.parse(number, &line))
                .map(|parsed| (number, parsed)),
        )
    }
}

/// Checks a backup whole before anything is written: the header, every record (each in
/// the table it is listed under), and the end line's counts.
pub fn check_backup(path: &Path) -> Result<BackupSummary, RestoreError> {
    let reader = BackupReader::open(path)?;
    let at = |number: usize, problem: String| malformed(path, number, problem);
    let mut seen = BackupSummary::default();
    let mut table: Option<String> = None;
    let mut end: Option<BackupSummary> = None;
    for line in reader {
        let (number, line) = line?;
        if end.is_some() {
            return Err(at(number, "text after the end line".into()));
        }
        match line {
            Line::Table(name) => {
                seen.tables += 1;
                table = Some(name);
            }
            Line::Record(record) => {
                let Some(listed) = table.as_deref() else {
                    return Err(at(number, "a record before any @table line".into()));
                };
                let belongs = matches!(record_id(&record), Some(Value::RecordId(id)) if id.table.as_str() == listed);
                if !belongs {
                    return Err(at(
                        number,
                        format!("a record that is not one of `{listed}`"),
                    ));
                }
                seen.records += 1;
            }
            Line::End(summary) => end = Some(summary),
        }
    }
    let problem = match end {
        Some(end) if end == seen => return Ok(seen),
        Some(end) => format!(
            "the end line counts {} records in {} tables, the file holds {} in {}",
            end.records, end.tables, seen.records, seen.tables
        ),
        None => "the file ends before its end line: the backup was cut off".to_owned(),
    };
    Err(RestoreError::Malformed {
        path: path.display().to_string(),
        problem,
    })
}

/// Loads the backup at `path` into the database `settings` name, which must hold no
/// records unless `replace` (its tables are then removed first). Tables with no records
/// are removed either way: their schema would fire events on the records loaded, and
/// the next node to start applies it again.
pub async fn restore(
    settings: &StorageSettings,
    path: &Path,
    replace: bool,
) -> Result<BackupSummary, RestoreError> {
    let summary = check_backup(path)?;
    let db = connect_patiently(settings).await?;
    let tables = table_names(db.query(TABLES).await?.check()?.take(0)?);
    if let Some(foreign) = tables.iter().find(|name| !is_plain_name(name)) {
        return Err(RestoreError::ForeignTable(foreign.clone()));
    }
    let mut holding = Vec::new();
    for table in &tables {
        let mut vars = Object::new();
        vars.insert("table", table.clone());
        let sql = "SELECT VALUE id FROM type::table($table) LIMIT 1";
        let rows: Vec<Value> = db.query(sql).bind(vars).await?.check()?.take(0)?;
        if !rows.is_empty() {
            holding.push(table.clone());
        }
    }
    if !holding.is_empty() && !replace {
        return Err(RestoreError::NotEmpty {
            tables: holding.join(", "),
        });
    }
    for table in &tables {
        // The name is one of the database's own, checked to be plain above.
        db.query(format!("REMOVE TABLE `{table}`")).await?.check()?;
    }
    load(&db, path).await?;
    Ok(summary)
}

/// Inserts the (already checked) backup's records, a page at a time.
async fn load(db: &Database, path: &Path) -> Result<(), RestoreError> {
    let mut table = String::new();
    let mut page: Vec<Value> = Vec::new();
    for line in BackupReader::open(path)? {
        match line?.1 {
            Line::Table(name) => {
                insert(db, &table, &mut page).await?;
                table = name;
            }
            Line::Record(record) => {
                page.push(record);
                if page.len() as i64 == PAGE {
                    insert(db, &table, &mut page).await?;
                }
            }
            Line::End(_) => insert(db, &table, &mut page).await?,
        }
    }
    Ok(())
}

/// Inserts `page` into `table` and empties it.
async fn insert(db: &Database, table: &str, page: &mut Vec<Value>) -> Result<(), RestoreError> {
    if page.is_empty() {
        return Ok(());
    }
    let mut vars = Object::new();
    vars.insert("table", Value::Table(Table::new(table)));
    vars.insert("records", Value::Array(std::mem::take(page).into()));
    db.query("INSERT INTO $table $records")
        .bind(vars)
        .await?
        .check()?;
    Ok(())
}
