//! Object storage of originals and variants over any `object_store` backend (a local
//! directory or S3-compatible), with content-addressed originals and atomic writes.
//!
//! Layout under the store root:
//! - `originals/<sha[0..2]>/<sha256>`: the stored (already stripped or sanitised) bytes,
//!   named by their own SHA-256, so identical uploads are kept once;
//! - `variants/<sha256>/<key>.<ext>`: rendered variants of that original;
//! - `tmp/<ulid>`: uploads being received; whatever is left there is garbage that
//!   [`MediaStore::sweep_tmp`] removes.
//!
//! Every put is atomic in `object_store` (a local file is written aside and renamed), so a
//! reader never sees a half-written variant.

use std::ops::Range;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::MediaError;
use crate::sniff::SNIFF_LEN;
use crate::transform::OutputFormat;

/// Options for S3-compatible stores that the URL cannot carry. Credentials always come from
/// the standard `AWS_*` environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// Endpoint of an S3-compatible service (MinIO, R2, Garage), overriding `AWS_ENDPOINT`.
    pub endpoint: Option<String>,
    /// Region, overriding `AWS_REGION`.
    pub region: Option<String>,
    /// Allow a plain `http://` endpoint (local MinIO).
    pub allow_http: bool,
    /// Access key, overriding `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// Secret key, overriding `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
}

/// An upload received into `tmp/`, not yet checked nor stored under its final name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spooled {
    location: Path,
    /// Hex SHA-256 of the bytes as received.
    pub sha256: String,
    /// Size in bytes as received.
    pub size: u64,
    /// The first bytes (up to [`SNIFF_LEN`]), for [`crate::sniff()`].
    pub head: Vec<u8>,
}

/// An original stored under its content address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOriginal {
    /// Hex SHA-256 of the stored bytes: the content address.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The same bytes were already stored; nothing was written.
    pub deduplicated: bool,
}

/// An object being read, whole or a byte range of it.
pub struct MediaObject {
    /// Size of the whole object.
    pub size: u64,
    /// The bytes `body` yields.
    pub range: Range<u64>,
    /// The store's entity tag, when it provides one.
    pub e_tag: Option<String>,
    /// When the object was written.
    pub last_modified: SystemTime,
    /// The content, streamed.
    pub body: BoxStream<'static, Result<Bytes, MediaError>>,
}

impl std::fmt::Debug for MediaObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaObject")
            .field("size", &self.size)
            .field("range", &self.range)
            .field("e_tag", &self.e_tag)
            .finish_non_exhaustive()
    }
}

impl MediaObject {
    /// Collects the body into memory.
    pub async fn bytes(self) -> Result<Bytes, MediaError> {
        let chunks: Vec<Bytes> = self.body.try_collect().await?;
        Ok(chunks.concat().into())
    }
}

/// Originals and variants in one object store.
#[derive(Debug, Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    root: Path,
}

impl MediaStore {
    /// A store over an existing backend, with every key under `root` (may be empty).
    pub fn new(store: Arc<dyn ObjectStore>, root: Path) -> Self {
        Self { store, root }
    }

