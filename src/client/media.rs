//! `civitas media`: the media library from the terminal. Uploads stream from disk with a
//! progress bar per file (on a terminal); lists page by cursor like `civitas list`;
//! deleting a file an entry uses says which entries use it.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use reqwest::Method;
use serde_json::{Value, json};

use crate::client::http::{Api, ClientError, encode, with_query};
use crate::client::multipart;
use crate::client::output::{cell, human_size, pretty, table};
use crate::client::progress;

/// The media library's admin route.
pub const LIBRARY: &str = "/api/v1/admin/media";

/// Files per page when reading the whole library (the server's largest page).
const WHOLE_PAGES: u64 = 100;

/// Longest alt text a table shows; `--json` has all of it.
const SHOWN_ALT: usize = 50;

#[derive(Subcommand)]
pub enum MediaCommand {
    /// Upload files to the media library, with a progress bar per file on a terminal
    ///
    /// Prints one line per file: id, filename, type, size, width x height.
    ///
    /// Examples: civitas media upload lisbon.jpg tram.png
    ///           civitas media upload logo.svg --alt "The city's logo" --title "Logo"
    #[command(verbatim_doc_comment)]
    Upload {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Alt text, for every file given.
        #[arg(long)]
        alt: Option<String>,
        /// Title, for every file given.
        #[arg(long)]
        title: Option<String>,
    },
    /// List the media library, newest first
    ///
    /// Examples: civitas media list --mime 'image/*' --q lisbon
    ///           civitas media list --all --json
    #[command(verbatim_doc_comment)]
    List {
        /// Only this type, or a family as `image/*`.
        #[arg(long)]
        mime: Option<String>,
        /// Only files whose filename, title or alt text contains this.
        #[arg(long)]
        q: Option<String>,
        /// Files per page.
        #[arg(long)]
        size: Option<u64>,
        /// The cursor a previous page printed as `next`.
        #[arg(long, conflicts_with = "all")]
        after: Option<String>,
        /// Every page, not just the first.
        #[arg(long)]
        all: bool,
    },
    /// Delete files from the media library; a file an entry uses is kept.
    ///
    /// The entries that use such a file are named.
    ///
    /// Example: civitas media delete 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    Delete {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
}

/// One file's record as a line: id, filename, type, size, dimensions.
fn line(media: &Value) -> String {
    [
        cell(&media["id"]),
        cell(&media["filename"]),
        cell(&media["mime"]),
        human_size(media["size"].as_u64().unwrap_or_default()),
        dimensions(media),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join("  ")
}

/// `800x600`, or nothing for files without pixels (SVG, PDF).
fn dimensions(media: &Value) -> String {
    match (media["width"].as_u64(), media["height"].as_u64()) {
        (Some(width), Some(height)) => format!("{width}x{height}"),
        _ => String::new(),
    }
}

/// Uploads the file at `path` as `filename`, with text parts (`alt`, `title`, `focal_x`,
/// `focal_y`); a bar shows the bytes sent. Answers with the new record.
pub async fn upload(
    api: &Api,
    path: &Path,
    filename: &str,
    texts: &[(&str, String)],
) -> Result<Value, ClientError> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let bar = progress::bytes(size, filename.to_owned());
    let shown = bar.clone();
    let form = multipart::form(texts, path, filename, move |sent| shown.set_position(sent))?;
    let sent = api.send_form(Method::POST, LIBRARY, form).await;
    bar.finish_and_clear();
    Ok(sent?.body["data"].clone())
}

/// One page of the library: its records and the cursor of the next page.
async fn page(api: &Api, query: &[String]) -> Result<(Vec<Value>, Option<String>), ClientError> {
    let path = with_query(LIBRARY, query);
    let body = api.get(&path).await?;
    let records = body["data"].as_array().cloned().unwrap_or_default();
    Ok((records, body["meta"]["next"].as_str().map(str::to_owned)))
}

/// Every record of the library, newest first.
pub async fn library(api: &Api) -> Result<Vec<Value>, ClientError> {
    let query = vec![format!("page%5Bsize%5D={WHOLE_PAGES}")];
    Ok(read_pages(api, query, None, true).await?.0)
}

/// Pages of the library from `after` on: one, or (`all`) up to the last; with the cursor
/// of the page after those read.
async fn read_pages(
    api: &Api,
    query: Vec<String>,
    mut after: Option<String>,
    all: bool,
) -> Result<(Vec<Value>, Option<String>), ClientError> {
    let mut records = Vec::new();
    loop {
        let mut asked = query.clone();
        if let Some(cursor) = &after {
            asked.push(format!("page%5Bafter%5D={}", encode(cursor)));
        }
        let (found, next) = page(api, &asked).await?;
        records.extend(found);
        after = next;
        if !all || after.is_none() {
            return Ok((records, after));
        }
    }
}

