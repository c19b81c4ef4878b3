//! The `[media]` settings: where files go, what an upload may be, and how variants may be
//! asked for; checked at start and turned into the API's [`MediaSettings`].

use std::time::Duration;

use civitas_api::media::{MediaSettings, TransformPolicy};
use civitas_media::{ImageLimits, MediaKind, Presets, StoreOptions};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    pub store: String,
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_allow_http: bool,
    pub s3_access_key_id: String,
    #[serde(deserialize_with = "crate::config::text")]
    pub s3_secret_access_key: String,
    pub max_upload_bytes: u64,
    pub max_input_pixels: u64,
    pub allowed_types: Vec<String>,
    pub transform_policy: String,
    #[serde(deserialize_with = "crate::config::text")]
    pub signing_key: String,
    pub presets: Presets,
    pub render_concurrency: usize,
    pub render_queue: usize,
    pub render_timeout_ms: u64,
    pub base_url: String,
    pub cache_mib: u64,
}

/// Shortest `media.signing_key`: HMAC keys shorter than this are guessable.
const MIN_SIGNING_KEY_LEN: usize = 32;

/// Semantic checks a type cannot express, as (key, problem).
pub fn check(media: &MediaConfig) -> Result<(), (&'static str, String)> {
    let store = &media.store;
    if !["file://", "s3://", "memory://"]
        .iter()
        .any(|scheme| store.starts_with(scheme))
    {
        return Err((
            "media.store",
            format!("must start with file://, s3:// or memory://, not `{store}`"),
        ));
    }
    if media.max_upload_bytes < 1024 {
        return Err(("media.max_upload_bytes", "must be at least 1024".into()));
    }
    if media.max_input_pixels < 1 {
        return Err(("media.max_input_pixels", "must be at least 1".into()));
    }
    if let Some(bad) = media
        .allowed_types
        .iter()
        .find(|t| MediaKind::from_mime(t).is_none())
    {
        let known: Vec<&str> = MediaKind::ALL.iter().map(|k| k.mime()).collect();
        return Err((
            "media.allowed_types",
            format!("`{bad}` is not one of {}", known.join(", ")),
        ));
    }
    let Some(policy) = TransformPolicy::parse(&media.transform_policy) else {
        return Err((
            "media.transform_policy",
            format!(
                "must be any, presets or signed, not `{}`",
                media.transform_policy
            ),
        ));
    };
    let key_len = media.signing_key.chars().count();
    if policy == TransformPolicy::Signed && key_len < MIN_SIGNING_KEY_LEN {
        return Err((
            "media.signing_key",
            format!(
                "must have at least {MIN_SIGNING_KEY_LEN} characters with transform_policy = \"signed\""
            ),
        ));
    }
    if media.render_queue == 0 {
        return Err(("media.render_queue", "must be at least 1".into()));
    }
    if !(100..=120_000).contains(&media.render_timeout_ms) {
        return Err((
            "media.render_timeout_ms",
            "must be from 100 to 120000".into(),
        ));
    }
    if media.base_url.ends_with('/') {
        return Err(("media.base_url", "must not end with `/`".into()));
    }
    Ok(())
}

pub fn settings(media: &MediaConfig) -> MediaSettings {
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    MediaSettings {
        store_url: media.store.clone(),
        store_options: StoreOptions {
            endpoint: non_empty(&media.s3_endpoint),
            region: non_empty(&media.s3_region),
            allow_http: media.s3_allow_http,
            access_key_id: non_empty(&media.s3_access_key_id),
            secret_access_key: non_empty(&media.s3_secret_access_key),
        },
        max_upload_bytes: media.max_upload_bytes,
        limits: ImageLimits {
            max_pixels: media.max_input_pixels,
            ..ImageLimits::default()
        },
        allowed: media
            .allowed_types
            .iter()
            .filter_map(|t| MediaKind::from_mime(t))
            .collect(),
        transform_policy: TransformPolicy::parse(&media.transform_policy)
            .unwrap_or(TransformPolicy::Any),
        signing_key: non_empty(&media.signing_key),
        presets: media.presets.clone(),
        render_concurrency: match media.render_concurrency {
            0 => cores,
            n => n,
        },
        render_queue: media.render_queue,
        render_timeout: Duration::from_millis(media.render_timeout_ms),
        base_url: media.base_url.clone(),
        cache_bytes: media.cache_mib.saturating_mul(1 << 20),
    }
}
