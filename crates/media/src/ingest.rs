//! Accepting an upload: from a byte stream to a clean, content-addressed original.
//!
//! Flow, and why:
//! 1. [`MediaStore::spool`] streams the upload to `tmp/<ulid>`, hashing and counting under the
//!    byte cap, so slow or oversized uploads never sit in memory.
//! 2. The spooled bytes are read back once (at most the cap, e.g. 50 MiB).
//! 3. On a blocking thread, [`prepare`] sniffs the real type, checks the image header
//!    against the pixel limits *before* decoding, strips metadata (or sanitises SVG), and
//!    computes a ThumbHash. Stripping changes the bytes, so this must precede hashing.
//! 4. The prepared bytes are stored under *their* SHA-256 ([`MediaStore::put_original`]):
//!    the content address is the hash of what is stored, and GPS data never reaches the store.
//! 5. The tmp object is removed on success and on every failure.

use bytes::Bytes;
use futures_util::Stream;

use crate::store::{MediaStore, Spooled};
use crate::{ImageLimits, MediaError, MediaKind, read_header, sniff, strip_metadata, svg};

/// What an upload may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestPolicy {
    /// Largest accepted upload in bytes.
    pub max_bytes: u64,
    /// Pixel limits for raster images.
    pub limits: ImageLimits,
    /// The kinds accepted; others are refused as unsupported before anything is stored.
    pub allowed: Vec<MediaKind>,
}

impl Default for IngestPolicy {
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            limits: ImageLimits::default(),
            allowed: MediaKind::ALL.to_vec(),
        }
    }
}

/// Checked, cleaned bytes ready to store, with what was learnt about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The bytes to store: stripped, sanitised, or (PDF) as received.
    pub bytes: Bytes,
    /// The sniffed kind.
    pub kind: MediaKind,
    /// Displayed width and height of a raster image (orientation applied).
    pub dimensions: Option<(u32, u32)>,
    /// ThumbHash of a raster image, base64.
    pub thumbhash: Option<String>,
}

/// Sniffs, checks limits and cleans `bytes`. CPU-bound: run it on a blocking thread.
pub fn prepare(bytes: Bytes, limits: &ImageLimits) -> Result<Prepared, MediaError> {
    let kind = sniff(&bytes)?;
    let (bytes, dimensions, thumbhash) = match kind {
        MediaKind::Svg => (Bytes::from(svg::sanitize(&bytes)?), None, None),
        // PDF cannot be made inert here; it is stored as is and served as an attachment.
        MediaKind::Pdf => (bytes, None, None),
        raster => {
            let header = read_header(&bytes, raster, limits)?;
            let stripped = Bytes::from(strip_metadata(&bytes, raster)?);
            drop(bytes);
            let hash = crate::thumbhash(&stripped, raster, limits)?;
            (stripped, Some(header.display_dimensions()), Some(hash))
        }
    };
    Ok(Prepared {
        bytes,
        kind,
        dimensions,
        thumbhash,
    })
}

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// Content address of the stored bytes.
    pub sha256: String,
    /// Stored size in bytes (after stripping).
    pub size: u64,
    /// The sniffed kind; its MIME type is `kind.mime()`.
    pub kind: MediaKind,
    /// Displayed width and height of a raster image.
    pub dimensions: Option<(u32, u32)>,
    /// ThumbHash of a raster image, base64.
    pub thumbhash: Option<String>,
    /// Identical bytes were already stored.
    pub deduplicated: bool,
}

/// Receives, checks, cleans and stores an upload (see the module docs for the flow).
pub async fn ingest<S>(
    store: &MediaStore,
    stream: S,
    policy: &IngestPolicy,
) -> Result<Ingested, MediaError>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send,
{
    let spooled = store.spool(stream, policy.max_bytes).await?;
    let result = store_spooled(store, &spooled, policy).await;
    let discarded = store.discard(&spooled).await;
    let ingested = result?;
    discarded?;
    Ok(ingested)
}

