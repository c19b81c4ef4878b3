//! The embedded builds' files (build.rs writes `OUT_DIR/app.rs` and `OUT_DIR/graphiql.rs`)
//! and which file a path under a build's mount serves.

/// One file of a build.
pub struct File {
    /// Path under the mount, e.g. `index.html` or `assets/index-3f2a1b.js`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// A strong validator of `bytes` (a quoted content hash).
    pub etag: &'static str,
}

/// Vite puts the bundles, with content hashes in their names, in this folder.
const HASHED_DIR: &str = "assets/";

/// One Vite build: its files and the HTML page it opens with.
pub struct Build {
    pub files: &'static [File],
    /// Served for the mount itself (`/admin`, `/admin/`).
    page: &'static str,
    /// Whether any other path that is not a file gets the page too: the app routes on
    /// the client, so `/admin/content/post` is its page; GraphiQL has no routes.
    client_routes: bool,
}

/// The editors' web app.
pub static APP: Build = Build {
    files: include!(concat!(env!("OUT_DIR"), "/app.rs")),
    page: "index.html",
    client_routes: true,
};

/// GraphiQL.
pub static GRAPHIQL: Build = Build {
    files: include!(concat!(env!("OUT_DIR"), "/graphiql.rs")),
    page: "graphiql.html",
    client_routes: false,
};

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

impl Build {
    /// What a path under the mount (without it or its slash) serves, by its index in
    /// `files`: the file itself, else the page for the mount or a client-side route.
    /// `None` for anything else, such as a missing file under the hashed folder.
    pub fn lookup(&self, path: &str) -> Option<usize> {
        if let Some(index) = self.files.iter().position(|file| file.path == path) {
            return Some(index);
        }
        let page = path.is_empty() || (self.client_routes && !path.starts_with(HASHED_DIR));
        if !page {
            return None;
        }
        self.files.iter().position(|file| file.path == self.page)
    }
}
