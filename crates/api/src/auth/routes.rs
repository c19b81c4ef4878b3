//! `/api/v1/auth`: log in with email and password, log out, change one's password, and
//! ask who a credential belongs to.

use chrono::{TimeDelta, Utc};
use civitas_store::{Actor, AuditEvent, User, UserChanges};
use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::auth::principal::{Credential, Grant};
use crate::auth::schemes::{SessionAuth, SignedIn};
use crate::auth::secret::{TokenKind, new_bearer, new_record_id, verify_password};
use crate::error::{ApiError, ErrorCode};
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::{AppState, SharedState};
use crate::text::Text;
use crate::users::{MAX_PASSWORD_CHARS, UserView, new_password_hash, normalize_email};

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct LoginInput {
    pub email: Text,
    pub password: Text,
}

#[derive(Debug, Clone, Object)]
pub struct LoginData {
    /// The session token: send it as `Authorization: Bearer <token>`. Shown only here.
    pub token: String,
    /// When the session ends at the latest; it ends sooner after `auth.session_idle_secs`
    /// without a request.
    pub expires_at: String,
    pub user: UserView,
}

#[derive(Debug, Clone, Object)]
pub struct LoginResponse {
    pub data: LoginData,
}

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: Text,
    /// At least 10 characters.
    pub new_password: Text,
}

/// One capability a credential holds.
#[derive(Debug, Clone, Object)]
pub struct GrantView {
    /// `read`, `preview`, `write`, `publish` or `admin`.
    pub capability: String,
    /// The types it covers; absent for all types.
    pub types: Option<Vec<String>>,
    /// Writing only entries this user created (the author role).
    pub own_entries_only: bool,
}

impl From<&Grant> for GrantView {
    fn from(grant: &Grant) -> GrantView {
        GrantView {
            capability: grant.capability.as_str().to_owned(),
            types: grant.types.as_ref().map(|t| t.iter().cloned().collect()),
            own_entries_only: grant.own_entries_only,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct Me {
    /// `session`, `token` or `emergency`.
    pub kind: String,
    /// As recorded in `created_by`, `updated_by` and the audit log: `user:ID`, `token:ID`
    /// or `emergency`.
    pub actor: String,
    /// The user's email or the token's name.
    pub name: String,
    pub role: Option<String>,
    pub grants: Vec<GrantView>,
    /// The account, for sessions.
    pub user: Option<UserView>,
}

#[derive(Debug, Clone, Object)]
pub struct MeResponse {
    pub data: Me,
}

#[derive(ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    Done,
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "the email or password is wrong",
    )
}

/// The client's address: from the configured proxy header (its first address), else the
/// connection's.
fn client_address(request: &Request, header: Option<&str>) -> String {
    let forwarded = header
        .and_then(|name| request.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .map(str::trim)
        .filter(|address| !address.is_empty());
    match forwarded {
        Some(address) => address.to_owned(),
        None => request
            .remote_addr()
            .as_socket_addr()
            .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string()),
    }
}

/// Checks a password off the async runtime (Argon2 is slow on purpose). With no stored
/// hash a decoy is checked, so unknown accounts answer in the same time.
async fn password_matches(password: String, stored_hash: Option<String>) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    tokio::task::spawn_blocking(move || verify_password(&password, stored_hash.as_deref()))
        .await
        .unwrap_or(false)
}

fn user_actor(user: &User, session_id: &str) -> Actor {
    Actor {
        id: format!("user:{}", user.id),
        name: user.email.clone(),
        credential: format!("session:{session_id}"),
        request_id: crate::request_id::current(),
    }
}

async fn record_failed_login(state: &AppState, email: &str) {
    let actor = Actor {
        id: "anonymous".to_owned(),
        name: email.chars().take(254).collect(),
        credential: "password".to_owned(),
        request_id: crate::request_id::current(),
    };
    let event = AuditEvent::new("session.login_failed", None);
    if let Err(error) = state.store.record(event, &actor).await {
        tracing::error!(%error, "cannot record a failed login");
    }
}

pub struct AuthApi {
    pub state: SharedState,
}

