//! A media record as an export keeps it, and the key entries name it by.
//!
//! The record keeps what the file is (its bytes, by SHA-256; filename, type, size and
//! pixels; alt text, title, focal point and their translations), not what one server made
//! of it (id, URL, ThumbHash, who uploaded it when). Its key is
//! `{first 12 hex digits of the SHA-256}-{filename}`, with `~2`, `~3`, ... for further
//! records of the same bytes and filename (which differ in their texts). Keys depend only
//! on what is exported, so every server holding the same library gives the same keys, and
//! a key changes only when its file's bytes do.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value, json};

/// Hex digits of the SHA-256 in a key.
const KEY_DIGITS: usize = 12;

/// A library record with its export key.
pub struct Keyed {
    pub key: String,
    pub id: String,
    /// Where the server serves the bytes.
    pub url: String,
    pub portable: Map<String, Value>,
}

/// A text field of an exported record (empty when missing).
pub fn field<'a>(record: &'a Map<String, Value>, name: &str) -> &'a str {
    record.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Text without the empty and missing values.
fn text(value: &Value) -> Option<Value> {
    value
        .as_str()
        .filter(|t| !t.is_empty())
        .map(|t| Value::String(t.to_owned()))
}

/// Alt text and title per locale, each locale as an object of the texts it has.
fn translations(record: &Value) -> Map<String, Value> {
    let Some(locales) = record["translations"].as_object() else {
        return Map::new();
    };
    let mut sorted: Vec<(&String, &Value)> = locales.iter().collect();
    sorted.sort_by_key(|(locale, _)| *locale);
    sorted
        .into_iter()
        .map(|(locale, texts)| {
            let kept: Map<String, Value> = ["alt", "title"]
                .into_iter()
                .filter_map(|key| Some((key.to_owned(), text(&texts[key])?)))
                .collect();
            (locale.clone(), Value::Object(kept))
        })
        .collect()
}

/// A record (as the admin API shows it) as `media/index.json` keeps it.
pub fn portable(record: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["filename", "sha256", "mime", "size", "width", "height"] {
        if !record[key].is_null() {
            out.insert(key.to_owned(), record[key].clone());
        }
    }
    for key in ["alt", "title"] {
        if let Some(value) = text(&record[key]) {
            out.insert(key.to_owned(), value);
        }
    }
    let focal = &record["focal"];
    let fraction = |axis: &str| focal[axis].as_f64().unwrap_or(0.5);
    out.insert(
        "focal".into(),
        json!({"x": fraction("x"), "y": fraction("y")}),
    );
    let translations = translations(record);
    if !translations.is_empty() {
        out.insert("translations".into(), Value::Object(translations));
    }
    out
}

/// A field of an exported record, with the server's default when it is left out.
fn or_default(record: &Map<String, Value>, name: &str) -> Value {
    match (record.get(name), name) {
        (Some(value), _) => value.clone(),
        (None, "focal") => json!({"x": 0.5, "y": 0.5}),
        (None, "translations") => json!({}),
        (None, _) => Value::Null,
    }
}

/// What tells records apart: the bytes, the filename and what editors set (the rest
/// follows from the bytes).
const IDENTITY: [&str; 6] = [
    "sha256",
    "filename",
    "alt",
    "title",
    "focal",
    "translations",
];

/// The fields in which two exported records differ.
pub fn differing(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<&'static str> {
    IDENTITY
        .into_iter()
        .filter(|name| or_default(a, name) != or_default(b, name))
        .collect()
}

/// Whether two exported records have the same bytes, filename and texts.
pub fn same(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    differing(a, b).is_empty()
}

