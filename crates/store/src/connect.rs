//! Opening the database named by `storage.url`: at once for embedded storage; for a
//! SurrealDB server, retrying with backoff while it is not there yet.

use std::time::{Duration, Instant};

use surrealdb::engine::any;
use surrealdb::opt::auth::Root;

use crate::database::{Database, EngineMemory};

/// Where the data lives and how to reach it. Its `Debug` leaves the password out.
#[derive(Clone)]
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
    /// How long a statement to a server may take before the request gets a 503.
    pub timeout: Duration,
    /// How long the first connection to a server is retried at start.
    pub connect_timeout: Duration,
    /// What an embedded SurrealKV engine may hold in memory; unused for a server.
    pub engine_memory: EngineMemory,
}

impl StorageSettings {
    /// A SurrealDB server (`ws://`, `wss://`), as opposed to an engine in this process.
    pub fn is_remote(&self) -> bool {
        self.url.starts_with("ws://") || self.url.starts_with("wss://")
    }
}

impl std::fmt::Debug for StorageSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageSettings")
            .field("url", &self.url)
            .field("namespace", &self.namespace)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("engine_memory", &self.engine_memory)
            .finish_non_exhaustive()
    }
}

/// The longest wait between two attempts to reach a server at start.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Connects like `connect`; a server that cannot be reached yet (still starting, or
/// restarting) is tried again, with waits doubling from 100 ms to 5 s, until
/// `connect_timeout` has passed. Refused credentials and embedded engines fail at once.
pub(crate) async fn connect_patiently(
    settings: &StorageSettings,
) -> Result<Database, surrealdb::Error> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        let attempt_outcome = tokio::time::timeout(settings.timeout, connect(settings))
            .await
            .unwrap_or_else(|_| {
                Err(surrealdb::Error::connection(
                    format!("no answer within {:?}", settings.timeout),
                    None,
                ))
            });
        match attempt_outcome {
            Ok(db) => return Ok(db),
            Err(error)
                if settings.is_remote()
                    && error.is_connection()
                    && started.elapsed() + wait < settings.connect_timeout =>
            {
                tracing::warn!(url = %settings.url, attempt, %error, retry_in_ms = wait.as_millis() as u64, "storage not reachable yet");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_BACKOFF);
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Opens embedded storage, or connects to a server and signs in when credentials are
/// given; then selects the namespace and database.
async fn connect(settings: &StorageSettings) -> Result<Database, surrealdb::Error> {
    let db = if settings.is_remote() {
        let db = any::connect(settings.url.as_str()).await?;
        if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
            db.signin(Root {
                username: username.clone(),
                password: password.clone(),
            })
            .await?;
        }
        Database::Server(db)
    } else {
        Database::open_embedded(&settings.url, settings.engine_memory).await?
    };
    // A server creates the namespace and database on first use; nodes starting at once
    // on an empty server race to create them, and all but one are told to retry.
    crate::retry::with_retries(|| db.use_ns_db(&settings.namespace, &settings.database)).await?;
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
