//! Filters: `filter[field][op]=value`, ANDed, with `filter[or][N][field][op]=value` groups
//! ORed, and `filter[reference.field][op]=value` reaching into referenced entries. Values
//! are parsed by the field's kind, so the store only ever binds typed values.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::content_type::ContentType;
use crate::entry::SystemField;
use crate::field::{Field, FieldKind, TextRules};
use crate::registry::TypeRegistry;
use crate::validate::{canonical_datetime, parse_date};

/// The comparison a condition makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    In,
    Nin,
    Contains,
    StartsWith,
    Null,
}

impl Operator {
    pub const ALL: [Operator; 11] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Lt,
        Operator::Lte,
        Operator::Gt,
        Operator::Gte,
        Operator::In,
        Operator::Nin,
        Operator::Contains,
        Operator::StartsWith,
        Operator::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::Lt => "lt",
            Operator::Lte => "lte",
            Operator::Gt => "gt",
            Operator::Gte => "gte",
            Operator::In => "in",
            Operator::Nin => "nin",
            Operator::Contains => "contains",
            Operator::StartsWith => "starts_with",
            Operator::Null => "null",
        }
    }

    pub fn parse(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// What a condition tests: the entry's id, a system field, or a field of the type.
#[derive(Debug, Clone)]
pub enum Subject {
    Id,
    System(SystemField),
    Field(Box<Field>),
}

impl Subject {
    pub fn name(&self) -> &str {
        match self {
            Subject::Id => "id",
            Subject::System(system) => system.name(),
            Subject::Field(field) => &field.name,
        }
    }

    /// The kind values of this subject are parsed as.
    pub fn kind(&self, content_type: &ContentType) -> FieldKind {
        match self {
            Subject::Id => FieldKind::Reference {
                to: content_type.id.clone(),
                many: false,
                items: Default::default(),
            },
            Subject::System(SystemField::Slug) => FieldKind::Slug(TextRules::default()),
            Subject::System(_) => FieldKind::Datetime,
            Subject::Field(field) => field.kind.clone(),
        }
    }
}

/// Where the subject lives: on the listed entries, or on the entries a reference points to.
#[derive(Debug, Clone)]
pub enum Target {
    Own(Subject),
    Related {
        via: Box<Field>,
        to: String,
        subject: Subject,
    },
}

/// The value side of a condition, typed by the subject's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    One(Value),
    Many(Vec<Value>),
    Flag(bool),
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub target: Target,
    pub op: Operator,
    pub value: FilterValue,
    /// The kind of the subject, for binding values.
    pub kind: FieldKind,
}

/// Every condition in `all` must hold, and, when `any` is not empty, at least one of its
/// groups (each group ANDed).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub all: Vec<Condition>,
    pub any: Vec<Vec<Condition>>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.any.is_empty()
    }
}

/// Most values an `in`/`nin` list may hold.
pub const MAX_LIST_VALUES: usize = 100;

/// Finds what `path` (`title`, `published_at`, `authors.slug`) names, for filtering.
/// `public` hides private fields, as if they did not exist.
pub fn resolve_target(
    registry: &TypeRegistry,
    content_type: &ContentType,
    path: &str,
    public: bool,
) -> Result<(Target, FieldKind), String> {
    match path.split_once('.') {
        None => {
            let subject = subject(content_type, path, public)?;
            let kind = subject.kind(content_type);
            Ok((Target::Own(subject), kind))
        }
        Some((via, rest)) => {
            let field = content_type
                .visible_field(via, public)
                .ok_or_else(|| format!("`{}` has no field `{via}`", content_type.id))?;
            let FieldKind::Reference { to, .. } = &field.kind else {
                return Err(format!(
                    "`{via}` is not a reference, so `{path}` names nothing"
                ));
            };
            let target_type = registry
                .get(to)
                .ok_or_else(|| format!("unknown type `{to}`"))?;
            if rest.contains('.') {
                return Err(format!("`{path}` goes more than one reference deep"));
            }
            let subject = subject(target_type, rest, public)?;
            let kind = subject.kind(target_type);
            Ok((
                Target::Related {
                    via: Box::new(field.clone()),
                    to: to.clone(),
                    subject,
                },
                kind,
            ))
        }
    }
}

/// Every path a filter may name on `content_type`, with its kind: `id`, the sortable
/// system fields, the visible fields, and through each visible reference field the same
/// of the type it points to (`authors.slug`). What [`resolve_target`] accepts, listed.
pub fn filter_paths(
    registry: &TypeRegistry,
    content_type: &ContentType,
    public: bool,
) -> Vec<(String, FieldKind)> {
    let mut paths = own_subjects(content_type, public);
    for field in content_type.visible_fields(public) {
        let FieldKind::Reference { to, .. } = &field.kind else {
            continue;
        };
        if let Some(target) = registry.get(to) {
            paths.extend(
                own_subjects(target, public)
                    .into_iter()
                    .map(|(name, kind)| (format!("{}.{name}", field.name), kind)),
            );
        }
    }
    paths
}

fn own_subjects(content_type: &ContentType, public: bool) -> Vec<(String, FieldKind)> {
    let system = SystemField::ALL
        .into_iter()
        .filter(|f| f.is_sortable())
        .map(Subject::System);
    let fields = content_type
        .visible_fields(public)
        .map(|f| Subject::Field(Box::new(f.clone())));
    std::iter::once(Subject::Id)
        .chain(system)
        .chain(fields)
        .map(|subject| (subject.name().to_owned(), subject.kind(content_type)))
        .collect()
}

