//! Accounts and credentials: users, login sessions and API tokens. Secrets never reach
//! the database: sessions and tokens are stored by the hash of their secret, passwords
//! as Argon2id hashes made by the caller.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use surrealdb::types::{Object, RecordId, Value};

use crate::audit::{Actor, AuditEvent};
use crate::convert::{from_db, time_to_db};
use crate::entries::Store;
use crate::error::{StoreError, unique_violation};
use crate::retry::with_retries;

pub(crate) const USER_TABLE: &str = "sys_user";
pub(crate) const SESSION_TABLE: &str = "sys_session";
pub(crate) const TOKEN_TABLE: &str = "sys_token";

/// A user account as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub last_login_at: Option<String>,
}

/// What creating a user takes; the email must already be normalised.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
}

/// Changes to a user; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
}

impl UserChanges {
    /// A new password or a disabled account ends every session the user has.
    fn ends_sessions(&self) -> bool {
        self.password_hash.is_some() || self.disabled == Some(true)
    }
}

/// A login session.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub id: String,
    pub user: String,
    pub secret_hash: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_seen_at: String,
}

/// An API token.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub secret_hash: String,
    pub created_at: String,
    pub created_by: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// What creating a token takes.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Chosen by the caller, because the bearer token names it.
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub secret_hash: String,
    pub expires_at: Option<DateTime<Utc>>,
}

fn new_id() -> String {
    ulid::Ulid::new().to_string()
}

pub(crate) fn rid(table: &str, id: &str) -> RecordId {
    RecordId::new(table, id)
}

