//! Strict query-string handling: a parameter a route does not take is an error that
//! names it, never silently ignored (a typo like `page[sise]` would otherwise return a
//! default page that looks right).

use poem::Request;

use crate::error::{ApiError, ErrorCode};
use crate::state::ApiSettings;

/// Refuses any query parameter not in `allowed`, and any given twice.
pub fn allow_only(request: &Request, allowed: &[&str]) -> Result<(), ApiError> {
    let params = request.params::<Vec<(String, String)>>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidParameter,
            "the query string is not valid URL encoding",
        )
    })?;
    for (index, (name, _)) in params.iter().enumerate() {
        if !allowed.contains(&name.as_str()) {
            let accepted = if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed.join(", ")
            };
            return Err(ApiError::new(
                ErrorCode::UnknownParameter,
                format!("unknown query parameter `{name}`; this route takes: {accepted}"),
            ));
        }
        if params[..index].iter().any(|(earlier, _)| earlier == name) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("query parameter `{name}` is given more than once"),
            ));
        }
    }
    Ok(())
}

/// A page size parameter (`page[size]`, `limit`): the configured default when absent,
/// else from 1 to `api.max_page_size`.
pub fn page_size(settings: &ApiSettings, name: &str, given: Option<u64>) -> Result<u64, ApiError> {
    let size = given.unwrap_or(settings.default_page_size);
    if (1..=settings.max_page_size).contains(&size) {
        Ok(size)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidPage,
            format!("`{name}` must be from 1 to {}", settings.max_page_size),
        ))
    }
}
