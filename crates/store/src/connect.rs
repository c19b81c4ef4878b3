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
    /// Whether public relevance searches may use a local in-memory index (embedded
    /// storage only).
    pub text_index: bool,
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

/// Waits, up to `timeout`, until an embedded `surrealkv://` database has closed after
/// its last handle was dropped: closing writes what is held in memory to the data
/// files, so the next start reads those instead of replaying the write-ahead log. The
/// engine closes in the background; its directory lock is free once it is done. Other
/// engines return at once. `false` when the time ran out (nothing is lost: the log
/// still holds every acknowledged write).
pub async fn wait_until_closed(url: &str, timeout: std::time::Duration) -> bool {
    let Some(path) = url.strip_prefix("surrealkv://") else {
        return true;
    };
    let lock = std::path::Path::new(path.split('?').next().unwrap_or(path)).join("LOCK");
    let started = std::time::Instant::now();
    while started.elapsed() < timeout {
        let free = match std::fs::File::open(&lock) {
            Ok(file) => file.try_lock().is_ok(),
            Err(_) => true,
        };
        if free {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}
