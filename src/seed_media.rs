//! The demo content's images (`schema/seed/media/`, drawn by `scripts/draw-seed-media.py`,
//! compiled in): stored through the same checks as uploads, each only when an entry being
//! seeded names it, so seeding twice stores nothing twice.

use std::collections::HashMap;

use bytes::Bytes;
use civitas_api::AppState;
use civitas_api::media::{Focal, MediaText, store_bytes};
use civitas_core::{ContentType, FieldKind};
use civitas_store::Actor;
use serde::Deserialize;
use serde_json::{Map, Value};

const MANIFEST: &str = include_str!("../schema/seed/media.toml");

macro_rules! seed_files {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_bytes!(concat!("../schema/seed/media/", $name)).as_slice())),*]
    };
}

const FILES: [(&str, &[u8]); 10] = seed_files![
    "expert-john-marwel.png",
    "partner-ministry-of-urban-development.svg",
    "partner-city-hall-of-northbridge.svg",
    "partner-university-of-urban-sciences.svg",
    "partner-smart-grid-solutions.svg",
    "partner-alliance-for-sustainable-cities.svg",
    "page-who-we-are.jpg",
    "page-our-goals-and-vision.jpg",
    "page-buildmycity.jpg",
    "post-this-is-wsco.jpg",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    media: Vec<SeedFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    file: String,
    alt: String,
    title: Option<String>,
    focal_x: Option<f64>,
    focal_y: Option<f64>,
}

/// The demo images, stored on first use.
pub struct SeedMedia {
    files: HashMap<String, SeedFile>,
    stored: HashMap<String, String>,
}

impl SeedMedia {
    pub fn load() -> Result<SeedMedia, String> {
        let manifest: Manifest =
            toml::from_str(MANIFEST).map_err(|e| format!("schema/seed/media.toml: {e}"))?;
        let files = manifest
            .media
            .into_iter()
            .map(|file| (file.file.clone(), file))
            .collect();
        Ok(SeedMedia {
            files,
            stored: HashMap::new(),
        })
    }

    /// Replaces the file names in the entry's media fields with the ids of those files,
    /// storing each the first time it is named.
    pub async fn resolve(
        &mut self,
        state: &AppState,
        content_type: &ContentType,
        input: &mut Map<String, Value>,
        actor: &Actor,
    ) -> Result<(), String> {
        for field in &content_type.fields {
            if !matches!(field.kind, FieldKind::Media { .. }) {
                continue;
            }
            let Some(Value::String(name)) = input.get(&field.name).cloned() else {
                continue;
            };
            let id = self.stored_id(state, &name, actor).await?;
            input.insert(field.name.clone(), Value::String(id));
        }
        Ok(())
    }

    async fn stored_id(
        &mut self,
        state: &AppState,
        name: &str,
        actor: &Actor,
    ) -> Result<String, String> {
        if let Some(id) = self.stored.get(name) {
            return Ok(id.clone());
        }
        let described = self
            .files
            .get(name)
            .ok_or_else(|| format!("`{name}` is not in schema/seed/media.toml"))?;
        let bytes = FILES
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, bytes)| Bytes::from_static(bytes))
            .ok_or_else(|| format!("`{name}` is not compiled in (see seed_media::FILES)"))?;
        let text = MediaText {
            alt: Some(described.alt.clone()),
            title: described.title.clone(),
        };
        let focal = match (described.focal_x, described.focal_y) {
            (Some(x), Some(y)) => Some(Focal { x, y }),
            _ => None,
        };
        let record = store_bytes(state, bytes, name, text, focal, actor)
            .await
            .map_err(|e| format!("storing `{name}`: {}", e.message))?;
        let id = record
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.stored.insert(name.to_owned(), id.clone());
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_described_file_is_compiled_in_and_every_file_described() {
        let media = SeedMedia::load().expect("manifest parses");
        let mut described: Vec<&str> = media.files.keys().map(String::as_str).collect();
        let mut compiled: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
        described.sort_unstable();
        compiled.sort_unstable();
        assert_eq!(described, compiled);
    }
}
