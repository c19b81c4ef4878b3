//! API tokens: named bearer tokens with scopes for websites, scripts and CI, made and
//! revoked by admins. The secret is shown once, at creation; only its hash is kept.

use chrono::{DateTime, Utc};
use civitas_store::{ApiToken, NewToken};
use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::auth::principal::parse_scope;
use crate::auth::schemes::AdminAuth;
use crate::auth::secret::{TokenKind, new_bearer, new_record_id};
use crate::envelope::ListMeta;
use crate::error::{ApiError, ErrorCode};
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;
use crate::text::Text;

/// An API token as the API shows it: never its secret.
#[derive(Debug, Clone, Object)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    /// Who made it: `user:ID` or `emergency`.
    pub created_by: String,
    pub expires_at: Option<String>,
    /// When it was last used, to the minute.
    pub last_used_at: Option<String>,
    /// Set once the token is revoked; it is refused from then on.
    pub revoked_at: Option<String>,
}

impl From<ApiToken> for TokenView {
    fn from(token: ApiToken) -> TokenView {
        TokenView {
            id: token.id,
            name: token.name,
            scopes: token.scopes,
            created_at: token.created_at,
            created_by: token.created_by,
            expires_at: token.expires_at,
            last_used_at: token.last_used_at,
            revoked_at: token.revoked_at,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct TokenData {
    pub data: TokenView,
}

#[derive(Debug, Clone, Object)]
pub struct TokenList {
    pub data: Vec<TokenView>,
    pub meta: ListMeta,
}

#[derive(Debug, Clone, Object)]
pub struct NewTokenView {
    #[oai(flatten)]
    pub token: TokenView,
    /// The bearer token: send it as `Authorization: Bearer <secret>`. Shown only in this
    /// response; it cannot be read again.
    pub secret: String,
}

#[derive(Debug, Clone, Object)]
pub struct NewTokenData {
    pub data: NewTokenView,
}

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct NewTokenInput {
    /// What the token is for, e.g. `www.example.org build`.
    pub name: Text,
    /// `read` (published content, when public reads need a token), `preview` (drafts),
    /// `write`, `publish` (each optionally for one type: `write:partner`) and `admin`.
    pub scopes: Vec<Text>,
    /// When the token stops working (RFC 3339, in the future); never when absent.
    pub expires_at: Option<Text>,
}

#[derive(ApiResponse)]
pub enum TokenCreated {
    /// The token exists; its secret is in this response only.
    #[oai(status = 201)]
    Created(Json<NewTokenData>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum TokenRevoked {
    /// The token is revoked; it stays listed with `revoked_at`.
    #[oai(status = 204)]
    Revoked,
}

/// Longest token name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

pub struct TokensApi {
    pub state: SharedState,
}

impl TokensApi {
    fn check_scopes(&self, scopes: &[String]) -> Result<(), ApiError> {
        if scopes.is_empty() {
            return Err(ApiError::invalid_field(
                "scopes",
                "required",
                "give at least one scope",
            ));
        }
        for (index, scope) in scopes.iter().enumerate() {
            let field = format!("scopes[{index}]");
            let grant = parse_scope(scope).ok_or_else(|| {
                ApiError::invalid_field(
                    field.clone(),
                    "invalid_scope",
                    format!("`{scope}` is not a scope: read, preview, write, publish (each optionally `:type`) or admin"),
                )
            })?;
            for type_id in grant.types.iter().flatten() {
                if self.state.registry().get(type_id).is_none() {
                    return Err(ApiError::invalid_field(
                        field.clone(),
                        "unknown_type",
                        format!("there is no content type `{type_id}`"),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn check_expiry(expires_at: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = expires_at else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::invalid_field(
                "expires_at",
                "invalid_datetime",
                "expected an RFC 3339 date and time, e.g. 2027-01-31T00:00:00Z",
            )
        })?;
    if at <= Utc::now() {
        return Err(ApiError::invalid_field(
            "expires_at",
            "in_the_past",
            "must be in the future",
        ));
    }
    Ok(Some(at))
}

fn token_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::TokenNotFound, format!("no API token `{id}`"))
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Accounts")]
impl TokensApi {
    /// List API tokens
    ///
    /// Every token, newest first, revoked ones included. Secrets are never shown.
    #[oai(path = "/tokens", method = "get", operation_id = "listTokens")]
    async fn list(&self, _auth: AdminAuth, request: &Request) -> Result<Json<TokenList>, ApiError> {
        allow_only(request, &[])?;
        let tokens: Vec<TokenView> = self
            .state
            .store
            .tokens()
            .await?
            .into_iter()
            .map(TokenView::from)
            .collect();
        Ok(Json(TokenList {
            meta: ListMeta::whole(tokens.len() as u64),
            data: tokens,
        }))
    }

    /// Create an API token
    ///
    /// Returns the token's secret once, in `data.secret`.
    #[oai(path = "/tokens", method = "post", operation_id = "createToken")]
    async fn create(
        &self,
        auth: AdminAuth,
        request: &Request,
        body: Json<NewTokenInput>,
    ) -> Result<TokenCreated, ApiError> {
        allow_only(request, &[])?;
        let input = body.0;
        if input.name.trim().is_empty() || input.name.chars().count() > MAX_TOKEN_NAME_CHARS {
            return Err(ApiError::invalid_field(
                "name",
                "invalid_length",
                format!("must be 1 to {MAX_TOKEN_NAME_CHARS} characters, not all blank"),
            ));
        }
        let name = input.name.trim().to_owned();
        let scopes: Vec<String> = input.scopes.into_iter().map(String::from).collect();
        self.check_scopes(&scopes)?;
        let expires_at = check_expiry(input.expires_at.as_deref())?;
        let id = new_record_id();
        let secret = new_bearer(TokenKind::Api, &id);
        let token = NewToken {
            id,
            name,
            scopes,
            secret_hash: secret.hash,
            expires_at,
        };
        let actor = auth.0.principal.actor();
        let token = self.state.store.create_token(&token, &actor).await?;
        let location = format!("/api/v1/admin/tokens/{}", token.id);
        Ok(TokenCreated::Created(
            Json(NewTokenData {
                data: NewTokenView {
                    token: token.into(),
                    secret: secret.bearer,
                },
            }),
            location,
        ))
    }

    /// Get an API token
    #[oai(path = "/tokens/:id", method = "get", operation_id = "getToken")]
    async fn get(
        &self,
        _auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<Json<TokenData>, ApiError> {
        allow_only(request, &[])?;
        let token = self
            .state
            .store
            .token(&id)
            .await?
            .ok_or_else(|| token_not_found(&id))?;
        Ok(Json(TokenData { data: token.into() }))
    }

    /// Revoke an API token
    ///
    /// The token is refused from now on. It stays listed, with `revoked_at`.
    #[oai(path = "/tokens/:id", method = "delete", operation_id = "revokeToken")]
    async fn revoke(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<TokenRevoked, ApiError> {
        allow_only(request, &[])?;
        if self.state.store.token(&id).await?.is_none() {
            return Err(token_not_found(&id));
        }
        self.state
            .store
            .revoke_token(&id, &auth.0.principal.actor())
            .await?;
        Ok(TokenRevoked::Revoked)
    }
}
