//! User accounts: the admin routes that manage them, and the rules every account obeys
//! (a normalised unique email, a known role, a long enough password, at least one admin).

use civitas_store::{NewUser, Store, User, UserChanges};
use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::auth::Roles;
use crate::auth::schemes::AdminAuth;
use crate::auth::secret::hash_password;
use crate::envelope::ListMeta;
use crate::error::{ApiError, ErrorCode};
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;
use crate::text::Text;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 hashes any length, but the cost of a huge password is the server's.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A user account as the API shows it: never the password hash.
#[derive(Debug, Clone, Object)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// `admin`, `editor`, `author`, `viewer` or a role from `auth.roles`.
    pub role: String,
    /// A disabled account cannot log in; its sessions ended when it was disabled.
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub last_login_at: Option<String>,
}

impl From<User> for UserView {
    fn from(user: User) -> UserView {
        UserView {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            disabled: user.disabled,
            created_at: user.created_at,
            updated_at: user.updated_at,
            last_login_at: user.last_login_at,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct UserData {
    pub data: UserView,
}

#[derive(Debug, Clone, Object)]
pub struct UserList {
    pub data: Vec<UserView>,
    pub meta: ListMeta,
}

#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct NewUserInput {
    pub email: Text,
    /// Defaults to the part of the email before `@`.
    pub display_name: Option<Text>,
    pub role: Text,
    /// At least 10 characters.
    pub password: Text,
}

/// Fields to change; those left out stay.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct UserPatch {
    pub email: Option<Text>,
    pub display_name: Option<Text>,
    pub role: Option<Text>,
    /// A new password ends the user's sessions.
    pub password: Option<Text>,
    /// Disabling ends the user's sessions; the last enabled admin cannot be disabled.
    pub disabled: Option<bool>,
}

#[derive(ApiResponse)]
pub enum UserCreated {
    /// The account exists; the user can log in.
    #[oai(status = 201)]
    Created(Json<UserData>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum UserDeleted {
    /// The account and its sessions are gone; entries still name it as their author.
    #[oai(status = 204)]
    Deleted,
}

/// Emails are compared case-insensitively, so they are stored lowercased and trimmed.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An account's email as given (lowercased): surrounding blanks are an error here, not
/// trimmed away, so the documented pattern is the whole rule.
pub fn check_email(email: &str) -> Result<String, ApiError> {
    let email = email.to_lowercase();
    if civitas_core::validate::is_email(&email) {
        Ok(email)
    } else {
        Err(ApiError::invalid_field(
            "email",
            "invalid_email",
            "expected an email address",
        ))
    }
}

pub fn check_role(roles: &Roles, role: &str) -> Result<(), ApiError> {
    if roles.get(role).is_some() {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "role",
            "unknown_role",
            format!("unknown role `{role}`; roles: {}", roles.names().join(", ")),
        ))
    }
}

/// Checks a new password and hashes it (off the async runtime: hashing is slow on purpose).
pub async fn new_password_hash(field: &str, password: String) -> Result<String, ApiError> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(ApiError::invalid_field(
            field,
            "invalid_password",
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"),
        ));
    }
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the password could not be hashed"))
}

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 200;

fn display_name_or_default(display_name: Option<String>, email: &str) -> Result<String, ApiError> {
    let Some(name) = display_name else {
        let local = email.split('@').next().unwrap_or_default();
        return Ok(local.chars().take(MAX_DISPLAY_NAME_CHARS).collect());
    };
    if name.trim().is_empty() || name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(ApiError::invalid_field(
            "display_name",
            "invalid_length",
            format!("must be 1 to {MAX_DISPLAY_NAME_CHARS} characters, not all blank"),
        ));
    }
    Ok(name.trim().to_owned())
}

/// Creates an account after checking every rule; shared by the API and `civitas user create`.
pub async fn create_user(
    store: &Store,
    roles: &Roles,
    input: NewUserInput,
    actor: &civitas_store::Actor,
) -> Result<User, ApiError> {
    let email = check_email(&input.email)?;
    check_role(roles, &input.role)?;
    let display_name = display_name_or_default(input.display_name.map(String::from), &email)?;
    let password_hash = new_password_hash("password", input.password.into()).await?;
    let user = NewUser {
        email,
        display_name,
        role: input.role.into(),
        password_hash,
    };
    Ok(store.create_user(&user, actor).await?)
}

fn user_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::UserNotFound, format!("no user `{id}`"))
}

pub struct UsersApi {
    pub state: SharedState,
}

