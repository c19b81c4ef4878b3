//! Stream tickets: short-lived, single-use passes to the live change stream for browsers,
//! whose `EventSource` cannot send an `Authorization` header. Only a hash of each ticket
//! is kept, with what it lets its bearer see; taking one deletes it, so it works once,
//! on whichever server the browser reaches.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;
use surrealdb::types::{Object, Value};

use crate::accounts::rid;
use crate::convert::{from_db, time_to_db};
use crate::entries::Store;
use crate::error::StoreError;

const TICKET_TABLE: &str = "sys_ticket";

impl Store {
    /// Keeps a ticket (by its hash) granting `grant` until `expires_at`.
    pub async fn create_ticket(
        &self,
        hash: &str,
        grant: Json,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut row = Object::new();
        row.insert("grant", Value::from_t(grant));
        row.insert("expires_at", time_to_db(expires_at));
        self.query("CREATE $rid CONTENT $row RETURN NONE")
            .bind(("rid", rid(TICKET_TABLE, hash)))
            .bind(("row", row))
            .await?
            .check()?;
        Ok(())
    }

    /// Uses up a ticket: its grant if it existed and had not expired.
    pub async fn take_ticket(&self, hash: &str) -> Result<Option<Json>, StoreError> {
        let rows: Vec<Value> = self
            .query("DELETE $rid RETURN BEFORE")
            .bind(("rid", rid(TICKET_TABLE, hash)))
            .await?
            .check()?
            .take(0)?;
        let now = time_to_db(Utc::now());
        Ok(rows.into_iter().find_map(|row| {
            let Value::Object(row) = row else { return None };
            let live = row.get("expires_at").is_some_and(|at| *at > now);
            live.then(|| row.get("grant").cloned().map(from_db))
                .flatten()
        }))
    }

    /// Deletes tickets that expired unused.
    pub async fn prune_tickets(&self) -> Result<(), StoreError> {
        self.query(format!(
            "DELETE {TICKET_TABLE} WHERE expires_at < time::now() RETURN NONE"
        ))
        .await?
        .check()?;
        Ok(())
    }
}
