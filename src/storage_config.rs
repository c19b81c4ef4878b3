//! The `[storage]` settings turned into the store's: the password read from
//! `storage.password_file` when given (so the secret need not sit in a config file or
//! the environment), and the time limits for a SurrealDB server.

use std::time::Duration;

use civitas_store::{EngineMemory, StorageSettings};

use crate::config::StorageConfig;
use crate::events_config::duration;

type Problem = (&'static str, String);

/// The store's settings, or which key is wrong and why.
pub fn settings(storage: &StorageConfig) -> Result<StorageSettings, Problem> {
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let password = match storage.password_file.as_str() {
        "" => non_empty(&storage.password),
        path => Some(read_password(path)?),
    };
    if non_empty(&storage.username).is_some() != password.is_some() {
        return Err((
            "storage.username",
            "and storage.password (or storage.password_file) must be set together".into(),
        ));
    }
    let engine_memory = engine_memory(storage)?;
    Ok(StorageSettings {
        url: storage.url.clone(),
        namespace: storage.namespace.clone(),
        database: storage.database.clone(),
        username: non_empty(&storage.username),
        password,
        keep_revisions: storage.keep_revisions,
        text_index: storage.text_index,
        timeout: duration(
            "storage.timeout",
            &storage.timeout,
            Duration::from_millis(100),
        )?,
        connect_timeout: duration(
            "storage.connect_timeout",
            &storage.connect_timeout,
            Duration::ZERO,
        )?,
        engine_memory,
    })
}

/// Bounds that keep the engine working: a memory table too small for one ordinary
/// write, or a cache of nothing, would fail or crawl.
pub fn engine_memory(storage: &StorageConfig) -> Result<EngineMemory, Problem> {
    let within = |key: &'static str, value: u64, range: std::ops::RangeInclusive<u64>| {
        if range.contains(&value) {
            Ok(value)
        } else {
            Err((
                key,
                format!(
                    "{value} MiB is outside {} to {} MiB",
                    range.start(),
                    range.end()
                ),
            ))
        }
    };
    Ok(EngineMemory {
        cache_mib: within("storage.cache_mib", storage.cache_mib, 1..=1 << 20)?,
        memtable_mib: within("storage.memtable_mib", storage.memtable_mib, 8..=4096)?,
    })
}

/// The first line of the file, as secrets mounted by orchestrators are written.
fn read_password(path: &str) -> Result<String, Problem> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        (
            "storage.password_file",
            format!("cannot read `{path}`: {error}"),
        )
    })?;
    let password = text.lines().next().unwrap_or_default().to_owned();
    if password.is_empty() {
        return Err(("storage.password_file", format!("`{path}` is empty")));
    }
    Ok(password)
}
