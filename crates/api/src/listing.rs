//! Lists, shared by the public and admin routes: parse the whole query string, run it,
//! shape the entries (sparse fields, private fields) and the envelope.

use civitas_core::query::{EntryQuery, IncludePath, ListLimits, ListQuery};
use civitas_core::{ContentType, Status};
use civitas_store::{Entry, StatusFilter, Version};
use poem::Request;
use serde_json::{Map, Value, json};

use crate::content::present;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Which audience a read is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Published entries as published; private fields and editor identity hidden.
    Public,
    /// A public route with `preview=true`: entries as being edited, any status but
    /// archived, shaped as the public sees them (access checked by `public_reads`).
    Preview,
    /// Every status (or the one asked for) as being edited; everything shown.
    Admin,
}

impl Audience {
    fn version(self) -> Version {
        match self {
            Audience::Public => Version::Published,
            Audience::Preview | Audience::Admin => Version::Working,
        }
    }

    /// Whether private fields are hidden (and cannot be filtered on).
    fn is_public(self) -> bool {
        self != Audience::Admin
    }
}

fn params(request: &Request) -> Result<Vec<(String, String)>, ApiError> {
    request.params::<Vec<(String, String)>>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidParameter,
            "the query string is not valid URL encoding",
        )
    })
}

/// Whether a public request asks for a preview (`preview=true`); the parameter is taken
/// out, the rest is left for the query parser.
pub fn wants_preview(params: &mut Vec<(String, String)>) -> Result<bool, ApiError> {
    let Some(index) = params.iter().position(|(key, _)| key == "preview") else {
        return Ok(false);
    };
    match params.remove(index).1.as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!("`preview` must be true or false, not `{other}`"),
        )),
    }
}

/// The audience of a public route (the public, or previewers) and the locale it asks
/// for; both parameters are taken out, the rest is left for the query parser.
fn public_audience(
    state: &AppState,
    params: &mut Vec<(String, String)>,
) -> Result<(Audience, Option<String>), ApiError> {
    let audience = if wants_preview(params)? {
        Audience::Preview
    } else {
        Audience::Public
    };
    let locale = match params.iter().position(|(key, _)| key == "locale") {
        Some(index) => Some(state.settings.locales.requested(&params.remove(index).1)?),
        None => None,
    };
    Ok((audience, locale))
}

/// Who a read is for and in which locale: admin reads show every translation.
fn audience_and_locale(
    state: &AppState,
    audience: Audience,
    params: &mut Vec<(String, String)>,
) -> Result<(Audience, Option<String>), ApiError> {
    match audience {
        Audience::Admin => Ok((Audience::Admin, None)),
        _ => public_audience(state, params),
    }
}

fn limits(state: &AppState) -> ListLimits {
    let settings = &state.settings;
    ListLimits {
        default_page_size: settings.default_page_size,
        max_page_size: settings.max_page_size,
        max_include_depth: settings.max_include_depth,
    }
}

/// What a read by id or slug found.
pub enum Found {
    Entry(Value),
    /// The slug is an old one of an entry that now has this slug.
    Moved(String),
}

/// One entry by id or slug, with `fields` and `include`; public reads see published
/// entries only, and find an entry by a slug it had before (`Found::Moved`).
pub async fn one(
    state: &AppState,
    request: &Request,
    type_id: &str,
    key: &str,
    audience: Audience,
) -> Result<Found, ApiError> {
    one_with(state, params(request)?, type_id, key, audience).await
}

/// [`one`], from query parameters already taken apart (GraphQL's arguments rewritten).
pub async fn one_with(
    state: &AppState,
    mut params: Vec<(String, String)>,
    type_id: &str,
    key: &str,
    audience: Audience,
) -> Result<Found, ApiError> {
    let content_type = state.content_type(type_id)?;
    let (audience, locale) = audience_and_locale(state, audience, &mut params)?;
    let query = EntryQuery::parse(
        &params,
        state.registry(),
        &content_type,
        limits(state),
        audience.is_public(),
    )?;
    let archived = Some(Status::Archived.as_str());
    let found = state
        .store
        .find(&content_type, key, audience.version())
        .await?
        .filter(|e| {
            audience != Audience::Preview || e.get("status").and_then(Value::as_str) != archived
        });
    let entry = match found {
        Some(entry) => entry,
        None if audience == Audience::Public => {
            return moved(state, &content_type, key)
                .await?
                .map(Found::Moved)
                .ok_or_else(|| ApiError::entry_not_found(type_id, key));
        }
        None => return Err(ApiError::entry_not_found(type_id, key)),
    };
    let entry = presented(
        state,
        &content_type,
        vec![entry],
        &query.include,
        audience,
        locale.as_deref(),
    )
    .await?
    .pop()
    .ok_or_else(|| ApiError::entry_not_found(type_id, key))?;
    Ok(Found::Entry(json!({
        "data": shape(&content_type, entry, query.fields.as_deref(), audience)
    })))
}

