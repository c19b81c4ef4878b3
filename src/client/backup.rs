//! `civitas backup FILE`: saves the server's backup (`GET /api/v1/admin/backup`) and
//! keeps it only when it arrived whole (its last line is the end line), so a broken
//! connection never leaves a file that looks like a backup.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::client::http::{Api, ClientError};

/// The end line is short; the last few KiB of the file hold it.
const TAIL_BYTES: u64 = 4096;

/// Downloads the backup into `file`; answers a one-line report.
pub async fn backup(api: &Api, file: &Path) -> Result<String, ClientError> {
    let partial = partial_path(file);
    let saved = api.download("/api/v1/admin/backup", &partial).await;
    let checked = saved.and_then(|_| end_line(&partial));
    let summary = match checked {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    std::fs::rename(&partial, file)
        .map_err(|e| ClientError::Usage(format!("cannot write {}: {e}", file.display())))?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or_default();
    Ok(format!(
        "saved {}: {} records in {} tables, {bytes} bytes (media files are not included; see docs/production.md)",
        file.display(),
        summary["records"],
        summary["tables"],
    ))
}

/// `FILE.partial`, beside it, so the rename at the end is atomic.
fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}

/// The counts of the file's end line; an error when it has none (cut off).
fn end_line(path: &Path) -> Result<Value, ClientError> {
    let unreadable =
        |e: std::io::Error| ClientError::Usage(format!("cannot read {}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let length = file.metadata().map_err(unreadable)?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(TAIL_BYTES)))
        .map_err(unreadable)?;
    let mut tail = String::new();
    file.read_to_string(&mut tail).map_err(unreadable)?;
    tail.lines()
        .last()
        .and_then(|line| line.strip_prefix("@end "))
        .and_then(|counts| serde_json::from_str(counts).ok())
        .ok_or_else(|| {
            ClientError::Connection(
                "the backup was cut off before its end (the server log says why); nothing was saved".into(),
            )
        })
}
