//! Scheduled publishing: the times live on the entry (`scheduled_publish_at`,
//! `scheduled_unpublish_at`), so they survive restarts; a due action is carried out by a
//! guarded update that only one process can win, so it happens exactly once however
//! many servers share the database.

use chrono::{DateTime, Utc};
use civitas_core::{ContentType, Status};
use serde_json::Value as Json;
use surrealdb::types::{Object, Value};

use crate::audit::{Actor, AuditEvent};
use crate::convert::{from_db, time_to_db};
use crate::editing::{Edit, apply_draft};
use crate::entries::{Entry, Store, record_id};
use crate::error::StoreError;
use crate::schema::ident;

/// What the scheduler does to an entry when its time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduledAction {
    Publish,
    Unpublish,
}

impl ScheduledAction {
    /// `publish` or `unpublish`, for logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            ScheduledAction::Publish => "publish",
            ScheduledAction::Unpublish => "unpublish",
        }
    }

    fn field(self) -> &'static str {
        match self {
            ScheduledAction::Publish => "scheduled_publish_at",
            ScheduledAction::Unpublish => "scheduled_unpublish_at",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            ScheduledAction::Publish => "entry.scheduled_publish",
            ScheduledAction::Unpublish => "entry.scheduled_unpublish",
        }
    }
}

/// A scheduled action that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub type_id: String,
    pub id: String,
    pub action: ScheduledAction,
}

/// The row field a scheduler claim marks; not part of any entry as the API shows it.
const CLAIM: &str = "_claim";

/// The message a claim that lost (to another process, or to an editor) ends with.
const NOT_DUE: &str = "civitas: no longer due";

fn optional_time(at: Option<DateTime<Utc>>) -> Value {
    at.map_or(Value::None, time_to_db)
}

impl Store {
    /// Sets an entry's publish and unpublish times (or, with `None`s, clears them). While
    /// it waits to be published an entry has the status `scheduled`; a published one stays
    /// published, and clearing the times makes a `scheduled` entry a draft again. The
    /// status follows from the entry's status at the moment of the write, not from an
    /// earlier read, so a concurrent publish is never undone.
    pub async fn schedule(
        &self,
        content_type: &ContentType,
        id: &str,
        publish_at: Option<DateTime<Utc>>,
        unpublish_at: Option<DateTime<Utc>>,
        edit: Edit<'_>,
    ) -> Result<Entry, StoreError> {
        let mut values = Object::new();
        values.insert("publish_at", optional_time(publish_at));
        values.insert("unpublish_at", optional_time(unpublish_at));
        let (published, scheduled, draft) = (
            Status::Published.as_str(),
            Status::Scheduled.as_str(),
            Status::Draft.as_str(),
        );
        let status = if publish_at.is_some() {
            format!("(IF status = '{published}' {{ status }} ELSE {{ '{scheduled}' }})")
        } else {
            format!("(IF status = '{scheduled}' {{ '{draft}' }} ELSE {{ status }})")
        };
        let set = format!(
            "scheduled_publish_at = $publish_at, scheduled_unpublish_at = $unpublish_at, status = {status}"
        );
        self.update(content_type, id, &set, values, edit).await
    }

    /// Every scheduled action whose time has come, across all types.
    pub async fn due(&self, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
        let mut sql = String::new();
        let mut order = Vec::new();
        for content_type in self.registry().iter() {
            for action in [ScheduledAction::Publish, ScheduledAction::Unpublish] {
                // NONE sorts before every time, so unscheduled entries must be left out.
                let field = action.field();
                sql += &format!(
                    "SELECT VALUE id FROM {} WHERE {field} != NONE AND {field} <= $now;\n",
                    ident(&content_type.id),
                );
                order.push((content_type.id.clone(), action));
            }
        }
        if sql.is_empty() {
            return Ok(Vec::new());
        }
        let mut response = self
            .query(sql)
            .bind(("now", time_to_db(now)))
            .await?
            .check()?;
        let mut due = Vec::new();
        for (index, (type_id, action)) in order.into_iter().enumerate() {
            let ids: Vec<Value> = response.take(index)?;
            for id in ids {
                if let Json::String(id) = from_db(id) {
                    due.push(Due {
                        type_id: type_id.clone(),
                        id,
                        action,
                    });
                }
            }
        }
        Ok(due)
    }

