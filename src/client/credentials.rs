//! Where `civitas login` keeps the server and token: a file in the user's config
//! directory readable by its owner only. `CIVITAS_URL` and `CIVITAS_TOKEN` override it.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::client::http::ClientError;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub url: String,
    pub token: String,
}

fn path() -> Result<PathBuf, ClientError> {
    dirs::config_dir()
        .map(|dir| dir.join("civitas").join("credentials.toml"))
        .ok_or_else(|| ClientError::Usage("cannot find the user's config directory".into()))
}

pub fn save(saved: &Saved) -> Result<PathBuf, ClientError> {
    let path = path()?;
    let failed =
        |e: std::io::Error| ClientError::Usage(format!("cannot save {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(failed)?;
    }
    let text = toml::to_string(saved).map_err(|e| ClientError::Usage(e.to_string()))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(failed)?;
    // An older file may have been readable by others: tighten it too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).map_err(failed)?;
    }
    file.write_all(text.as_bytes()).map_err(failed)?;
    Ok(path)
}

fn load() -> Option<Saved> {
    let text = fs::read_to_string(path().ok()?).ok()?;
    toml::from_str(&text).ok()
}

pub fn forget() -> Result<Option<Saved>, ClientError> {
    let saved = load();
    let path = path()?;
    if path.exists() {
        fs::remove_file(&path)
            .map_err(|e| ClientError::Usage(format!("cannot remove {}: {e}", path.display())))?;
    }
    Ok(saved)
}

/// The server and token to use: the environment's, else the saved ones.
pub fn connection() -> Result<(String, Option<String>), ClientError> {
    let saved = load();
    let url = std::env::var("CIVITAS_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| saved.as_ref().map(|s| s.url.clone()))
        .ok_or_else(|| {
            ClientError::Usage(
                "not logged in: run `civitas login --url URL` or set CIVITAS_URL".into(),
            )
        })?;
    let token = std::env::var("CIVITAS_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .or_else(|| saved.map(|s| s.token));
    Ok((url, token))
}
