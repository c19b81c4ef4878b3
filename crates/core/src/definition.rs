//! The written form of a content type (schema files, the types API, plugins), and its
//! checked conversion into a [`ContentType`].
//!
//! Definitions are parsed strictly: an unknown key or a constraint that does not fit the
//! field's kind is an error that names the type and field, so a typo in a schema file can
//! never silently weaken validation.

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::content_type::ContentType;
use crate::entry::SystemField;
use crate::field::{Bounds, Field, FieldKind, Pattern, TextRules};
use crate::query::{SortKey, parse_sort};

/// A content type as written in `schema/types/*.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDefinition {
    pub id: String,
    pub label: String,
    pub plural_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub title_field: String,
    pub slug_from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_sort: Option<String>,
    pub fields: Vec<FieldDefinition>,
}

/// A field as written in a schema file. Which keys apply depends on `kind`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDefinition {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub indexed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub searchable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub private: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub localized: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub many: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// MIME patterns a `media` field takes, such as `image/*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Why a type definition was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("content type `{type_id}`{}: {message}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
pub struct DefinitionError {
    pub type_id: String,
    pub field: Option<String>,
    pub message: String,
}

const MAX_NAME_LEN: usize = 48;

/// Type ids and field names: lowercase snake_case, so they are safe as SurrealDB table and
/// field names without quoting and never need escaping in generated SurrealQL.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= MAX_NAME_LEN
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

impl TypeDefinition {
    /// Parses a schema file's text.
    pub fn from_toml(text: &str) -> Result<TypeDefinition, toml::de::Error> {
        toml::from_str(text)
    }

    /// Checks the definition on its own (references to other types are checked by the
    /// registry) and builds the content type.
    pub fn into_content_type(self) -> Result<ContentType, DefinitionError> {
        let type_error = |message: String| DefinitionError {
            type_id: self.id.clone(),
            field: None,
            message,
        };
        if !is_valid_name(&self.id) || self.id.starts_with("sys_") {
            return Err(type_error(
                "the id must be lowercase snake_case (a-z, 0-9, _), start with a letter, \
                 not start with `sys_`, and be at most 48 characters"
                    .into(),
            ));
        }
        let mut fields: Vec<Field> = Vec::with_capacity(self.fields.len());
        for raw in &self.fields {
            let field = raw.to_field().map_err(|message| DefinitionError {
                type_id: self.id.clone(),
                field: Some(raw.name.clone()),
                message,
            })?;
            if fields.iter().any(|f| f.name == field.name) {
                return Err(type_error(format!(
                    "field `{}` is declared twice",
                    field.name
                )));
            }
            fields.push(field);
        }
        let find_text = |name: &str, role: &str| match fields.iter().find(|f| f.name == name) {
            Some(f) if matches!(f.kind, FieldKind::Text(_)) => Ok(()),
            Some(_) => Err(type_error(format!("{role} `{name}` must be a text field"))),
            None => Err(type_error(format!(
                "{role} `{name}` is not a field of the type"
            ))),
        };
        find_text(&self.title_field, "title_field")?;
        find_text(&self.slug_from, "slug_from")?;
        let mut content_type = ContentType {
            id: self.id.clone(),
            label: self.label.clone(),
            plural_label: self.plural_label.clone(),
            description: self.description.clone(),
            title_field: self.title_field.clone(),
            slug_from: self.slug_from.clone(),
            default_sort: Vec::new(),
            fields,
        };
        content_type.default_sort = match &self.default_sort {
            Some(text) => parse_sort(&content_type, text)
                .map_err(|e| type_error(format!("default_sort: {}", e.message)))?,
            None => vec![SortKey::descending_system(SystemField::CreatedAt)],
        };
        Ok(content_type)
    }
}

