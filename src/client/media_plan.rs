//! An import's plan for the media library: each record of the index matched with one on
//! the target that has the same bytes and filename (preferring one whose texts match
//! too), which is kept, its texts brought to the index's; a record without a match is
//! uploaded, and the target gives it a new id. Entries' keys then resolve to the target's
//! ids. What the plan writes can be undone.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::client::http::{Api, ClientError, encode};
use crate::client::media::{self, LIBRARY};
use crate::client::media_transfer::{Index, file_path};
use crate::client::portable_media::{age, differing, field, key_order, portable, same};

/// The target's records by bytes and filename (SHA-256, filename): id and exported form.
type Candidates = HashMap<(String, String), Vec<(String, Map<String, Value>)>>;

/// One record of the index and what the import does with it.
struct Step {
    key: String,
    wanted: Map<String, Value>,
    action: Action,
}

/// What an import does with one record of the index.
enum Action {
    /// The target has it as the index says.
    Unchanged(String),
    /// The target has its bytes and filename; its texts change (from these).
    Update(String, Map<String, Value>),
    Upload,
}

/// What an import wrote to the library, to undo it if the import fails.
pub enum Written {
    Uploaded(String),
    Updated(String, Map<String, Value>, Map<String, Value>),
}

/// The index matched against the target's library.
pub struct MediaPlan {
    /// In the order keys number records (`x`, `x~2`, ..., `x~10`).
    steps: Vec<Step>,
    keys: HashSet<String>,
    /// Keys (and the target's own ids) to the target's ids.
    ids: HashMap<String, String>,
    /// The type of every file a name (key or id) stands for.
    mimes: HashMap<String, String>,
}

/// Whether a name is known, and as what.
pub enum Resolved<'a> {
    Id(&'a str),
    /// A key of a record the import will upload.
    Pending,
    Unknown,
}

impl MediaPlan {
    pub fn new(index: Index, library: &[Value]) -> MediaPlan {
        let mut candidates = Candidates::new();
        let mut ids = HashMap::new();
        let mut mimes = HashMap::new();
        // Oldest first, as keys number records exported alike.
        let mut library: Vec<&Value> = library.iter().collect();
        library.sort_by_key(|record| age(record));
        for record in library {
            let id = record["id"].as_str().unwrap_or_default().to_owned();
            let exported = portable(record);
            let pair = (
                field(&exported, "sha256").to_owned(),
                field(&exported, "filename").to_owned(),
            );
            ids.insert(id.clone(), id.clone());
            mimes.insert(id.clone(), field(&exported, "mime").to_owned());
            candidates.entry(pair).or_default().push((id, exported));
        }
        let steps = match_records(index, &mut candidates);
        for step in &steps {
            mimes.insert(step.key.clone(), field(&step.wanted, "mime").to_owned());
            if let Action::Unchanged(id) | Action::Update(id, _) = &step.action {
                ids.insert(step.key.clone(), id.clone());
            }
        }
        let keys = steps.iter().map(|step| step.key.clone()).collect();
        MediaPlan {
            steps,
            keys,
            ids,
            mimes,
        }
    }

    pub fn resolve(&self, name: &str) -> Resolved<'_> {
        match (self.ids.get(name), self.keys.contains(name)) {
            (Some(id), _) => Resolved::Id(id),
            (None, true) => Resolved::Pending,
            (None, false) => Resolved::Unknown,
        }
    }

    pub fn mime(&self, name: &str) -> Option<&str> {
        self.mimes
            .get(name)
            .map(String::as_str)
            .filter(|m| !m.is_empty())
    }

    /// Uploads, updated, unchanged.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count =
            |wanted: fn(&Action) -> bool| self.steps.iter().filter(|s| wanted(&s.action)).count();
        (
            count(|a| matches!(a, Action::Upload)),
            count(|a| matches!(a, Action::Update(..))),
            count(|a| matches!(a, Action::Unchanged(_))),
        )
    }

    /// What a dry run shows: one line per record to upload or update.
    pub fn describe(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter_map(|step| match step.action {
                Action::Upload => Some(format!("upload media/{}", step.key)),
                Action::Update(..) => Some(format!("update media/{}", step.key)),
                Action::Unchanged(_) => None,
            })
            .collect()
    }

    /// Uploads and updates records, noting each write in `written`; every key then has
    /// an id.
    pub async fn apply(
        &mut self,
        api: &Api,
        dir: &Path,
        written: &mut Vec<Written>,
    ) -> Result<(), ClientError> {
        for Step {
            key,
            wanted,
            action,
        } in &self.steps
        {
            let failed = |e: ClientError| ClientError::Rejected(format!("media/{key}: {e}"));
            match action {
                Action::Unchanged(_) => {}
                Action::Update(id, before) => {
                    let label = format!("media/{key}");
                    update(api, &label, id, wanted, before)
                        .await
                        .map_err(failed)?;
                    written.push(Written::Updated(id.clone(), before.clone(), wanted.clone()));
                }
                Action::Upload => {
                    let id = create(api, dir, key, wanted, written)
                        .await
                        .map_err(failed)?;
                    self.ids.insert(key.clone(), id);
                }
            }
        }
        Ok(())
    }
}

