//! `/api/v1/admin/webhooks`: manage webhooks, see their deliveries, send a test ping,
//! redeliver an attempt, replay from a point in the change log. Admins only; every
//! change is in the audit log.

use chrono::Utc;
use civitas_store::{NewWebhook, Webhook, WebhookChanges};
use civitas_webhooks::TargetError;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use crate::auth::schemes::AdminAuth;
use crate::envelope::ListMeta;
use crate::error::{ApiError, ErrorCode};
use crate::events::EventMessage;
use crate::events::message::{EventData, is_event_pattern};
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;
use crate::text::Text;
use crate::webhooks::attempt::{Send, attempt};
use crate::webhooks::views::{
    DeliveryData, DeliveryList, DeliveryView, NewWebhookInput, ReplayInput, WebhookChangesInput,
    WebhookCreated, WebhookData, WebhookDeleted, WebhookList, WebhookSecretData, WebhookView,
    WebhookWithSecret,
};
use crate::webhooks::{MAX_DESCRIPTION_CHARS, MAX_URL_BYTES};

/// Delivery attempts listed at once unless `limit` says otherwise.
const DEFAULT_DELIVERIES_PAGE: u64 = 20;

pub struct WebhooksApi {
    pub state: SharedState,
}

fn webhook_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::WebhookNotFound, format!("no webhook `{id}`"))
}

fn texts(items: Option<Vec<Text>>) -> Option<Vec<String>> {
    items.map(|items| items.into_iter().map(String::from).collect())
}

impl WebhooksApi {
    /// The URL must be http(s) and reach only addresses `webhooks.allowed_networks`
    /// allows; it is checked again at every delivery (DNS can change).
    async fn check_url(&self, url: &str) -> Result<(), ApiError> {
        if url.len() > MAX_URL_BYTES {
            return Err(ApiError::invalid_field(
                "url",
                "too_long",
                format!("at most {MAX_URL_BYTES} bytes"),
            ));
        }
        let problem = match self.state.webhooks.sender.policy().check_url(url).await {
            Ok(_) => return Ok(()),
            Err(problem) => problem,
        };
        let code = match problem {
            TargetError::Blocked(_) => "blocked_target",
            TargetError::Unresolvable(_) => "unresolvable",
            TargetError::Scheme | TargetError::InvalidUrl(_) => "invalid_url",
        };
        Err(ApiError::invalid_field("url", code, problem.to_string()))
    }

    fn check_filters(
        &self,
        event_types: Option<&[String]>,
        content_types: Option<&[String]>,
    ) -> Result<(), ApiError> {
        for (index, pattern) in event_types.unwrap_or_default().iter().enumerate() {
            if !is_event_pattern(pattern) {
                return Err(ApiError::invalid_field(
                    format!("event_types[{index}]"),
                    "unknown_event_type",
                    format!("`{pattern}` is not an event type or family (such as `entry.*`)"),
                ));
            }
        }
        for (index, type_id) in content_types.unwrap_or_default().iter().enumerate() {
            if self.state.registry().get(type_id).is_none() {
                return Err(ApiError::invalid_field(
                    format!("content_types[{index}]"),
                    "unknown_type",
                    format!("there is no content type `{type_id}`"),
                ));
            }
        }
        Ok(())
    }

