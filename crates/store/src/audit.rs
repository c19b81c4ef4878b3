//! The audit log: who wrote what, through which credential, in which request. A write and
//! its audit record commit in one transaction, so neither can exist without the other.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::Value as Json;
use surrealdb::types::{Object, RecordId, Value};

use crate::convert::{from_db, time_to_db};
use crate::entries::Store;
use crate::error::StoreError;
use crate::events::change_for;
use crate::retry::{ATTEMPTS, LOGGED_ATTEMPTS, is_conflict, with_retries_up_to};

pub(crate) const AUDIT_TABLE: &str = "sys_audit";

/// Who makes a write, and through what; recorded on entries (`created_by`,
/// `updated_by`) and in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `user:ID`, `token:ID`, `emergency` or `system:NAME`.
    pub id: String,
    /// Something a person recognises: an email, a token's name.
    pub name: String,
    /// The credential used: `session:ID`, `token:ID`, `emergency` or `system`.
    pub credential: String,
    /// The HTTP request the write came with; empty for work outside a request.
    pub request_id: String,
}

impl Actor {
    /// Work the server or the command line does on its own behalf (seeding, bootstrap).
    pub fn system(name: &str) -> Actor {
        Actor {
            id: format!("system:{name}"),
            name: name.to_owned(),
            credential: "system".to_owned(),
            request_id: String::new(),
        }
    }
}

/// What a write did, for its audit record.
#[derive(Debug, Clone, Copy)]
pub struct AuditEvent<'a> {
    /// A stable dotted name, such as `entry.publish` or `token.revoke`.
    pub action: &'a str,
    /// The content type, for entry actions.
    pub type_id: Option<&'a str>,
    /// The entry, user, token or plugin acted on.
    pub target: Option<&'a str>,
}

impl<'a> AuditEvent<'a> {
    pub fn new(action: &'a str, target: Option<&'a str>) -> AuditEvent<'a> {
        AuditEvent {
            action,
            type_id: None,
            target,
        }
    }

    pub fn on_entry(action: &'a str, type_id: &'a str, id: &'a str) -> AuditEvent<'a> {
        AuditEvent {
            action,
            type_id: Some(type_id),
            target: Some(id),
        }
    }
}

/// Audit ids sort by time, and within one millisecond by order of writing, so the log
/// lists a create before the publish that followed it.
static AUDIT_IDS: Mutex<ulid::Generator> = Mutex::new(ulid::Generator::new());

fn next_audit_id() -> String {
    let monotonic = AUDIT_IDS
        .lock()
        .ok()
        .and_then(|mut ids| ids.generate().ok());
    // Only a poisoned lock or 2^80 ids in one millisecond end here.
    match monotonic {
        Some(id) => id.to_string(),
        None => ulid::Ulid::new().to_string(),
    }
}

fn audit_row(event: AuditEvent<'_>, actor: &Actor) -> Object {
    let optional = |text: Option<&str>| text.map_or(Value::None, |t| Value::String(t.to_owned()));
    let mut row = Object::new();
    row.insert(
        "id".to_owned(),
        Value::RecordId(RecordId::new(AUDIT_TABLE, next_audit_id())),
    );
    row.insert("at".to_owned(), time_to_db(Utc::now()));
    row.insert("action".to_owned(), Value::String(event.action.to_owned()));
    row.insert("type".to_owned(), optional(event.type_id));
    row.insert("target".to_owned(), optional(event.target));
    row.insert("actor".to_owned(), Value::String(actor.id.clone()));
    row.insert("actor_name".to_owned(), Value::String(actor.name.clone()));
    row.insert(
        "credential".to_owned(),
        Value::String(actor.credential.clone()),
    );
    row.insert(
        "request_id".to_owned(),
        optional(Some(actor.request_id.as_str()).filter(|id| !id.is_empty())),
    );
    row
}

/// Which audit records to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub type_id: Option<String>,
    pub target: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only records older than this one (the cursor of the previous page).
    pub before: Option<String>,
    pub limit: u64,
}

/// A page of audit records and whether older ones follow.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub records: Vec<Json>,
    pub more: bool,
}

