//! What an event looks like outside: the JSON body of a webhook request and the `data` of
//! a stream event, one shape for both (Standard Webhooks' `type`, `timestamp`, `data`).
//! Thin on purpose: ids and what a receiver needs to decide whether to fetch, never
//! field values, so a payload cannot leak what its receiver may not read.

use civitas_store::ChangeEvent;
use poem_openapi::Object;

/// One change, as webhooks and the stream send it.
#[derive(Debug, Clone, Object)]
pub struct EventMessage {
    /// The event type: `entry.created`, `entry.updated`, `entry.published`,
    /// `entry.unpublished`, `entry.archived`, `entry.deleted`, `entry.restored`,
    /// `entry.translated`, `entry.scheduled`, `entry.unscheduled`, `media.uploaded`,
    /// `media.changed`, `media.deleted`, `plugin.reloaded`; `webhook.ping` for test
    /// pings; `reset` on the stream when the point asked for is no longer kept.
    #[oai(rename = "type")]
    pub event_type: String,
    /// When the change was committed (RFC 3339).
    pub timestamp: String,
    pub data: EventData,
}

/// The facts of one change.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EventData {
    /// The event's place in the change log: increases in commit order, without gaps. The
    /// stream's `id:`; resume from it with `Last-Event-ID` or `since`.
    pub seq: u64,
    /// The event's id (`evt_...`): the `webhook-id` of its deliveries, the same on every
    /// retry. Receivers de-duplicate on it.
    pub event_id: Option<String>,
    /// The entry's, media record's or plugin's id.
    pub id: Option<String>,
    /// The content type, for entry events.
    pub content_type: Option<String>,
    /// The entry's public slug (the working slug for an entry never published).
    pub slug: Option<String>,
    /// The entry's status after the change; absent once deleted.
    pub status: Option<String>,
    /// The entry's revision after the change (before it, for a deletion).
    pub revision: Option<i64>,
    /// `api` (a request), `scheduled` (the scheduler, at a planned time) or `system`.
    pub trigger: Option<String>,
    /// Who made the change (`user:ID`, `token:ID`, `system:NAME`); not shown to
    /// anonymous stream readers.
    pub actor: Option<String>,
    /// The request that made the change (its `X-Request-Id`); not shown to anonymous
    /// stream readers.
    pub request_id: Option<String>,
    /// The webhook pinged, for `webhook.ping`.
    pub webhook: Option<String>,
}

impl EventMessage {
    /// The message for `event`; `with_actor` adds who made it and in which request.
    pub fn from_event(event: &ChangeEvent, with_actor: bool) -> EventMessage {
        EventMessage {
            event_type: event.event_type.clone(),
            timestamp: event.at.clone(),
            data: EventData {
                seq: event.seq,
                event_id: Some(event.id.clone()),
                id: event.subject.clone(),
                content_type: event.content_type.clone(),
                slug: event.slug.clone(),
                status: event.status.clone(),
                revision: event.revision,
                trigger: Some(event.trigger.clone()),
                actor: with_actor.then(|| event.actor.clone()),
                request_id: event.request_id.clone().filter(|_| with_actor),
                webhook: None,
            },
        }
    }

    /// A message of `event_type` carrying only a position in the log.
    pub fn marker(event_type: &str, seq: u64) -> EventMessage {
        EventMessage {
            event_type: event_type.to_owned(),
            timestamp: civitas_core::validate::canonical_datetime(chrono::Utc::now()),
            data: EventData {
                seq,
                event_id: None,
                id: None,
                content_type: None,
                slug: None,
                status: None,
                revision: None,
                trigger: None,
                actor: None,
                request_id: None,
                webhook: None,
            },
        }
    }

    /// The exact bytes sent (and signed).
    pub fn to_bytes(&self) -> bytes::Bytes {
        use poem_openapi::types::ToJSON;
        bytes::Bytes::from(self.to_json_string())
    }
}

/// Which events a webhook or a stream wants.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Types (`entry.published`) or families (`entry.*`); empty takes all.
    pub event_types: Vec<String>,
    /// Content types; empty takes all (and events without a content type).
    pub content_types: Vec<String>,
}

impl EventFilter {
    pub fn accepts(&self, event: &ChangeEvent) -> bool {
        let type_wanted = self.event_types.is_empty()
            || self
                .event_types
                .iter()
                .any(|wanted| type_matches(wanted, &event.event_type));
        let content_wanted = self.content_types.is_empty()
            || event
                .content_type
                .as_ref()
                .is_some_and(|type_id| self.content_types.contains(type_id));
        type_wanted && content_wanted
    }
}

fn type_matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some("") => true,
        Some(family) => event_type.starts_with(family),
        None => pattern == event_type,
    }
}

/// Whether `pattern` names event types: a known type, a family of them (`entry.*`,
/// `media.*`), or `*`.
pub fn is_event_pattern(pattern: &str) -> bool {
    let known = civitas_store::EVENT_TYPES;
    match pattern.strip_suffix('*') {
        Some("") => true,
        Some(family) => family.ends_with('.') && known.iter().any(|t| t.starts_with(family)),
        None => known.contains(&pattern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_name_types_and_families() {
        assert!(is_event_pattern("entry.published"));
        assert!(is_event_pattern("entry.*"));
        assert!(is_event_pattern("*"));
        assert!(!is_event_pattern("entry.publish"));
        assert!(!is_event_pattern("ent*"));
        assert!(type_matches("media.*", "media.deleted"));
        assert!(!type_matches("media.*", "entry.deleted"));
    }
}
