//! The change log: one event per content change, appended by the statements of the
//! write's own transaction (see [`Store::audited`](crate::Store)), so a crash can neither
//! lose an event nor leave one for a write that did not commit. Events are numbered by a
//! counter row every change increments: two writers at once conflict on it and one
//! retries, so numbers follow commit order with no gaps. Webhooks, the live stream and
//! every node's caches read the log from a number on.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;
use surrealdb::types::{Object, Value};

use crate::audit::{Actor, AuditEvent};
use crate::convert::{from_db, time_to_db};
use crate::entries::Store;
use crate::error::StoreError;

pub(crate) const EVENT_TABLE: &str = "sys_event";

/// What caused a change: a request, or the scheduler carrying out a planned time.
const TRIGGER_API: &str = "api";
const TRIGGER_SCHEDULED: &str = "scheduled";
const TRIGGER_SYSTEM: &str = "system";

/// One change, as the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// Position in the log: increases in commit order, without gaps.
    pub seq: u64,
    /// `evt_` and a ULID: the webhook id, the same on every delivery of this event.
    pub id: String,
    /// `entry.published`, `media.uploaded`, `plugin.reloaded`...
    pub event_type: String,
    /// When the change was committed (RFC 3339).
    pub at: String,
    /// The content type, for entry events.
    pub content_type: Option<String>,
    /// The entry's, media record's or plugin's id.
    pub subject: Option<String>,
    /// The entry's public slug (or, for a never-published entry, its working slug).
    pub slug: Option<String>,
    /// The entry's status after the change; absent once deleted.
    pub status: Option<String>,
    /// The entry's revision after the change (before it, for a deletion).
    pub revision: Option<i64>,
    /// `api`, `scheduled` or `system`.
    pub trigger: String,
    /// `user:ID`, `token:ID`, `emergency` or `system:NAME`.
    pub actor: String,
    /// The request that made the change, when one did.
    pub request_id: Option<String>,
    /// The server that made the change.
    pub node: String,
    /// Whether the change altered what the public sees: a publish, or an entry leaving
    /// the published state (unpublished, archived, deleted). Edits of a published entry
    /// stay in its working copy until the next publish, so they are not public; other
    /// events (draft work, media, plugins) need the `preview` right.
    pub public: bool,
}

impl ChangeEvent {
    fn from_row(row: Json) -> Option<ChangeEvent> {
        let text = |name: &str| row.get(name).and_then(Json::as_str).map(str::to_owned);
        Some(ChangeEvent {
            seq: row.get("seq").and_then(Json::as_u64)?,
            id: text("event_id")?,
            event_type: text("type")?,
            at: text("at")?,
            content_type: text("content_type"),
            subject: text("subject"),
            slug: text("slug"),
            status: text("status"),
            revision: row.get("revision").and_then(Json::as_i64),
            trigger: text("trigger").unwrap_or_else(|| TRIGGER_API.to_owned()),
            actor: text("actor").unwrap_or_default(),
            request_id: text("request_id"),
            node: text("node").unwrap_or_default(),
            public: row.get("public").and_then(Json::as_bool).unwrap_or(false),
        })
    }
}

/// The event a write appends, named after its audit action; `None` for writes that are
/// not content (accounts, tokens, sessions).
pub(crate) fn event_type_of(action: &str) -> Option<(&'static str, &'static str)> {
    let (event_type, trigger) = match action {
        "entry.create" | "entry.bulk_create" => ("entry.created", TRIGGER_API),
        "entry.update" => ("entry.updated", TRIGGER_API),
        "entry.publish" => ("entry.published", TRIGGER_API),
        "entry.scheduled_publish" => ("entry.published", TRIGGER_SCHEDULED),
        "entry.unpublish" => ("entry.unpublished", TRIGGER_API),
        "entry.scheduled_unpublish" => ("entry.unpublished", TRIGGER_SCHEDULED),
        "entry.archive" => ("entry.archived", TRIGGER_API),
        "entry.delete" => ("entry.deleted", TRIGGER_API),
        "entry.restore" => ("entry.restored", TRIGGER_API),
        "entry.translate" | "entry.untranslate" => ("entry.translated", TRIGGER_API),
        "entry.schedule" => ("entry.scheduled", TRIGGER_API),
        "entry.unschedule" => ("entry.unscheduled", TRIGGER_API),
        "media.upload" => ("media.uploaded", TRIGGER_API),
        "media.update" | "media.replace" => ("media.changed", TRIGGER_API),
        "media.delete" => ("media.deleted", TRIGGER_API),
        "plugin.reload" => ("plugin.reloaded", TRIGGER_SYSTEM),
        _ => return None,
    };
    Some((event_type, trigger))
}

