//! `GET /api/v1/events`: the change log as Server-Sent Events, live, resumable, and
//! filtered to what the caller may see; `POST /api/v1/events/ticket` for browsers, whose
//! `EventSource` cannot send a token header.

use std::sync::Arc;

use chrono::Utc;
use civitas_store::ChangeEvent;
use futures_util::stream::BoxStream;
use poem::Request;
use poem::web::sse::Event;
use poem_openapi::param::{Header, Query};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};
use tokio::sync::{broadcast, mpsc};

use crate::auth::schemes::SignedIn;
use crate::auth::{Access, Capability, Principal, optional_principal, unauthorized};
use crate::error::{ApiError, ErrorCode};
use crate::events::message::{EventFilter, EventMessage, is_event_pattern};
use crate::events::visibility::Visibility;
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;

/// Events read from the database at once while catching a stream up.
const PAGE: u64 = 500;

/// Events a stream may have in flight to a slow client before its reader waits.
const STREAM_BUFFER: usize = 64;

pub struct EventsApi {
    pub state: SharedState,
}

#[derive(ApiResponse)]
pub enum EventStreamResponse {
    /// The stream: one SSE event per change (`id:` its `seq`, `event:` its type, `data:`
    /// the JSON message), a `reset` event when the point asked for is older than the
    /// log keeps, and a comment line every `events.keep_alive` (so proxies keep idle streams open).
    #[oai(status = 200)]
    Stream(EventStream<BoxStream<'static, EventMessage>>),
}

/// A stream ticket: pass it as `?ticket=` within its lifetime, once.
#[derive(Debug, Clone, Object)]
pub struct StreamTicket {
    pub ticket: String,
    /// When the ticket stops working, if unused (RFC 3339).
    pub expires_at: String,
}

#[derive(Debug, Clone, Object)]
pub struct StreamTicketData {
    pub data: StreamTicket,
}

#[derive(ApiResponse)]
pub enum TicketCreated {
    /// A single-use ticket that lets a stream see what this credential may see.
    #[oai(status = 201)]
    Created(Json<StreamTicketData>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Events")]
impl EventsApi {
    /// Follow changes live
    ///
    /// Server-Sent Events, one per change, in commit order, then live as they happen.
    /// Without a credential only changes to what the public sees are shown (publishes,
    /// and unpublishes, archivings and deletions of published entries); `Authorization: Bearer`
    /// with `preview` (or a `ticket` from `POST /api/v1/events/ticket`) shows drafts,
    /// media and plugin events too, with who made them. Reconnecting with
    /// `Last-Event-ID` (browsers send it by themselves) or `since` delivers exactly the
    /// events missed, then live ones; a point older than `events.retention` gets a
    /// `reset` event: refetch what you show, then carry on.
    #[oai(path = "/events", method = "get", operation_id = "streamEvents")]
    async fn stream(
        &self,
        request: &Request,
        /// Event types or families, comma-separated: `entry.published,media.*`. All
        /// when absent.
        types: Query<Option<String>>,
        /// Content types, comma-separated: `post,page`. Events without a content type
        /// (media, plugins) are left out when given.
        content_types: Query<Option<String>>,
        /// Resume after this event (its `seq`); `Last-Event-ID` wins when both are sent.
        /// Without either the stream starts with the next change.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        since: Query<Option<u64>>,
        /// A stream ticket, for browsers (see `POST /api/v1/events/ticket`).
        ticket: Query<Option<String>>,
        /// The `seq` of the last event received, sent by `EventSource` on reconnect.
        #[oai(name = "Last-Event-ID")]
        last_event_id: Header<Option<String>>,
    ) -> Result<EventStreamResponse, ApiError> {
        allow_only(request, &["types", "content_types", "since", "ticket"])?;
        let filter = EventFilter {
            event_types: self.event_types(types.0.as_deref())?,
            content_types: self.content_types(content_types.0.as_deref())?,
        };
        let resume = match last_event_id.0.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => Some(id.parse::<u64>().map_err(|_| {
                ApiError::invalid_parameter(
                    "Last-Event-ID",
                    format!("`{id}` is not an event's seq"),
                )
            })?),
            _ => since.0,
        };
        let visibility = self.visibility(request, ticket.0.as_deref()).await?;
        let state = self.state.clone();
        let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
        let live = state.events.subscribe();
        let client = sender.clone();
        let feeding = feed(state.clone(), live, resume, filter, visibility, sender);
        let stopping = state.clone();
        tokio::spawn(async move {
            // Whichever comes first: the client leaves, or the server stops.
            tokio::select! {
                () = feeding => {}
                () = client.closed() => {}
                () = stopping.events.closed() => {}
            }
        });
        let stream: BoxStream<'static, EventMessage> = Box::pin(futures_util::stream::unfold(
            receiver,
            |mut receiver| async move { receiver.recv().await.map(|message| (message, receiver)) },
        ));
        Ok(EventStreamResponse::Stream(
            EventStream::new(stream)
                .keep_alive(state.events.settings.keep_alive)
                .to_event(|message: EventMessage| {
                    use poem_openapi::types::ToJSON;
                    Event::message(message.to_json_string())
                        .id(message.data.seq.to_string())
                        .event_type(message.event_type)
                }),
        ))
    }

