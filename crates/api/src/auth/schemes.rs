//! The security schemes routes declare: each names the capability the route needs, so
//! the check runs before anything else (a short scope is 403 even with a bad body) and
//! the OpenAPI document says per route what it takes.

use civitas_core::Status;
use civitas_store::Entry;
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use serde_json::Value;

use crate::auth::{
    Access, Capability, Credential, Principal, authenticate, type_in_path, unauthorized,
};
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;

/// An authenticated caller and how far the route's capability reaches for them.
#[derive(Debug, Clone)]
pub struct Authorized {
    pub principal: Principal,
    pub access: Access,
}

impl Authorized {
    /// Own-entries access (the author role) may change only drafts its holder created.
    pub fn may_change(&self, entry: &Entry) -> Result<(), ApiError> {
        if self.access == Access::All {
            return Ok(());
        }
        let field = |name: &str| entry.get(name).and_then(Value::as_str);
        let own = field("created_by") == Some(self.principal.actor_id.as_str());
        let draft = field("status") != Some(Status::Published.as_str());
        if own && draft {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "this role may change only drafts it created; this entry is someone else's or published",
            ))
        }
    }
}

fn forbidden(capability: Capability, type_id: Option<&str>) -> ApiError {
    let scope = match type_id {
        Some(type_id) => format!("`{}` on `{type_id}`", capability.as_str()),
        None => format!("`{}`", capability.as_str()),
    };
    ApiError::new(
        ErrorCode::Forbidden,
        format!("this credential's role or scopes do not allow {scope}"),
    )
}

async fn require(
    request: &Request,
    bearer: Bearer,
    capability: Capability,
) -> poem::Result<Authorized> {
    let state = request.data::<SharedState>().ok_or_else(unauthorized)?;
    let principal = authenticate(state, &bearer.token).await?;
    let type_id = type_in_path(request.uri().path());
    match principal.access(capability, type_id) {
        Access::Denied => Err(forbidden(capability, type_id).into()),
        access => Ok(Authorized { principal, access }),
    }
}

/// Admin only: the admin role, an API token with the `admin` scope, or the emergency
/// token. Send `Authorization: Bearer <token>`.
#[derive(SecurityScheme)]
#[oai(rename = "admin", ty = "bearer", checker = "check_admin")]
pub struct AdminAuth(pub Authorized);

async fn check_admin(request: &Request, bearer: Bearer) -> poem::Result<Authorized> {
    require(request, bearer, Capability::Admin).await
}

/// Reading drafts of this type: a session whose role may preview (every built-in role
/// does) or an API token with `preview`, `preview:{type}`, `write`, `write:{type}` or
/// `admin`.
#[derive(SecurityScheme)]
#[oai(rename = "preview", ty = "bearer", checker = "check_preview")]
pub struct PreviewAuth(pub Authorized);

async fn check_preview(request: &Request, bearer: Bearer) -> poem::Result<Authorized> {
    require(request, bearer, Capability::Preview).await
}

/// Writing entries of this type: the admin or editor role, the author role (own drafts
/// only), a configured role with `write` on it, or an API token with `write`,
/// `write:{type}` or `admin`.
#[derive(SecurityScheme)]
#[oai(rename = "write", ty = "bearer", checker = "check_write")]
pub struct WriteAuth(pub Authorized);

async fn check_write(request: &Request, bearer: Bearer) -> poem::Result<Authorized> {
    require(request, bearer, Capability::Write).await
}

/// Publishing entries of this type: the admin or editor role, a configured role with
/// `publish` on it, or an API token with `publish`, `publish:{type}` or `admin`.
#[derive(SecurityScheme)]
#[oai(rename = "publish", ty = "bearer", checker = "check_publish")]
pub struct PublishAuth(pub Authorized);

async fn check_publish(request: &Request, bearer: Bearer) -> poem::Result<Authorized> {
    require(request, bearer, Capability::Publish).await
}

/// Any valid credential: a session, an API token or the emergency token.
#[derive(SecurityScheme)]
#[oai(rename = "signed_in", ty = "bearer", checker = "check_signed_in")]
pub struct SignedIn(pub Principal);

async fn check_signed_in(request: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let state = request.data::<SharedState>().ok_or_else(unauthorized)?;
    Ok(authenticate(state, &bearer.token).await?)
}

/// A login session (from `POST /api/v1/auth/login`); API tokens are refused with 403.
#[derive(SecurityScheme)]
#[oai(rename = "session", ty = "bearer", checker = "check_session")]
pub struct SessionAuth(pub Principal);

async fn check_session(request: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let principal = check_signed_in(request, bearer).await?;
    match principal.credential {
        Credential::Session { .. } => Ok(principal),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "this route needs a login session, not an API token",
        )
        .into()),
    }
}