impl FieldDefinition {
    fn to_field(&self) -> Result<Field, String> {
        if !is_valid_name(&self.name) {
            return Err("the name must be lowercase snake_case and start with a letter".into());
        }
        if SystemField::parse(&self.name).is_some() {
            return Err("the name is a system field every entry already has".into());
        }
        let kind = self.kind_with_rules(&self.kind, true)?;
        let field = Field {
            name: self.name.clone(),
            label: self.label.clone().unwrap_or_else(|| humanize(&self.name)),
            description: self.description.clone(),
            kind,
            required: self.required,
            unique: self.unique,
            indexed: self.indexed || self.unique,
            searchable: self.searchable,
            private: self.private,
            localized: self.localized,
            default: self.default.clone(),
        };
        if field.localized && !matches!(field.kind, FieldKind::Text(_) | FieldKind::RichText(_)) {
            return Err("only text and rich_text fields can be localized".into());
        }
        if (field.indexed || field.unique) && !field.kind.is_orderable() {
            return Err(format!(
                "a {} field cannot be indexed or unique",
                field.kind.name()
            ));
        }
        if field.searchable && !field.kind.is_text_like() {
            return Err(
                "only text-like fields (text, rich_text, list of text) can be searchable".into(),
            );
        }
        if let Some(default) = &field.default {
            crate::validate::check_default(&field, default)?;
        }
        Ok(field)
    }

    /// Builds a kind, refusing constraint keys that the kind would ignore.
    fn kind_with_rules(&self, kind: &str, top_level: bool) -> Result<FieldKind, String> {
        let mut used: Vec<&str> = Vec::new();
        let built = match kind {
            "text" | "rich_text" | "slug" => {
                used.extend(["min_length", "max_length"]);
                let pattern = if kind == "text" {
                    used.push("pattern");
                    self.pattern.as_deref().map(compile_pattern).transpose()?
                } else {
                    None
                };
                let rules = TextRules {
                    length: Bounds {
                        min: self.min_length,
                        max: self.max_length,
                    },
                    pattern,
                };
                match kind {
                    "text" => FieldKind::Text(rules),
                    "rich_text" => FieldKind::RichText(rules),
                    _ => FieldKind::Slug(rules),
                }
            }
            "integer" => {
                used.extend(["min", "max"]);
                FieldKind::Integer(Bounds {
                    min: self.min.map(whole).transpose()?,
                    max: self.max.map(whole).transpose()?,
                })
            }
            "number" => {
                used.extend(["min", "max"]);
                FieldKind::Number(Bounds {
                    min: self.min,
                    max: self.max,
                })
            }
            "boolean" => FieldKind::Boolean,
            "date" => FieldKind::Date,
            "datetime" => FieldKind::Datetime,
            "email" => FieldKind::Email,
            "url" => FieldKind::Url,
            "json" => FieldKind::Json,
            "enum" => {
                used.push("options");
                let options = self.options.clone().unwrap_or_default();
                if options.is_empty() {
                    return Err("an enum needs a non-empty `options` list".into());
                }
                FieldKind::Enum(options)
            }
            "reference" if top_level => {
                used.extend(["to", "many", "min_items", "max_items"]);
                let to = self
                    .to
                    .clone()
                    .ok_or("a reference needs `to`, the target type id")?;
                FieldKind::Reference {
                    to,
                    many: self.many,
                    items: Bounds {
                        min: self.min_items,
                        max: self.max_items,
                    },
                }
            }
            "media" if top_level => {
                used.extend(["accept", "many", "min_items", "max_items"]);
                let accept = self.accept.clone().unwrap_or_default();
                if let Some(bad) = accept.iter().find(|p| !is_mime_pattern(p)) {
                    return Err(format!(
                        "`accept` takes MIME types or patterns such as `image/*`, not `{bad}`"
                    ));
                }
                FieldKind::Media {
                    accept,
                    many: self.many,
                    items: Bounds {
                        min: self.min_items,
                        max: self.max_items,
                    },
                }
            }
            "list" if top_level => {
                used.extend(["of", "min_items", "max_items"]);
                let of = self
                    .of
                    .as_deref()
                    .ok_or("a list needs `of`, the kind of its items")?;
                if !LIST_ITEM_KINDS.contains(&of) {
                    return Err(format!(
                        "a list's items must be one of: {}",
                        LIST_ITEM_KINDS.join(", ")
                    ));
                }
                let item = self.kind_with_rules(of, false)?;
                FieldKind::List {
                    item: Box::new(item),
                    items: Bounds {
                        min: self.min_items,
                        max: self.max_items,
                    },
                }
            }
            other => return Err(format!("unknown kind `{other}`")),
        };
        if top_level {
            self.refuse_unused(&used, &built)?;
        }
        Ok(built)
    }