    /// Get a stream ticket
    ///
    /// A single-use ticket for `GET /api/v1/events?ticket=...`, usable for
    /// `events.ticket_ttl`: the stream sees what this credential may see. For
    /// browsers, whose `EventSource` cannot send `Authorization`; a long-lived token in a
    /// URL would end up in logs and histories.
    #[oai(
        path = "/events/ticket",
        method = "post",
        operation_id = "createStreamTicket"
    )]
    async fn ticket(&self, auth: SignedIn, request: &Request) -> Result<TicketCreated, ApiError> {
        allow_only(request, &[])?;
        self.may_read(&auth.0)?;
        let visibility = Visibility::of(&self.state, &auth.0);
        let (ticket, hash) = crate::auth::secret::new_ticket();
        let ttl = self.state.events.settings.ticket_ttl;
        let expires_at = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or_default();
        self.state
            .store
            .create_ticket(&hash, visibility.to_json(), expires_at)
            .await?;
        Ok(TicketCreated::Created(Json(StreamTicketData {
            data: StreamTicket {
                ticket,
                expires_at: civitas_core::validate::canonical_datetime(expires_at),
            },
        })))
    }
}

impl EventsApi {
    fn event_types(&self, text: Option<&str>) -> Result<Vec<String>, ApiError> {
        list(text)
            .map(|pattern| match is_event_pattern(&pattern) {
                true => Ok(pattern),
                false => Err(ApiError::invalid_parameter(
                    "types",
                    format!("`{pattern}` is not an event type or family (such as `entry.*`)"),
                )),
            })
            .collect()
    }

    fn content_types(&self, text: Option<&str>) -> Result<Vec<String>, ApiError> {
        list(text)
            .map(|type_id| match self.state.registry().get(&type_id) {
                Some(_) => Ok(type_id),
                None => Err(ApiError::invalid_parameter(
                    "content_types",
                    format!("there is no content type `{type_id}`"),
                )),
            })
            .collect()
    }

    /// When public reads need a token, the stream needs one that may read.
    fn may_read(&self, principal: &Principal) -> Result<(), ApiError> {
        let requires_token = self.state.auth.settings.public_read_requires_token;
        if requires_token && principal.access(Capability::Read, None) == Access::Denied {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "this credential may not read published content",
            ));
        }
        Ok(())
    }

    /// Who is asking: a ticket, a bearer token, or nobody.
    async fn visibility(
        &self,
        request: &Request,
        ticket: Option<&str>,
    ) -> Result<Visibility, ApiError> {
        if let Some(ticket) = ticket {
            let hash = crate::auth::secret::hash_secret(ticket);
            return match self.state.store.take_ticket(&hash).await? {
                Some(grant) => Ok(Visibility::from_json(&grant)),
                None => Err(ApiError::new(
                    ErrorCode::InvalidTicket,
                    "this stream ticket is unknown, used already or expired",
                )),
            };
        }
        match optional_principal(&self.state, request).await? {
            Some(principal) => {
                self.may_read(&principal)?;
                Ok(Visibility::of(&self.state, &principal))
            }
            None if self.state.auth.settings.public_read_requires_token => Err(unauthorized()),
            None => Ok(Visibility::public()),
        }
    }
}

fn list(text: Option<&str>) -> impl Iterator<Item = String> + '_ {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
}

/// Sends one stream its events: the backlog after `resume` from the database, then live
/// ones as this server follows them; back to the database whenever the live feed ran
/// ahead of a slow client. Ends when the client goes away.
async fn feed(
    state: SharedState,
    mut live: broadcast::Receiver<Arc<ChangeEvent>>,
    resume: Option<u64>,
    filter: EventFilter,
    visibility: Visibility,
    out: mpsc::Sender<EventMessage>,
) {
    let send = |event: &ChangeEvent| {
        (filter.accepts(event) && visibility.sees(event))
            .then(|| EventMessage::from_event(event, visibility.shows_actors()))
    };
    let mut sent = match start(&state, resume).await {
        Ok(Start::From(seq)) => seq,
        Ok(Start::Reset(seq)) => {
            if out.send(EventMessage::marker("reset", seq)).await.is_err() {
                return;
            }
            seq
        }
        Err(error) => {
            tracing::warn!(%error, "events: a stream could not start");
            return;
        }
    };
    loop {
        // The backlog, until the database has nothing newer.
        loop {
            let events = match state.store.events_after(sent, PAGE).await {
                Ok(events) => events,
                Err(error) => {
                    tracing::warn!(%error, "events: a stream lost the change log");
                    return;
                }
            };
            let full = events.len() as u64 == PAGE;
            for event in &events {
                if let Some(message) = send(event)
                    && out.send(message).await.is_err()
                {
                    return;
                }
                sent = event.seq;
            }
            if !full {
                break;
            }
        }
        // Live, until the client leaves or falls too far behind.
        loop {
            match live.recv().await {
                Ok(event) if event.seq <= sent => {}
                Ok(event) => {
                    if let Some(message) = send(&event)
                        && out.send(message).await.is_err()
                    {
                        return;
                    }
                    sent = event.seq;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => break,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

enum Start {
    /// Send what follows this event.
    From(u64),
    /// The point asked for is gone (pruned, or from another database): say so, then
    /// carry on after this event.
    Reset(u64),
}

async fn start(
    state: &SharedState,
    resume: Option<u64>,
) -> Result<Start, civitas_store::StoreError> {
    let Some(after) = resume else {
        return Ok(Start::From(state.events.followed()));
    };
    let newest = state.store.last_event_seq().await?;
    if after > newest {
        return Ok(Start::Reset(newest));
    }
    if after == newest {
        return Ok(Start::From(after));
    }
    match state.store.first_event_seq().await? {
        Some(oldest) if oldest <= after + 1 => Ok(Start::From(after)),
        _ => Ok(Start::Reset(newest)),
    }
}
