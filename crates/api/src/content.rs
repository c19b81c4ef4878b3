//! Writing and presenting entries: the one path every write takes (admin API, seeding),
//! so validation, reference checks, plugin hooks and bookkeeping cannot be skipped; and
//! the one path every entry takes on its way out, so plugin `after-read` always runs.

use civitas_core::validate::{Document, validate_all};
use civitas_core::{ContentType, WriteMode};
use civitas_plugin_host::{CallContext, HookError};
use civitas_store::{Actor, Edit, Entry, StoreError};
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode, ErrorDetail};
use crate::state::AppState;

/// An entry body must be a JSON object.
pub fn body_object(body: Value) -> Result<Map<String, Value>, ApiError> {
    match body {
        Value::Object(object) => Ok(object),
        _ => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "the body must be a JSON object of fields",
        )),
    }
}

/// Whether a check looks up the entries references name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum References {
    /// Resolve them (slugs to ids) and refuse missing ones: every write.
    Resolve,
    /// Leave them as given, and skip plugin hooks (which may read what references point
    /// to): checking a batch whose references point into the batch itself.
    Skip,
}

/// Schema constraints and references; every problem with the entry at once (inner
/// error), or a server fault (outer error).
async fn schema_checked(
    state: &AppState,
    content_type: &ContentType,
    input: &Map<String, Value>,
    mode: WriteMode,
    references: References,
) -> Result<Result<Document, Vec<civitas_core::FieldError>>, ApiError> {
    let (mut document, mut errors) = validate_all(content_type, input, mode);
    let checks = match references {
        References::Resolve => vec![
            state
                .store
                .resolve_references(content_type, &mut document)
                .await,
            state.store.check_media(content_type, &document).await,
        ],
        References::Skip => Vec::new(),
    };
    for checked in checks {
        match checked {
            Ok(()) => {}
            Err(StoreError::Invalid(missing)) => errors.extend(missing),
            // A database fault is the server's problem, not the entry's: 500, not 422.
            Err(other) => return Err(other.into()),
        }
    }
    Ok(if errors.is_empty() {
        Ok(document)
    } else {
        Err(errors)
    })
}