#[OpenApi(prefix_path = "/api/v1/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Log in
    ///
    /// Trades an email and password for a session token. A wrong password and an unknown
    /// email get the same answer (401 `invalid_credentials`) in the same time. Attempts
    /// are limited per client address and failures per account (429 `rate_limited` with
    /// `Retry-After`; see `auth.login_*`).
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        request: &Request,
        body: Json<LoginInput>,
    ) -> Result<Json<LoginResponse>, ApiError> {
        allow_only(request, &[])?;
        let settings = &self.state.auth.settings;
        let email = normalize_email(&body.email);
        let address = client_address(request, settings.client_ip_header.as_deref());
        let limiter = &self.state.auth.limiter;
        limiter
            .attempt(&self.state.store, &address, &email)
            .await?
            .map_err(ApiError::rate_limited)?;
        let user = self.state.store.user_by_email(&email).await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = password_matches(body.0.password.into(), stored_hash).await;
        let user = match user {
            Some(user) if matches && !user.disabled => user,
            _ => {
                limiter.failed(&self.state.store, &email).await?;
                record_failed_login(&self.state, &email).await;
                return Err(invalid_credentials());
            }
        };
        limiter.succeeded(&self.state.store, &email).await?;
        let id = new_record_id();
        let secret = new_bearer(TokenKind::Session, &id);
        let max_age = TimeDelta::from_std(settings.session_max_age).unwrap_or(TimeDelta::MAX);
        let expires_at = Utc::now() + max_age;
        let session = self
            .state
            .store
            .create_session(
                &id,
                &user.id,
                &secret.hash,
                expires_at,
                &user_actor(&user, &id),
            )
            .await?;
        // Re-read, so `last_login_at` shows this login.
        let user = self.state.store.user(&user.id).await?.unwrap_or(user);
        Ok(Json(LoginResponse {
            data: LoginData {
                token: secret.bearer,
                expires_at: session.expires_at,
                user: user.into(),
            },
        }))
    }

    /// Log out
    ///
    /// Ends the session whose token is sent; it is refused from then on.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, auth: SessionAuth, request: &Request) -> Result<Done, ApiError> {
        allow_only(request, &[])?;
        if let Credential::Session { id, .. } = &auth.0.credential {
            self.state.store.delete_session(id, &auth.0.actor()).await?;
        }
        Ok(Done::Done)
    }

    /// Change your password
    ///
    /// Needs the current password. Ends every session of the account, this one included:
    /// log in again with the new password.
    #[oai(path = "/password", method = "post", operation_id = "changePassword")]
    async fn change_password(
        &self,
        auth: SessionAuth,
        request: &Request,
        body: Json<PasswordChange>,
    ) -> Result<Done, ApiError> {
        allow_only(request, &[])?;
        let Credential::Session { user_id, .. } = &auth.0.credential else {
            return Err(crate::auth::unauthorized());
        };
        let user = self
            .state
            .store
            .user(user_id)
            .await?
            .ok_or_else(crate::auth::unauthorized)?;
        let input = body.0;
        if !password_matches(
            input.current_password.into(),
            Some(user.password_hash.clone()),
        )
        .await
        {
            return Err(ApiError::invalid_field(
                "current_password",
                "wrong_password",
                "the current password is wrong",
            ));
        }
        let changes = UserChanges {
            password_hash: Some(
                new_password_hash("new_password", input.new_password.into()).await?,
            ),
            ..UserChanges::default()
        };
        self.state
            .store
            .update_user(&user.id, &changes, "user.password", &auth.0.actor())
            .await?;
        Ok(Done::Done)
    }

    /// Who am I
    ///
    /// The account (for a session) or token behind the credential, and what it may do.
    #[oai(path = "/me", method = "get", operation_id = "me")]
    async fn me(&self, auth: SignedIn, request: &Request) -> Result<Json<MeResponse>, ApiError> {
        allow_only(request, &[])?;
        let principal = auth.0;
        let (kind, user) = match &principal.credential {
            Credential::Session { user_id, .. } => (
                "session",
                self.state.store.user(user_id).await?.map(UserView::from),
            ),
            Credential::Token { .. } => ("token", None),
            Credential::Emergency => ("emergency", None),
        };
        Ok(Json(MeResponse {
            data: Me {
                kind: kind.to_owned(),
                actor: principal.actor_id.clone(),
                name: principal.name.clone(),
                role: principal.role.clone(),
                grants: principal.grants.iter().map(GrantView::from).collect(),
                user,
            },
        }))
    }
}
