//! Authentication and authorisation: sessions from a password login, API tokens with
//! scopes, and the emergency token; roles and scopes decide what each may do.

pub mod limiter;
pub mod principal;
pub mod public_reads;
pub mod routes;
pub mod schemes;
pub mod secret;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use civitas_store::{ApiToken, CredentialTable, Session};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub use limiter::{LoginLimiter, LoginLimits};
pub use principal::{Access, Capability, Credential, Grant, Principal, Role, Roles};
use secret::{TokenKind, parse_bearer, secret_matches};

/// Authentication behaviour that comes from configuration.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `auth.admin_token`: full access without an account, for emergencies only.
    pub emergency_token: Option<String>,
    /// Whether the public routes need a token with the `read` scope (or any session).
    pub public_read_requires_token: bool,
    /// A session ends this long after login, however busy.
    pub session_max_age: Duration,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    pub login_limits: LoginLimits,
    pub roles: Roles,
    /// The header a trusted reverse proxy puts the client's address in.
    pub client_ip_header: Option<String>,
}

/// Last-used times are written at most this often per credential.
const TOUCH_INTERVAL: Duration = Duration::from_secs(60);

pub fn unauthorized() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "a valid bearer token is required (a session from POST /api/v1/auth/login or an API token); this one is missing, wrong, expired or revoked",
    )
}

/// Who sends `request`: `None` without an `Authorization` header (an anonymous caller);
/// a header that is not a valid bearer token is refused.
pub async fn optional_principal(
    state: &AppState,
    request: &poem::Request,
) -> Result<Option<Principal>, ApiError> {
    let Some(value) = request.headers().get(poem::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bearer = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    authenticate(state, bearer.trim()).await.map(Some)
}

/// The content type a content route is about: `/api/v1/content/{type}/...` or
/// `/api/v1/admin/content/{type}/...`. Read from the URI because poem-openapi renames
/// path variables (`param0`, ...) internally.
pub fn type_in_path(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v1/content/")
        .or_else(|| path.strip_prefix("/api/v1/admin/content/"))?
        .split('/')
        .next()
        .filter(|t| !t.is_empty())
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn older_than(text: Option<&str>, age: Duration, now: DateTime<Utc>) -> bool {
    let age = TimeDelta::from_std(age).unwrap_or(TimeDelta::MAX);
    text.and_then(parse_time).is_none_or(|t| now - t > age)
}

/// Who `bearer` belongs to, or 401.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<Principal, ApiError> {
    let principal = match parse_bearer(bearer) {
        Some((TokenKind::Session, id, secret)) => session_principal(state, id, secret).await?,
        Some((TokenKind::Api, id, secret)) => token_principal(state, id, secret).await?,
        None => emergency_principal(&state.auth.settings, bearer),
    };
    principal.ok_or_else(unauthorized)
}

async fn session_principal(
    state: &AppState,
    id: &str,
    secret: &str,
) -> Result<Option<Principal>, ApiError> {
    let Some(session) = state.store.session(id).await? else {
        return Ok(None);
    };
    let settings = &state.auth.settings;
    let now = Utc::now();
    if !session_is_live(&session, settings, secret, now) {
        return Ok(None);
    }
    let Some(user) = state.store.user(&session.user).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let touch_every = TOUCH_INTERVAL.min(settings.session_idle / 4);
    if older_than(Some(&session.last_seen_at), touch_every, now) {
        state
            .store
            .touch_credential(CredentialTable::Session, id)
            .await?;
    }
    let grants = match settings.roles.get(&user.role) {
        Some(role) => role.grants,
        None => {
            tracing::warn!(user = %user.email, role = %user.role, "the user's role is not configured; no access granted");
            Vec::new()
        }
    };
    Ok(Some(Principal {
        credential: Credential::Session {
            id: session.id.clone(),
            user_id: user.id.clone(),
        },
        actor_id: format!("user:{}", user.id),
        name: user.email,
        role: Some(user.role),
        grants,
    }))
}

fn session_is_live(
    session: &Session,
    settings: &AuthSettings,
    secret: &str,
    now: DateTime<Utc>,
) -> bool {
    secret_matches(secret, &session.secret_hash)
        && parse_time(&session.expires_at).is_some_and(|t| t > now)
        && !older_than(Some(&session.last_seen_at), settings.session_idle, now)
}

async fn token_principal(
    state: &AppState,
    id: &str,
    secret: &str,
) -> Result<Option<Principal>, ApiError> {
    let Some(token) = state.store.token(id).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if !token_is_live(&token, secret, now) {
        return Ok(None);
    }
    if older_than(token.last_used_at.as_deref(), TOUCH_INTERVAL, now) {
        state
            .store
            .touch_credential(CredentialTable::Token, id)
            .await?;
    }
    let grants = token
        .scopes
        .iter()
        .filter_map(|scope| principal::parse_scope(scope))
        .collect();
    Ok(Some(Principal {
        credential: Credential::Token {
            id: token.id.clone(),
        },
        actor_id: format!("token:{}", token.id),
        name: token.name,
        role: None,
        grants,
    }))
}

fn token_is_live(token: &ApiToken, secret: &str, now: DateTime<Utc>) -> bool {
    secret_matches(secret, &token.secret_hash)
        && token.revoked_at.is_none()
        && token
            .expires_at
            .as_deref()
            .is_none_or(|at| parse_time(at).is_some_and(|t| t > now))
}

fn emergency_principal(settings: &AuthSettings, bearer: &str) -> Option<Principal> {
    let expected = settings.emergency_token.as_deref()?;
    bool::from(expected.as_bytes().ct_eq(bearer.as_bytes())).then(|| Principal {
        credential: Credential::Emergency,
        actor_id: "emergency".to_owned(),
        name: "emergency token".to_owned(),
        role: None,
        grants: vec![Grant::everywhere(Capability::Admin)],
    })
}

/// What the server keeps for authentication: the settings and the login throttle.
pub struct Auth {
    pub settings: AuthSettings,
    pub limiter: LoginLimiter,
}

impl Auth {
    pub fn new(settings: AuthSettings) -> Auth {
        Auth {
            limiter: LoginLimiter::new(settings.login_limits),
            settings,
        }
    }
}
