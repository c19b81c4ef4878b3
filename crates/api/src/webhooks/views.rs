//! Webhooks and their delivery attempts as the admin API shows and takes them.

use civitas_store::{Delivery, Webhook};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::envelope::ListMeta;
use crate::text::Text;

/// A webhook as the API shows it: never its secret.
#[derive(Debug, Clone, Object)]
pub struct WebhookView {
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    pub description: String,
    /// Event types or families (`entry.*`) sent; empty sends every type.
    pub event_types: Vec<String>,
    /// Content types sent; empty sends every type (and media and plugin events).
    pub content_types: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled the webhook: a 410 answer, or the retry schedule used up.
    pub disabled_reason: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    /// The last event (`seq`) delivered or passed over; the next delivery starts after it.
    pub cursor: u64,
    /// Failed attempts at the next event so far.
    pub failures: u32,
    /// When the next attempt is due, while retrying.
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    /// Until when the secret before the last rotation also signs deliveries.
    pub previous_secret_until: Option<String>,
}

impl From<Webhook> for WebhookView {
    fn from(webhook: Webhook) -> WebhookView {
        WebhookView {
            id: webhook.id,
            url: webhook.url,
            description: webhook.description,
            event_types: webhook.event_types,
            content_types: webhook.content_types,
            enabled: webhook.enabled,
            disabled_reason: webhook.disabled_reason,
            created_at: webhook.created_at,
            created_by: webhook.created_by,
            updated_at: webhook.updated_at,
            cursor: webhook.cursor,
            failures: webhook.failures,
            next_attempt_at: webhook.next_attempt_at,
            last_attempt_at: webhook.last_attempt_at,
            last_success_at: webhook.last_success_at,
            previous_secret_until: webhook.previous_secret_until,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct WebhookData {
    pub data: WebhookView,
}

#[derive(Debug, Clone, Object)]
pub struct WebhookList {
    pub data: Vec<WebhookView>,
    pub meta: ListMeta,
}

/// A webhook with its signing secret, shown once: at creation and at rotation.
#[derive(Debug, Clone, Object)]
pub struct WebhookWithSecret {
    #[oai(flatten)]
    pub webhook: WebhookView,
    /// The signing secret (`whsec_...`): verify `webhook-signature` with it. Shown only
    /// in this response.
    pub secret: String,
}

#[derive(Debug, Clone, Object)]
pub struct WebhookSecretData {
    pub data: WebhookWithSecret,
}

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct NewWebhookInput {
    /// `https://` (or `http://`) URL events are POSTed to. Refused if it resolves to a
    /// loopback, private, link-local, carrier-grade NAT or cloud metadata address,
    /// unless `webhooks.allowed_networks` allows it.
    pub url: Text,
    /// What the webhook is for.
    pub description: Option<Text>,
    /// Event types or families to send (`entry.published`, `entry.*`, `media.*`, `*`);
    /// every type when absent or empty.
    pub event_types: Option<Vec<Text>>,
    /// Content types to send; every type when absent or empty.
    pub content_types: Option<Vec<Text>>,
    /// Whether to deliver; true when absent.
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct WebhookChangesInput {
    pub url: Option<Text>,
    pub description: Option<Text>,
    pub event_types: Option<Vec<Text>>,
    pub content_types: Option<Vec<Text>>,
    /// Enabling a webhook clears its failures: delivery resumes with the event it
    /// stopped at (replay to skip ahead).
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct ReplayInput {
    /// Deliver again every kept event after this `seq` (0 for all kept ones), in order,
    /// then carry on with new ones.
    #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
    pub after: u64,
}

/// One delivery attempt.
#[derive(Debug, Clone, Object)]
pub struct DeliveryView {
    pub id: String,
    pub webhook: String,
    /// The `webhook-id` sent: the event's id, the same on every attempt.
    pub event_id: String,
    /// The event's `seq`; absent for test pings.
    pub seq: Option<u64>,
    pub event_type: String,
    /// Which attempt at this event, from 1.
    pub attempt: u32,
    /// `auto` (the worker), `redeliver` (an admin asked) or `ping` (a test).
    pub trigger: String,
    pub at: String,
    pub duration_ms: u64,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// `delivered` (2xx), `failed`, `gone` (410) or `blocked` (the target's address
    /// is not allowed).
    pub outcome: String,
    /// What went wrong: a timeout, a refused connection, a redirect not followed, a
    /// blocked address, an HTTP status.
    pub error: Option<String>,
    /// The start of the response body (at most 1 KiB).
    pub response_snippet: Option<String>,
}

impl From<Delivery> for DeliveryView {
    fn from(delivery: Delivery) -> DeliveryView {
        DeliveryView {
            id: delivery.id,
            webhook: delivery.webhook,
            event_id: delivery.event_id,
            seq: delivery.seq,
            event_type: delivery.event_type,
            attempt: delivery.attempt,
            trigger: delivery.trigger,
            at: delivery.at,
            duration_ms: delivery.duration_ms,
            status: delivery.status,
            outcome: delivery.outcome,
            error: delivery.error,
            response_snippet: delivery.response_snippet,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct DeliveryData {
    pub data: DeliveryView,
}

/// A page of delivery attempts, newest first.
#[derive(Debug, Clone, Object)]
pub struct DeliveryList {
    pub data: Vec<DeliveryView>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<String>,
}

#[derive(ApiResponse)]
pub enum WebhookCreated {
    /// The webhook exists; its secret is in this response only.
    #[oai(status = 201)]
    Created(Json<WebhookSecretData>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum WebhookDeleted {
    /// The webhook and its delivery log are gone.
    #[oai(status = 204)]
    Deleted,
}