/// Every event type, for the API's filters and documentation.
pub const EVENT_TYPES: &[&str] = &[
    "entry.created",
    "entry.updated",
    "entry.published",
    "entry.unpublished",
    "entry.archived",
    "entry.deleted",
    "entry.restored",
    "entry.translated",
    "entry.scheduled",
    "entry.unscheduled",
    "media.uploaded",
    "media.changed",
    "media.deleted",
    "plugin.reloaded",
];

/// The statements that surround a write to append its event: one to note the record as
/// it was, one after the write to append the event if the record changed.
pub(crate) struct ChangeStatements {
    pub before: &'static str,
    pub after: &'static str,
}

/// What every appended event is built from: the record before and after the write
/// (`$rid`, read inside the transaction) and `$change`, the facts only the caller knows.
const ONE_RECORD: ChangeStatements = ChangeStatements {
    before: "LET $change_before = $rid.{status, slug, revision, updated_at}",
    after: "LET $change_after = $rid.{status, slug, revision, updated_at};
        IF $change_before != $change_after {
            LET $change_seq = (UPSERT sys_counter:events SET n += 1 RETURN VALUE n)[0];
            CREATE type::record('sys_event', $change_seq) CONTENT object::extend($change, {
                seq: $change_seq, event_id: 'evt_' + rand::ulid(), at: time::now(),
                slug: $change_after.slug ?? $change_before.slug,
                status: $change_after.status,
                revision: $change_after.revision ?? $change_before.revision,
                public: $change.type = 'entry.published'
                    OR ($change_before.status = 'published' AND $change_after.status != 'published')
            }) RETURN NONE;
        }",
};

/// A bulk insert of `$rows`: one event per row, numbered in row order.
const MANY_RECORDS: ChangeStatements = ChangeStatements {
    before: "LET $change_count = array::len($rows)",
    after: "IF $change_count > 0 {
            LET $change_first = (UPSERT sys_counter:events SET n += $change_count RETURN VALUE n)[0] - $change_count + 1;
            INSERT INTO sys_event array::map($rows, |$row, $i| object::extend($change, {
                id: type::record('sys_event', $change_first + $i), seq: $change_first + $i,
                event_id: 'evt_' + rand::ulid(), at: time::now(),
                subject: record::id($row.id), slug: $row.slug, status: $row.status,
                revision: $row.revision, public: $row.status = 'published'
            })) RETURN NONE;
        }",
};

/// A change that writes no record of its own (a plugin reload): always one event.
const NO_RECORD: ChangeStatements = ChangeStatements {
    before: "LET $change_before = NONE",
    after: "LET $change_seq = (UPSERT sys_counter:events SET n += 1 RETURN VALUE n)[0];
        CREATE type::record('sys_event', $change_seq) CONTENT object::extend($change, {
            seq: $change_seq, event_id: 'evt_' + rand::ulid(), at: time::now(), public: false
        }) RETURN NONE",
};

