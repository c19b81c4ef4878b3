//! Validation of entry data against a content type. Every problem is reported at once,
//! each naming its field with a stable code, and valid data comes out normalised (rich
//! text rendered, datetimes in UTC) so the store never sees two spellings of one value.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::content_type::ContentType;
use crate::entry::SystemField;
use crate::field::{Bounds, Field, FieldKind, TextRules};
use crate::richtext::render_html;
use crate::slug::is_slug;

/// One problem with one field of a write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// Stable snake_case code, e.g. `required` or `too_long`.
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// How a write treats fields the body leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// A new entry: missing fields take their defaults.
    Create,
    /// A full replacement (`PUT`, or a merged `PATCH`): missing fields are cleared.
    Replace,
}

/// Valid, normalised entry data, ready to store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Field name to normalised value; a field without a value is absent.
    pub values: Map<String, Value>,
    /// The slug the editor asked for, if any.
    pub slug: Option<String>,
    /// An explicit publication time (RFC 3339, UTC), e.g. to backdate an article.
    pub published_at: Option<String>,
    /// Values of localized fields in other locales: locale, then field name to value.
    pub translations: BTreeMap<String, Map<String, Value>>,
}

/// Checks a write body against the type. Read-only system fields are ignored so an entry
/// read from the API can be sent back as it is; any other unknown key is an error.
pub fn validate(
    content_type: &ContentType,
    input: &Map<String, Value>,
    mode: WriteMode,
) -> Result<Document, Vec<FieldError>> {
    let (document, errors) = validate_all(content_type, input, mode);
    if errors.is_empty() {
        Ok(document)
    } else {
        Err(errors)
    }
}

/// Like [`validate`], but also returns the valid part of the document when some fields
/// fail, so later checks (such as whether referenced entries exist) can still run and
/// every problem is reported in one answer.
pub fn validate_all(
    content_type: &ContentType,
    input: &Map<String, Value>,
    mode: WriteMode,
) -> (Document, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut document = Document::default();
    for (key, value) in input {
        match SystemField::parse(key) {
            Some(SystemField::Translations) => {
                read_translations(content_type, value, &mut document, &mut errors)
            }
            Some(system) if system.is_writable() => {
                read_system_field(system, value, &mut document, &mut errors)
            }
            Some(_) => {}
            None if content_type.field(key).is_none() => errors.push(FieldError::new(
                key.as_str(),
                "unknown_field",
                format!("`{}` has no field `{key}`", content_type.id),
            )),
            None => {}
        }
    }
    for field in &content_type.fields {
        let given = input.get(&field.name).filter(|v| !is_blank(&field.kind, v));
        // A replacement clears what it leaves out, but a required field falls back to its
        // default, as on create.
        let value = match (given, mode) {
            (Some(value), _) => Some(value),
            (None, WriteMode::Create) => field.default.as_ref(),
            (None, WriteMode::Replace) if field.required => field.default.as_ref(),
            (None, WriteMode::Replace) => None,
        };
        match value {
            Some(value) => match normalize(&field.kind, value) {
                Ok(normal) => {
                    document.values.insert(field.name.clone(), normal);
                }
                Err(problem) => errors.push(problem.at(&field.name)),
            },
            None if field.required => errors.push(FieldError::new(
                field.name.as_str(),
                "required",
                format!("`{}` is required", field.name),
            )),
            None => {}
        }
    }
    (document, errors)
}

fn read_system_field(
    system: SystemField,
    value: &Value,
    document: &mut Document,
    errors: &mut Vec<FieldError>,
) {
    if value.is_null() {
        return;
    }
    let name = system.name();
    match system {
        SystemField::Slug => match value.as_str() {
            Some(slug) if is_slug(slug) => document.slug = Some(slug.to_owned()),
            _ => errors.push(FieldError::new(
                name,
                "invalid_slug",
                "a slug is lowercase letters, digits and single hyphens, at most 96 characters",
            )),
        },
        SystemField::PublishedAt => match normalize(&FieldKind::Datetime, value) {
            Ok(Value::String(at)) => document.published_at = Some(at),
            Ok(_) => {}
            Err(problem) => errors.push(problem.at(name)),
        },
        _ => {}
    }
}

