//! Server-side request forgery defence: which addresses a webhook may reach.
//!
//! A webhook URL is attacker-chosen input that makes the server send requests, so
//! internal networks (loopback, private, link-local with the cloud metadata service, ...)
//! are refused unless the operator allows them explicitly. `check_url` judges a URL
//! when it is configured; the `Sender` judges again at connect time, because DNS
//! answers can change in between (DNS rebinding).

use std::net::IpAddr;
use std::time::Duration;

use ipnet::IpNet;
use url::{Host, Url};

use crate::ranges::{denied_kind, embedded_ipv4};

/// A getaddrinfo call can hang for long; configuration requests must not.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);

/// The networks a webhook may reach although they are denied by default (for example
/// `127.0.0.1/32` in tests, or an internal receiver's subnet). Public addresses are
/// always allowed; `Default` allows nothing extra.
#[derive(Clone, Debug, Default)]
pub struct NetworkPolicy {
    allowed: Vec<IpNet>,
}

/// Why an address is refused, in words for the endpoint's owner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Blocked {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error(
        "allowed network {0:?} is not an IP network such as \"10.0.0.0/8\", \"::1/128\" or \"127.0.0.1\""
    )]
    InvalidNetwork(String),
}

/// Why a webhook URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("invalid webhook URL: {0}")]
    InvalidUrl(String),
    #[error("webhook URLs must use http or https")]
    Scheme,
    #[error("cannot resolve {0}")]
    Unresolvable(String),
    #[error("blocked: {0}")]
    Blocked(Blocked),
}

impl NetworkPolicy {
    /// Parses the allowed networks: CIDRs (`10.0.0.0/8`, `::1/128`) or single addresses.
    pub fn new(allowed_networks: &[String]) -> Result<NetworkPolicy, PolicyError> {
        let allowed = allowed_networks
            .iter()
            .map(|entry| {
                parse_network(entry).ok_or_else(|| PolicyError::InvalidNetwork(entry.clone()))
            })
            .collect::<Result<_, _>>()?;
        Ok(NetworkPolicy { allowed })
    }

    /// Refuses `ip` when it lies in a denied range and no allowed network contains it.
    /// An IPv6 address standing for an IPv4 one (`::ffff:127.0.0.1`, NAT64, 6to4) is
    /// judged as that IPv4 address, or it would be a way around the IPv4 rules.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Blocked> {
        if self.allows(ip) {
            return Ok(());
        }
        if let IpAddr::V6(v6) = ip
            && let Some(v4) = embedded_ipv4(v6)
        {
            let v4 = IpAddr::V4(v4);
            if self.allows(v4) {
                return Ok(());
            }
            if let Some(kind) = denied_kind(v4) {
                return Err(Blocked {
                    reason: format!("{ip} maps to {v4}, {kind}"),
                });
            }
        }
        match denied_kind(ip) {
            Some(kind) => Err(Blocked {
                reason: format!("{ip} is {kind}"),
            }),
            None => Ok(()),
        }
    }

    /// Checks a webhook URL without touching the network: http or https, a host, no
    /// user name or password (they would end up in logs and in a Basic auth header),
    /// and an IP-literal host must be allowed. Host names are left to the resolver.
    pub fn check_url_offline(&self, url: &str) -> Result<Url, TargetError> {
        let parsed = Url::parse(url).map_err(|error| TargetError::InvalidUrl(error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TargetError::Scheme);
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(TargetError::InvalidUrl(
                "a user name or password is not allowed in the URL".into(),
            ));
        }
        let ip = match parsed.host() {
            None => return Err(TargetError::InvalidUrl("the URL has no host".into())),
            Some(Host::Domain(_)) => None,
            Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        };
        if let Some(ip) = ip {
            self.check_ip(ip).map_err(TargetError::Blocked)?;
        }
        Ok(parsed)
    }

    /// Checks a webhook URL as `check_url_offline` does, then resolves its host and
    /// refuses it if *any* address is blocked: a name that sometimes points inside is
    /// not a safe webhook target. For configuration time; sending checks again.
    pub async fn check_url(&self, url: &str) -> Result<Url, TargetError> {
        let parsed = self.check_url_offline(url)?;
        let Some(Host::Domain(host)) = parsed.host() else {
            return Ok(parsed);
        };
        let port = parsed.port_or_known_default().unwrap_or(80);
        let addresses = match tokio::time::timeout(
            RESOLVE_TIMEOUT,
            tokio::net::lookup_host((host, port)),
        )
        .await
        {
            Ok(Ok(addresses)) => addresses.map(|address| address.ip()).collect::<Vec<_>>(),
            Ok(Err(error)) => return Err(TargetError::Unresolvable(format!("{host}: {error}"))),
            Err(_) => {
                return Err(TargetError::Unresolvable(format!(
                    "{host}: no answer within 10 s"
                )));
            }
        };
        if addresses.is_empty() {
            return Err(TargetError::Unresolvable(format!("{host}: no addresses")));
        }
        for ip in addresses {
            self.check_ip(ip).map_err(|blocked| {
                TargetError::Blocked(Blocked {
                    reason: format!("{host} resolves to a blocked address: {}", blocked.reason),
                })
            })?;
        }
        Ok(parsed)
    }

    fn allows(&self, ip: IpAddr) -> bool {
        self.allowed.iter().any(|network| network.contains(&ip))
    }
}

fn parse_network(entry: &str) -> Option<IpNet> {
    let entry = entry.trim();
    match entry.parse::<IpNet>() {
        Ok(network) => Some(network.trunc()),
        Err(_) => entry.parse::<IpAddr>().ok().map(IpNet::from),
    }
}