pub(crate) fn rows_into<T: DeserializeOwned>(rows: Vec<Value>) -> Result<Vec<T>, StoreError> {
    rows.into_iter()
        .map(|row| {
            serde_json::from_value(from_db(row)).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

/// The first row, if any; an `UPDATE` of a record that does not exist answers NONE.
pub(crate) fn first<T: DeserializeOwned>(rows: Vec<Value>) -> Result<Option<T>, StoreError> {
    let rows = rows
        .into_iter()
        .filter(|row| !matches!(row, Value::None | Value::Null))
        .collect();
    Ok(rows_into(rows)?.into_iter().next())
}

/// A unique-index clash becomes a conflict naming the field; anything else stays a fault.
fn write_error(error: surrealdb::Error) -> StoreError {
    match unique_violation(&error) {
        Some(field) => StoreError::Conflict { field },
        None => error.into(),
    }
}

impl Store {
    pub(crate) async fn select<T: DeserializeOwned>(
        &self,
        sql: &str,
        values: Object,
    ) -> Result<Vec<T>, StoreError> {
        let rows: Vec<Value> = self.query(sql).bind(values).await?.check()?.take(0)?;
        rows_into(rows)
    }

    pub(crate) async fn by_id<T: DeserializeOwned>(
        &self,
        table: &str,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(table, id));
        Ok(self
            .select("SELECT * FROM $rid", values)
            .await?
            .into_iter()
            .next())
    }

    pub async fn create_user(&self, user: &NewUser, actor: &Actor) -> Result<User, StoreError> {
        let id = new_id();
        let now = time_to_db(Utc::now());
        let mut row = Object::new();
        row.insert("email", user.email.clone());
        row.insert("display_name", user.display_name.clone());
        row.insert("role", user.role.clone());
        row.insert("password_hash", user.password_hash.clone());
        row.insert("disabled", false);
        row.insert("created_at", now.clone());
        row.insert("updated_at", now);
        let mut values = Object::new();
        values.insert("rid", rid(USER_TABLE, &id));
        values.insert("row", row);
        let rows = self
            .audited(
                "CREATE $rid CONTENT $row RETURN AFTER",
                values,
                AuditEvent::new("user.create", Some(&id)),
                actor,
            )
            .await
            .map_err(write_error)?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    pub async fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        self.by_id(USER_TABLE, id).await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let mut values = Object::new();
        values.insert("email", email.to_owned());
        let sql = format!("SELECT * FROM {USER_TABLE} WHERE email = $email LIMIT 1");
        Ok(self.select(&sql, values).await?.into_iter().next())
    }

    /// Every user, by email.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT * FROM {USER_TABLE} ORDER BY email");
        self.select(&sql, Object::new()).await
    }

    /// How many enabled accounts have this role.
    pub async fn count_enabled_with_role(&self, role: &str) -> Result<u64, StoreError> {
        let mut values = Object::new();
        values.insert("role", role.to_owned());
        let sql =
            format!("SELECT VALUE id FROM {USER_TABLE} WHERE role = $role AND disabled = false");
        let rows: Vec<Value> = self.query(sql).bind(values).await?.check()?.take(0)?;
        Ok(rows.len() as u64)
    }

    pub async fn update_user(
        &self,
        id: &str,
        changes: &UserChanges,
        action: &str,
        actor: &Actor,
    ) -> Result<User, StoreError> {
        let mut set = vec!["updated_at = $now"];
        let mut values = Object::new();
        values.insert("rid", rid(USER_TABLE, id));
        values.insert("user", id.to_owned());
        values.insert("now", time_to_db(Utc::now()));
        let mut text = |name: &'static str, assignment: &'static str, value: &Option<String>| {
            if let Some(value) = value {
                set.push(assignment);
                values.insert(name.to_owned(), Value::String(value.clone()));
            }
        };
        text("email", "email = $email", &changes.email);
        text(
            "display_name",
            "display_name = $display_name",
            &changes.display_name,
        );
        text("role", "role = $role", &changes.role);
        text(
            "password_hash",
            "password_hash = $password_hash",
            &changes.password_hash,
        );
        if let Some(disabled) = changes.disabled {
            set.push("disabled = $disabled");
            values.insert("disabled", disabled);
        }
        let mut statements = format!("UPDATE $rid SET {} RETURN AFTER", set.join(", "));
        if changes.ends_sessions() {
            statements += &format!("; DELETE {SESSION_TABLE} WHERE user = $user");
        }
        let rows = self
            .audited(
                &statements,
                values,
                AuditEvent::new(action, Some(id)),
                actor,
            )
            .await
            .map_err(write_error)?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    /// Deletes a user and ends their sessions. Entries keep naming them as author.
    pub async fn delete_user(&self, id: &str, actor: &Actor) -> Result<(), StoreError> {
        let event = AuditEvent::new("user.delete", Some(id));
        self.delete_with_dependents(USER_TABLE, id, (SESSION_TABLE, "user"), event, actor)
            .await
    }

    /// Deletes a record and, in the same audited transaction, the records whose
    /// `dependents.1` field names it in table `dependents.0`.
    pub(crate) async fn delete_with_dependents(
        &self,
        table: &str,
        id: &str,
        (dependent_table, owner_field): (&str, &str),
        event: AuditEvent<'_>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(table, id));
        values.insert("owner", id.to_owned());
        let statements = format!(
            "DELETE $rid RETURN BEFORE; DELETE {dependent_table} WHERE {owner_field} = $owner"
        );
        let rows = self.audited(&statements, values, event, actor).await?;
        if rows.is_empty() {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Starts a session for a user who just proved their password.
    /// `id` is chosen by the caller, because the bearer token names it.
    pub async fn create_session(
        &self,
        id: &str,
        user_id: &str,
        secret_hash: &str,
        expires_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Session, StoreError> {
        let now = time_to_db(Utc::now());
        let mut row = Object::new();
        row.insert("user", user_id.to_owned());
        row.insert("secret_hash", secret_hash.to_owned());
        row.insert("created_at", now.clone());
        row.insert("expires_at", time_to_db(expires_at));
        row.insert("last_seen_at", now.clone());
        let mut values = Object::new();
        values.insert("rid", rid(SESSION_TABLE, id));
        values.insert("user", rid(USER_TABLE, user_id));
        values.insert("row", row);
        values.insert("now", now);
        let rows = self
            .audited(
                "CREATE $rid CONTENT $row RETURN AFTER; UPDATE $user SET last_login_at = $now",
                values,
                AuditEvent::new("session.login", Some(id)),
                actor,
            )
            .await?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    pub async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        self.by_id(SESSION_TABLE, id).await
    }

    /// Ends a session (logout); ending one that is already gone is not an error.
    pub async fn delete_session(&self, id: &str, actor: &Actor) -> Result<(), StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(SESSION_TABLE, id));
        self.audited(
            "DELETE $rid",
            values,
            AuditEvent::new("session.logout", Some(id)),
            actor,
        )
        .await?;
        Ok(())
    }

    pub async fn create_token(
        &self,
        token: &NewToken,
        actor: &Actor,
    ) -> Result<ApiToken, StoreError> {
        let id = &token.id;
        let mut row = Object::new();
        row.insert("name", token.name.clone());
        row.insert(
            "scopes",
            Value::Array(
                token
                    .scopes
                    .iter()
                    .map(|s| Value::String(s.clone()))
                    .collect(),
            ),
        );
        row.insert("secret_hash", token.secret_hash.clone());
        row.insert("created_at", time_to_db(Utc::now()));
        row.insert("created_by", actor.id.clone());
        if let Some(at) = token.expires_at {
            row.insert("expires_at", time_to_db(at));
        }
        let mut values = Object::new();
        values.insert("rid", rid(TOKEN_TABLE, id));
        values.insert("row", row);
        let rows = self
            .audited(
                "CREATE $rid CONTENT $row RETURN AFTER",
                values,
                AuditEvent::new("token.create", Some(id)),
                actor,
            )
            .await?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    pub async fn token(&self, id: &str) -> Result<Option<ApiToken>, StoreError> {
        self.by_id(TOKEN_TABLE, id).await
    }

    /// Every token, newest first, revoked ones included.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!("SELECT * FROM {TOKEN_TABLE} ORDER BY id DESC");
        self.select(&sql, Object::new()).await
    }

    /// Revokes a token for good; it stays listed, with the time it was revoked.
    pub async fn revoke_token(&self, id: &str, actor: &Actor) -> Result<ApiToken, StoreError> {
        let mut values = Object::new();
        values.insert("rid", rid(TOKEN_TABLE, id));
        values.insert("now", time_to_db(Utc::now()));
        let rows = self
            .audited(
                "UPDATE $rid SET revoked_at = revoked_at ?? $now RETURN AFTER",
                values,
                AuditEvent::new("token.revoke", Some(id)),
                actor,
            )
            .await?;
        first(rows)?.ok_or(StoreError::NotFound)
    }

    /// Notes that a session or token was used just now. Bookkeeping, not an audited
    /// write: callers do it at most once a minute per credential.
    pub async fn touch_credential(
        &self,
        table: CredentialTable,
        id: &str,
    ) -> Result<(), StoreError> {
        let (table, field) = match table {
            CredentialTable::Session => (SESSION_TABLE, "last_seen_at"),
            CredentialTable::Token => (TOKEN_TABLE, "last_used_at"),
        };
        let mut values = Object::new();
        values.insert("rid", rid(table, id));
        values.insert("now", time_to_db(Utc::now()));
        let sql = format!("UPDATE $rid SET {field} = $now RETURN NONE");
        with_retries(|| async { self.query(sql.as_str()).bind(values.clone()).await?.check() })
            .await?;
        Ok(())
    }
}

/// Which kind of credential `touch_credential` updates.
#[derive(Debug, Clone, Copy)]
pub enum CredentialTable {
    Session,
    Token,
}
