//! `civitas export DIR` and `civitas import DIR`: a whole site as a readable tree, one
//! file per entry (`content/{type}/{slug}.md` with front matter, or `.json` for types
//! without rich text), the type definitions (`types/{type}.json`) for reference, and the
//! media library (`media/`, see `media_transfer`).
//!
//! The round trip is lossless and stable: an import into an empty server followed by an
//! export gives identical files, and a second import changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::client::files;
use crate::client::http::{Api, ClientError, encode};
use crate::client::media;
use crate::client::media_fields;
use crate::client::media_plan::{self, MediaPlan, Written};
use crate::client::media_transfer;
use crate::client::output::pretty;
use crate::client::portable::{Names, payload, portable, reference_fields};
use crate::client::portable_media::keyed;
use crate::client::preflight::preflight;
use crate::client::progress::bar;

/// One entry of a site, as exported or read from a file.
pub struct Item {
    pub type_id: String,
    pub slug: String,
    pub entry: Map<String, Value>,
}

/// Every type definition the server has, by id.
async fn definitions(api: &Api) -> Result<BTreeMap<String, Value>, ClientError> {
    let types = api.get("/api/v1/admin/types").await?;
    Ok(types["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t["id"].as_str()?.to_owned(), t.clone())))
        .collect())
}

/// Every entry of a type, archived ones included, as the admin API shows them.
async fn all_entries(api: &Api, type_id: &str) -> Result<Vec<Value>, ClientError> {
    let mut entries = Vec::new();
    for status in ["", "&status=archived"] {
        let mut after: Option<String> = None;
        loop {
            let mut path = format!(
                "/api/v1/admin/content/{}?page[size]=100&sort=slug{status}",
                encode(type_id)
            );
            if let Some(cursor) = &after {
                path += &format!("&page[after]={}", encode(cursor));
            }
            let page = api.get(&path).await?;
            entries.extend(page["data"].as_array().cloned().unwrap_or_default());
            match page["meta"]["page"]["next"].as_str() {
                Some(next) => after = Some(next.to_owned()),
                None => break,
            }
        }
    }
    Ok(entries)
}

/// The whole site as exported items, in type and slug order; media fields named as
/// `names` has them (else by id).
async fn read_site(
    api: &Api,
    definitions: &BTreeMap<String, Value>,
    mut names: Names,
    progress: bool,
) -> Result<Vec<Item>, ClientError> {
    let mut raw: Vec<(String, Value)> = Vec::new();
    for type_id in definitions.keys() {
        for entry in all_entries(api, type_id).await? {
            names.add(type_id, &entry);
            raw.push((type_id.clone(), entry));
        }
    }
    let bar = progress.then(|| bar(raw.len(), "reading"));
    let mut items = Vec::with_capacity(raw.len());
    for (type_id, entry) in raw {
        let working = entry.as_object().cloned().unwrap_or_default();
        let published = if entry["unpublished_changes"] == true {
            let path = format!(
                "/api/v1/content/{}/{}",
                encode(&type_id),
                encode(entry["id"].as_str().unwrap_or_default())
            );
            api.get(&path).await?["data"].as_object().cloned()
        } else {
            None
        };
        let definition = &definitions[&type_id];
        items.push(Item {
            slug: entry["slug"].as_str().unwrap_or_default().to_owned(),
            entry: portable(&working, published.as_ref(), definition, &names),
            type_id,
        });
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    items.sort_by(|a, b| (&a.type_id, &a.slug).cmp(&(&b.type_id, &b.slug)));
    Ok(items)
}

/// The file an entry is exported to, in its type's folder.
pub fn file_name(definition: &Value, slug: &str) -> String {
    match files::main_rich_text(definition) {
        Some(_) => format!("{slug}.md"),
        None => format!("{slug}.json"),
    }
}

pub fn write_file(path: &Path, text: &str) -> Result<(), ClientError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)
            .map_err(|e| ClientError::Usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    fs::write(path, text)
        .map_err(|e| ClientError::Usage(format!("cannot write {}: {e}", path.display())))
}

fn pretty_json(value: &Value) -> String {
    format!("{}\n", pretty(value))
}

/// Writes the whole site under `dir`; answers with a summary line.
pub async fn export(api: &Api, dir: &Path) -> Result<String, ClientError> {
    let definitions = definitions(api).await?;
    let library = keyed(&media::library(api).await?);
    let mut names = Names::default();
    for record in &library {
        names.add_media(&record.id, &record.key);
    }
    let items = read_site(api, &definitions, names, true).await?;
    for (type_id, definition) in &definitions {
        write_file(
            &dir.join("types").join(format!("{type_id}.json")),
            &pretty_json(definition),
        )?;
    }
    for item in &items {
        let definition = &definitions[&item.type_id];
        let name = file_name(definition, &item.slug);
        let text = if name.ends_with(".md") {
            files::to_markdown(&item.entry, definition)?
        } else {
            pretty_json(&Value::Object(item.entry.clone()))
        };
        write_file(&dir.join("content").join(&item.type_id).join(name), &text)?;
    }
    let files = media_transfer::export(api, dir, &library).await?;
    Ok(format!(
        "exported {} entries of {} types and {} media records ({} files) to {}",
        items.len(),
        definitions.len(),
        library.len(),
        files,
        dir.display()
    ))
}

/// Reads every entry file under `dir/content`, refusing the lot if any is bad.
fn read_files(dir: &Path, definitions: &BTreeMap<String, Value>) -> Result<Vec<Item>, ClientError> {
    let content = dir.join("content");
    let listing = |path: &Path| -> Result<Vec<PathBuf>, ClientError> {
        let mut paths: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| ClientError::Usage(format!("cannot read {}: {e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        Ok(paths)
    };
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for type_dir in listing(&content)? {
        let type_id = type_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Some(definition) = definitions.get(&type_id) else {
            problems.push(format!(
                "{}: the server has no content type `{type_id}`",
                type_dir.display()
            ));
            continue;
        };
        for path in listing(&type_dir)? {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            match files::read_entry(&path, definition) {
                Ok(entry) if entry.get("slug").and_then(Value::as_str) == Some(stem.as_str()) => {
                    items.push(Item {
                        type_id: type_id.clone(),
                        slug: stem,
                        entry,
                    })
                }
                Ok(_) => problems.push(format!(
                    "{}: slug: must be `{stem}`, the file's name",
                    path.display()
                )),
                Err(error) => problems.push(error.to_string()),
            }
        }
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(ClientError::Rejected(format!(
            "nothing imported; fix these files first:\n  {}",
            problems.join("\n  ")
        )))
    }
}

/// Types whose entries others reference come first; within a type, an entry comes
/// after the entries of its type it references (a page after its parent).
fn in_dependency_order(mut items: Vec<Item>, definitions: &BTreeMap<String, Value>) -> Vec<Item> {
    let key = |item: &Item| (item.type_id.clone(), item.slug.clone());
    let mut ordered: Vec<Item> = Vec::with_capacity(items.len());
    while !items.is_empty() {
        let pending: HashSet<(String, String)> = items.iter().map(key).collect();
        let (ready, waiting): (Vec<Item>, Vec<Item>) = items.into_iter().partition(|item| {
            reference_fields(&definitions[&item.type_id])
                .iter()
                .all(|(field, to)| {
                    let slugs: Vec<&str> = match item.entry.get(field) {
                        Some(Value::Array(slugs)) => {
                            slugs.iter().filter_map(Value::as_str).collect()
                        }
                        Some(Value::String(slug)) => vec![slug.as_str()],
                        _ => Vec::new(),
                    };
                    slugs
                        .iter()
                        .all(|slug| !pending.contains(&(to.clone(), (*slug).to_owned())))
                })
        });
        // Nothing ready means a reference cycle: take the rest as they are.
        if ready.is_empty() {
            ordered.extend(waiting);
            break;
        }
        ordered.extend(ready);
        items = waiting;
    }
    ordered
}

/// Each entry, its media fields resolved to the target's ids, in the order to write
/// them, with what the import does to it: create, update, or nothing (unchanged).
fn entry_plan(
    items: Vec<Item>,
    definitions: &BTreeMap<String, Value>,
    current: &HashMap<(String, String), Map<String, Value>>,
    media: &MediaPlan,
) -> Vec<(Item, &'static str)> {
    let resolved = items.into_iter().map(|item| Item {
        entry: media_fields::resolve_entry(&item.entry, &definitions[&item.type_id], media),
        ..item
    });
    in_dependency_order(resolved.collect(), definitions)
        .into_iter()
        .map(|item| {
            let action = match current.get(&(item.type_id.clone(), item.slug.clone())) {
                None => "create",
                Some(entry) if *entry == item.entry => "unchanged",
                Some(_) => "update",
            };
            (item, action)
        })
        .collect()
}

fn summary(dry_run: bool, plan: &[(Item, &str)], media: &MediaPlan) -> String {
    let count = |wanted: &str| plan.iter().filter(|(_, a)| *a == wanted).count();
    let (uploaded, updated, unchanged) = media.counts();
    format!(
        "{} {} created, {} updated, {} unchanged; media: {uploaded} uploaded, {updated} updated, {unchanged} unchanged",
        if dry_run { "would be:" } else { "done:" },
        count("create"),
        count("update"),
        count("unchanged")
    )
}

/// Imports the tree under `dir`: uploads the media the server lacks, creates the
/// entries it lacks, updates what differs, leaves the rest; `dry_run` only says what it
/// would do.
pub async fn import(api: &Api, dir: &Path, dry_run: bool) -> Result<String, ClientError> {
    let definitions = definitions(api).await?;
    let items = read_files(dir, &definitions)?;
    let index = media_transfer::read_index(dir)?;
    let mut media_plan = MediaPlan::new(index, &media::library(api).await?);
    let current: HashMap<(String, String), Map<String, Value>> =
        read_site(api, &definitions, Names::default(), false)
            .await?
            .into_iter()
            .map(|item| ((item.type_id, item.slug), item.entry))
            .collect();
    let existing: HashSet<(String, String)> = current.keys().cloned().collect();
    preflight(api, dir, &items, &definitions, &existing, &media_plan).await?;
    if dry_run {
        let plan = entry_plan(items, &definitions, &current, &media_plan);
        for line in media_plan.describe() {
            println!("{line}");
        }
        for (item, action) in plan.iter().filter(|(_, a)| *a != "unchanged") {
            println!("{action} {}/{}", item.type_id, item.slug);
        }
        return Ok(summary(true, &plan, &media_plan));
    }
    let mut media_written = Vec::new();
    if let Err(error) = media_plan.apply(api, dir, &mut media_written).await {
        let undone = roll_back(api, &[], &current, &media_written).await;
        return Err(ClientError::Rejected(format!(
            "nothing imported: {error}\n{undone}"
        )));
    }
    let plan = entry_plan(items, &definitions, &current, &media_plan);
    let bar = bar(plan.len(), "importing");
    let mut written: Vec<(&Item, String)> = Vec::new();
    for (item, action) in &plan {
        if *action != "unchanged" {
            let before = current.get(&(item.type_id.clone(), item.slug.clone()));
            match apply(api, item, before).await {
                Ok(id) => written.push((item, id)),
                Err(error) => {
                    bar.finish_and_clear();
                    let file = dir
                        .join("content")
                        .join(&item.type_id)
                        .join(file_name(&definitions[&item.type_id], &item.slug));
                    let undone = roll_back(api, &written, &current, &media_written).await;
                    return Err(ClientError::Rejected(format!(
                        "nothing imported: {}: {error}\n{undone}",
                        file.display()
                    )));
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(summary(false, &plan, &media_plan))
}

/// Undoes the writes of an import that failed part way: entries it created are deleted,
/// entries it changed are brought back to what they were, then the same for media.
/// Says how that went.
async fn roll_back(
    api: &Api,
    written: &[(&Item, String)],
    before: &HashMap<(String, String), Map<String, Value>>,
    media_written: &[Written],
) -> String {
    let mut failures = Vec::new();
    for (item, id) in written.iter().rev() {
        let base = format!("/api/v1/admin/content/{}", encode(&item.type_id));
        let undone = match before.get(&(item.type_id.clone(), item.slug.clone())) {
            None => api
                .send(
                    Method::DELETE,
                    &format!("{base}/{}", encode(id)),
                    None,
                    None,
                )
                .await
                .map(|_| ()),
            Some(old) => {
                let old = Item {
                    type_id: item.type_id.clone(),
                    slug: item.slug.clone(),
                    entry: old.clone(),
                };
                apply(api, &old, Some(&item.entry)).await.map(|_| ())
            }
        };
        if let Err(error) = undone {
            failures.push(format!("  {}/{}: {error}", item.type_id, item.slug));
        }
    }
    failures.extend(media_plan::roll_back(api, media_written).await);
    if failures.is_empty() {
        format!(
            "the {} entries and {} media records written before it were rolled back",
            written.len(),
            media_written.len()
        )
    } else {
        format!("rolling back failed for:\n{}", failures.join("\n"))
    }
}

/// Brings one entry on the server to what the file says: its fields, then its status;
/// answers with the entry's id.
async fn apply(
    api: &Api,
    item: &Item,
    current: Option<&Map<String, Value>>,
) -> Result<String, ClientError> {
    let base = format!("/api/v1/admin/content/{}", encode(&item.type_id));
    let path = format!("{base}/{}", encode(&item.slug));
    let entry = &item.entry;
    let status = entry
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("draft");
    let first = entry
        .get("published_version")
        .and_then(Value::as_object)
        .unwrap_or(entry);
    let body = Value::Object(payload(first));
    let written = match current {
        None => api.send(Method::POST, &base, Some(&body), None).await?,
        Some(_) => api.send(Method::PUT, &path, Some(&body), None).await?,
    };
    // By id from here on: the write may have changed the slug.
    let id = written.body["data"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let path = format!("{base}/{}", encode(&id));
    if entry.contains_key("published_version") {
        api.send(Method::POST, &format!("{path}/publish"), None, None)
            .await?;
        api.send(
            Method::PUT,
            &path,
            Some(&Value::Object(payload(entry))),
            None,
        )
        .await?;
    }
    let current_status = current
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        .unwrap_or("draft");
    let action = match status {
        "published" if !entry.contains_key("published_version") => Some("publish"),
        "archived" => Some("archive"),
        "draft" if current_status != "draft" => Some("unpublish"),
        _ => None,
    };
    if let Some(action) = action {
        api.send(Method::POST, &format!("{path}/{action}"), None, None)
            .await?;
    }
    let schedule: Map<String, Value> = [
        ("publish_at", "scheduled_publish_at"),
        ("unpublish_at", "scheduled_unpublish_at"),
    ]
    .into_iter()
    .filter_map(|(key, field)| Some((key.to_owned(), entry.get(field)?.clone())))
    .collect();
    let was_scheduled = current.is_some_and(|c| {
        c.contains_key("scheduled_publish_at") || c.contains_key("scheduled_unpublish_at")
    });
    if !schedule.is_empty() {
        let body = json!(schedule);
        api.send(Method::POST, &format!("{path}/schedule"), Some(&body), None)
            .await?;
    } else if was_scheduled {
        api.send(Method::DELETE, &format!("{path}/schedule"), None, None)
            .await?;
    }
    Ok(id)
}