/// Pairs each indexed record with a target record of the same bytes and filename: first
/// those exported identically, then any left; the rest are to be uploaded.
fn match_records(index: Index, candidates: &mut Candidates) -> Vec<Step> {
    let mut records: Vec<(String, Map<String, Value>)> = index.into_iter().collect();
    records.sort_by(|a, b| key_order(&a.0).cmp(&key_order(&b.0)));
    let mut steps: Vec<Step> = Vec::with_capacity(records.len());
    let mut waiting = Vec::new();
    for (key, wanted) in records {
        let pair = (
            field(&wanted, "sha256").to_owned(),
            field(&wanted, "filename").to_owned(),
        );
        let found = candidates.get_mut(&pair).and_then(|list| {
            let at = list
                .iter()
                .position(|(_, current)| same(current, &wanted))?;
            Some(list.remove(at))
        });
        let action = match found {
            Some((id, _)) => Action::Unchanged(id),
            None => Action::Upload,
        };
        if matches!(action, Action::Upload) {
            waiting.push(steps.len());
        }
        steps.push(Step {
            key,
            wanted,
            action,
        });
    }
    for at in waiting {
        let step = &mut steps[at];
        let pair = (
            field(&step.wanted, "sha256").to_owned(),
            field(&step.wanted, "filename").to_owned(),
        );
        if let Some((id, current)) = candidates
            .get_mut(&pair)
            .filter(|l| !l.is_empty())
            .map(|list| list.remove(0))
        {
            step.action = Action::Update(id, current);
        }
    }
    steps
}

/// Brings a record's texts and focal point from `current` to `wanted`; warnings name it
/// `label`.
async fn update(
    api: &Api,
    label: &str,
    id: &str,
    wanted: &Map<String, Value>,
    current: &Map<String, Value>,
) -> Result<(), ClientError> {
    let mut translations = wanted
        .get("translations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(Value::Object(old)) = current.get("translations") {
        for locale in old.keys() {
            translations.entry(locale.clone()).or_insert(Value::Null);
        }
    }
    let body = json!({
        "alt": wanted.get("alt").cloned().unwrap_or(Value::Null),
        "title": wanted.get("title").cloned().unwrap_or(Value::Null),
        "focal": wanted.get("focal").cloned().unwrap_or(json!({"x": 0.5, "y": 0.5})),
        "translations": translations,
    });
    let path = format!("{LIBRARY}/{}", encode(id));
    let reply = api.send(Method::PATCH, &path, Some(&body), None).await?;
    warn_differences(label, wanted, &portable(&reply.body["data"]));
    Ok(())
}

/// Says where the server kept a record otherwise than the import asked: a later import
/// would find it changed again.
fn warn_differences(label: &str, wanted: &Map<String, Value>, kept: &Map<String, Value>) {
    let shown = |record: &Map<String, Value>, name: &str| {
        record
            .get(name)
            .map_or_else(|| "nothing".to_owned(), Value::to_string)
    };
    for name in differing(wanted, kept) {
        eprintln!(
            "warning: {label}: asked for {name} {}, the server kept {}",
            shown(wanted, name),
            shown(kept, name)
        );
    }
}

/// Uploads a record's file with its texts, then its translations; answers with its id.
async fn create(
    api: &Api,
    dir: &Path,
    key: &str,
    wanted: &Map<String, Value>,
    written: &mut Vec<Written>,
) -> Result<String, ClientError> {
    let mut texts: Vec<(&str, String)> = ["alt", "title"]
        .into_iter()
        .filter_map(|name| Some((name, wanted.get(name)?.as_str()?.to_owned())))
        .collect();
    if let Some(focal) = wanted.get("focal") {
        for (part, axis) in [("focal_x", "x"), ("focal_y", "y")] {
            if let Some(fraction) = focal[axis].as_f64() {
                texts.push((part, fraction.to_string()));
            }
        }
    }
    let path = file_path(dir, field(wanted, "sha256"));
    let mut made = media::upload(api, &path, field(wanted, "filename"), &texts).await?;
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    written.push(Written::Uploaded(id.clone()));
    if let Some(translations) = wanted.get("translations") {
        let path = format!("{LIBRARY}/{}", encode(&id));
        let body = json!({ "translations": translations });
        made = api
            .send(Method::PATCH, &path, Some(&body), None)
            .await?
            .body["data"]
            .take();
    }
    warn_differences(&format!("media/{key}"), wanted, &portable(&made));
    Ok(id)
}

/// Undoes an import's writes to the library, newest first; answers with what failed.
pub async fn roll_back(api: &Api, written: &[Written]) -> Vec<String> {
    let mut failures = Vec::new();
    for write in written.iter().rev() {
        let (id, undone) = match write {
            Written::Uploaded(id) => {
                let path = format!("{LIBRARY}/{}", encode(id));
                (
                    id,
                    api.send(Method::DELETE, &path, None, None)
                        .await
                        .map(|_| ()),
                )
            }
            Written::Updated(id, before, after) => {
                let label = format!("media {id}");
                (id, update(api, &label, id, before, after).await)
            }
        };
        if let Err(error) = undone {
            failures.push(format!("  media {id}: {error}"));
        }
    }
    failures
}
