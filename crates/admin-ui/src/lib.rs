//! The browser pages the binary serves, built from `app/` by build.rs and embedded, so
//! `civitas serve` needs no files beside it: the editors' web app at `/admin` and
//! GraphiQL, the developers' GraphQL page, at `/graphiql`.
//!
//! Files under `<mount>/assets/` carry content hashes in their names and are cached by
//! browsers for a year; a missing one is a 404. The app's other paths that are not files
//! are its own (client-side) routes and get `index.html`; GraphiQL has its one page. Pages
//! are revalidated on every load (`no-cache` with an ETag). Every answer carries its
//! build's strict Content-Security-Policy, and text is sent compressed when the browser
//! accepts it.

mod compress;
mod files;
mod policy;
mod serve;

pub use policy::content_security_policy;
pub use serve::Site;

/// The editors' web app, to mount at `/admin`; `enabled: false` answers 404 there.
/// `media_origin` is the media store's public origin when images are not served by this
/// server (see `content_security_policy`).
pub fn admin_ui(enabled: bool, media_origin: Option<&str>) -> Site {
    let policy = content_security_policy(media_origin);
    Site::new(enabled, "/admin", &files::APP, &policy)
}

/// GraphiQL, to mount at `/graphiql`; `enabled: false` answers 404 there.
pub fn graphiql(enabled: bool) -> Site {
    Site::new(enabled, "/graphiql", &files::GRAPHIQL, policy::GRAPHIQL)
}
