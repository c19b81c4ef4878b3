//! One delivery attempt of one signed webhook, bounded in every dimension a receiver
//! controls: where it connects, how long it takes, how much it sends back, whether it
//! redirects. The caller decides what happens next from the `Attempt`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;

pub use crate::attempt::{Attempt, Outcome, SNIPPET_BYTES};
use crate::describe::describe;
use crate::policy::{NetworkPolicy, TargetError};
use crate::resolver::FilteringResolver;
use crate::signature::signature_header;

const USER_AGENT: &str = concat!("Civitas-Webhooks/", env!("CARGO_PKG_VERSION"));
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends webhooks through one connection pool under one `NetworkPolicy`. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Sender {
    client: reqwest::Client,
    policy: NetworkPolicy,
    timeout: Duration,
    connect_timeout: Duration,
}

/// One webhook to send. `body` is the JSON exactly as signed and sent.
#[derive(Clone)]
pub struct Outgoing<'a> {
    pub url: &'a str,
    /// `webhook-id`: the same on every retry, the receiver's idempotency key.
    pub msg_id: &'a str,
    /// `webhook-timestamp`: Unix seconds of this attempt, not of the event.
    pub timestamp: i64,
    pub body: Bytes,
    /// Signs with each (old and new during a rotation); at least one.
    pub secrets: &'a [&'a str],
}

// By hand, so that secrets never reach a log line.
impl std::fmt::Debug for Outgoing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("url", &self.url)
            .field("msg_id", &self.msg_id)
            .field("timestamp", &self.timestamp)
            .field("body_bytes", &self.body.len())
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Sender {
    /// A sender whose requests time out after `timeout` in all (connecting at most 10 s
    /// of it, sending, and reading the start of the answer), never follow redirects,
    /// ignore proxy environment variables (a proxy would resolve names past the policy)
    /// and connect only to addresses the policy allows.
    pub fn new(policy: NetworkPolicy, timeout: Duration) -> Result<Sender, reqwest::Error> {
        let connect_timeout = timeout.min(CONNECT_TIMEOUT);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .dns_resolver(Arc::new(FilteringResolver::new(policy.clone())))
            .user_agent(USER_AGENT)
            .build()?;
        Ok(Sender {
            client,
            policy,
            timeout,
            connect_timeout,
        })
    }

    pub fn policy(&self) -> &NetworkPolicy {
        &self.policy
    }

    /// How long one attempt may take in all.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// POSTs the webhook once. Never fails: every problem is described in the `Attempt`.
    pub async fn send(&self, request: Outgoing<'_>) -> Attempt {
        let started = Instant::now();
        // hyper connects to IP-literal hosts without asking the resolver, so they are
        // judged here; host names are judged by the resolver when connecting.
        let url = match self.policy.check_url_offline(request.url) {
            Ok(url) => url,
            Err(error @ TargetError::Blocked(_)) => {
                return Attempt::unanswered(started, error.to_string(), Outcome::Blocked);
            }
            Err(error) => return Attempt::unanswered(started, error.to_string(), Outcome::Failed),
        };
        let signed = signature_header(
            request.secrets,
            request.msg_id,
            request.timestamp,
            &request.body,
        );
        let signature = match signed {
            Ok(signature) => signature,
            Err(error) => {
                return Attempt::unanswered(
                    started,
                    format!("cannot sign: {error}"),
                    Outcome::Failed,
                );
            }
        };
        let sent = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", request.msg_id)
            .header("webhook-timestamp", request.timestamp.to_string())
            .header("webhook-signature", signature)
            .body(request.body)
            .send()
            .await;
        match sent {
            Ok(response) => Attempt::answered(started, response).await,
            Err(error) => {
                let (text, blocked) = describe(&error, self.timeout, self.connect_timeout);
                let outcome = if blocked {
                    Outcome::Blocked
                } else {
                    Outcome::Failed
                };
                Attempt::unanswered(started, text, outcome)
            }
        }
    }
}
