//! The media library a server runs with: where files are stored, what an upload may be,
//! how variants may be asked for, and the gate that keeps renders to a few at a time.

use std::time::Duration;

use crate::media::asset_cache::AssetCache;
use civitas_media::{
    ImageLimits, IngestPolicy, MediaError, MediaKind, MediaStore, Presets, RenderGate,
    StoreOptions, UrlSigner,
};

/// Who may ask for which variants (`media.transform_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransformPolicy {
    /// Any parameters within the bounds.
    Any,
    /// Only the named presets of `media.presets`.
    Presets,
    /// Presets, or parameters with an HMAC signature made with `media.signing_key`.
    Signed,
}

impl TransformPolicy {
    pub fn parse(text: &str) -> Option<TransformPolicy> {
        match text {
            "any" => Some(TransformPolicy::Any),
            "presets" => Some(TransformPolicy::Presets),
            "signed" => Some(TransformPolicy::Signed),
            _ => None,
        }
    }
}

/// Media behaviour that comes from configuration.
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// `file://DIR` or `s3://BUCKET/PREFIX`.
    pub store_url: String,
    pub store_options: StoreOptions,
    pub max_upload_bytes: u64,
    pub limits: ImageLimits,
    /// The kinds an upload may be, sniffed from its bytes.
    pub allowed: Vec<MediaKind>,
    pub transform_policy: TransformPolicy,
    pub signing_key: Option<String>,
    pub presets: Presets,
    /// Renders at once; more wait in line.
    pub render_concurrency: usize,
    /// Renders that may wait for a slot before new ones get `503 busy`.
    pub render_queue: usize,
    pub render_timeout: Duration,
    /// Put before `/assets/...` in the URLs entries show (a CDN's origin, say); empty for
    /// paths relative to this server.
    pub base_url: String,
    /// Memory for small files and variants, in bytes (`media.cache_mib`).
    pub cache_bytes: u64,
}

/// The running media library.
pub struct MediaLibrary {
    pub settings: MediaSettings,
    pub store: MediaStore,
    /// Hands one render's encoded bytes to every request that waited for it.
    pub gate: RenderGate<bytes::Bytes>,
    pub signer: Option<UrlSigner>,
    pub cache: AssetCache,
}

impl MediaLibrary {
    pub fn open(settings: MediaSettings) -> Result<MediaLibrary, MediaError> {
        let store = MediaStore::from_url(&settings.store_url, &settings.store_options)?;
        if settings.transform_policy == TransformPolicy::Signed && settings.signing_key.is_none() {
            return Err(MediaError::InvalidStoreUrl(
                "media.transform_policy = \"signed\" needs media.signing_key".into(),
            ));
        }
        let gate = RenderGate::new(
            settings.render_concurrency,
            settings.render_queue,
            settings.render_timeout,
        );
        let signer = settings
            .signing_key
            .as_ref()
            .map(|key| UrlSigner::new(key.as_bytes().to_vec()));
        let cache = AssetCache::new(settings.cache_bytes);
        Ok(MediaLibrary {
            cache,
            settings,
            store,
            gate,
            signer,
        })
    }

    pub fn ingest_policy(&self) -> IngestPolicy {
        IngestPolicy {
            max_bytes: self.settings.max_upload_bytes,
            limits: self.settings.limits,
            allowed: self.settings.allowed.clone(),
        }
    }
}
