//! The built app's files, embedded by build.rs (`OUT_DIR/files.rs`).

/// One file of the built app.
pub struct File {
    /// Path under /admin/, e.g. `index.html` or `assets/index-3f2a1b.js`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// A strong validator of `bytes` (a quoted content hash).
    pub etag: &'static str,
}

/// Vite puts the bundles, with content hashes in their names, in this folder.
const HASHED_DIR: &str = "assets/";

static FILES: &[File] = include!(concat!(env!("OUT_DIR"), "/files.rs"));

impl File {
    /// Whether the name changes with the content, so the file may be cached for good.
    pub fn is_hashed(&self) -> bool {
        self.path.starts_with(HASHED_DIR)
    }

    /// Whether compressing it is worth it (text; images and fonts are compressed already).
    pub fn is_compressible(&self) -> bool {
        let kind = self.content_type;
        kind.starts_with("text/") || kind.starts_with("application/") || kind == "image/svg+xml"
    }
}

/// What a path under /admin/ (without the prefix) serves, by its index in `all()`: the
/// file itself, else the app's page for a client-side route. `None` for a missing file
/// under the hashed folder, which no route of the app looks like.
pub fn lookup(path: &str) -> Option<usize> {
    if let Some(index) = FILES.iter().position(|file| file.path == path) {
        return Some(index);
    }
    if path.starts_with(HASHED_DIR) {
        return None;
    }
    FILES.iter().position(|file| file.path == "index.html")
}

pub fn all() -> &'static [File] {
    FILES
}
