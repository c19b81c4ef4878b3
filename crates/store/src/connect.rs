//! Opening the database named by `storage.url`.

use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

/// Where the data lives and how to reach it.
#[derive(Debug, Clone)]
pub struct StorageSettings {
    /// `surrealkv://PATH`, `mem://` or `ws://HOST:PORT`.
    pub url: String,
    pub namespace: String,
    pub database: String,
    /// Root credentials for a SurrealDB server; unused by embedded engines.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Revisions kept per entry, the newest; 0 keeps all.
    pub keep_revisions: u64,
}

/// Connects, signs in when credentials are given, and selects the namespace and database.
pub async fn connect(settings: &StorageSettings) -> Result<Surreal<Any>, surrealdb::Error> {
    let db = any::connect(settings.url.as_str()).await?;
    if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
        db.signin(Root {
            username: username.clone(),
            password: password.clone(),
        })
        .await?;
    }
    db.use_ns(settings.namespace.as_str())
        .use_db(settings.database.as_str())
        .await?;
    Ok(db)
}