/// The checks of a write, in order: the schema's constraints and the owning plugin's
/// `validate` (their problems answered together, in one 422), then its `before-save`,
/// whose result is checked against the schema again (a plugin cannot store what the
/// schema forbids).
pub async fn checked(
    state: &AppState,
    content_type: &ContentType,
    input: Map<String, Value>,
    mode: WriteMode,
    references: References,
) -> Result<Document, ApiError> {
    let mut problems: Vec<ErrorDetail> = state
        .settings
        .locales
        .translation_errors(&input)
        .into_iter()
        .map(ErrorDetail::from)
        .collect();
    let document = match schema_checked(state, content_type, &input, mode, references).await? {
        Ok(document) => Some(document),
        Err(errors) => {
            problems.extend(errors.into_iter().map(ErrorDetail::from));
            None
        }
    };
    let plugin = state
        .plugins
        .owner_of(&content_type.id)
        .filter(|_| references == References::Resolve);
    let Some(plugin) = plugin else {
        return match document {
            Some(document) if problems.is_empty() => Ok(document),
            _ => Err(ApiError::invalid(problems)),
        };
    };
    let entry = Value::Object(input);
    match state
        .plugins
        .validate(&content_type.id, &entry, context())
        .await
    {
        Ok(issues) => problems.extend(issues.into_iter().map(ErrorDetail::from)),
        Err(failure) if problems.is_empty() => return Err(hook_error(failure)),
        // A plugin that fails on an entry already refused does not hide why it was.
        Err(_) => {}
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let saved = state
        .plugins
        .before_save(&content_type.id, entry, context())
        .await
        .map_err(hook_error)?;
    let Value::Object(saved) = saved else {
        return Err(plugin_failed(
            &plugin,
            "before_save",
            "returned something other than an object",
        ));
    };
    schema_checked(state, content_type, &saved, mode, references)
        .await?
        .map_err(|errors| {
            let problems: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            plugin_failed(
                &plugin,
                "before_save",
                &format!("returned an invalid entry ({})", problems.join("; ")),
            )
        })
}

/// Plugin calls carry the request's id, so a plugin's log lines can be matched to it.
fn context() -> CallContext {
    CallContext::new(crate::request_id::current())
}

fn plugin_failed(plugin: &str, hook: &str, reason: &str) -> ApiError {
    ApiError::new(
        ErrorCode::PluginFailed,
        format!("plugin `{plugin}` failed in `{hook}`: {reason}"),
    )
}

/// How a failed hook call is answered: only this request fails.
pub fn hook_error(error: HookError) -> ApiError {
    match error {
        HookError::Failed {
            plugin,
            hook,
            reason,
        } => plugin_failed(&plugin, hook, &reason),
        HookError::Unavailable { plugin } => ApiError::new(
            ErrorCode::PluginUnavailable,
            format!(
                "plugin `{plugin}` is disabled after repeated faults until an admin reloads it"
            ),
        ),
        HookError::Rejected { issues, .. } => {
            ApiError::invalid(issues.into_iter().map(ErrorDetail::from).collect())
        }
    }
}

/// Creates a draft entry.
pub async fn create(
    state: &AppState,
    content_type: &ContentType,
    input: Map<String, Value>,
    actor: &Actor,
) -> Result<Entry, ApiError> {
    let document = checked(
        state,
        content_type,
        input,
        WriteMode::Create,
        References::Resolve,
    )
    .await?;
    Ok(state.store.create(content_type, document, actor).await?)
}

/// Replaces all fields of an existing entry (of a published one: its working copy).
pub async fn replace(
    state: &AppState,
    content_type: &ContentType,
    id: &str,
    input: Map<String, Value>,
    edit: Edit<'_>,
) -> Result<Entry, ApiError> {
    let document = checked(
        state,
        content_type,
        input,
        WriteMode::Replace,
        References::Resolve,
    )
    .await?;
    Ok(state
        .store
        .replace(content_type, id, &document, edit)
        .await?)
}

/// An entry on its way out: shown in `locale` (the default when `None`), then the
/// owning plugin's `after-read` adds its computed fields.
pub async fn present(
    state: &AppState,
    content_type: &ContentType,
    mut entry: Entry,
    locale: Option<&str>,
) -> Result<Entry, ApiError> {
    state
        .settings
        .locales
        .localize(content_type, &mut entry, locale);
    if state.plugins.owner_of(&content_type.id).is_none() {
        return Ok(entry);
    }
    match state
        .plugins
        .after_read(&content_type.id, Value::Object(entry), context())
        .await
        .map_err(hook_error)?
    {
        Value::Object(entry) => Ok(in_schema_order(content_type, entry)),
        _ => Err(ApiError::new(
            ErrorCode::PluginFailed,
            format!(
                "the plugin of `{}` returned something other than an object from `after_read`",
                content_type.id
            ),
        )),
    }
}

/// One entry on its way out ([`present`]), its media fields embedded.
pub async fn present_one(
    state: &AppState,
    content_type: &ContentType,
    entry: Entry,
    locale: Option<&str>,
) -> Result<Entry, ApiError> {
    let mut entry = present(state, content_type, entry, locale).await?;
    crate::media::embed_media(state, &mut [(content_type, &mut entry)], locale).await?;
    Ok(entry)
}

/// A plugin may hand the entry back with its keys in any order; clients get the order
/// every entry has: system fields, the type's fields, then what the plugin computed.
fn in_schema_order(content_type: &ContentType, mut entry: Entry) -> Entry {
    let system = civitas_core::SystemField::ALL.into_iter().map(|f| f.name());
    let names: Vec<&str> = system
        .chain(content_type.fields.iter().map(|f| f.name.as_str()))
        .collect();
    let mut ordered = Map::with_capacity(entry.len());
    for name in names {
        if let Some(value) = entry.shift_remove(name) {
            ordered.insert(name.to_owned(), value);
        }
    }
    ordered.extend(entry);
    ordered
}
