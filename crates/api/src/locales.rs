//! Locales: which ones the site has, which one a public read wants (`locale=`), and an
//! entry shown in it, falling back to the default locale field by field.

use civitas_core::{ContentType, FieldError};
use civitas_store::Entry;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The configured locales; the default one's values are the fields themselves.
#[derive(Debug, Clone)]
pub struct Locales {
    pub default: String,
    /// Every locale, the default included.
    pub available: Vec<String>,
}

impl Locales {
    /// The locale a `locale=` parameter names, refused when it is not configured.
    pub fn requested(&self, value: &str) -> Result<String, ApiError> {
        if self.available.iter().any(|l| l == value) {
            return Ok(value.to_owned());
        }
        let message = format!(
            "`locale` must be one of {}, not `{value}`",
            self.available.join(", ")
        );
        Err(ApiError::invalid_parameter("locale", message))
    }

    /// The locale a translation route names: one of the site's locales besides the default
    /// (whose values are the fields themselves).
    pub fn translatable(&self, value: &str) -> Result<String, ApiError> {
        if *value != self.default && self.available.iter().any(|l| l == value) {
            return Ok(value.to_owned());
        }
        let message = format!(
            "translations may be in {}, not `{value}` (the default locale `{}` is the fields themselves)",
            self.others().join(", "),
            self.default
        );
        Err(ApiError::invalid_parameter("locale", message))
    }

    /// Translations into locales the site does not have (or into the default, whose
    /// values are the fields themselves), one field error each.
    pub fn translation_errors(&self, input: &Map<String, Value>) -> Vec<FieldError> {
        let Some(Value::Object(translations)) = input.get("translations") else {
            return Vec::new();
        };
        let others = self.others();
        translations
            .keys()
            .filter(|locale| **locale == self.default || !self.available.contains(locale))
            .map(|locale| {
                FieldError::new(
                    format!("translations.{locale}"),
                    "unknown_locale",
                    format!(
                        "translations may be in {} (the default locale `{}` is the fields themselves)",
                        others.join(", "),
                        self.default
                    ),
                )
            })
            .collect()
    }

    /// Every locale but the default: those translations are written in.
    fn others(&self) -> Vec<&str> {
        self.available
            .iter()
            .filter(|l| **l != self.default)
            .map(String::as_str)
            .collect()
    }

    /// The locales an entry has: the default, then its translations.
    fn of(&self, entry: &Entry) -> Vec<Value> {
        let mut locales = vec![Value::String(self.default.clone())];
        if let Some(Value::Object(translations)) = entry.get("translations") {
            locales.extend(
                translations
                    .keys()
                    .filter(|l| self.available.contains(l))
                    .map(|l| Value::String(l.clone())),
            );
        }
        locales
    }

    /// The entry in `locale`: each localized field from its translation when there is
    /// one, else the default locale's value. Adds `locale` (what is shown: the requested
    /// one when the entry has it) and `locales`.
    pub fn localize(&self, content_type: &ContentType, entry: &mut Entry, locale: Option<&str>) {
        let locales = self.of(entry);
        let translation = locale
            .filter(|l| *l != self.default)
            .and_then(|l| entry.get("translations").and_then(|t| t.get(l)).cloned());
        let shown = match (&translation, locale) {
            (Some(_), Some(locale)) => locale.to_owned(),
            _ => self.default.clone(),
        };
        if let Some(Value::Object(values)) = translation {
            for field in content_type.fields.iter().filter(|f| f.localized) {
                if let Some(value) = values.get(&field.name) {
                    entry.insert(field.name.clone(), value.clone());
                }
            }
        }
        entry.insert("locale".into(), Value::String(shown));
        entry.insert("locales".into(), Value::Array(locales));
    }
}