    /// Carries out one due action; `false` when it is no longer due (another server did
    /// it, or an editor changed the schedule). The check and the write are one
    /// transaction, so two servers racing for the same entry cannot both win.
    pub async fn run_scheduled(
        &self,
        content_type: &ContentType,
        id: &str,
        action: ScheduledAction,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let actor = Actor::system("scheduler");
        let field = action.field();
        let status = match action {
            ScheduledAction::Publish => Status::Published,
            ScheduledAction::Unpublish => Status::Draft,
        };
        let mut set = format!(
            "{}, status = $status, {field} = NONE",
            apply_draft(content_type)
        );
        if action == ScheduledAction::Publish {
            set += ", published_at = published_at ?? $now";
        }
        // Each claim marks the row with its own token: if the guarded update did not
        // match (someone else got there first), the mark is not ours and the whole
        // transaction, audit record included, is thrown away.
        let statements = format!(
            "UPDATE $rid SET {set}, updated_at = $now, updated_by = $actor, revision += 1, \
             {CLAIM} = $claim WHERE {field} != NONE AND {field} <= $now RETURN AFTER;
             IF (SELECT VALUE {CLAIM} FROM ONLY $rid) != $claim {{ THROW '{NOT_DUE}' }}"
        );
        let mut values = Object::new();
        values.insert("rid", record_id(content_type, id));
        values.insert("status", status.as_str());
        values.insert("now", time_to_db(now));
        values.insert("actor", actor.id.clone());
        values.insert("claim", ulid::Ulid::new().to_string());
        let event = AuditEvent::on_entry(action.audit_action(), &content_type.id, id);
        let result = self.audited(&statements, values, event, &actor).await;
        self.wrote(content_type, &[id.to_owned()]).await;
        match result {
            Ok(_) => Ok(true),
            // Lost the race: the guard saw it done, or the commit met a concurrent write.
            Err(error)
                if error.message().contains(NOT_DUE)
                    || error.message().to_lowercase().contains("conflict") =>
            {
                Ok(false)
            }
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use civitas_core::WriteMode;
    use civitas_core::validate::validate;
    use serde_json::json;

    use super::*;
    use crate::testing::{memory_store, runtime};
    use crate::{AuditQuery, Version};

    /// Eight claimers race for one due entry, as several servers on one database would:
    /// the database lets exactly one of them publish it.
    async fn race() {
        let store = memory_store().await;
        let post = store.registry().get("post").cloned().expect("post type");
        let input = json!({"title": "On time", "body": "Scheduled."});
        let document =
            validate(&post, input.as_object().expect("object"), WriteMode::Create).expect("valid");
        let editor = Actor::system("test");
        let entry = store
            .create(&post, document, &editor)
            .await
            .expect("created");
        let id = entry["id"].as_str().expect("id").to_owned();
        let now = Utc::now();
        let edit = Edit::new(&editor, "entry.schedule");
        let past = Some(now - TimeDelta::seconds(1));
        store
            .schedule(&post, &id, past, None, edit)
            .await
            .expect("scheduled");
        let due = store.due(now).await;
        assert!(due.as_ref().is_ok_and(|d| d.len() == 1), "{due:?}");

        let claims = (0..8).map(|_| {
            let (store, post, id) = (store.clone(), post.clone(), id.clone());
            tokio::spawn(async move {
                store
                    .run_scheduled(&post, &id, ScheduledAction::Publish, now)
                    .await
            })
        });
        let mut won = 0;
        for claim in claims {
            if claim.await.expect("joins").expect("no fault") {
                won += 1;
            }
        }
        assert_eq!(won, 1);
        let published = store
            .find(&post, &id, Version::Published)
            .await
            .expect("reads")
            .expect("published");
        assert_eq!(published["revision"], 3);
        assert!(published["scheduled_publish_at"].is_null());
        let audit = store
            .audit_log(&AuditQuery {
                action: Some("entry.scheduled_publish".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .expect("audit");
        assert_eq!(audit.records.len(), 1);
        assert!(store.due(now).await.expect("due").is_empty());
    }

    #[test]
    fn a_due_entry_is_published_exactly_once_however_many_claim_it() {
        runtime().block_on(race());
    }
}
