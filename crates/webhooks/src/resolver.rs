//! The DNS resolver behind every webhook connection. It drops blocked addresses after
//! resolving, at connect time, so a host name that passed `check_url` and later points
//! at an internal address (DNS rebinding) still cannot be reached.

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::policy::{Blocked, NetworkPolicy};

pub(crate) struct FilteringResolver {
    policy: Arc<NetworkPolicy>,
}

impl FilteringResolver {
    pub(crate) fn new(policy: NetworkPolicy) -> Self {
        FilteringResolver {
            policy: Arc::new(policy),
        }
    }
}

/// Every address of a host is blocked; found in the error chain to report the reason.
#[derive(Debug, thiserror::Error)]
#[error("blocked: {host} resolves only to blocked addresses ({blocked})")]
pub(crate) struct ResolvedToBlocked {
    pub(crate) host: String,
    pub(crate) blocked: Blocked,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot resolve {host}: {reason}")]
pub(crate) struct ResolveFailed {
    pub(crate) host: String,
    pub(crate) reason: String,
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port in afterwards.
            let resolved = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|error| ResolveFailed {
                    host: host.clone(),
                    reason: error.to_string(),
                })?;
            let mut allowed: Vec<SocketAddr> = Vec::new();
            let mut first_blocked = None;
            for address in resolved {
                match policy.check_ip(address.ip()) {
                    Ok(()) => allowed.push(address),
                    Err(blocked) => {
                        tracing::warn!(%host, reason = %blocked, "webhook resolver dropped a blocked address");
                        first_blocked.get_or_insert(blocked);
                    }
                }
            }
            if allowed.is_empty() {
                return Err(match first_blocked {
                    Some(blocked) => ResolvedToBlocked { host, blocked }.into(),
                    None => ResolveFailed {
                        host,
                        reason: "no addresses".into(),
                    }
                    .into(),
                });
            }
            let addresses: Addrs = Box::new(allowed.into_iter());
            Ok(addresses)
        })
    }
}
