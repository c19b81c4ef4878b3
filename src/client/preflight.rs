//! The check `civitas import` makes before it writes anything: every entry against the
//! type's rules (by the server, storing nothing), every reference against the target's
//! entries and the import's own, and every media field against the import's media and
//! the target's. One bad file stops the import, and every problem is named at once.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use reqwest::Method;
use serde_json::{Map, Value};

use crate::client::http::{Api, ClientError, encode};
use crate::client::media_fields;
use crate::client::media_plan::MediaPlan;
use crate::client::portable::{payload, reference_fields};
use crate::client::progress::bar;
use crate::client::transfer::{Item, file_name};

/// Checks every entry with the server (without storing anything), every reference
/// against the target's entries and the import's own, and every media field against the
/// import's media and the target's.
pub async fn preflight(
    api: &Api,
    dir: &Path,
    items: &[Item],
    definitions: &BTreeMap<String, Value>,
    existing: &HashSet<(String, String)>,
    plan: &MediaPlan,
) -> Result<(), ClientError> {
    let known: HashSet<(String, String)> = items
        .iter()
        .map(|i| (i.type_id.clone(), i.slug.clone()))
        .chain(existing.iter().cloned())
        .collect();
    let bar = bar(items.len(), "checking");
    let mut problems = Vec::new();
    for item in items {
        let definition = &definitions[&item.type_id];
        let file = dir
            .join("content")
            .join(&item.type_id)
            .join(file_name(definition, &item.slug));
        let mut found = missing_references(item, definition, &known);
        let versions = [
            Some(&item.entry),
            item.entry
                .get("published_version")
                .and_then(Value::as_object),
        ];
        for version in versions.into_iter().flatten() {
            found.extend(media_fields::problems(version, definition, plan));
            found.extend(server_problems(api, &item.type_id, version, definition, plan).await?);
        }
        problems.extend(
            found
                .into_iter()
                .map(|p| format!("{}: {p}", file.display())),
        );
        bar.inc(1);
    }
    bar.finish_and_clear();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ClientError::Rejected(format!(
            "nothing imported; fix these files first:\n  {}",
            problems.join("\n  ")
        )))
    }
}

/// References to entries neither in the import nor on the target.
fn missing_references(
    item: &Item,
    definition: &Value,
    known: &HashSet<(String, String)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (field, to) in reference_fields(definition) {
        let targets: Vec<&Value> = match item.entry.get(&field) {
            Some(Value::Array(slugs)) => slugs.iter().collect(),
            Some(slug) => vec![slug],
            None => Vec::new(),
        };
        for target in targets.iter().filter_map(|t| t.as_str()) {
            if !known.contains(&(to.clone(), target.to_owned())) {
                problems.push(format!(
                    "{field}: no `{to}` entry `{target}` here or on the server"
                ));
            }
        }
    }
    problems.sort();
    problems
}

/// What the server finds wrong with one version of an entry. Media fields whose files
/// the target does not have yet are left out: the import checks those itself.
async fn server_problems(
    api: &Api,
    type_id: &str,
    version: &Map<String, Value>,
    definition: &Value,
    plan: &MediaPlan,
) -> Result<Vec<String>, ClientError> {
    let unresolved = media_fields::unresolved_fields(version, definition, plan);
    let mut body = payload(&media_fields::resolve_entry(version, definition, plan));
    for field in &unresolved {
        body.remove(field);
    }
    let path = format!("/api/v1/admin/content/{}/validate", encode(type_id));
    let refused = match api
        .send(Method::POST, &path, Some(&Value::Object(body)), None)
        .await
    {
        Ok(_) => return Ok(Vec::new()),
        Err(ClientError::Server {
            message, details, ..
        }) => (message, details),
        Err(other) => return Err(other),
    };
    let (message, details) = refused;
    let about_unresolved = |field: &str| {
        unresolved.iter().any(|name| {
            field == name
                || field.starts_with(&format!("{name}."))
                || field.starts_with(&format!("{name}["))
        })
    };
    let kept: Vec<String> = details
        .iter()
        .filter(|d| !about_unresolved(&d.field))
        .map(ToString::to_string)
        .collect();
    Ok(match (kept.is_empty(), details.is_empty()) {
        (false, _) => vec![kept.join("; ")],
        (true, true) => vec![message],
        (true, false) => Vec::new(),
    })
}
