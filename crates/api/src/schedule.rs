//! `POST` and `DELETE .../{id}/schedule`: publishing and unpublishing on a timer.

use chrono::{DateTime, Utc};
use civitas_store::Edit;
use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use crate::auth::schemes::PublishAuth;
use crate::entry_routes::{TaggedEntry, entry_id, existing, respond};
use crate::error::ApiError;
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;
use crate::text::Text;

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct ScheduleInput {
    /// When to publish (RFC 3339, in the future). The entry waits with status
    /// `scheduled` unless it is already published.
    pub publish_at: Option<Text>,
    /// When to take it off the public API again (RFC 3339, in the future and after
    /// `publish_at`).
    pub unpublish_at: Option<Text>,
}

fn future_time(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::invalid_field(
                field,
                "invalid_datetime",
                "expected an RFC 3339 date and time, e.g. 2027-01-31T09:00:00Z",
            )
        })?;
    if at <= Utc::now() {
        return Err(ApiError::invalid_field(
            field,
            "in_the_past",
            "must be in the future",
        ));
    }
    Ok(Some(at))
}

pub struct ScheduleApi {
    pub state: SharedState,
}

type Times = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

impl ScheduleApi {
    /// Stores the publish and unpublish times (the store derives the status from them).
    async fn set(
        &self,
        auth: PublishAuth,
        type_id: &str,
        key: &str,
        (publish_at, unpublish_at): Times,
        action: &str,
    ) -> Result<TaggedEntry, ApiError> {
        let (content_type, entry) = existing(&self.state, type_id, key).await?;
        let actor = auth.0.principal.actor();
        let entry = self
            .state
            .store
            .schedule(
                &content_type,
                &entry_id(&entry),
                publish_at,
                unpublish_at,
                Edit::new(&actor, action),
            )
            .await?;
        respond(&self.state, &content_type, entry).await
    }
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl ScheduleApi {
    /// Schedule publishing
    ///
    /// Sets when the entry is published (`publish_at`) and/or unpublished
    /// (`unpublish_at`); a new schedule replaces the old one. The server's scheduler
    /// carries it out within `api.scheduler_interval_ms`, also after a restart, and once
    /// only when several servers share the database. The entry shows the times as
    /// `scheduled_publish_at` and `scheduled_unpublish_at`.
    #[oai(
        path = "/content/:type_id/:id/schedule",
        method = "post",
        operation_id = "scheduleEntry"
    )]
    async fn schedule(
        &self,
        auth: PublishAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        body: Json<ScheduleInput>,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        let publish_at = future_time("publish_at", body.publish_at.as_deref())?;
        let unpublish_at = future_time("unpublish_at", body.unpublish_at.as_deref())?;
        if publish_at.is_none() && unpublish_at.is_none() {
            return Err(ApiError::invalid_field(
                "publish_at",
                "required",
                "give publish_at, unpublish_at or both (DELETE clears a schedule)",
            ));
        }
        if let (Some(publish), Some(unpublish)) = (publish_at, unpublish_at)
            && unpublish <= publish
        {
            return Err(ApiError::invalid_field(
                "unpublish_at",
                "before_publish",
                "must come after publish_at",
            ));
        }
        let times = (publish_at, unpublish_at);
        self.set(auth, &type_id, &id, times, "entry.schedule").await
    }

    /// Cancel a schedule
    ///
    /// Clears both times; a `scheduled` entry becomes a draft again.
    #[oai(
        path = "/content/:type_id/:id/schedule",
        method = "delete",
        operation_id = "unscheduleEntry"
    )]
    async fn unschedule(
        &self,
        auth: PublishAuth,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        self.set(auth, &type_id, &id, (None, None), "entry.unschedule")
            .await
    }
}