fn subject(content_type: &ContentType, name: &str, public: bool) -> Result<Subject, String> {
    if name == "id" {
        return Ok(Subject::Id);
    }
    match SystemField::parse(name) {
        Some(system) if system.is_sortable() => return Ok(Subject::System(system)),
        Some(_) => return Err(format!("`{name}` cannot be filtered on")),
        None => {}
    }
    content_type
        .visible_field(name, public)
        .map(|field| Subject::Field(Box::new(field.clone())))
        .ok_or_else(|| format!("`{}` has no field `{name}`", content_type.id))
}

/// Which operators make sense for a kind.
pub fn operators_for(kind: &FieldKind) -> &'static [Operator] {
    use Operator::*;
    match kind {
        FieldKind::Text(_) | FieldKind::Slug(_) | FieldKind::Email | FieldKind::Url => &[
            Eq, Ne, Lt, Lte, Gt, Gte, In, Nin, Contains, StartsWith, Null,
        ],
        FieldKind::Integer(_)
        | FieldKind::Number(_)
        | FieldKind::Date
        | FieldKind::Datetime
        | FieldKind::Enum(_) => &[Eq, Ne, Lt, Lte, Gt, Gte, In, Nin, Null],
        FieldKind::Boolean => &[Eq, Ne, Null],
        FieldKind::RichText(_) => &[Contains, Null],
        FieldKind::Json | FieldKind::Media { .. } => &[Null],
        FieldKind::Reference { many: false, .. } => &[Eq, Ne, In, Nin, Null],
        FieldKind::Reference { many: true, .. } | FieldKind::List { .. } => {
            &[Eq, Ne, In, Nin, Contains, Null]
        }
    }
}

/// Parses the value text of a condition by the subject's kind and the operator.
pub fn parse_value(kind: &FieldKind, op: Operator, text: &str) -> Result<FilterValue, String> {
    match op {
        Operator::Null => match text {
            "true" => Ok(FilterValue::Flag(true)),
            "false" => Ok(FilterValue::Flag(false)),
            _ => Err(format!("`null` takes true or false, not `{text}`")),
        },
        Operator::In | Operator::Nin => {
            let parts: Vec<&str> = text.split(',').collect();
            if parts.len() > MAX_LIST_VALUES {
                return Err(format!(
                    "`{}` takes at most {MAX_LIST_VALUES} values",
                    op.name()
                ));
            }
            parts
                .into_iter()
                .map(|part| scalar(kind, part))
                .collect::<Result<_, _>>()
                .map(FilterValue::Many)
        }
        Operator::Contains | Operator::StartsWith if is_text(kind) => {
            if text.is_empty() {
                return Err(format!("`{}` needs some text", op.name()));
            }
            Ok(FilterValue::One(Value::String(text.to_owned())))
        }
        _ => scalar(kind, text).map(FilterValue::One),
    }
}

/// Whether the kind holds text, so `contains` and `starts_with` compare text.
pub fn is_text(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Text(_)
            | FieldKind::Slug(_)
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::RichText(_)
    )
}

fn scalar(kind: &FieldKind, text: &str) -> Result<Value, String> {
    let expected = |what: &str| format!("expected {what}, not `{text}`");
    match kind {
        // Blank text is never stored (it means "no value"), so comparing with "" could
        // only ever match nothing: `null` is the way to find entries without a value.
        _ if is_text(kind) && text.is_empty() => {
            Err("needs some text (to find entries without a value, use `null`)".to_owned())
        }
        FieldKind::Text(_)
        | FieldKind::Slug(_)
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::RichText(_) => Ok(Value::String(text.to_owned())),
        FieldKind::Integer(_) => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| expected("a whole number")),
        FieldKind::Number(_) => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::from)
            .ok_or_else(|| expected("a number")),
        FieldKind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(expected("true or false")),
        },
        FieldKind::Date => parse_date(text)
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .ok_or_else(|| expected("a date as YYYY-MM-DD")),
        FieldKind::Datetime => {
            datetime(text).ok_or_else(|| expected("an RFC 3339 time or a YYYY-MM-DD date"))
        }
        FieldKind::Enum(options) => {
            if options.iter().any(|o| o == text) {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(format!("`{text}` is not one of: {}", options.join(", ")))
            }
        }
        FieldKind::Reference { .. } => {
            let plausible = !text.is_empty()
                && text.len() <= crate::slug::MAX_SLUG_LEN
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if plausible {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(expected("an entry id or slug"))
            }
        }
        FieldKind::List { item, .. } => scalar(item, text),
        FieldKind::Json => Err("json fields can only be tested with `null`".into()),
        FieldKind::Media { .. } => Err("media fields can only be tested with `null`".into()),
    }
}

/// A time as RFC 3339, or a bare date meaning its midnight in UTC.
fn datetime(text: &str) -> Option<Value> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(Value::String(canonical_datetime(at.with_timezone(&Utc))));
    }
    let date = parse_date(text)?;
    Some(Value::String(canonical_datetime(
        date.and_hms_opt(0, 0, 0)?.and_utc(),
    )))
}