    fn check_description(description: Option<&str>) -> Result<(), ApiError> {
        match description {
            Some(text) if text.chars().count() > MAX_DESCRIPTION_CHARS => {
                Err(ApiError::invalid_field(
                    "description",
                    "too_long",
                    format!("at most {MAX_DESCRIPTION_CHARS} characters"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Sends one attempt now (a test ping, a redelivery), logs and audits it, and
    /// answers with it.
    async fn send_now(
        &self,
        auth: &AdminAuth,
        webhook: &Webhook,
        send: Send<'_>,
        action: &str,
    ) -> Result<Json<DeliveryData>, ApiError> {
        let (_, logged) = attempt(&self.state, webhook, send).await;
        self.state
            .store
            .audit_webhook_action(&webhook.id, action, &auth.0.principal.actor())
            .await?;
        Ok(Json(DeliveryData {
            data: logged?.into(),
        }))
    }

    async fn existing(&self, id: &str) -> Result<Webhook, ApiError> {
        self.state
            .store
            .webhook(id)
            .await?
            .ok_or_else(|| webhook_not_found(id))
    }
}

fn with_secret(webhook: Webhook) -> WebhookWithSecret {
    WebhookWithSecret {
        secret: webhook.secret.clone(),
        webhook: WebhookView::from(webhook),
    }
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// List webhooks
    #[oai(path = "/webhooks", method = "get", operation_id = "listWebhooks")]
    async fn list(
        &self,
        _auth: AdminAuth,
        request: &Request,
    ) -> Result<Json<WebhookList>, ApiError> {
        allow_only(request, &[])?;
        let webhooks: Vec<WebhookView> = self
            .state
            .store
            .webhooks()
            .await?
            .into_iter()
            .map(WebhookView::from)
            .collect();
        Ok(Json(WebhookList {
            meta: ListMeta::whole(webhooks.len() as u64),
            data: webhooks,
        }))
    }

    /// Create a webhook
    ///
    /// The webhook hears of changes committed from now on (replay reaches back). Its
    /// signing secret is in `data.secret`, in this response only.
    #[oai(path = "/webhooks", method = "post", operation_id = "createWebhook")]
    async fn create(
        &self,
        auth: AdminAuth,
        request: &Request,
        body: Json<NewWebhookInput>,
    ) -> Result<WebhookCreated, ApiError> {
        allow_only(request, &[])?;
        let input = body.0;
        let event_types = texts(input.event_types).unwrap_or_default();
        let content_types = texts(input.content_types).unwrap_or_default();
        Self::check_description(input.description.as_deref())?;
        self.check_filters(Some(&event_types), Some(&content_types))?;
        self.check_url(&input.url).await?;
        let webhook = self
            .state
            .store
            .create_webhook(
                NewWebhook {
                    url: input.url.into(),
                    description: input.description.map(String::from).unwrap_or_default(),
                    event_types,
                    content_types,
                    enabled: input.enabled.unwrap_or(true),
                    secret: civitas_webhooks::new_secret(),
                },
                &auth.0.principal.actor(),
            )
            .await?;
        let location = format!("/api/v1/admin/webhooks/{}", webhook.id);
        Ok(WebhookCreated::Created(
            Json(WebhookSecretData {
                data: with_secret(webhook),
            }),
            location,
        ))
    }

    /// Read a webhook
    #[oai(path = "/webhooks/:id", method = "get", operation_id = "getWebhook")]
    async fn get(
        &self,
        _auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<Json<WebhookData>, ApiError> {
        allow_only(request, &[])?;
        let webhook = self.existing(&id).await?;
        Ok(Json(WebhookData {
            data: webhook.into(),
        }))
    }

    /// Change a webhook
    ///
    /// Only the fields given change. Enabling a disabled webhook resumes delivery with
    /// the event it stopped at.
    #[oai(
        path = "/webhooks/:id",
        method = "patch",
        operation_id = "updateWebhook"
    )]
    async fn update(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
        body: Json<WebhookChangesInput>,
    ) -> Result<Json<WebhookData>, ApiError> {
        allow_only(request, &[])?;
        let input = body.0;
        let changes = WebhookChanges {
            url: input.url.map(String::from),
            description: input.description.map(String::from),
            event_types: texts(input.event_types),
            content_types: texts(input.content_types),
            enabled: input.enabled,
        };
        Self::check_description(changes.description.as_deref())?;
        self.check_filters(
            changes.event_types.as_deref(),
            changes.content_types.as_deref(),
        )?;
        if let Some(url) = &changes.url {
            self.check_url(url).await?;
        }
        let webhook = self
            .state
            .store
            .update_webhook(&id, changes, &auth.0.principal.actor())
            .await
            .map_err(|error| not_found_as(error, &id))?;
        Ok(Json(WebhookData {
            data: webhook.into(),
        }))
    }

    /// Delete a webhook
    ///
    /// Its delivery log goes with it.
    #[oai(
        path = "/webhooks/:id",
        method = "delete",
        operation_id = "deleteWebhook"
    )]
    async fn delete(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<WebhookDeleted, ApiError> {
        allow_only(request, &[])?;
        self.state
            .store
            .delete_webhook(&id, &auth.0.principal.actor())
            .await
            .map_err(|error| not_found_as(error, &id))?;
        Ok(WebhookDeleted::Deleted)
    }

    /// Rotate a webhook's secret
    ///
    /// The new secret is in `data.secret`, in this response only. Until
    /// `previous_secret_until` (`webhooks.secret_overlap_secs` from now) deliveries carry
    /// both signatures, so receivers can switch without missing one.
    #[oai(
        path = "/webhooks/:id/rotate-secret",
        method = "post",
        operation_id = "rotateWebhookSecret"
    )]
    async fn rotate(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<Json<WebhookSecretData>, ApiError> {
        allow_only(request, &[])?;
        let overlap = chrono::Duration::from_std(self.state.webhooks.settings.secret_overlap)
            .unwrap_or_default();
        let webhook = self
            .state
            .store
            .rotate_webhook_secret(
                &id,
                civitas_webhooks::new_secret(),
                Utc::now() + overlap,
                &auth.0.principal.actor(),
            )
            .await
            .map_err(|error| not_found_as(error, &id))?;
        Ok(Json(WebhookSecretData {
            data: with_secret(webhook),
        }))
    }

    /// Send a test ping
    ///
    /// Sends a `webhook.ping` event now, signed like any delivery, and answers with the
    /// attempt: status, duration, the start of the response, or what went wrong.
    #[oai(
        path = "/webhooks/:id/test",
        method = "post",
        operation_id = "testWebhook"
    )]
    async fn test(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<Json<DeliveryData>, ApiError> {
        allow_only(request, &[])?;
        let webhook = self.existing(&id).await?;
        let seq = self.state.events.followed();
        let msg_id = format!("evt_{}", ulid::Ulid::new());
        let mut message = EventMessage::marker("webhook.ping", seq);
        message.data = EventData {
            event_id: Some(msg_id.clone()),
            webhook: Some(webhook.id.clone()),
            ..message.data
        };
        let send = Send {
            message: &message,
            msg_id: &msg_id,
            attempt: 1,
            trigger: "ping",
        };
        self.send_now(&auth, &webhook, send, "webhook.test").await
    }

    /// List a webhook's deliveries
    ///
    /// Every attempt, newest first: time, status, duration, the start of the response,
    /// what went wrong.
    #[oai(
        path = "/webhooks/:id/deliveries",
        method = "get",
        operation_id = "listWebhookDeliveries"
    )]
    async fn deliveries(
        &self,
        _auth: AdminAuth,
        request: &Request,
        id: Path<String>,
        /// Only attempts older than this one (the previous page's `next`).
        before: Query<Option<String>>,
        /// Attempts per page, 1 to 100; 20 when absent.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u64>>,
    ) -> Result<Json<DeliveryList>, ApiError> {
        allow_only(request, &["before", "limit"])?;
        self.existing(&id).await?;
        let limit = limit.0.unwrap_or(DEFAULT_DELIVERIES_PAGE);
        let mut page = self
            .state
            .store
            .deliveries(&id, before.0.as_deref(), limit + 1)
            .await?;
        let more = page.len() as u64 > limit;
        page.truncate(limit as usize);
        let next = more.then(|| page.last().map(|d| d.id.clone())).flatten();
        Ok(Json(DeliveryList {
            data: page.into_iter().map(DeliveryView::from).collect(),
            next,
        }))
    }