/// A locale code such as `fr` or `pt-BR`.
pub fn is_locale(code: &str) -> bool {
    let (language, region) = match code.split_once('-') {
        Some((language, region)) => (language, Some(region)),
        None => (code, None),
    };
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
}

/// `translations`: `{locale: {field: value}}`, only localized fields, each value checked
/// like the field itself; blank values are left out (the default locale's value shows).
fn read_translations(
    content_type: &ContentType,
    value: &Value,
    document: &mut Document,
    errors: &mut Vec<FieldError>,
) {
    if value.is_null() {
        return;
    }
    let Some(locales) = value.as_object() else {
        errors.push(FieldError::new(
            "translations",
            "invalid_translations",
            "expected an object of locales, e.g. {\"fr\": {\"title\": \"...\"}}",
        ));
        return;
    };
    for (locale, values) in locales {
        let at = format!("translations.{locale}");
        if !is_locale(locale) {
            errors.push(FieldError::new(
                at,
                "invalid_locale",
                "expected a locale code such as `fr` or `pt-BR`",
            ));
            continue;
        }
        let Some(values) = values.as_object() else {
            errors.push(FieldError::new(
                at,
                "invalid_translations",
                "expected an object of fields",
            ));
            continue;
        };
        let mut translated = Map::new();
        for (name, value) in values {
            let at = format!("translations.{locale}.{name}");
            match content_type.field(name).filter(|f| f.localized) {
                None => errors.push(FieldError::new(
                    at,
                    "not_localized",
                    format!("`{}` has no localized field `{name}`", content_type.id),
                )),
                Some(field) if is_blank(&field.kind, value) => {}
                Some(field) => match normalize(&field.kind, value) {
                    Ok(normal) => {
                        translated.insert(name.clone(), normal);
                    }
                    Err(problem) => errors.push(problem.at(&at)),
                },
            }
        }
        if !translated.is_empty() {
            document.translations.insert(locale.clone(), translated);
        }
    }
}

/// The characters `str::trim` drops (Unicode White_Space), as the inside of a regular
/// expression class, so documents can state the same rule as [`is_blank`].
pub const WHITESPACE_CLASS: &str =
    "\\t\\n\\x0B\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

/// Whether a field of this kind takes text, where whitespace-only means "no value".
pub fn is_text_kind(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Text(_)
            | FieldKind::RichText(_)
            | FieldKind::Slug(_)
            | FieldKind::Email
            | FieldKind::Url
    )
}

/// `null` counts as no value; so does whitespace-only text in a text field, so a required
/// title cannot be "" and an empty form field clears an optional one.
fn is_blank(kind: &FieldKind, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => is_text_kind(kind) && text.trim().is_empty(),
        _ => false,
    }
}

/// Checks a schema default, so a bad default is caught when the type loads.
pub fn check_default(field: &Field, default: &Value) -> Result<(), String> {
    normalize(&field.kind, default)
        .map(|_| ())
        .map_err(|problem| format!("invalid default: {}", problem.message))
}

/// A problem with a value, before it is tied to a field name.
struct Problem {
    code: &'static str,
    message: String,
}

impl Problem {
    fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
        }
    }

    fn at(self, field: &str) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code: self.code,
            message: self.message,
        }
    }
}

