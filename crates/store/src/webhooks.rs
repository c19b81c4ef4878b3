//! Webhooks as stored: their settings, where each one is in the change log (`cursor`),
//! its retry state, the lease that lets one server at a time deliver it, and the log of
//! every delivery attempt. Every move of the cursor is guarded by the lease token, so a
//! server that lost its lease (it stalled past the expiry and another took over) cannot
//! move it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use surrealdb::types::{Object, Value};

use crate::accounts::{first, rid};
use crate::audit::{Actor, AuditEvent};
use crate::convert::time_to_db;
use crate::entries::Store;
use crate::error::StoreError;

const WEBHOOK_TABLE: &str = "sys_webhook";
const DELIVERY_TABLE: &str = "sys_webhook_delivery";

/// A webhook with its delivery state.
#[derive(Debug, Clone, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// Event types or families (`entry.*`); empty takes every type.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Content types; empty takes every type (and events without one).
    #[serde(default)]
    pub content_types: Vec<String>,
    pub enabled: bool,
    pub secret: String,
    /// The secret before the last rotation, still signed with until `previous_secret_until`.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    /// The last event delivered or passed over.
    #[serde(default)]
    pub cursor: u64,
    /// Failed attempts at the event after the cursor.
    #[serde(default)]
    pub failures: u32,
    pub next_attempt_at: Option<String>,
    pub disabled_reason: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
}

/// What creating a webhook takes.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub content_types: Vec<String>,
    pub enabled: bool,
    pub secret: String,
}

/// Changes to a webhook's settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub content_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// One attempt to deliver an event (or a test ping) to a webhook.
#[derive(Debug, Clone, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub webhook: String,
    /// The `webhook-id` sent: the event's id.
    pub event_id: String,
    pub seq: Option<u64>,
    pub event_type: String,
    /// 1 for the first attempt at this event, counting retries.
    pub attempt: u32,
    /// `auto`, `redeliver`, `ping`.
    pub trigger: String,
    pub at: String,
    pub duration_ms: u64,
    pub status: Option<u16>,
    /// `delivered`, `failed`, `gone` or `blocked`.
    pub outcome: String,
    pub error: Option<String>,
    pub response_snippet: Option<String>,
}

/// A delivery attempt to log.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub webhook: String,
    pub event_id: String,
    pub seq: Option<u64>,
    pub event_type: String,
    pub attempt: u32,
    pub trigger: &'static str,
    pub duration_ms: u64,
    pub status: Option<u16>,
    pub outcome: &'static str,
    pub error: Option<String>,
    pub response_snippet: Option<String>,
}

/// A held lease: who holds it, under which token, for how long at a time.
#[derive(Debug, Clone)]
pub struct Lease {
    pub node: String,
    pub token: String,
    pub length: Duration,
}

fn duration_text(length: Duration) -> String {
    format!("{}ms", length.as_millis())
}

fn strings(items: &[String]) -> Value {
    Value::from_t(items.to_vec())
}