    /// Builds a store from `file://<dir>` (a relative directory is resolved against the
    /// current directory and created), `s3://<bucket>[/<prefix>]`, or `memory://` (kept in
    /// this process only: for tests and tools that store nothing).
    pub fn from_url(url: &str, options: &StoreOptions) -> Result<Self, MediaError> {
        let invalid = |message: String| MediaError::InvalidStoreUrl(message);
        if url == "memory://" {
            let memory = object_store::memory::InMemory::new();
            return Ok(Self::new(Arc::new(memory), Path::default()));
        }
        if let Some(dir) = url.strip_prefix("file://") {
            if dir.is_empty() {
                return Err(invalid("file:// needs a directory".into()));
            }
            let mut path = PathBuf::from(dir);
            if path.is_relative() {
                let cwd = std::env::current_dir()
                    .map_err(|e| invalid(format!("current directory: {e}")))?;
                path = cwd.join(path);
            }
            std::fs::create_dir_all(&path)
                .map_err(|e| invalid(format!("cannot create {}: {e}", path.display())))?;
            let local = LocalFileSystem::new_with_prefix(&path)
                .map_err(|e| invalid(e.to_string()))?
                .with_automatic_cleanup(true);
            return Ok(Self::new(Arc::new(local), Path::default()));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(invalid("s3:// needs a bucket".into()));
            }
            let mut builder = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_allow_http(options.allow_http);
            if let Some(endpoint) = &options.endpoint {
                builder = builder.with_endpoint(endpoint);
            }
            if let Some(region) = &options.region {
                builder = builder.with_region(region);
            }
            if let Some(key) = &options.access_key_id {
                builder = builder.with_access_key_id(key);
            }
            if let Some(secret) = &options.secret_access_key {
                builder = builder.with_secret_access_key(secret);
            }
            let s3 = builder.build().map_err(|e| invalid(e.to_string()))?;
            let root = Path::parse(prefix).map_err(|e| invalid(e.to_string()))?;
            return Ok(Self::new(Arc::new(s3), root));
        }
        Err(invalid(format!(
            "{url:?} is neither file://, s3:// nor memory://"
        )))
    }

    fn key(&self, parts: &[&str]) -> Path {
        parts
            .iter()
            .fold(self.root.clone(), |path, part| path.join(*part))
    }

    fn original_path(&self, sha256: &str) -> Result<Path, MediaError> {
        check_hex(sha256)?;
        Ok(self.key(&["originals", &sha256[..2], sha256]))
    }

    fn variant_path(
        &self,
        sha256: &str,
        key: &str,
        format: OutputFormat,
    ) -> Result<Path, MediaError> {
        check_hex(sha256)?;
        check_hex(key)?;
        Ok(self.key(&["variants", sha256, &format!("{key}.{}", format.extension())]))
    }

    /// Receives an upload into `tmp/`, hashing and counting as it streams, so memory stays
    /// bounded by the write buffer. Past `max_bytes` the partial object is aborted and
    /// [`MediaError::TooLarge`] returned; nothing is left behind.
    pub async fn spool<S>(&self, stream: S, max_bytes: u64) -> Result<Spooled, MediaError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send,
    {
        let location = self.key(&["tmp", &ulid::Ulid::new().to_string()]);
        let mut writer = BufWriter::new(Arc::clone(&self.store), location.clone());
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut head = Vec::new();
        let mut stream = pin!(stream);
        let received: Result<(), MediaError> = async {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk?;
                size += chunk.len() as u64;
                if size > max_bytes {
                    return Err(MediaError::TooLarge { max_bytes });
                }
                hasher.update(&chunk);
                if head.len() < SNIFF_LEN {
                    let take = (SNIFF_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                writer.put(chunk).await?;
            }
            writer.shutdown().await?;
            Ok(())
        }
        .await;
        if let Err(error) = received {
            // Best effort: the sweep removes whatever an abort could not.
            let _ = writer.abort().await;
            let _ = self.store.delete(&location).await;
            return Err(error);
        }
        Ok(Spooled {
            location,
            sha256: hex::encode(hasher.finalize()),
            size,
            head,
        })
    }

    /// Reads a spooled upload back into memory, once, for checking and stripping.
    pub async fn read_spooled(&self, spooled: &Spooled) -> Result<Bytes, MediaError> {
        Ok(self.store.get(&spooled.location).await?.bytes().await?)
    }

    /// Removes a spooled upload.
    pub async fn discard(&self, spooled: &Spooled) -> Result<(), MediaError> {
        delete_if_present(self.store.as_ref(), &spooled.location).await
    }

    /// Stores final bytes under their SHA-256. If that original exists already, nothing is
    /// written. Two racing writers of one address write identical bytes, so a plain put is
    /// safe on every backend (S3 has no portable create-if-absent copy).
    pub async fn put_original(&self, bytes: Bytes) -> Result<StoredOriginal, MediaError> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        let location = self.original_path(&sha256)?;
        let deduplicated = exists(self.store.as_ref(), &location).await?;
        if !deduplicated {
            self.store.put(&location, PutPayload::from(bytes)).await?;
        }
        Ok(StoredOriginal {
            sha256,
            size,
            deduplicated,
        })
    }

    /// Whether an original is stored.
    pub async fn original_exists(&self, sha256: &str) -> Result<bool, MediaError> {
        exists(self.store.as_ref(), &self.original_path(sha256)?).await
    }

    /// Reads an original, whole or the byte range `range`.
    pub async fn get_original(
        &self,
        sha256: &str,
        range: Option<Range<u64>>,
    ) -> Result<MediaObject, MediaError> {
        self.get(&self.original_path(sha256)?, range).await
    }

    /// Stores a rendered variant; the put is atomic, so readers see all of it or nothing.
    pub async fn put_variant(
        &self,
        sha256: &str,
        key: &str,
        format: OutputFormat,
        bytes: Bytes,
    ) -> Result<(), MediaError> {
        let location = self.variant_path(sha256, key, format)?;
        self.store.put(&location, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// Whether a variant is stored.
    pub async fn variant_exists(
        &self,
        sha256: &str,
        key: &str,
        format: OutputFormat,
    ) -> Result<bool, MediaError> {
        exists(
            self.store.as_ref(),
            &self.variant_path(sha256, key, format)?,
        )
        .await
    }

    /// Reads a variant, whole or the byte range `range`.
    pub async fn get_variant(
        &self,
        sha256: &str,
        key: &str,
        format: OutputFormat,
        range: Option<Range<u64>>,
    ) -> Result<MediaObject, MediaError> {
        self.get(&self.variant_path(sha256, key, format)?, range)
            .await
    }

    /// Deletes an original and all its variants; absent objects are not an error.
    pub async fn delete_original(&self, sha256: &str) -> Result<(), MediaError> {
        let original = self.original_path(sha256)?;
        let variants = self.key(&["variants", sha256]);
        let mut listing = self.store.list(Some(&variants));
        while let Some(meta) = listing.next().await {
            delete_if_present(self.store.as_ref(), &meta?.location).await?;
        }
        delete_if_present(self.store.as_ref(), &original).await
    }

    /// Deletes `tmp/` entries older than `age` (uploads that crashed or were abandoned) and
    /// returns how many were removed.
    pub async fn sweep_tmp(&self, age: Duration) -> Result<usize, MediaError> {
        let cutoff = SystemTime::now()
            .checked_sub(age)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let tmp = self.key(&["tmp"]);
        let mut listing = self.store.list(Some(&tmp));
        let mut removed = 0;
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if SystemTime::from(meta.last_modified) <= cutoff {
                delete_if_present(self.store.as_ref(), &meta.location).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn get(
        &self,
        location: &Path,
        range: Option<Range<u64>>,
    ) -> Result<MediaObject, MediaError> {
        let mut options = GetOptions::default();
        if let Some(range) = &range {
            // Validated here because stores disagree on how they report a bad range.
            let size = self.store.head(location).await?.size;
            if range.start >= range.end || range.end > size {
                return Err(MediaError::RangeNotSatisfiable { size });
            }
            options.range = Some(GetRange::Bounded(range.clone()));
        }
        let result = self.store.get_opts(location, options).await?;
        Ok(MediaObject {
            size: result.meta.size,
            range: result.range.clone(),
            e_tag: result.meta.e_tag.clone(),
            last_modified: result.meta.last_modified.into(),
            body: result.into_stream().map_err(MediaError::from).boxed(),
        })
    }
}

fn check_hex(value: &str) -> Result<(), MediaError> {
    // Keys come from URLs: anything but 64 lowercase hex digits cannot name an object.
    if value.len() == 64
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(())
    } else {
        Err(MediaError::NotFound)
    }
}

async fn exists(store: &dyn ObjectStore, location: &Path) -> Result<bool, MediaError> {
    match store.head(location).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::NotFound { .. }) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

async fn delete_if_present(store: &dyn ObjectStore, location: &Path) -> Result<(), MediaError> {
    match store.delete(location).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use futures_util::stream;

    use super::*;

    pub(crate) fn chunks(bytes: &[u8], size: usize) -> Vec<Result<Bytes, std::io::Error>> {
        bytes
            .chunks(size)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect()
    }

    pub(crate) fn local_store() -> (tempfile::TempDir, MediaStore) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("file://{}", dir.path().join("media").display());
        let store = MediaStore::from_url(&url, &StoreOptions::default()).unwrap();
        (dir, store)
    }

    pub(crate) fn files_under(dir: &std::path::Path) -> Vec<String> {
        let mut found = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(next) = pending.pop() {
            for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
                if entry.path().is_dir() {
                    pending.push(entry.path());
                } else {
                    let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
                    found.push(relative.display().to_string());
                }
            }
        }
        found.sort();
        found
    }

    #[tokio::test]
    async fn spool_hashes_counts_and_keeps_the_head() {
        let (_dir, store) = local_store();
        let data = vec![7u8; 10_000];
        let spooled = store
            .spool(stream::iter(chunks(&data, 999)), 20_000)
            .await
            .unwrap();
        assert_eq!(spooled.size, 10_000);
        assert_eq!(spooled.sha256, hex::encode(Sha256::digest(&data)));
        assert_eq!(spooled.head.len(), SNIFF_LEN);
        assert_eq!(
            store.read_spooled(&spooled).await.unwrap(),
            Bytes::from(data)
        );
        store.discard(&spooled).await.unwrap();
        assert_eq!(
            store.read_spooled(&spooled).await.unwrap_err().code(),
            "not_found"
        );
    }

    #[tokio::test]
    async fn over_the_cap_is_refused_and_leaves_nothing() {
        let (dir, store) = local_store();
        let data = vec![1u8; 5000];
        let error = store
            .spool(stream::iter(chunks(&data, 1000)), 4500)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "file_too_large");
        assert_eq!(files_under(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn a_failing_stream_leaves_nothing() {
        let (dir, store) = local_store();
        let parts = vec![
            Ok(Bytes::from_static(b"partial")),
            Err(std::io::Error::other("client went away")),
        ];
        let error = store.spool(stream::iter(parts), 1000).await.unwrap_err();
        assert_eq!(error.code(), "upload_failed");
        assert_eq!(files_under(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn originals_are_content_addressed_and_deduplicated() {
        let (dir, store) = local_store();
        let first = store
            .put_original(Bytes::from_static(b"hello"))
            .await
            .unwrap();
        let second = store
            .put_original(Bytes::from_static(b"hello"))
            .await
            .unwrap();
        assert!(!first.deduplicated);
        assert!(second.deduplicated);
        assert_eq!(first.sha256, second.sha256);
        let sha = &first.sha256;
        assert_eq!(
            files_under(dir.path()),
            vec![format!("media/originals/{}/{sha}", &sha[..2])]
        );
        assert!(store.original_exists(sha).await.unwrap());
    }

    #[tokio::test]
    async fn ranges_sizes_and_etags() {
        let (_dir, store) = local_store();
        let stored = store
            .put_original(Bytes::from_static(b"0123456789"))
            .await
            .unwrap();
        let whole = store.get_original(&stored.sha256, None).await.unwrap();
        assert_eq!(whole.size, 10);
        assert!(whole.e_tag.is_some());
        assert_eq!(
            whole.bytes().await.unwrap(),
            Bytes::from_static(b"0123456789")
        );
        let part = store
            .get_original(&stored.sha256, Some(2..5))
            .await
            .unwrap();
        assert_eq!((part.size, part.range.clone()), (10, 2..5));
        assert_eq!(part.bytes().await.unwrap(), Bytes::from_static(b"234"));
        let error = store
            .get_original(&stored.sha256, Some(5..11))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "range_not_satisfiable");
        let error = store
            .get_original("../../etc/passwd", None)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "not_found");
    }

    #[tokio::test]
    async fn variants_live_and_die_with_their_original() {
        let (dir, store) = local_store();
        let stored = store
            .put_original(Bytes::from_static(b"image"))
            .await
            .unwrap();
        let sha = stored.sha256.clone();
        let key = "a".repeat(64);
        assert!(
            !store
                .variant_exists(&sha, &key, OutputFormat::WebP)
                .await
                .unwrap()
        );
        store
            .put_variant(
                &sha,
                &key,
                OutputFormat::WebP,
                Bytes::from_static(b"variant"),
            )
            .await
            .unwrap();
        assert!(
            store
                .variant_exists(&sha, &key, OutputFormat::WebP)
                .await
                .unwrap()
        );
        let variant = store
            .get_variant(&sha, &key, OutputFormat::WebP, None)
            .await
            .unwrap();
        assert_eq!(
            variant.bytes().await.unwrap(),
            Bytes::from_static(b"variant")
        );
        assert!(files_under(dir.path()).contains(&format!("media/variants/{sha}/{key}.webp")));

        store.delete_original(&sha).await.unwrap();

        assert_eq!(files_under(dir.path()), Vec::<String>::new());
        assert!(!store.original_exists(&sha).await.unwrap());
    }

    #[tokio::test]
    async fn sweep_removes_only_old_tmp_entries() {
        let (_dir, store) = local_store();
        let spooled = store
            .spool(stream::iter(chunks(b"abc", 3)), 10)
            .await
            .unwrap();
        assert_eq!(store.sweep_tmp(Duration::from_secs(3600)).await.unwrap(), 0);
        assert!(store.read_spooled(&spooled).await.is_ok());
        assert_eq!(store.sweep_tmp(Duration::ZERO).await.unwrap(), 1);
        assert_eq!(
            store.read_spooled(&spooled).await.unwrap_err().code(),
            "not_found"
        );
    }

    #[test]
    fn urls_are_checked() {
        let options = StoreOptions::default();
        for url in ["ftp://x", "file://", "s3://", "data/media"] {
            let error = MediaStore::from_url(url, &options).unwrap_err();
            assert_eq!(error.code(), "invalid_store_url", "{url}");
        }
        let s3 = StoreOptions {
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: Some("us-east-1".into()),
            allow_http: true,
            ..StoreOptions::default()
        };
        assert!(MediaStore::from_url("s3://bucket/some/prefix", &s3).is_ok());
    }
}