    /// Read one delivery attempt
    #[oai(
        path = "/webhooks/:id/deliveries/:delivery_id",
        method = "get",
        operation_id = "getWebhookDelivery"
    )]
    async fn delivery(
        &self,
        _auth: AdminAuth,
        request: &Request,
        id: Path<String>,
        delivery_id: Path<String>,
    ) -> Result<Json<DeliveryData>, ApiError> {
        allow_only(request, &[])?;
        self.existing(&id).await?;
        let delivery = self
            .state
            .store
            .delivery(&id, &delivery_id)
            .await?
            .ok_or_else(|| delivery_not_found(&delivery_id))?;
        Ok(Json(DeliveryData {
            data: delivery.into(),
        }))
    }

    /// Redeliver an event
    ///
    /// Sends the event of this attempt again now, with the same `webhook-id`, and
    /// answers with the new attempt. The webhook's own queue is not affected.
    #[oai(
        path = "/webhooks/:id/deliveries/:delivery_id/redeliver",
        method = "post",
        operation_id = "redeliverWebhookDelivery"
    )]
    async fn redeliver(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
        delivery_id: Path<String>,
    ) -> Result<Json<DeliveryData>, ApiError> {
        allow_only(request, &[])?;
        let webhook = self.existing(&id).await?;
        let delivery = self
            .state
            .store
            .delivery(&id, &delivery_id)
            .await?
            .ok_or_else(|| delivery_not_found(&delivery_id))?;
        let event = match delivery.seq {
            Some(seq) => self.state.store.events_after(seq - 1, 1).await?.into_iter().find(|e| e.seq == seq),
            None => None,
        }
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::DeliveryNotFound,
                format!("the event of delivery `{}` is a test ping or past `events.retention`; there is nothing to redeliver", *delivery_id),
            )
        })?;
        let message = EventMessage::from_event(&event, true);
        let send = Send {
            message: &message,
            msg_id: &event.id,
            attempt: delivery.attempt + 1,
            trigger: "redeliver",
        };
        self.send_now(&auth, &webhook, send, "webhook.redeliver")
            .await
    }

    /// Replay events
    ///
    /// Sends every kept event after `after` again, in order, through the webhook's
    /// queue (then the new ones). Events older than `events.retention` are gone; a point
    /// before the oldest kept event is refused.
    #[oai(
        path = "/webhooks/:id/replay",
        method = "post",
        operation_id = "replayWebhook"
    )]
    async fn replay(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
        body: Json<ReplayInput>,
    ) -> Result<Json<WebhookData>, ApiError> {
        allow_only(request, &[])?;
        self.existing(&id).await?;
        let after = body.0.after;
        let newest = self.state.store.last_event_seq().await?;
        let oldest = self.state.store.first_event_seq().await?;
        if after > newest {
            return Err(ApiError::invalid_field(
                "after",
                "out_of_range",
                format!("the newest event is {newest}"),
            ));
        }
        if after < newest && oldest.is_none_or(|oldest| after + 1 < oldest) {
            return Err(ApiError::invalid_field(
                "after",
                "past_retention",
                format!(
                    "events before {} are past `events.retention`",
                    oldest.unwrap_or(newest + 1)
                ),
            ));
        }
        let webhook = self
            .state
            .store
            .replay_webhook(&id, after, &auth.0.principal.actor())
            .await
            .map_err(|error| not_found_as(error, &id))?;
        Ok(Json(WebhookData {
            data: webhook.into(),
        }))
    }
}

fn delivery_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::DeliveryNotFound, format!("no delivery `{id}`"))
}

fn not_found_as(error: civitas_store::StoreError, id: &str) -> ApiError {
    match error {
        civitas_store::StoreError::NotFound => webhook_not_found(id),
        other => other.into(),
    }
}
