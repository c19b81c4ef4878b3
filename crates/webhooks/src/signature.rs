//! Standard Webhooks v1 symmetric signatures: HMAC-SHA256 over `id.timestamp.body`.
//!
//! Hand-written on `hmac` + `sha2` (already built for the rest of Civitas) rather than
//! the `standardwebhooks` crate, which would pull a second `base64` and `time`; the
//! tests check every signature against that crate.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const PREFIX: &str = "whsec_";
/// The spec asks for 24 to 64 bytes of key (192 to 512 bits).
const KEY_BYTES: std::ops::RangeInclusive<usize> = 24..=64;
const NEW_KEY_BYTES: usize = 32;

/// Why a secret cannot sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret starts with \"whsec_\"")]
    Prefix,
    #[error("a webhook secret is \"whsec_\" followed by base64")]
    Base64,
    #[error("a webhook secret holds 24 to 64 bytes of key, not {0}")]
    Length(usize),
    #[error("at least one secret is needed to sign")]
    NoSecret,
}

/// A new secret: `whsec_` + base64 of 32 bytes from the operating system's CSPRNG.
///
/// # Panics
///
/// When the operating system cannot supply random bytes at all (as `rand::rng()`
/// would): handing out a predictable secret instead would be worse than stopping.
pub fn new_secret() -> String {
    let mut key = [0u8; NEW_KEY_BYTES];
    if let Err(error) = getrandom::fill(&mut key) {
        panic!("the operating system's random source failed: {error}");
    }
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// Whether `secret` can sign: `whsec_`, then standard base64 of 24 to 64 bytes.
pub fn is_valid_secret(secret: &str) -> bool {
    key(secret).is_ok()
}

/// The signature `v1,<base64 HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")>`.
///
/// `body` must be exactly the bytes sent: receivers verify those bytes, not the JSON.
pub fn sign(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SecretError> {
    let key = key(secret)?;
    // HMAC takes keys of any length, so this error cannot happen; mapped, not unwrapped.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|_| SecretError::Length(key.len()))?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header value: one signature per secret, space-separated, so
/// that during a key rotation receivers holding either the old or the new key accept it.
pub fn signature_header(
    secrets: &[&str],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SecretError> {
    if secrets.is_empty() {
        return Err(SecretError::NoSecret);
    }
    let signatures = secrets
        .iter()
        .map(|secret| sign(secret, msg_id, timestamp, body))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(signatures.join(" "))
}

fn key(secret: &str) -> Result<Vec<u8>, SecretError> {
    let encoded = secret.strip_prefix(PREFIX).ok_or(SecretError::Prefix)?;
    let key = STANDARD.decode(encoded).map_err(|_| SecretError::Base64)?;
    if !KEY_BYTES.contains(&key.len()) {
        return Err(SecretError::Length(key.len()));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_secrets_are_valid_and_distinct() {
        let (a, b) = (new_secret(), new_secret());
        assert!(is_valid_secret(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(STANDARD.decode(&a[PREFIX.len()..]).map(|k| k.len()), Ok(32));
    }

    #[test]
    fn malformed_secrets_are_named() {
        assert_eq!(
            key("C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
            Err(SecretError::Prefix)
        );
        assert_eq!(key("whsec_not base64!"), Err(SecretError::Base64));
        assert_eq!(key("whsec_AAAA"), Err(SecretError::Length(3)));
        assert_eq!(
            signature_header(&[], "m", 1, b""),
            Err(SecretError::NoSecret)
        );
        assert!(!is_valid_secret("whsec_"));
    }
}