fn normalize(kind: &FieldKind, value: &Value) -> Result<Value, Problem> {
    match kind {
        FieldKind::Text(rules) => text(value, rules).map(Value::from),
        FieldKind::Slug(rules) => {
            let slug = text(value, rules)?;
            if is_slug(&slug) {
                Ok(Value::String(slug))
            } else {
                Err(Problem::new(
                    "invalid_slug",
                    "expected lowercase words joined by hyphens",
                ))
            }
        }
        FieldKind::RichText(rules) => rich_text(value, rules),
        FieldKind::Integer(bounds) => integer(value, bounds),
        FieldKind::Number(bounds) => number(value, bounds),
        FieldKind::Boolean => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| Problem::new("invalid_type", "expected true or false")),
        FieldKind::Date => date(value),
        FieldKind::Datetime => datetime(value),
        FieldKind::Enum(options) => {
            let choice = string(value)?;
            if options.iter().any(|o| o == choice) {
                Ok(Value::from(choice))
            } else {
                Err(Problem::new(
                    "invalid_option",
                    format!("`{choice}` is not one of: {}", options.join(", ")),
                ))
            }
        }
        FieldKind::Email => email(value),
        FieldKind::Url => url(value),
        FieldKind::Json => Ok(value.clone()),
        FieldKind::Reference { many: false, .. } => reference(value),
        FieldKind::Reference {
            many: true, items, ..
        } => list(value, items, reference),
        FieldKind::Media { many: false, .. } => media_id(value),
        FieldKind::Media {
            many: true, items, ..
        } => list(value, items, media_id),
        FieldKind::List { item, items } => list(value, items, |v| normalize(item, v)),
    }
}

fn string(value: &Value) -> Result<&str, Problem> {
    value
        .as_str()
        .ok_or_else(|| Problem::new("invalid_type", "expected a string"))
}

fn text(value: &Value, rules: &TextRules) -> Result<String, Problem> {
    let text = string(value)?;
    check_length(text, &rules.length)?;
    if let Some(pattern) = &rules.pattern
        && !pattern.regex.is_match(text)
    {
        return Err(Problem::new(
            "pattern_mismatch",
            format!("must match the pattern `{}`", pattern.source),
        ));
    }
    Ok(text.to_owned())
}

fn check_length(text: &str, length: &Bounds<usize>) -> Result<(), Problem> {
    let count = text.chars().count();
    if let Some(min) = length.below_min(count) {
        return Err(Problem::new(
            "too_short",
            format!("must be at least {min} characters"),
        ));
    }
    if let Some(max) = length.above_max(count) {
        return Err(Problem::new(
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// Takes Markdown as a string, or the `{markdown, html}` object the API returns, so an
/// entry read from the API can be written back unchanged. The HTML is always re-rendered.
fn rich_text(value: &Value, rules: &TextRules) -> Result<Value, Problem> {
    let markdown = match value {
        Value::Object(object) => {
            object
                .get("markdown")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Problem::new(
                        "invalid_type",
                        "expected Markdown text or an object with `markdown`",
                    )
                })?
        }
        other => string(other)?,
    };
    check_length(markdown, &rules.length)?;
    Ok(json!({ "markdown": markdown, "html": render_html(markdown) }))
}

fn integer(value: &Value, bounds: &Bounds<i64>) -> Result<Value, Problem> {
    // A JSON integer only: `5.0` is a number, as JSON Schema (and the document) says.
    let n = value
        .as_i64()
        .ok_or_else(|| Problem::new("invalid_type", "expected a whole number"))?;
    check_bounds(n, bounds)?;
    Ok(Value::from(n))
}

fn number(value: &Value, bounds: &Bounds<f64>) -> Result<Value, Problem> {
    let n = value
        .as_f64()
        .ok_or_else(|| Problem::new("invalid_type", "expected a number"))?;
    check_bounds(n, bounds)?;
    Ok(value.clone())
}

fn check_bounds<T: PartialOrd + Copy + std::fmt::Display>(
    n: T,
    bounds: &Bounds<T>,
) -> Result<(), Problem> {
    if let Some(min) = bounds.below_min(n) {
        return Err(Problem::new(
            "below_minimum",
            format!("must be at least {min}"),
        ));
    }
    if let Some(max) = bounds.above_max(n) {
        return Err(Problem::new(
            "above_maximum",
            format!("must be at most {max}"),
        ));
    }
    Ok(())
}

/// A date written exactly as YYYY-MM-DD (chrono alone would also take `2024-1-5`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

fn date(value: &Value) -> Result<Value, Problem> {
    let text = string(value)?;
    parse_date(text)
        .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
        .ok_or_else(|| Problem::new("invalid_date", "expected a date as YYYY-MM-DD"))
}

fn datetime(value: &Value) -> Result<Value, Problem> {
    let text = string(value)?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| Value::String(canonical_datetime(t.with_timezone(&Utc))))
        .map_err(|_| {
            Problem::new(
                "invalid_datetime",
                "expected an RFC 3339 time, e.g. 2024-03-01T09:00:00Z",
            )
        })
}

/// The one spelling of a time that Civitas stores and serves.
pub fn canonical_datetime(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Longest email address, in characters.
pub const MAX_EMAIL_LEN: usize = 254;

/// A plausible email address: one `@`, a dotted domain, no blanks or control characters,
/// at most [`MAX_EMAIL_LEN`] characters.
pub fn is_email(text: &str) -> bool {
    text.chars().count() <= MAX_EMAIL_LEN
        && text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        })
}