    fn refuse_unused(&self, used: &[&str], kind: &FieldKind) -> Result<(), String> {
        let item_keys: &[&str] = match kind {
            FieldKind::List { item, .. } => match item.as_ref() {
                FieldKind::Text(_) => &["min_length", "max_length", "pattern"],
                FieldKind::Integer(_) | FieldKind::Number(_) => &["min", "max"],
                FieldKind::Enum(_) => &["options"],
                _ => &[],
            },
            _ => &[],
        };
        let present = [
            ("min_length", self.min_length.is_some()),
            ("max_length", self.max_length.is_some()),
            ("pattern", self.pattern.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("options", self.options.is_some()),
            ("to", self.to.is_some()),
            ("many", self.many),
            ("of", self.of.is_some()),
            ("accept", self.accept.is_some()),
            ("min_items", self.min_items.is_some()),
            ("max_items", self.max_items.is_some()),
        ];
        match present
            .iter()
            .find(|(key, set)| *set && !used.contains(key) && !item_keys.contains(key))
        {
            Some((key, _)) => Err(format!("`{key}` does not apply to a {} field", kind.name())),
            None => Ok(()),
        }
    }
}

/// `image/png`, `image/*`: a type and a subtype (or `*`) of MIME token characters.
fn is_mime_pattern(pattern: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.len() <= 64
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match pattern.split_once('/') {
        Some((top, sub)) => token(top) && (sub == "*" || token(sub)),
        None => false,
    }
}

/// The kinds a `list` may hold.
pub const LIST_ITEM_KINDS: [&str; 7] =
    ["text", "integer", "number", "url", "email", "enum", "date"];

fn compile_pattern(source: &str) -> Result<Pattern, String> {
    let regex = Regex::new(source).map_err(|e| format!("invalid pattern: {e}"))?;
    Ok(Pattern {
        source: source.to_owned(),
        regex,
    })
}

fn whole(value: f64) -> Result<i64, String> {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Ok(value as i64)
    } else {
        Err(format!(
            "`{value}` is not a whole number, as an integer field's bounds must be"
        ))
    }
}

/// `years_of_experience` -> `Years of experience`, for fields without a label.
fn humanize(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

impl From<&Field> for FieldDefinition {
    fn from(field: &Field) -> FieldDefinition {
        let mut def = FieldDefinition {
            name: field.name.clone(),
            label: Some(field.label.clone()),
            description: field.description.clone(),
            kind: field.kind.name().to_owned(),
            required: field.required,
            unique: field.unique,
            indexed: field.indexed,
            searchable: field.searchable,
            private: field.private,
            localized: field.localized,
            default: field.default.clone(),
            ..FieldDefinition::default()
        };
        def.set_kind_rules(&field.kind);
        if let FieldKind::List { item, items } = &field.kind {
            def.of = Some(item.name().to_owned());
            def.min_items = items.min;
            def.max_items = items.max;
            def.set_kind_rules(item);
        }
        def
    }
}

impl FieldDefinition {
    fn set_kind_rules(&mut self, kind: &FieldKind) {
        match kind {
            FieldKind::Text(rules) | FieldKind::RichText(rules) | FieldKind::Slug(rules) => {
                self.min_length = rules.length.min;
                self.max_length = rules.length.max;
                self.pattern = rules.pattern.as_ref().map(|p| p.source.clone());
            }
            FieldKind::Integer(bounds) => {
                self.min = bounds.min.map(|v| v as f64);
                self.max = bounds.max.map(|v| v as f64);
            }
            FieldKind::Number(bounds) => {
                self.min = bounds.min;
                self.max = bounds.max;
            }
            FieldKind::Enum(options) => self.options = Some(options.clone()),
            FieldKind::Reference { to, many, items } => {
                self.to = Some(to.clone());
                self.many = *many;
                self.min_items = items.min;
                self.max_items = items.max;
            }
            FieldKind::Media {
                accept,
                many,
                items,
            } => {
                self.accept = (!accept.is_empty()).then(|| accept.clone());
                self.many = *many;
                self.min_items = items.min;
                self.max_items = items.max;
            }
            _ => {}
        }
    }
}

impl From<&ContentType> for TypeDefinition {
    fn from(ct: &ContentType) -> TypeDefinition {
        TypeDefinition {
            id: ct.id.clone(),
            label: ct.label.clone(),
            plural_label: ct.plural_label.clone(),
            description: ct.description.clone(),
            title_field: ct.title_field.clone(),
            slug_from: ct.slug_from.clone(),
            default_sort: Some(crate::query::format_sort(&ct.default_sort)),
            fields: ct.fields.iter().map(FieldDefinition::from).collect(),
        }
    }
}