/// How a write appends its event, and the `$change` facts to bind; `None` when the
/// write is not a content change.
pub(crate) fn change_for(
    event: AuditEvent<'_>,
    actor: &Actor,
    node: &str,
) -> Option<(&'static ChangeStatements, Object)> {
    let (event_type, trigger) = event_type_of(event.action)?;
    let statements = match event.action {
        "entry.bulk_create" => &MANY_RECORDS,
        "plugin.reload" => &NO_RECORD,
        _ => &ONE_RECORD,
    };
    let optional = |text: Option<&str>| text.map_or(Value::None, |t| Value::String(t.to_owned()));
    // Media targets are named `sys_media:ID`; the event names the id alone.
    let subject = event
        .target
        .map(|target| target.rsplit(':').next().unwrap_or(target));
    let mut change = Object::new();
    change.insert("type".to_owned(), Value::String(event_type.to_owned()));
    change.insert("content_type".to_owned(), optional(event.type_id));
    change.insert("subject".to_owned(), optional(subject));
    change.insert("trigger".to_owned(), Value::String(trigger.to_owned()));
    change.insert("actor".to_owned(), Value::String(actor.id.clone()));
    change.insert("node".to_owned(), Value::String(node.to_owned()));
    change.insert(
        "request_id".to_owned(),
        optional(Some(actor.request_id.as_str()).filter(|id| !id.is_empty())),
    );
    Some((statements, change))
}