/// The key a record's bytes and filename give, before telling apart records that share
/// both.
fn base_key(portable: &Map<String, Value>) -> String {
    let field = |key: &str| {
        portable
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let digest: String = field("sha256").chars().take(KEY_DIGITS).collect();
    format!("{digest}-{}", field("filename"))
}

/// Every record of a library with its key, in key order. Records sharing a base key are
/// numbered in the order of their whole exported form, then of age (for records exported
/// identically, which are interchangeable).
pub fn keyed(records: &[Value]) -> Vec<Keyed> {
    let mut sortable: Vec<(String, String, &Value, Map<String, Value>)> = records
        .iter()
        .map(|record| {
            let portable = portable(record);
            (
                base_key(&portable),
                Value::Object(portable.clone()).to_string(),
                record,
                portable,
            )
        })
        .collect();
    sortable.sort_by(|a, b| (&a.0, &a.1, age(a.2)).cmp(&(&b.0, &b.1, age(b.2))));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Keyed> = sortable
        .into_iter()
        .map(|(base, _, record, portable)| {
            let count = seen.entry(base.clone()).or_default();
            *count += 1;
            let key = match *count {
                1 => base,
                n => format!("{base}~{n}"),
            };
            let field = |name: &str| record[name].as_str().unwrap_or_default().to_owned();
            Keyed {
                key,
                id: field("id"),
                url: field("url"),
                portable,
            }
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// When a record was uploaded (its id breaks ties): what orders records exported alike.
pub fn age(record: &Value) -> (Option<DateTime<FixedOffset>>, String) {
    let uploaded = record["created_at"]
        .as_str()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok());
    (
        uploaded,
        record["id"].as_str().unwrap_or_default().to_owned(),
    )
}

/// How keys sort to number records: `x`, `x~2`, ..., `x~10`.
pub fn key_order(key: &str) -> (&str, u64) {
    match key.rsplit_once('~') {
        Some((base, number)) => match number.parse() {
            Ok(number) => (base, number),
            Err(_) => (key, 1),
        },
        None => (key, 1),
    }
}

/// Whether a file of type `mime` fits a field that accepts `accept` (`image/*`,
/// `application/pdf`; nothing listed takes any).
pub fn accepts(accept: &[String], mime: &str) -> bool {
    accept.is_empty()
        || accept
            .iter()
            .any(|pattern| match pattern.strip_suffix("/*") {
                Some(family) => mime.split('/').next() == Some(family),
                None => pattern == mime,
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, sha: &str, alt: &str, created: &str) -> Value {
        json!({
            "id": id, "url": format!("/assets/{id}/cat.png"), "filename": "cat.png",
            "mime": "image/png", "size": 10, "width": 2, "height": 1, "sha256": sha,
            "alt": alt, "title": null, "focal": {"x": 0.5, "y": 0.25}, "thumbhash": "x",
            "translations": {"fr": {"alt": "Chat", "title": null}}, "created_at": created,
        })
    }

    #[test]
    fn keys_come_from_the_bytes_and_name_not_the_server() {
        let sha = "ab".repeat(32);
        let records = [
            record("B", &sha, "Zebra", "2026-01-01"),
            record("A", &sha, "Animal", "2026-01-02"),
            record("C", &"cd".repeat(32), "", "2026-01-03"),
        ];
        let keyed = keyed(&records);
        let keys: Vec<(&str, &str)> = keyed
            .iter()
            .map(|k| (k.key.as_str(), k.id.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("abababababab-cat.png", "A"),
                ("abababababab-cat.png~2", "B"),
                ("cdcdcdcdcdcd-cat.png", "C"),
            ]
        );
        let portable = Value::Object(keyed[0].portable.clone());
        assert_eq!(
            portable,
            json!({
                "filename": "cat.png", "sha256": sha, "mime": "image/png", "size": 10,
                "width": 2, "height": 1, "alt": "Animal", "focal": {"x": 0.5, "y": 0.25},
                "translations": {"fr": {"alt": "Chat"}},
            })
        );
        assert!(keyed[2].portable.get("alt").is_none());
    }

    #[test]
    fn records_differ_in_what_editors_set_not_in_defaults_left_out() {
        let full = portable(&record("A", &"ab".repeat(32), "Cat", "2026-01-01"));
        let mut sparse = full.clone();
        sparse.remove("mime");
        sparse.remove("translations");
        assert_eq!(differing(&full, &sparse), ["translations"]);
        let mut plain =
            portable(&json!({"sha256": "x", "filename": "a.png", "focal": {"x": 0.5, "y": 0.5}}));
        assert!(same(
            &plain,
            &portable(&json!({"sha256": "x", "filename": "a.png"}))
        ));
        plain.insert("alt".into(), json!("Dog"));
        assert_eq!(
            differing(&plain, &full),
            ["sha256", "filename", "alt", "focal", "translations"]
        );
    }

    #[test]
    fn age_orders_by_time_whatever_the_digits() {
        let at = |time: &str| age(&json!({"id": "A", "created_at": time}));
        assert!(at("2026-01-01T00:00:09.45Z") < at("2026-01-01T00:00:09.5Z"));
        assert!(at("2026-01-01T00:00:09.464Z") < at("2026-01-01T00:00:09.464741Z"));
    }

    #[test]
    fn keys_sort_by_their_number() {
        let mut keys = vec!["a-x.png~10", "a-x.png~2", "a-x.png", "a-w.png"];
        keys.sort_by_key(|k| key_order(k));
        assert_eq!(keys, ["a-w.png", "a-x.png", "a-x.png~2", "a-x.png~10"]);
    }

    #[test]
    fn accept_patterns_match_families_and_types() {
        let images = vec!["image/*".to_owned()];
        assert!(accepts(&images, "image/svg+xml"));
        assert!(!accepts(&images, "application/pdf"));
        assert!(accepts(&["application/pdf".to_owned()], "application/pdf"));
        assert!(accepts(&[], "application/pdf"));
    }
}
