//! Demo content for the organization's site, from `schema/seed/` (compiled in). Seeding
//! goes through the same validated write path as the admin API, and skips every entry
//! whose slug already exists, so running it twice changes nothing.

use civitas_api::AppState;
use civitas_core::Status;
use civitas_store::{Actor, Edit, Version};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::seed_media::SeedMedia;

/// Seed files in dependency order: experts and partners before the posts and studies
/// that cite them.
const SEED_SOURCES: [(&str, &str, &str); 5] = [
    (
        "expert",
        "schema/seed/expert.toml",
        include_str!("../schema/seed/expert.toml"),
    ),
    (
        "partner",
        "schema/seed/partner.toml",
        include_str!("../schema/seed/partner.toml"),
    ),
    (
        "page",
        "schema/seed/page.toml",
        include_str!("../schema/seed/page.toml"),
    ),
    (
        "post",
        "schema/seed/post.toml",
        include_str!("../schema/seed/post.toml"),
    ),
    (
        "study",
        "schema/seed/study.toml",
        include_str!("../schema/seed/study.toml"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    entries: Vec<Map<String, Value>>,
}

/// What a seeding run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub created: usize,
    pub skipped: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{file}: {message}")]
    File { file: &'static str, message: String },
    #[error("{file}: entry `{slug}`: {message}")]
    Entry {
        file: &'static str,
        slug: String,
        message: String,
    },
}

/// Creates and publishes every demo entry that does not exist yet. No client waits for
/// it, so plugin calls get the clock of `unhurried` work.
pub async fn seed(state: &AppState) -> Result<SeedReport, SeedError> {
    civitas_plugin_host::unhurried(seed_missing(state)).await
}

async fn seed_missing(state: &AppState) -> Result<SeedReport, SeedError> {
    let actor = Actor::system("seed");
    let store = &state.store;
    let mut report = SeedReport::default();
    let mut media = SeedMedia::load().map_err(|message| SeedError::File {
        file: "schema/seed/media.toml",
        message,
    })?;
    for (type_id, file, text) in SEED_SOURCES {
        // Plugin types exist only when their plugin loaded; their demo content waits.
        let Some(content_type) = store.registry().get(type_id).cloned() else {
            tracing::warn!(
                type_id,
                "no such content type (is its plugin loaded?): its demo content is skipped"
            );
            continue;
        };
        let seed: SeedFile = toml::from_str(text).map_err(|e| SeedError::File {
            file,
            message: e.to_string(),
        })?;
        for mut input in seed.entries {
            let slug = input
                .get("slug")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let fail = |message: String| SeedError::Entry {
                file,
                slug: slug.clone(),
                message,
            };
            if slug.is_empty() {
                return Err(fail("every seed entry needs a slug".into()));
            }
            if store
                .find(&content_type, &slug, Version::Working)
                .await
                .map_err(|e| fail(e.to_string()))?
                .is_some()
            {
                report.skipped += 1;
                continue;
            }
            media
                .resolve(state, &content_type, &mut input, &actor)
                .await
                .map_err(fail)?;
            let entry = civitas_api::create_entry(state, &content_type, input, &actor)
                .await
                .map_err(|e| fail(describe(&e)))?;
            let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
            store
                .set_status(
                    &content_type,
                    id,
                    Status::Published,
                    Edit::new(&actor, "entry.publish"),
                )
                .await
                .map_err(|e| fail(e.to_string()))?;
            report.created += 1;
        }
    }
    tracing::info!(
        created = report.created,
        skipped = report.skipped,
        "demo content seeded"
    );
    Ok(report)
}

fn describe(error: &civitas_api::error::ApiError) -> String {
    let details: Vec<String> = error
        .details
        .iter()
        .map(|d| format!("{}: {} ({})", d.field, d.message, d.code))
        .collect();
    if details.is_empty() {
        error.message.clone()
    } else {
        format!("{}: {}", error.message, details.join("; "))
    }
}