async fn upload_files(
    api: &Api,
    files: &[PathBuf],
    texts: &[(&str, String)],
    json_output: bool,
) -> Result<(), ClientError> {
    for file in files {
        if !file.is_file() {
            return Err(ClientError::Usage(format!(
                "{} is not a file",
                file.display()
            )));
        }
    }
    let mut uploaded = Vec::new();
    let mut failed = Vec::new();
    for file in files {
        let filename = file
            .file_name()
            .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
        match upload(api, file, &filename, texts).await {
            Ok(media) => {
                if !json_output {
                    println!("{}", line(&media));
                }
                uploaded.push(media);
            }
            Err(error @ ClientError::Server { .. }) => {
                eprintln!("{}: {error}", file.display());
                failed.push(error);
            }
            Err(other) => return Err(other),
        }
    }
    if json_output {
        println!("{}", pretty(&json!({"data": uploaded})));
    }
    outcome(failed, files.len(), "uploaded")
}

/// Done when nothing failed; one failure is its own error, several are counted.
fn outcome(mut failed: Vec<ClientError>, total: usize, done: &str) -> Result<(), ClientError> {
    match failed.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failed.remove(0)),
        count => Err(ClientError::Rejected(format!(
            "{count} of {total} files were not {done}"
        ))),
    }
}

async fn list(
    api: &Api,
    filters: [(&str, Option<String>); 3],
    after: Option<String>,
    all: bool,
    json_output: bool,
) -> Result<(), ClientError> {
    let query: Vec<String> = filters
        .into_iter()
        .filter_map(|(name, value)| Some(format!("{}={}", encode(name), encode(&value?))))
        .collect();
    let (records, next) = read_pages(api, query, after, all).await?;
    if json_output {
        println!(
            "{}",
            pretty(&json!({"data": records, "meta": {"next": next}}))
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = records.iter().map(row).collect();
    println!(
        "{}",
        table(
            &["id", "filename", "mime", "size", "dimensions", "alt"],
            &rows
        )
    );
    eprintln!(
        "{} files{}",
        rows.len(),
        next.map(|next| format!("; next page: --after {next}"))
            .unwrap_or_default()
    );
    Ok(())
}

fn row(media: &Value) -> Vec<String> {
    let alt = cell(&media["alt"]);
    let alt = match alt.chars().count() > SHOWN_ALT {
        true => format!("{}...", alt.chars().take(SHOWN_ALT - 3).collect::<String>()),
        false => alt,
    };
    vec![
        cell(&media["id"]),
        cell(&media["filename"]),
        cell(&media["mime"]),
        human_size(media["size"].as_u64().unwrap_or_default()),
        dimensions(media),
        alt,
    ]
}

async fn delete(api: &Api, ids: &[String]) -> Result<(), ClientError> {
    let mut failed = Vec::new();
    for id in ids {
        let path = format!("{LIBRARY}/{}", encode(id));
        match api.send(Method::DELETE, &path, None, None).await {
            Ok(_) => println!("deleted {id}"),
            Err(ClientError::Server {
                status: 409,
                code,
                details,
                ..
            }) if code == "media_in_use" => {
                let named = details.iter().filter(|d| d.code == "media_in_use");
                let users = users(api, named.map(|d| d.field.as_str())).await;
                let error = ClientError::Rejected(format!(
                    "media_in_use (409): {id} is not deleted, entries use it:\n  {}",
                    users.join("\n  ")
                ));
                if ids.len() > 1 {
                    eprintln!("{error}");
                }
                failed.push(error);
            }
            Err(error @ ClientError::Server { .. }) => {
                if ids.len() > 1 {
                    eprintln!("{id}: {error}");
                }
                failed.push(error);
            }
            Err(other) => return Err(other),
        }
    }
    outcome(failed, ids.len(), "deleted")
}

/// The entries named `type/id` as people know them: type, slug and id.
async fn users(api: &Api, named: impl Iterator<Item = &str>) -> Vec<String> {
    let mut shown = Vec::new();
    for name in named {
        let slug = match name.split_once('/') {
            Some((type_id, id)) => {
                let path = format!("/api/v1/admin/content/{}/{}", encode(type_id), encode(id));
                api.get(&path)
                    .await
                    .ok()
                    .and_then(|entry| entry["data"]["slug"].as_str().map(str::to_owned))
            }
            None => None,
        };
        shown.push(match slug {
            Some(slug) => format!("{name} ({slug})"),
            None => name.to_owned(),
        });
    }
    shown
}

/// Runs a `civitas media` command.
pub async fn run(api: &Api, command: MediaCommand, json_output: bool) -> Result<(), ClientError> {
    match command {
        MediaCommand::Upload { files, alt, title } => {
            let texts: Vec<(&str, String)> = [("alt", alt), ("title", title)]
                .into_iter()
                .filter_map(|(name, value)| Some((name, value?)))
                .collect();
            upload_files(api, &files, &texts, json_output).await
        }
        MediaCommand::List {
            mime,
            q,
            size,
            after,
            all,
        } => {
            let size = size.or(all.then_some(WHOLE_PAGES)).map(|n| n.to_string());
            let filters = [("mime", mime), ("q", q), ("page[size]", size)];
            list(api, filters, after, all, json_output).await
        }
        MediaCommand::Delete { ids } => delete(api, &ids).await,
    }
}
