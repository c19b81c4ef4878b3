//! Lists, shared by the public and admin routes: parse the whole query string, run it,
//! shape the entries (sparse fields, private fields) and the envelope.

use civitas_core::query::{EntryQuery, ListLimits, ListQuery};
use civitas_core::{ContentType, Status};
use civitas_store::Entry;
use poem::Request;
use serde_json::{Map, Value, json};

use crate::content::present;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Which audience a list is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Published entries only; private fields and editor identity hidden.
    Public,
    /// Every status (or the one asked for); everything shown.
    Admin,
}

fn params(request: &Request) -> Result<Vec<(String, String)>, ApiError> {
    request.params::<Vec<(String, String)>>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidParameter,
            "the query string is not valid URL encoding",
        )
    })
}

fn limits(state: &AppState) -> ListLimits {
    let settings = &state.settings;
    ListLimits {
        default_page_size: settings.default_page_size,
        max_page_size: settings.max_page_size,
        max_include_depth: settings.max_include_depth,
    }
}

/// One entry by id or slug, with `fields` and `include`; public reads see published
/// entries only.
pub async fn one(
    state: &AppState,
    request: &Request,
    type_id: &str,
    key: &str,
    audience: Audience,
) -> Result<Value, ApiError> {
    let content_type = state.content_type(type_id)?;
    let public = audience == Audience::Public;
    let query = EntryQuery::parse(
        &params(request)?,
        state.registry(),
        &content_type,
        limits(state),
        public,
    )?;
    let status = public.then_some(Status::Published);
    let entry = state
        .store
        .find(&content_type, key, status)
        .await?
        .ok_or_else(|| ApiError::entry_not_found(type_id, key))?;
    let mut entries = vec![entry];
    state
        .store
        .embed(&content_type, &mut entries, &query.include, public)
        .await?;
    let entry = entries
        .pop()
        .ok_or_else(|| ApiError::entry_not_found(type_id, key))?;
    let entry = present(state, &content_type, entry).await?;
    Ok(json!({ "data": shape(&content_type, entry, query.fields.as_deref(), audience) }))
}

pub async fn list(
    state: &AppState,
    request: &Request,
    type_id: &str,
    audience: Audience,
) -> Result<Value, ApiError> {
    let content_type = state.content_type(type_id)?;
    let params = params(request)?;
    let limits = limits(state);
    let public = audience == Audience::Public;
    let extra: &[&str] = if public { &[] } else { &["status"] };
    let query = ListQuery::parse(
        &params,
        state.registry(),
        &content_type,
        limits,
        public,
        extra,
    )?;
    let status = match audience {
        Audience::Public => Some(Status::Published),
        Audience::Admin => admin_status(&params)?,
    };
    let page = state.store.list(&content_type, status, &query).await?;
    let total_pages = page.total.div_ceil(query.page.size);
    let mut data: Vec<Value> = Vec::with_capacity(page.entries.len());
    for entry in page.entries {
        let entry = present(state, &content_type, entry).await?;
        data.push(shape(
            &content_type,
            entry,
            query.fields.as_deref(),
            audience,
        ));
    }
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

fn admin_status(params: &[(String, String)]) -> Result<Option<Status>, ApiError> {
    match params.iter().find(|(key, _)| key == "status") {
        None => Ok(None),
        Some((_, text)) => Status::parse(text).map(Some).ok_or_else(|| {
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
    if audience == Audience::Public {
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