async fn store_spooled(
    store: &MediaStore,
    spooled: &Spooled,
    policy: &IngestPolicy,
) -> Result<Ingested, MediaError> {
    // Refuse unknown and unwanted types before reading the whole upload back.
    if !policy.allowed.contains(&sniff(&spooled.head)?) {
        return Err(MediaError::UnsupportedFileType);
    }
    let bytes = store.read_spooled(spooled).await?;
    let limits = policy.limits;
    let prepared = tokio::task::spawn_blocking(move || prepare(bytes, &limits))
        .await
        .map_err(|error| MediaError::RenderFailed(error.to_string()))??;
    let stored = store.put_original(prepared.bytes).await?;
    Ok(Ingested {
        sha256: stored.sha256,
        size: stored.size,
        kind: prepared.kind,
        dimensions: prepared.dimensions,
        thumbhash: prepared.thumbhash,
        deduplicated: stored.deduplicated,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use futures_util::stream;
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::store::tests::{chunks, files_under, local_store};

    #[tokio::test]
    async fn gps_never_reaches_the_store_and_the_address_is_of_stored_bytes() {
        let (dir, store) = local_store();
        let original = crate::strip::tests::jpeg_with_metadata(6);

        let ingested = ingest(
            &store,
            stream::iter(chunks(&original, 100)),
            &IngestPolicy::default(),
        )
        .await
        .unwrap();

        assert_eq!(ingested.kind, MediaKind::Jpeg);
        assert_eq!(ingested.dimensions, Some((8, 16)));
        assert!(ingested.thumbhash.is_some());
        let stored = store.get_original(&ingested.sha256, None).await.unwrap();
        let stored = stored.bytes().await.unwrap();
        assert_eq!(hex::encode(Sha256::digest(&stored)), ingested.sha256);
        assert_eq!(stored.len() as u64, ingested.size);
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&stored))
            .unwrap();
        assert!(
            exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_none()
        );
        assert_eq!(exif.fields().count(), 1, "only Orientation remains");
        let sha = &ingested.sha256;
        assert_eq!(
            files_under(dir.path()),
            vec![format!("media/originals/{}/{sha}", &sha[..2])],
            "tmp is cleaned up"
        );

        let again = ingest(
            &store,
            stream::iter(chunks(&original, 7)),
            &IngestPolicy::default(),
        )
        .await
        .unwrap();
        assert!(again.deduplicated);
        assert_eq!(again.sha256, ingested.sha256);
    }

    #[tokio::test]
    async fn html_named_jpg_is_refused_and_leaves_nothing() {
        let (dir, store) = local_store();
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        let error = ingest(
            &store,
            stream::iter(chunks(html, 10)),
            &IngestPolicy::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(error.code(), "unsupported_file_type");
        assert_eq!(files_under(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn pixel_bomb_is_refused_and_leaves_nothing() {
        let (dir, store) = local_store();
        let bomb = crate::limits::tests::png_bomb(100_000, 100_000);
        let error = ingest(
            &store,
            stream::iter(chunks(&bomb, 10)),
            &IngestPolicy::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(error.code(), "image_too_large");
        assert_eq!(files_under(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn svg_is_stored_sanitised() {
        let (_dir, store) = local_store();
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="1" height="1"/></svg>"#;
        let ingested = ingest(
            &store,
            stream::iter(chunks(svg, 16)),
            &IngestPolicy::default(),
        )
        .await
        .unwrap();
        assert_eq!(ingested.kind.mime(), "image/svg+xml");
        let stored = store.get_original(&ingested.sha256, None).await.unwrap();
        let stored = String::from_utf8(stored.bytes().await.unwrap().to_vec()).unwrap();
        assert!(!stored.contains("alert"), "{stored}");
        assert!(stored.contains("<rect"), "{stored}");
    }
}
