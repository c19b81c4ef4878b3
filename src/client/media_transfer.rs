//! The media library on disk, for `civitas export` and `civitas import`: an export writes
//! `media/index.json` (every record's exported form, by key, in key order; see
//! `portable_media`) and each file's bytes once, as `media/files/{sha256}`, checked
//! against the digest the server gives; an import reads the index back and checks every
//! file against its digest before anything is written.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::client::http::{Api, ClientError};
use crate::client::output::pretty;
use crate::client::portable_media::{Keyed, field};
use crate::client::progress::bar;
use crate::client::sha256;
use crate::client::transfer::write_file;

/// The exported form of records, by key.
pub type Index = BTreeMap<String, Map<String, Value>>;

fn index_path(dir: &Path) -> PathBuf {
    dir.join("media").join("index.json")
}

/// Where an export keeps a file's bytes.
pub fn file_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join("media").join("files").join(sha256)
}

/// Writes the index and every file not already there; answers with the number of files.
pub async fn export(api: &Api, dir: &Path, keyed: &[Keyed]) -> Result<usize, ClientError> {
    let index: Map<String, Value> = keyed
        .iter()
        .map(|k| (k.key.clone(), Value::Object(k.portable.clone())))
        .collect();
    write_file(
        &index_path(dir),
        &format!("{}\n", pretty(&Value::Object(index))),
    )?;
    let mut urls: BTreeMap<&str, &str> = BTreeMap::new();
    for record in keyed {
        urls.entry(field(&record.portable, "sha256"))
            .or_insert(&record.url);
    }
    let files = dir.join("media").join("files");
    fs::create_dir_all(&files)
        .map_err(|e| ClientError::Usage(format!("cannot create {}: {e}", files.display())))?;
    let bar = bar(urls.len(), "downloading media");
    for (sha256, url) in &urls {
        download(api, dir, sha256, url).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(urls.len())
}

/// Downloads one file unless the export holds it already; refuses bytes that do not
/// match their digest.
async fn download(api: &Api, dir: &Path, sha256: &str, url: &str) -> Result<(), ClientError> {
    if !sha256::is_digest(sha256) {
        return Err(ClientError::Rejected(format!(
            "the server gives `{sha256}` as the SHA-256 of {url}"
        )));
    }
    let path = file_path(dir, sha256);
    if sha256::of_file(&path).is_ok_and(|found| found == sha256) {
        return Ok(());
    }
    let partial = path.with_extension("part");
    let found = api.download(url, &partial).await?;
    if found != sha256 {
        let _ = fs::remove_file(&partial);
        return Err(ClientError::Rejected(format!(
            "{url}: the bytes served have SHA-256 {found}, the record says {sha256}"
        )));
    }
    fs::rename(&partial, &path)
        .map_err(|e| ClientError::Usage(format!("cannot write {}: {e}", path.display())))
}

/// Reads `media/index.json` (none: no media) and checks that every file it names is
/// there with the right bytes; refuses the lot if not.
pub fn read_index(dir: &Path) -> Result<Index, ClientError> {
    let path = index_path(dir);
    if !path.exists() {
        return Ok(Index::new());
    }
    let text = fs::read_to_string(&path)
        .map_err(|e| ClientError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let records = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(records)) => records,
        _ => {
            return Err(ClientError::Rejected(format!(
                "nothing imported: {}: must be a JSON object of media records by key",
                path.display()
            )));
        }
    };
    let mut index = Index::new();
    let mut problems = Vec::new();
    let mut checked: HashSet<String> = HashSet::new();
    for (key, record) in records {
        let record = record.as_object().cloned().unwrap_or_default();
        match check_record(dir, &record, &mut checked) {
            Ok(()) => {
                index.insert(key, record);
            }
            Err(problem) => problems.push(format!("{}: {key}: {problem}", path.display())),
        }
    }
    match problems.is_empty() {
        true => Ok(index),
        false => Err(ClientError::Rejected(format!(
            "nothing imported; fix these files first:\n  {}",
            problems.join("\n  ")
        ))),
    }
}

/// A record needs a filename and a digest whose file is in `media/files` and matches.
fn check_record(
    dir: &Path,
    record: &Map<String, Value>,
    checked: &mut HashSet<String>,
) -> Result<(), String> {
    let sha256 = field(record, "sha256");
    if field(record, "filename").is_empty() || !sha256::is_digest(sha256) {
        return Err("needs a `filename` and a `sha256` of 64 hex digits".into());
    }
    if checked.contains(sha256) {
        return Ok(());
    }
    let path = file_path(dir, sha256);
    match sha256::of_file(&path) {
        Ok(found) if found == sha256 => {
            checked.insert(sha256.to_owned());
            Ok(())
        }
        Ok(found) => Err(format!("{} has SHA-256 {found}", path.display())),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}
