//! The media library over HTTP: admin routes to upload and manage files, the asset route
//! that serves them and their variants, and media fields embedded in entries.

mod asset_cache;
mod asset_doc;
mod assets;
mod create;
mod embed;
mod library;
mod record;
mod routes;
mod sweeper;
mod upload;
mod upload_body;

pub use asset_doc::asset_path_item;
pub use assets::asset;
pub use create::store_bytes;
pub use embed::embed_media;
pub use library::{MediaLibrary, MediaSettings, TransformPolicy};
pub use record::{Focal, MediaText, describe_inputs, embed_schema};
pub use routes::MediaApi;
pub use sweeper::sweep_uploads;
pub use upload_body::guarded as guarded_upload;
