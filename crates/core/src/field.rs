//! Fields of a content type: their kind and the constraints on their values.

use regex::Regex;
use serde_json::Value;

/// One field of a content type, checked and ready for validation and storage.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    pub kind: FieldKind,
    pub required: bool,
    /// No two entries of the type may share a value (a unique database index).
    pub unique: bool,
    /// Filterable and sortable fast: gets a database index.
    pub indexed: bool,
    /// Included in full-text search.
    pub searchable: bool,
    /// Shown to editors only, never in the public API.
    pub private: bool,
    /// Holds a value per configured locale (`translations`), the default locale's in the
    /// field itself.
    pub localized: bool,
    /// Used when a new entry does not give the field.
    pub default: Option<Value>,
}

/// What a field holds, with the constraints that only make sense for that kind.
#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(TextRules),
    /// Markdown in; stored and served as Markdown plus sanitised HTML.
    RichText(TextRules),
    /// Lowercase words joined by hyphens, as in a URL path.
    Slug(TextRules),
    Integer(Bounds<i64>),
    Number(Bounds<f64>),
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 timestamp, stored in UTC.
    Datetime,
    Enum(Vec<String>),
    Email,
    /// An absolute `http` or `https` URL.
    Url,
    /// Any JSON value, stored as given.
    Json,
    /// A link to entries of another content type, by id.
    Reference {
        to: String,
        many: bool,
        items: Bounds<usize>,
    },
    /// Files from the media library, by media id; read as embedded media objects.
    Media {
        /// MIME patterns the files must match (`image/*`, `application/pdf`); empty takes any.
        accept: Vec<String>,
        many: bool,
        items: Bounds<usize>,
    },
    /// An ordered list of values of one scalar kind.
    List {
        item: Box<FieldKind>,
        items: Bounds<usize>,
    },
}

/// Length and format rules for text-like kinds (lengths count characters).
#[derive(Debug, Clone, Default)]
pub struct TextRules {
    pub length: Bounds<usize>,
    pub pattern: Option<Pattern>,
}

/// An optional inclusive range.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bounds<T> {
    pub min: Option<T>,
    pub max: Option<T>,
}

impl<T: PartialOrd + Copy> Bounds<T> {
    pub fn below_min(&self, value: T) -> Option<T> {
        self.min.filter(|min| value < *min)
    }

    pub fn above_max(&self, value: T) -> Option<T> {
        self.max.filter(|max| value > *max)
    }
}

/// A compiled regular expression that remembers its source for documentation.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub regex: Regex,
}

impl FieldKind {
    /// The kind's name as written in schema files and shown in the API.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text(_) => "text",
            FieldKind::RichText(_) => "rich_text",
            FieldKind::Slug(_) => "slug",
            FieldKind::Integer(_) => "integer",
            FieldKind::Number(_) => "number",
            FieldKind::Boolean => "boolean",
            FieldKind::Date => "date",
            FieldKind::Datetime => "datetime",
            FieldKind::Enum(_) => "enum",
            FieldKind::Email => "email",
            FieldKind::Url => "url",
            FieldKind::Json => "json",
            FieldKind::Reference { .. } => "reference",
            FieldKind::Media { .. } => "media",
            FieldKind::List { .. } => "list",
        }
    }

    /// Text a full-text index can hold.
    pub fn is_text_like(&self) -> bool {
        match self {
            FieldKind::Text(_) | FieldKind::RichText(_) | FieldKind::Slug(_) => true,
            FieldKind::List { item, .. } => matches!(item.as_ref(), FieldKind::Text(_)),
            _ => false,
        }
    }

    /// Whether values of this kind have a total order worth sorting or indexing on.
    pub fn is_orderable(&self) -> bool {
        !matches!(
            self,
            FieldKind::RichText(_)
                | FieldKind::Json
                | FieldKind::Reference { many: true, .. }
                | FieldKind::Media { .. }
        )
    }

    /// Whether a MIME type is one this media field takes (`image/*` matches any image).
    pub fn accepts_mime(accept: &[String], mime: &str) -> bool {
        accept.is_empty()
            || accept
                .iter()
                .any(|pattern| match pattern.strip_suffix("/*") {
                    Some(family) => mime
                        .split_once('/')
                        .is_some_and(|(top, _)| top.eq_ignore_ascii_case(family)),
                    None => pattern.eq_ignore_ascii_case(mime),
                })
    }
}