/// The published slug of the entry that used to have `slug`.
async fn moved(
    state: &AppState,
    content_type: &ContentType,
    slug: &str,
) -> Result<Option<String>, ApiError> {
    let Some(id) = state.store.moved_slug(content_type, slug).await? else {
        return Ok(None);
    };
    let entry = state
        .store
        .find(content_type, &id, Version::Published)
        .await?;
    Ok(entry
        .and_then(|e| e.get("slug").and_then(Value::as_str).map(str::to_owned))
        .filter(|current| current != slug))
}

pub async fn list(
    state: &AppState,
    request: &Request,
    type_id: &str,
    audience: Audience,
) -> Result<Value, ApiError> {
    list_with(state, params(request)?, type_id, audience).await
}

/// [`list`], from query parameters already taken apart (GraphQL's arguments rewritten).
pub async fn list_with(
    state: &AppState,
    mut params: Vec<(String, String)>,
    type_id: &str,
    audience: Audience,
) -> Result<Value, ApiError> {
    let content_type = state.content_type(type_id)?;
    let (audience, locale) = audience_and_locale(state, audience, &mut params)?;
    let extra: &[&str] = if audience == Audience::Admin {
        &["status"]
    } else {
        &[]
    };
    let query = ListQuery::parse(
        &params,
        state.registry(),
        &content_type,
        limits(state),
        audience.is_public(),
        extra,
    )?;
    let statuses = match audience {
        Audience::Public => StatusFilter::Only(Status::Published),
        Audience::Preview => StatusFilter::NotArchived,
        Audience::Admin => admin_status(&params)?,
    };
    let page = state
        .store
        .list(&content_type, statuses, &query, audience.version())
        .await?;
    let total_pages = page.total.div_ceil(query.page.size);
    let entries = presented(
        state,
        &content_type,
        page.entries,
        &query.include,
        audience,
        locale.as_deref(),
    )
    .await?;
    let data: Vec<Value> = entries
        .into_iter()
        .map(|entry| shape(&content_type, entry, query.fields.as_deref(), audience))
        .collect();
    Ok(json!({
        "data": data,
        "meta": {
            "page": {
                "number": query.page.number(),
                "size": query.page.size,
                "total_pages": total_pages,
                "next": page.next.map(|cursor| cursor.encode()),
            },
            "total": page.total,
        }
    }))
}

/// The entries of a read with those `include` embeds, each (embedded ones too) shown in
/// `locale` and passed through its own type's plugin `after-read`; for the public and
/// previews, without private fields.
async fn presented(
    state: &AppState,
    content_type: &ContentType,
    entries: Vec<Entry>,
    include: &[IncludePath],
    audience: Audience,
    locale: Option<&str>,
) -> Result<Vec<Entry>, ApiError> {
    let mut included = state
        .store
        .include(content_type, entries, include, audience.version())
        .await?;
    let mut types = Vec::new();
    for (type_id, entry) in included.entries_mut() {
        let entry_type = state.content_type(type_id)?;
        let mut shown = present(state, &entry_type, std::mem::take(entry), locale).await?;
        if audience.is_public() {
            entry_type.strip_private(&mut shown);
        }
        *entry = shown;
        types.push(entry_type);
    }
    let mut pairs: Vec<(&ContentType, &mut Entry)> = types
        .iter()
        .map(AsRef::as_ref)
        .zip(included.entries_mut().map(|(_, entry)| entry))
        .collect();
    crate::media::embed_media(state, &mut pairs, locale).await?;
    Ok(included.assemble())
}

/// Editors see every status but archived, unless they ask for one.
fn admin_status(params: &[(String, String)]) -> Result<StatusFilter, ApiError> {
    match params.iter().find(|(key, _)| key == "status") {
        None => Ok(StatusFilter::NotArchived),
        Some((_, text)) => Status::parse(text).map(StatusFilter::Only).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("`status` must be draft, published, scheduled or archived, not `{text}`"),
            )
        }),
    }
}

/// An entry as the audience sees it, limited to `fields` (system fields always stay).
pub fn shape(
    content_type: &ContentType,
    mut entry: Entry,
    fields: Option<&[String]>,
    audience: Audience,
) -> Value {
    if audience.is_public() {
        content_type.strip_private(&mut entry);
    }
    if let Some(fields) = fields {
        let keep = |key: &str| {
            civitas_core::SystemField::parse(key).is_some() || fields.iter().any(|f| f == key)
        };
        entry = entry
            .into_iter()
            .filter(|(key, _)| keep(key))
            .collect::<Map<String, Value>>();
    }
    Value::Object(entry)
}