impl UsersApi {
    async fn existing(&self, id: &str) -> Result<User, ApiError> {
        self.state
            .store
            .user(id)
            .await?
            .ok_or_else(|| user_not_found(id))
    }

    /// Refuses to leave the site without an enabled admin.
    async fn keep_an_admin(&self, user: &User, still_admin: bool) -> Result<(), ApiError> {
        let is_enabled_admin = user.role == "admin" && !user.disabled;
        if !is_enabled_admin || still_admin {
            return Ok(());
        }
        if self.state.store.count_enabled_with_role("admin").await? <= 1 {
            return Err(ApiError::new(
                ErrorCode::LastAdmin,
                "this is the last enabled admin; make another admin first",
            ));
        }
        Ok(())
    }
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Accounts")]
impl UsersApi {
    /// List users
    ///
    /// Every account, by email.
    #[oai(path = "/users", method = "get", operation_id = "listUsers")]
    async fn list_users(
        &self,
        _auth: AdminAuth,
        request: &Request,
    ) -> Result<Json<UserList>, ApiError> {
        allow_only(request, &[])?;
        let users: Vec<UserView> = self
            .state
            .store
            .users()
            .await?
            .into_iter()
            .map(UserView::from)
            .collect();
        Ok(Json(UserList {
            meta: ListMeta::whole(users.len() as u64),
            data: users,
        }))
    }

    /// Create a user
    ///
    /// The email must be unused (409 `conflict` otherwise); the role must be built in or
    /// configured in `auth.roles`; the password at least 10 characters.
    #[oai(path = "/users", method = "post", operation_id = "createUser")]
    async fn create(
        &self,
        auth: AdminAuth,
        request: &Request,
        body: Json<NewUserInput>,
    ) -> Result<UserCreated, ApiError> {
        allow_only(request, &[])?;
        let actor = auth.0.principal.actor();
        let user = create_user(
            &self.state.store,
            &self.state.auth.settings.roles,
            body.0,
            &actor,
        )
        .await?;
        let location = format!("/api/v1/admin/users/{}", user.id);
        Ok(UserCreated::Created(
            Json(UserData { data: user.into() }),
            location,
        ))
    }

    /// Get a user
    #[oai(path = "/users/:id", method = "get", operation_id = "getUser")]
    async fn get(
        &self,
        _auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<Json<UserData>, ApiError> {
        allow_only(request, &[])?;
        Ok(Json(UserData {
            data: self.existing(&id).await?.into(),
        }))
    }

    /// Change a user
    ///
    /// Sets the fields given. A new password or disabling the account ends its sessions.
    /// The last enabled admin cannot lose the role or be disabled (409 `last_admin`).
    #[oai(path = "/users/:id", method = "patch", operation_id = "updateUser")]
    async fn update(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
        body: Json<UserPatch>,
    ) -> Result<Json<UserData>, ApiError> {
        allow_only(request, &[])?;
        let user = self.existing(&id).await?;
        let patch = body.0;
        if let Some(role) = &patch.role {
            check_role(&self.state.auth.settings.roles, role)?;
        }
        let still_admin = patch.role.as_deref().unwrap_or(&user.role) == "admin"
            && !patch.disabled.unwrap_or(user.disabled);
        self.keep_an_admin(&user, still_admin).await?;
        let email = patch.email.as_deref().map(check_email).transpose()?;
        let display_name = match patch.display_name {
            Some(name) => Some(display_name_or_default(Some(name.into()), &user.email)?),
            None => None,
        };
        let password_hash = match patch.password {
            Some(password) => Some(new_password_hash("password", password.into()).await?),
            None => None,
        };
        let changes = UserChanges {
            email,
            display_name,
            role: patch.role.map(String::from),
            password_hash,
            disabled: patch.disabled,
        };
        let actor = auth.0.principal.actor();
        let user = self
            .state
            .store
            .update_user(&user.id, &changes, "user.update", &actor)
            .await?;
        Ok(Json(UserData { data: user.into() }))
    }

    /// Delete a user
    ///
    /// Ends the user's sessions. The last enabled admin cannot be deleted (409
    /// `last_admin`).
    #[oai(path = "/users/:id", method = "delete", operation_id = "deleteUser")]
    async fn delete(
        &self,
        auth: AdminAuth,
        request: &Request,
        id: Path<String>,
    ) -> Result<UserDeleted, ApiError> {
        allow_only(request, &[])?;
        let user = self.existing(&id).await?;
        self.keep_an_admin(&user, false).await?;
        let actor = auth.0.principal.actor();
        self.state.store.delete_user(&user.id, &actor).await?;
        Ok(UserDeleted::Deleted)
    }
}