fn email(value: &Value) -> Result<Value, Problem> {
    let text = string(value)?;
    if is_email(text) {
        Ok(Value::from(text))
    } else {
        Err(Problem::new("invalid_email", "expected an email address"))
    }
}

fn url(value: &Value) -> Result<Value, Problem> {
    let text = string(value)?;
    match url::Url::parse(text) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
            Ok(Value::from(text))
        }
        _ => Err(Problem::new(
            "invalid_url",
            "expected an absolute http or https URL",
        )),
    }
}

/// A reference is an entry id or slug; the store resolves it and reports missing targets.
fn reference(value: &Value) -> Result<Value, Problem> {
    let text = string(value)?;
    let plausible = !text.is_empty()
        && text.len() <= crate::slug::MAX_SLUG_LEN
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if plausible {
        Ok(Value::from(text))
    } else {
        Err(Problem::new(
            "invalid_reference",
            "expected the id or slug of an entry",
        ))
    }
}

/// A media id, or the embedded media object reads return (so an entry read from the API
/// can be written back unchanged). Whether the file exists is checked against the store.
fn media_id(value: &Value) -> Result<Value, Problem> {
    let id = match value {
        Value::Object(object) => object.get("id").unwrap_or(&Value::Null),
        other => other,
    };
    let plausible = id.as_str().is_some_and(|text| {
        !text.is_empty() && text.len() <= 64 && text.chars().all(|c| c.is_ascii_alphanumeric())
    });
    match id.as_str() {
        Some(text) if plausible => Ok(Value::from(text)),
        _ => Err(Problem::new(
            "invalid_media",
            "expected a media id, or a media object with `id`",
        )),
    }
}

fn list(
    value: &Value,
    items: &Bounds<usize>,
    item: impl Fn(&Value) -> Result<Value, Problem>,
) -> Result<Value, Problem> {
    let values = value
        .as_array()
        .ok_or_else(|| Problem::new("invalid_type", "expected a list"))?;
    if let Some(min) = items.below_min(values.len()) {
        return Err(Problem::new(
            "too_few_items",
            format!("needs at least {min} items"),
        ));
    }
    if let Some(max) = items.above_max(values.len()) {
        return Err(Problem::new(
            "too_many_items",
            format!("takes at most {max} items"),
        ));
    }
    let mut normal = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let checked = item(value).map_err(|p| Problem {
            code: p.code,
            message: format!("item {index}: {}", p.message),
        })?;
        normal.push(checked);
    }
    Ok(Value::Array(normal))
}
