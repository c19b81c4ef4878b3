//! Our signatures must verify with the reference implementation, `standardwebhooks`.

use std::time::{SystemTime, UNIX_EPOCH};

use civitas_webhooks::{SecretError, is_valid_secret, new_secret, sign, signature_header};
use reqwest::header::HeaderMap;
use standardwebhooks::Webhook;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const MSG_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn headers(msg_id: &str, timestamp: i64, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", msg_id.parse().unwrap());
    headers.insert("webhook-timestamp", timestamp.to_string().parse().unwrap());
    headers.insert("webhook-signature", signature.parse().unwrap());
    headers
}

#[test]
fn spec_test_vector() {
    let signature = sign(SECRET, MSG_ID, 1649367553, BODY).unwrap();
    assert_eq!(signature, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    assert_eq!(
        signature,
        Webhook::new(SECRET)
            .unwrap()
            .sign(MSG_ID, 1649367553, BODY)
            .unwrap()
    );
}

#[test]
fn reference_verifies_our_signature_and_rejects_tampering() {
    let secret = new_secret();
    assert!(is_valid_secret(&secret));
    let timestamp = now();
    let signature = signature_header(&[&secret], MSG_ID, timestamp, BODY).unwrap();
    let webhook = Webhook::new(&secret).unwrap();
    webhook
        .verify(BODY, &headers(MSG_ID, timestamp, &signature))
        .unwrap();

    let tampered = br#"{"email":"evil@example.com","username":"test_user"}"#;
    assert!(
        webhook
            .verify(tampered, &headers(MSG_ID, timestamp, &signature))
            .is_err()
    );
    assert!(
        webhook
            .verify(BODY, &headers("msg_other", timestamp, &signature))
            .is_err()
    );
    assert!(
        webhook
            .verify(BODY, &headers(MSG_ID, timestamp + 1, &signature))
            .is_err()
    );
    assert!(
        Webhook::new(SECRET)
            .unwrap()
            .verify(BODY, &headers(MSG_ID, timestamp, &signature))
            .is_err()
    );
}

#[test]
fn rotation_signs_with_both_secrets_and_either_verifies() {
    let (old, new) = (new_secret(), new_secret());
    let timestamp = now();
    let header = signature_header(&[&new, &old], MSG_ID, timestamp, BODY).unwrap();
    let parts: Vec<&str> = header.split(' ').collect();
    assert_eq!(parts.len(), 2, "{header}");
    assert!(parts.iter().all(|part| part.starts_with("v1,")), "{header}");
    for secret in [&old, &new] {
        Webhook::new(secret)
            .unwrap()
            .verify(BODY, &headers(MSG_ID, timestamp, &header))
            .unwrap();
    }
    let stranger = new_secret();
    assert!(
        Webhook::new(&stranger)
            .unwrap()
            .verify(BODY, &headers(MSG_ID, timestamp, &header))
            .is_err()
    );
}

#[test]
fn an_invalid_secret_in_a_rotation_fails_the_header() {
    let result = signature_header(&[SECRET, "whsec_short"], MSG_ID, now(), BODY);
    assert!(
        matches!(result, Err(SecretError::Base64 | SecretError::Length(_))),
        "{result:?}"
    );
}
