//! Admin authentication: a bearer token, compared in constant time.

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;

/// Who made an admin request, recorded as `updated_by` on the entries it writes.
#[derive(Debug, Clone)]
pub struct Admin {
    pub actor: String,
}

/// `Authorization: Bearer <auth.admin_token>`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_admin_token")]
pub struct AdminAuth(pub Admin);

async fn check_admin_token(request: &Request, bearer: Bearer) -> poem::Result<Admin> {
    let unauthorized =
        || ApiError::new(ErrorCode::Unauthorized, "a valid bearer token is required");
    let state = request.data::<SharedState>().ok_or_else(unauthorized)?;
    let expected = state
        .settings
        .admin_token
        .as_deref()
        .ok_or_else(unauthorized)?;
    if bool::from(expected.as_bytes().ct_eq(bearer.token.as_bytes())) {
        Ok(Admin {
            actor: "admin-token".to_owned(),
        })
    } else {
        Err(unauthorized().into())
    }
}
