//! Access to the public routes. With `auth.public_read_requires_token` on, they answer
//! only callers with the `read` capability (a token scoped `read`, or any session); and
//! `preview=true` (drafts, as the public will see them) always needs `preview` on the
//! type. Checked before the response cache, so a cached answer is never served to a
//! caller without access (and previews are never cached).

use std::sync::Arc;

use poem::http::header;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use crate::auth::{Access, Capability, Principal, authenticate, type_in_path, unauthorized};
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;

/// Routes that serve published content.
pub const PUBLIC_PREFIXES: [&str; 4] = [
    "/api/v1/content/",
    "/api/v1/types",
    "/api/v1/search",
    "/api/v1/graphql",
];

pub fn is_public_read(path: &str) -> bool {
    PUBLIC_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// Whether the request names `preview` at all (any value: such answers are not cached).
pub fn mentions_preview(request: &Request) -> bool {
    request
        .params::<Vec<(String, String)>>()
        .is_ok_and(|params| params.iter().any(|(key, _)| key == "preview"))
}

fn asks_preview(request: &Request) -> bool {
    request
        .params::<Vec<(String, String)>>()
        .is_ok_and(|params| {
            params
                .iter()
                .any(|(key, value)| key == "preview" && value == "true")
        })
}

pub async fn guard<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    let state = request.data::<SharedState>().cloned();
    let path = request.uri().path();
    let needed = match state {
        Some(state) if is_public_read(path) && asks_preview(&request) => {
            Some((state, Capability::Preview))
        }
        Some(state) if is_public_read(path) && state.auth.settings.public_read_requires_token => {
            Some((state, Capability::Read))
        }
        _ => None,
    };
    if let Some((state, capability)) = needed {
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        let principal = authenticate(&state, bearer.trim()).await?;
        may_read(&principal, capability, type_in_path(path))?;
    }
    Ok(next.call(request).await?.into_response())
}

/// Whether `principal` may read published content (`Read`) or drafts (`Preview`) of
/// `type_id` (any type when `None`).
pub fn may_read(
    principal: &Principal,
    capability: Capability,
    type_id: Option<&str>,
) -> Result<(), ApiError> {
    if principal.access(capability, type_id) != Access::Denied {
        return Ok(());
    }
    let what = if capability == Capability::Preview {
        "preview drafts"
    } else {
        "read published content"
    };
    Err(ApiError::new(
        ErrorCode::Forbidden,
        format!("this credential may not {what} here"),
    ))
}
