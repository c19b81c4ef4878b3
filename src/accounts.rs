//! `civitas user ...`: accounts made and repaired from the command line, straight in the
//! configured storage, for the first admin and for an admin who is locked out.

use std::io::BufRead;

use civitas_api::AppState;
use civitas_api::error::ApiError;
use civitas_api::text::Text;
use civitas_api::users::{NewUserInput, create_user, new_password_hash, normalize_email};
use civitas_store::{Actor, UserChanges};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account.
    ///
    /// Example: civitas user create --email ada@example.org --role admin
    Create {
        #[arg(long)]
        email: String,
        /// Defaults to the part of the email before `@`.
        #[arg(long)]
        name: Option<String>,
        /// admin, editor, author, viewer, or a role from auth.roles.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an account's password (and enable it); ends its sessions.
    ///
    /// Example: civitas user password ada@example.org
    Password {
        email: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts: email, role, whether disabled.
    ///
    /// Example: civitas user list
    List,
}

/// A command-line problem, as one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(String);

impl From<ApiError> for UserError {
    fn from(error: ApiError) -> UserError {
        let details: Vec<String> = error
            .details
            .iter()
            .map(|d| format!("{}: {}", d.field, d.message))
            .collect();
        if details.is_empty() {
            UserError(error.message)
        } else {
            UserError(details.join("; "))
        }
    }
}

impl From<civitas_store::StoreError> for UserError {
    fn from(error: civitas_store::StoreError) -> UserError {
        UserError::from(ApiError::from(error))
    }
}

fn read_password(from_stdin: bool) -> Result<String, UserError> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| UserError(format!("cannot read the password: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| UserError(format!("cannot read the password: {e}")))?;
        let again = rpassword::prompt_password("Password again: ")
            .map_err(|e| UserError(format!("cannot read the password: {e}")))?;
        if first != again {
            return Err(UserError("the passwords differ".into()));
        }
        first
    };
    Ok(password)
}

pub async fn run(state: &AppState, command: UserCommand) -> Result<(), UserError> {
    let actor = Actor::system("cli");
    match command {
        UserCommand::Create {
            email,
            name,
            role,
            password_stdin,
        } => {
            let input = NewUserInput {
                email: Text(email),
                display_name: name.map(Text),
                role: Text(role),
                password: Text(read_password(password_stdin)?),
            };
            let user = create_user(&state.store, &state.auth.settings.roles, input, &actor).await?;
            println!("created {} ({}), id {}", user.email, user.role, user.id);
        }
        UserCommand::Password {
            email,
            password_stdin,
        } => {
            let email = normalize_email(&email);
            let user = state
                .store
                .user_by_email(&email)
                .await?
                .ok_or_else(|| UserError(format!("no account has the email {email}")))?;
            let password = read_password(password_stdin)?;
            let changes = UserChanges {
                password_hash: Some(new_password_hash("password", password).await?),
                disabled: Some(false),
                ..UserChanges::default()
            };
            state
                .store
                .update_user(&user.id, &changes, "user.password", &actor)
                .await?;
            println!("password set for {email}; its sessions have ended");
        }
        UserCommand::List => {
            for user in state.store.users().await? {
                let disabled = if user.disabled { "  (disabled)" } else { "" };
                println!("{}  {}  {}{disabled}", user.id, user.email, user.role);
            }
        }
    }
    Ok(())
}

pub const DEMO_ADMIN_EMAIL: &str = "admin@example.org";

/// For the demo (`serve --seed`): an admin account when there is none, with a random
/// password shown once, so the demo can be tried at once without a known password.
pub async fn create_demo_admin(state: &AppState) -> Result<(), UserError> {
    if !state.store.users().await?.is_empty() {
        return Ok(());
    }
    let password = civitas_api::auth::secret::random_password();
    let input = NewUserInput {
        email: Text(DEMO_ADMIN_EMAIL.to_owned()),
        display_name: Some(Text("Demo admin".to_owned())),
        role: Text("admin".to_owned()),
        password: Text(password.clone()),
    };
    create_user(
        &state.store,
        &state.auth.settings.roles,
        input,
        &Actor::system("seed"),
    )
    .await?;
    println!("demo admin account: {DEMO_ADMIN_EMAIL}, password {password} (shown only now)");
    tracing::warn!(
        email = DEMO_ADMIN_EMAIL,
        "created the demo admin account; its password is printed on standard output"
    );
    Ok(())
}
