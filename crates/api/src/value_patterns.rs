//! The textual rules validation applies, restated as JSON Schema patterns for the OpenAPI
//! document: slugs, references, email addresses, web addresses, and what counts as blank.
//! Each mirrors one check in `civitas_core::validate`, so the document allows exactly what
//! the server accepts.

use civitas_core::slug::MAX_SLUG_LEN;
use civitas_core::validate::{MAX_EMAIL_LEN, WHITESPACE_CLASS};
use serde_json::{Value, json};

/// `is_slug`: lowercase letters and digits, words joined by single hyphens.
pub const SLUG: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// A reference: an entry id or slug.
pub fn reference() -> Value {
    json!({"type": "string", "pattern": format!("^[A-Za-z0-9-]{{1,{MAX_SLUG_LEN}}}$")})
}

pub fn slug() -> Value {
    json!({"type": "string", "pattern": SLUG, "maxLength": MAX_SLUG_LEN})
}

/// Neither blank nor a control character, for `is_email`.
fn visible() -> String {
    format!("\\x00-\\x1F\\x7F-\\x9F{WHITESPACE_CLASS}")
}

/// `is_email`: one `@`, a dotted domain that neither starts nor ends with a dot.
pub fn email() -> Value {
    let v = visible();
    json!({
        "type": "string",
        "maxLength": MAX_EMAIL_LEN,
        "pattern": format!("^[^@{v}]+@[^@.{v}][^@{v}]*\\.[^@{v}]*[^@.{v}]$")
    })
}

/// An absolute http or https address with a host name.
pub fn url() -> Value {
    let label = "[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?";
    let v = visible();
    json!({
        "type": "string",
        "pattern": format!("^[Hh][Tt][Tt][Pp][Ss]?://{label}(\\.{label})*(:[0-9]{{1,4}})?([/?#][^{v}]*)?$")
    })
}

/// Text with at least one character that is not blank (what `required` demands).
pub fn not_blank() -> Value {
    json!({"pattern": format!("[^{WHITESPACE_CLASS}]")})
}

/// Whitespace-only text, which a text field takes as "no value".
pub fn blank() -> Value {
    json!({"type": "string", "pattern": format!("^[{WHITESPACE_CLASS}]*$")})
}