/// A failure inside a `BEGIN ... COMMIT` block marks every statement of the block as
/// "not executed"; the statement that really failed says why. A write conflict wins
/// over everything else, since it means the whole block may simply be run again.
pub(crate) fn cause(
    errors: std::collections::HashMap<usize, surrealdb::Error>,
) -> surrealdb::Error {
    let mut errors: Vec<(usize, surrealdb::Error)> = errors.into_iter().collect();
    errors.sort_by_key(|(index, _)| *index);
    let position = errors
        .iter()
        .position(|(_, e)| is_conflict(e))
        .or_else(|| {
            errors.iter().position(|(_, e)| {
                !e.message()
                    .contains("not executed due to a failed transaction")
            })
        })
        .unwrap_or(0);
    errors.swap_remove(position).1
}

impl Store {
    /// Runs write statements and records the write in the audit log, in one transaction
    /// (retried when it loses a write conflict); returns the rows of the first statement.
    /// A content change also appends its event to the change log in that transaction.
    pub(crate) async fn audited(
        &self,
        statements: &str,
        values: Object,
        event: AuditEvent<'_>,
        actor: &Actor,
    ) -> Result<Vec<Value>, surrealdb::Error> {
        let change = change_for(event, actor, self.node());
        let (sql, first) = match &change {
            Some((change, _)) => (
                format!(
                    "BEGIN; {}; {statements}; {}; CREATE {AUDIT_TABLE} CONTENT $audit RETURN NONE; COMMIT;",
                    change.before, change.after
                ),
                2,
            ),
            None => (
                format!(
                    "BEGIN; {statements}; CREATE {AUDIT_TABLE} CONTENT $audit RETURN NONE; COMMIT;"
                ),
                1,
            ),
        };
        let change_values = change.map(|(_, values)| values);
        // Changes take turns within this process: they all increment the log's counter,
        // so running them at once would only make all but one retry.
        let (_turn, attempts) = match change_values {
            Some(_) => (Some(self.change_turn.lock().await), LOGGED_ATTEMPTS),
            None => (None, ATTEMPTS),
        };
        let rows = with_retries_up_to(attempts, || async {
            let mut query = self
                .query(sql.as_str())
                .bind(values.clone())
                .bind(("audit", audit_row(event, actor)));
            if let Some(change) = &change_values {
                query = query.bind(("change", change.clone()));
            }
            let mut response = query.await?;
            let errors = response.take_errors();
            if !errors.is_empty() {
                return Err(cause(errors));
            }
            response.take(first)
        })
        .await?;
        if change_values.is_some() {
            self.change_signal.notify_waiters();
        }
        Ok(rows)
    }

    /// Records something that writes nothing else: a failed login, or (appending its
    /// event) a plugin reload.
    pub async fn record(&self, event: AuditEvent<'_>, actor: &Actor) -> Result<(), StoreError> {
        self.audited("NONE", Object::new(), event, actor).await?;
        Ok(())
    }

    /// Audit records matching `query`, newest first.
    pub async fn audit_log(&self, query: &AuditQuery) -> Result<AuditPage, StoreError> {
        let mut conditions = vec!["true"];
        let mut values = Object::new();
        let mut text = |condition: &'static str, name: &str, value: &Option<String>| {
            if let Some(value) = value {
                conditions.push(condition);
                values.insert(name.to_owned(), Value::String(value.clone()));
            }
        };
        text("actor = $actor", "actor", &query.actor);
        text("action = $action", "action", &query.action);
        text("type = $type", "type", &query.type_id);
        text("target = $target", "target", &query.target);
        if let Some(since) = query.since {
            conditions.push("at >= $since");
            values.insert("since", time_to_db(since));
        }
        if let Some(until) = query.until {
            conditions.push("at < $until");
            values.insert("until", time_to_db(until));
        }
        if let Some(before) = &query.before {
            conditions.push("id < $before");
            values.insert(
                "before",
                Value::RecordId(RecordId::new(AUDIT_TABLE, before.as_str())),
            );
        }
        values.insert("limit", Value::from_t(query.limit as i64 + 1));
        let sql = format!(
            "SELECT * FROM {AUDIT_TABLE} WHERE {} ORDER BY id DESC LIMIT $limit",
            conditions.join(" AND ")
        );
        let rows: Vec<Value> = self.query(sql).bind(values).await?.check()?.take(0)?;
        let mut records: Vec<Json> = rows.into_iter().map(from_db).collect();
        let more = records.len() as u64 > query.limit;
        records.truncate(query.limit as usize);
        Ok(AuditPage { records, more })
    }
}