impl Store {
    /// Every webhook, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        self.select(
            &format!("SELECT * FROM {WEBHOOK_TABLE} ORDER BY created_at, id"),
            Object::new(),
        )
        .await
    }

    pub async fn webhook(&self, id: &str) -> Result<Option<Webhook>, StoreError> {
        self.by_id(WEBHOOK_TABLE, id).await
    }

    /// Stores a webhook that starts after the newest event: it hears of changes from
    /// now on (replay reaches back).
    pub async fn create_webhook(
        &self,
        webhook: NewWebhook,
        actor: &Actor,
    ) -> Result<Webhook, StoreError> {
        let id = ulid::Ulid::new().to_string();
        let now = time_to_db(Utc::now());
        let mut row = Object::new();
        row.insert("url", webhook.url);
        row.insert("description", webhook.description);
        row.insert("event_types", strings(&webhook.event_types));
        row.insert("content_types", strings(&webhook.content_types));
        row.insert("enabled", webhook.enabled);
        row.insert("secret", webhook.secret);
        row.insert("created_at", now.clone());
        row.insert("updated_at", now);
        row.insert("created_by", actor.id.clone());
        row.insert("failures", 0);
        let mut values = Object::new();
        values.insert("rid", rid(WEBHOOK_TABLE, &id));
        values.insert("row", row);
        let rows = self
            .audited(
                "CREATE $rid CONTENT object::extend($row, { cursor: (SELECT VALUE n FROM ONLY sys_counter:events) ?? 0 }) RETURN AFTER",
                values,
                AuditEvent::new("webhook.create", Some(&id)),
                actor,
            )
            .await?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    /// Changes a webhook's settings. Enabling one clears its failures and retry wait, so
    /// delivery resumes at once, with the event it stopped at.
    pub async fn update_webhook(
        &self,
        id: &str,
        changes: WebhookChanges,
        actor: &Actor,
    ) -> Result<Webhook, StoreError> {
        let mut row = Object::new();
        row.insert("updated_at", time_to_db(Utc::now()));
        if let Some(url) = changes.url {
            row.insert("url", url);
        }
        if let Some(description) = changes.description {
            row.insert("description", description);
        }
        if let Some(types) = changes.event_types {
            row.insert("event_types", strings(&types));
        }
        if let Some(types) = changes.content_types {
            row.insert("content_types", strings(&types));
        }
        if let Some(enabled) = changes.enabled {
            row.insert("enabled", enabled);
            if enabled {
                row.insert("failures", 0);
                row.insert("next_attempt_at", Value::None);
                row.insert("disabled_reason", Value::None);
            }
        }
        self.change_webhook(
            id,
            "UPDATE $rid MERGE $row RETURN AFTER",
            row,
            "webhook.update",
            actor,
        )
        .await
    }

    /// Replaces the secret; the old one stays in the signatures until `overlap_until`,
    /// so receivers can switch without missing a delivery.
    pub async fn rotate_webhook_secret(
        &self,
        id: &str,
        secret: String,
        overlap_until: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Webhook, StoreError> {
        let mut row = Object::new();
        row.insert("secret", secret);
        row.insert("until", time_to_db(overlap_until));
        row.insert("now", time_to_db(Utc::now()));
        self.change_webhook(
            id,
            "UPDATE $rid SET previous_secret = secret, previous_secret_until = $row.until, secret = $row.secret, updated_at = $row.now RETURN AFTER",
            row,
            "webhook.rotate_secret",
            actor,
        )
        .await
    }

    /// Sends the webhook every kept event after `after` again, in order (and then the
    /// new ones), from its next delivery on.
    pub async fn replay_webhook(
        &self,
        id: &str,
        after: u64,
        actor: &Actor,
    ) -> Result<Webhook, StoreError> {
        let mut row = Object::new();
        row.insert("cursor", Value::from_t(after as i64));
        row.insert("failures", 0);
        row.insert("next_attempt_at", Value::None);
        self.change_webhook(
            id,
            "UPDATE $rid MERGE $row RETURN AFTER",
            row,
            "webhook.replay",
            actor,
        )
        .await
    }

    async fn change_webhook(
        &self,
        id: &str,
        statement: &str,
        row: Object,
        action: &str,
        actor: &Actor,
    ) -> Result<Webhook, StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(WEBHOOK_TABLE, id));
        values.insert("row", row);
        // Only a webhook that exists is changed: MERGE on a missing record would make one.
        let statement = format!("IF $rid.id != NONE {{ {statement} }}");
        let rows = self
            .audited(&statement, values, AuditEvent::new(action, Some(id)), actor)
            .await?;
        first::<Webhook>(rows)?.ok_or(StoreError::NotFound)
    }

    /// Deletes a webhook and its delivery log.
    pub async fn delete_webhook(&self, id: &str, actor: &Actor) -> Result<(), StoreError> {
        let event = AuditEvent::new("webhook.delete", Some(id));
        self.delete_with_dependents(WEBHOOK_TABLE, id, (DELIVERY_TABLE, "webhook"), event, actor)
            .await
    }

    /// Logs that an admin did something to a webhook that changes nothing stored (a test
    /// ping, a redelivery).
    pub async fn audit_webhook_action(
        &self,
        id: &str,
        action: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        self.record(AuditEvent::new(action, Some(id)), actor).await
    }

    /// Enabled webhooks with events to deliver now: behind the log, not waiting out a
    /// retry, not leased by a live server.
    pub async fn due_webhooks(&self, newest: u64) -> Result<Vec<Webhook>, StoreError> {
        let mut values = Object::new();
        values.insert("newest", Value::from_t(newest as i64));
        self.select(
            &format!(
                "SELECT * FROM {WEBHOOK_TABLE} WHERE enabled = true AND cursor < $newest \
                 AND (next_attempt_at = NONE OR next_attempt_at <= time::now()) \
                 AND (lease_until = NONE OR lease_until < time::now())"
            ),
            values,
        )
        .await
    }

    /// Takes the webhook's lease if nobody holds a live one; the webhook as it is then.
    pub async fn claim_webhook(
        &self,
        id: &str,
        lease: &Lease,
    ) -> Result<Option<Webhook>, StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(WEBHOOK_TABLE, id));
        values.insert("node", lease.node.clone());
        values.insert("lease_token", lease.token.clone());
        values.insert("length", duration_text(lease.length));
        let rows: Vec<Value> = self
            .query(
                "UPDATE $rid SET lease_owner = $node, lease_token = $lease_token, \
                 lease_until = time::now() + <duration> $length \
                 WHERE enabled = true AND (lease_until = NONE OR lease_until < time::now()) RETURN AFTER",
            )
            .bind(values)
            .await?
            .check()?
            .take(0)?;
        first(rows)
    }

    /// Runs `set` on the webhook if the lease is still ours, extending it; `false` when
    /// another server holds it now.
    pub async fn leased_update(
        &self,
        id: &str,
        lease: &Lease,
        set: &str,
        mut values: Object,
    ) -> Result<bool, StoreError> {
        values.insert("rid", rid(WEBHOOK_TABLE, id));
        values.insert("lease_token", lease.token.clone());
        values.insert("length", duration_text(lease.length));
        let rows: Vec<Value> = self
            .query(format!(
                "UPDATE $rid SET {set}, lease_until = time::now() + <duration> $length \
                 WHERE lease_token = $lease_token RETURN VALUE id"
            ))
            .bind(values)
            .await?
            .check()?
            .take(0)?;
        Ok(!rows.is_empty())
    }

    /// Moves the cursor past `seq` (delivered or not wanted) and clears the retry state.
    pub async fn webhook_passed(
        &self,
        id: &str,
        lease: &Lease,
        seq: u64,
        delivered: bool,
    ) -> Result<bool, StoreError> {
        let mut values = Object::new();
        values.insert("seq", Value::from_t(seq as i64));
        let success = if delivered {
            ", last_success_at = time::now(), last_attempt_at = time::now()"
        } else {
            ""
        };
        self.leased_update(
            id,
            lease,
            &format!("cursor = $seq, failures = 0, next_attempt_at = NONE{success}"),
            values,
        )
        .await
    }

    /// Notes a failed attempt at the event after `cursor` (everything up to the cursor
    /// is done with): try again at `retry_at`.
    pub async fn webhook_failed(
        &self,
        id: &str,
        lease: &Lease,
        cursor: u64,
        failures: u32,
        retry_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut values = Object::new();
        values.insert("cursor", Value::from_t(cursor as i64));
        values.insert("failures", Value::from_t(i64::from(failures)));
        values.insert("retry_at", time_to_db(retry_at));
        self.leased_update(
            id,
            lease,
            "cursor = $cursor, failures = $failures, next_attempt_at = $retry_at, last_attempt_at = time::now()",
            values,
        )
        .await
    }

    /// Stops delivering to a webhook and says why (a 410, or retries exhausted).
    pub async fn disable_webhook(
        &self,
        id: &str,
        lease: &Lease,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let mut values = Object::new();
        values.insert("reason", reason.to_owned());
        let disabled = self
            .leased_update(
                id,
                lease,
                "enabled = false, disabled_reason = $reason, next_attempt_at = NONE, last_attempt_at = time::now()",
                values,
            )
            .await?;
        if disabled {
            let actor = Actor::system("webhooks");
            self.record(AuditEvent::new("webhook.disable", Some(id)), &actor)
                .await?;
        }
        Ok(disabled)
    }

    /// Gives the lease back, so any server may deliver the webhook next.
    pub async fn release_webhook(&self, id: &str, lease: &Lease) -> Result<(), StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(WEBHOOK_TABLE, id));
        values.insert("lease_token", lease.token.clone());
        self.query("UPDATE $rid SET lease_owner = NONE, lease_token = NONE, lease_until = NONE WHERE lease_token = $lease_token RETURN NONE")
            .bind(values)
            .await?
            .check()?;
        Ok(())
    }

    /// Frees every lease: at the start of a server that is the only one able to open its
    /// (embedded) database, leases left by a killed predecessor would otherwise hold
    /// deliveries back until they expired.
    pub async fn release_all_webhook_leases(&self) -> Result<(), StoreError> {
        self.query(format!("UPDATE {WEBHOOK_TABLE} SET lease_owner = NONE, lease_token = NONE, lease_until = NONE RETURN NONE"))
            .await?
            .check()?;
        Ok(())
    }

    /// Logs a delivery attempt.
    pub async fn add_delivery(&self, delivery: NewDelivery) -> Result<Delivery, StoreError> {
        let id = ulid::Ulid::new().to_string();
        let mut row = Object::new();
        row.insert("webhook", delivery.webhook);
        row.insert("event_id", delivery.event_id);
        row.insert(
            "seq",
            delivery
                .seq
                .map_or(Value::None, |s| Value::from_t(s as i64)),
        );
        row.insert("event_type", delivery.event_type);
        row.insert("attempt", Value::from_t(i64::from(delivery.attempt)));
        row.insert("trigger", delivery.trigger);
        row.insert("at", time_to_db(Utc::now()));
        row.insert("duration_ms", Value::from_t(delivery.duration_ms as i64));
        row.insert(
            "status",
            delivery
                .status
                .map_or(Value::None, |s| Value::from_t(i64::from(s))),
        );
        row.insert("outcome", delivery.outcome);
        row.insert("error", delivery.error.map_or(Value::None, Value::String));
        row.insert(
            "response_snippet",
            delivery.response_snippet.map_or(Value::None, Value::String),
        );
        let rows: Vec<Value> = self
            .query("CREATE $rid CONTENT $row RETURN AFTER")
            .bind(("rid", rid(DELIVERY_TABLE, &id)))
            .bind(("row", row))
            .await?
            .check()?
            .take(0)?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    /// A webhook's delivery attempts, newest first: `limit` of them older than `before`.
    pub async fn deliveries(
        &self,
        webhook: &str,
        before: Option<&str>,
        limit: u64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut values = Object::new();
        values.insert("webhook", webhook.to_owned());
        values.insert("limit", Value::from_t(limit as i64));
        let older = match before {
            Some(before) => {
                values.insert("before", rid(DELIVERY_TABLE, before));
                " AND id < $before"
            }
            None => "",
        };
        self.select(
            &format!(
                "SELECT * FROM {DELIVERY_TABLE} WHERE webhook = $webhook{older} ORDER BY id DESC LIMIT $limit"
            ),
            values,
        )
        .await
    }

    pub async fn delivery(&self, webhook: &str, id: &str) -> Result<Option<Delivery>, StoreError> {
        let found: Option<Delivery> = self.by_id(DELIVERY_TABLE, id).await?;
        Ok(found.filter(|delivery| delivery.webhook == webhook))
    }

    /// Deletes delivery attempts logged before `cutoff`.
    pub async fn prune_deliveries(&self, cutoff: DateTime<Utc>) -> Result<(), StoreError> {
        self.query(format!(
            "DELETE {DELIVERY_TABLE} WHERE at < $cutoff RETURN NONE"
        ))
        .bind(("cutoff", time_to_db(cutoff)))
        .await?
        .check()?;
        Ok(())
    }
}
