//! The `[events]` and `[webhooks]` settings: how long the change log is kept and how it
//! is followed, and how webhooks are delivered; checked at start (the key named in the
//! error) and turned into the API's settings.

use std::time::Duration;

use civitas_api::events::EventSettings;
use civitas_api::webhooks::{WebhookSettings, Webhooks};
use civitas_webhooks::{NetworkPolicy, RetrySchedule, Sender, parse_duration};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsConfig {
    pub retention: String,
    pub poll_interval: String,
    pub keep_alive: String,
    pub ticket_ttl: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    pub timeout: String,
    pub retry_schedule: Vec<String>,
    pub allowed_networks: Vec<String>,
    pub secret_overlap: String,
    pub lease: String,
    pub delivery_retention: String,
}

type Problem = (&'static str, String);

pub(crate) fn duration(
    key: &'static str,
    text: &str,
    least: Duration,
) -> Result<Duration, Problem> {
    let parsed = parse_duration(text).ok_or_else(|| {
        (
            key,
            format!(
                "`{text}` is not a duration such as \"500ms\", \"15s\", \"5m\", \"2h\" or \"7d\""
            ),
        )
    })?;
    if parsed < least {
        return Err((key, format!("must be at least {least:?}")));
    }
    Ok(parsed)
}

/// The events settings, or what is wrong with them.
pub fn event_settings(events: &EventsConfig) -> Result<EventSettings, Problem> {
    Ok(EventSettings {
        retention: duration(
            "events.retention",
            &events.retention,
            Duration::from_secs(60),
        )?,
        poll_interval: duration(
            "events.poll_interval",
            &events.poll_interval,
            Duration::from_millis(10),
        )?,
        keep_alive: duration(
            "events.keep_alive",
            &events.keep_alive,
            Duration::from_secs(1),
        )?,
        ticket_ttl: duration(
            "events.ticket_ttl",
            &events.ticket_ttl,
            Duration::from_secs(1),
        )?,
    })
}

/// The webhook settings and sender, or what is wrong with them.
pub fn webhooks(config: &WebhooksConfig) -> Result<Webhooks, Problem> {
    let timeout = duration(
        "webhooks.timeout",
        &config.timeout,
        Duration::from_millis(100),
    )?;
    let lease = duration("webhooks.lease", &config.lease, Duration::from_secs(1))?;
    if lease <= timeout {
        return Err((
            "webhooks.lease",
            "must be longer than webhooks.timeout (a lease must outlast a delivery)".into(),
        ));
    }
    let schedule = RetrySchedule::parse(&config.retry_schedule)
        .map_err(|error| ("webhooks.retry_schedule", error.to_string()))?;
    let policy = NetworkPolicy::new(&config.allowed_networks)
        .map_err(|error| ("webhooks.allowed_networks", error.to_string()))?;
    let sender = Sender::new(policy, timeout).map_err(|error| {
        (
            "webhooks.timeout",
            format!("cannot build the HTTP client: {error}"),
        )
    })?;
    Ok(Webhooks {
        settings: WebhookSettings {
            schedule,
            secret_overlap: duration(
                "webhooks.secret_overlap",
                &config.secret_overlap,
                Duration::ZERO,
            )?,
            lease,
            delivery_retention: duration(
                "webhooks.delivery_retention",
                &config.delivery_retention,
                Duration::from_secs(60),
            )?,
        },
        sender,
    })
}
