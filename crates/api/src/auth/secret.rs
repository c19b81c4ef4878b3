//! Secrets: random bearer tokens stored only as hashes, and Argon2id password hashes.
//!
//! A bearer token reads `cvs_<id>_<secret>` (a session) or `cvt_<id>_<secret>` (an API
//! token): the id finds the record, the secret (32 random bytes) is checked against the
//! SHA-256 stored with it. A database leak therefore reveals no usable token.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a bearer token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Api,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "cvs_",
            TokenKind::Api => "cvt_",
        }
    }
}

/// A freshly made bearer token: what the client gets, and what the database keeps.
pub struct NewSecret {
    pub bearer: String,
    pub hash: String,
}

/// A new bearer token for the record `id`.
pub fn new_bearer(kind: TokenKind, id: &str) -> NewSecret {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    NewSecret {
        bearer: format!("{}{id}_{secret}", kind.prefix()),
        hash: hash_secret(&secret),
    }
}

/// A new stream ticket (`cve_` and 256 random bits) and the hash it is kept under.
pub fn new_ticket() -> (String, String) {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let ticket = format!("cve_{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_secret(&ticket);
    (ticket, hash)
}

/// A random password for a generated account: 24 characters, 144 bits.
pub fn random_password() -> String {
    let mut bytes = [0_u8; 18];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The id of a new record that will hold a secret: made here so the bearer token can
/// name it before the record is written.
pub fn new_record_id() -> String {
    ulid::Ulid::new().to_string()
}

pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Splits a bearer token into its kind, record id and secret.
pub fn parse_bearer(bearer: &str) -> Option<(TokenKind, &str, &str)> {
    let kind = [TokenKind::Session, TokenKind::Api]
        .into_iter()
        .find(|kind| bearer.starts_with(kind.prefix()))?;
    let rest = &bearer[kind.prefix().len()..];
    let (id, secret) = rest.split_at_checked(26)?;
    let secret = secret.strip_prefix('_')?;
    let well_formed = id.bytes().all(|b| b.is_ascii_alphanumeric()) && !secret.is_empty();
    well_formed.then_some((kind, id, secret))
}

/// Whether `secret` matches the stored hash, in time independent of where they differ.
pub fn secret_matches(secret: &str, stored_hash: &str) -> bool {
    bool::from(hash_secret(secret).as_bytes().ct_eq(stored_hash.as_bytes()))
}

/// An Argon2id hash (OWASP's parameters: 19 MiB, 2 passes) in PHC format.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash of nothing anyone knows, checked when the account does not exist, so an
/// unknown email costs the same time as a wrong password.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("civitas decoy password").unwrap_or_default());

/// Checks a password against a stored hash, or against the decoy when there is none.
/// Slow on purpose: call it off the async runtime.
pub fn verify_password(password: &str, stored_hash: Option<&str>) -> bool {
    let (hash, real) = match stored_hash {
        Some(hash) => (hash, true),
        None => (DECOY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

/// Makes the decoy hash now, so the first failed login is not faster than the rest.
pub fn warm_up() {
    LazyLock::force(&DECOY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_round_trip_and_check_their_secret() {
        let id = new_record_id();
        let made = new_bearer(TokenKind::Api, &id);
        let (kind, parsed_id, secret) = parse_bearer(&made.bearer).expect("parses");
        assert_eq!((kind, parsed_id), (TokenKind::Api, id.as_str()));
        assert!(secret_matches(secret, &made.hash));
        assert!(!secret_matches("wrong", &made.hash));
        assert!(parse_bearer("cvs_short").is_none());
        assert!(parse_bearer("something-else").is_none());
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong", Some(&hash)));
        assert!(!verify_password("civitas decoy password", None));
    }
}
