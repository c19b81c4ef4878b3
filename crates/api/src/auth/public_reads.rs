//! With `auth.public_read_requires_token` on, the public routes answer only callers with
//! the `read` capability (a token scoped `read`, or any session). Checked before the
//! response cache, so a cached answer is never served to a caller without access.

use std::sync::Arc;

use poem::http::header;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use crate::auth::{Access, Capability, authenticate, type_in_path, unauthorized};
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;

/// Routes that serve published content.
pub const PUBLIC_PREFIXES: [&str; 3] = ["/api/v1/content/", "/api/v1/types", "/api/v1/search"];

pub fn is_public_read(path: &str) -> bool {
    PUBLIC_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

pub async fn guard<E: Endpoint>(next: Arc<E>, request: Request) -> Result<Response> {
    let state = request.data::<SharedState>().cloned();
    let guarded = state
        .filter(|state| state.auth.settings.public_read_requires_token)
        .filter(|_| is_public_read(request.uri().path()));
    if let Some(state) = guarded {
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        let principal = authenticate(&state, bearer.trim()).await?;
        let type_id = type_in_path(request.uri().path());
        if principal.access(Capability::Read, type_id) == Access::Denied {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "this credential may not read published content",
            )
            .into());
        }
    }
    Ok(next.call(request).await?.into_response())
}