impl Store {
    /// Events after `seq`, oldest first, at most `limit`.
    pub async fn events_after(&self, seq: u64, limit: u64) -> Result<Vec<ChangeEvent>, StoreError> {
        let rows: Vec<Value> = self
            .query(format!(
                "SELECT * FROM {EVENT_TABLE} WHERE seq > $seq ORDER BY seq LIMIT $limit"
            ))
            .bind(("seq", Value::from_t(seq as i64)))
            .bind(("limit", Value::from_t(limit as i64)))
            .await?
            .check()?
            .take(0)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| ChangeEvent::from_row(from_db(row)))
            .collect())
    }

    /// The number of the newest event; 0 before the first.
    pub async fn last_event_seq(&self) -> Result<u64, StoreError> {
        let rows: Vec<Value> = self
            .query("SELECT VALUE n FROM sys_counter:events")
            .await?
            .check()?
            .take(0)?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|n| from_db(n).as_u64())
            .unwrap_or(0))
    }

    /// The number of the oldest event still kept, if any is.
    pub async fn first_event_seq(&self) -> Result<Option<u64>, StoreError> {
        let rows: Vec<Value> = self
            .query(format!(
                "SELECT VALUE seq FROM {EVENT_TABLE} ORDER BY seq LIMIT 1"
            ))
            .await?
            .check()?
            .take(0)?;
        Ok(rows.into_iter().next().and_then(|n| from_db(n).as_u64()))
    }

    /// Deletes events committed before `cutoff`, a batch at a time so no transaction
    /// grows with the backlog; returns how many went.
    pub async fn prune_events(&self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        const BATCH: i64 = 1000;
        let mut pruned = 0;
        loop {
            let rows: Vec<Value> = self
                .query(format!(
                    "DELETE (SELECT VALUE id FROM {EVENT_TABLE} WHERE at < $cutoff ORDER BY seq LIMIT $batch) RETURN BEFORE"
                ))
                .bind(("cutoff", time_to_db(cutoff)))
                .bind(("batch", Value::from_t(BATCH)))
                .await?
                .check()?
                .take(0)?;
            pruned += rows.len() as u64;
            if (rows.len() as i64) < BATCH {
                return Ok(pruned);
            }
        }
    }

    /// Brings what this store derives from content (cached answers, totals, its full-text
    /// index) in line with a change, which may have been made by another server.
    pub async fn follow_change(&self, event: &ChangeEvent) {
        if event.node == self.node() {
            // This store's own writes brought its caches and index along as they
            // committed.
            return;
        }
        if event.event_type.starts_with("plugin.") {
            // A reload changes how the plugin's types read; which those are is the
            // plugin host's business, so everything is taken as changed.
            self.changed_everything();
            return;
        }
        if event.event_type.starts_with("media.") {
            self.generations.bump(crate::media::MEDIA_TABLE);
            return;
        }
        let content_type = event
            .content_type
            .as_deref()
            .and_then(|type_id| self.registry().get(type_id).cloned());
        match (content_type, &event.subject) {
            (Some(content_type), Some(id)) => {
                self.wrote(&content_type, std::slice::from_ref(id)).await;
            }
            (Some(content_type), None) => self.generations.bump(&content_type.id),
            (None, _) => self.changed_everything(),
        }
    }

    /// Marks every type changed: nothing computed before is trusted (after falling
    /// behind the change log).
    pub fn changed_everything(&self) {
        self.generations.bump_all();
    }

    /// Waits until this store commits a change (or is told of one), so whoever follows
    /// the log looks at once instead of at its next poll.
    pub async fn changed_here(&self) {
        self.change_signal.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use civitas_core::validate::{Document, validate};
    use civitas_core::{Status, WriteMode};
    use serde_json::json;

    use super::*;
    use crate::Edit;
    use crate::testing::{memory_store, runtime};

    fn post(store: &Store, title: &str) -> (Arc<civitas_core::ContentType>, Document) {
        let post = store.registry().get("post").cloned().expect("post type");
        let input = json!({"title": title, "body": "Text."});
        let document =
            validate(&post, input.as_object().expect("object"), WriteMode::Create).expect("valid");
        (post, document)
    }

    #[test]
    fn each_change_appends_one_event_built_inside_its_transaction() {
        runtime().block_on(async {
            let store = memory_store().await;
            let actor = Actor::system("test");
            let (post, document) = post(&store, "First");
            let entry = store
                .create(&post, document.clone(), &actor)
                .await
                .expect("created");
            let id = entry["id"].as_str().expect("id").to_owned();
            let edit = Edit::new(&actor, "entry.publish");
            store
                .set_status(&post, &id, Status::Published, edit)
                .await
                .expect("published");
            let stale = Edit {
                expected_revisions: Some(&[1]),
                ..Edit::new(&actor, "entry.update")
            };
            let refused = store.replace(&post, &id, &document, stale).await;
            assert!(matches!(refused, Err(StoreError::Stale)), "{refused:?}");
            store.delete(&post, &id, &actor).await.expect("deleted");
            store
                .insert_bulk(
                    &post,
                    &[
                        Document {
                            slug: Some("a".into()),
                            ..document.clone()
                        },
                        Document {
                            slug: Some("b".into()),
                            ..document
                        },
                    ],
                    Status::Published,
                    &actor,
                )
                .await
                .expect("bulk");

            let events = store.events_after(0, 100).await.expect("events");
            let summary: Vec<_> = events
                .iter()
                .map(|e| {
                    (
                        e.seq,
                        e.event_type.as_str(),
                        e.status.as_deref(),
                        e.revision,
                        e.public,
                    )
                })
                .collect();
            assert_eq!(
                summary,
                vec![
                    (1, "entry.created", Some("draft"), Some(1), false),
                    (2, "entry.published", Some("published"), Some(2), true),
                    (3, "entry.deleted", None, Some(2), true),
                    (4, "entry.created", Some("published"), Some(1), true),
                    (5, "entry.created", Some("published"), Some(1), true),
                ]
            );
            assert_eq!(events[0].subject.as_deref(), Some(id.as_str()));
            assert_eq!(events[0].content_type.as_deref(), Some("post"));
            assert_eq!(events[2].slug.as_deref(), Some("first"));
            assert_eq!(events[4].slug.as_deref(), Some("b"));
            assert!(
                events
                    .iter()
                    .all(|e| e.id.starts_with("evt_") && e.actor == "system:test")
            );
            assert_eq!(store.last_event_seq().await.expect("last"), 5);
            assert_eq!(store.first_event_seq().await.expect("first"), Some(1));
        });
    }

    #[test]
    fn concurrent_writers_get_gapless_numbers_in_commit_order() {
        runtime().block_on(async {
            let store = memory_store().await;
            // Writers through different stores on one database race like separate servers.
            let writers = (0..32).map(|n| {
                let store = if n % 2 == 0 {
                    store.clone()
                } else {
                    store.sibling()
                };
                tokio::spawn(async move {
                    let (post, document) = post(&store, &format!("Post {n}"));
                    store.create(&post, document, &Actor::system("test")).await
                })
            });
            for writer in writers {
                writer.await.expect("joins").expect("written");
            }
            let seqs: Vec<u64> = store
                .events_after(0, 100)
                .await
                .expect("events")
                .iter()
                .map(|e| e.seq)
                .collect();
            assert_eq!(seqs, (1..=32).collect::<Vec<u64>>());
        });
    }
}
