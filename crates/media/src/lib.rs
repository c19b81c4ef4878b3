//! Civitas media: everything that happens to an uploaded file between the HTTP layer and the
//! bytes in the object store, and to the image variants derived from it.
//!
//! The flow is: [`sniff()`] the real type from the first bytes, check the image header against
//! [`ImageLimits`] before decoding, [`strip_metadata`] (or [`svg::sanitize`]) so that only
//! clean bytes are stored, store them content-addressed with [`MediaStore`], and render
//! variants on demand with [`render()`] behind a [`RenderGate`]. No HTTP and no database here.

pub mod decode;
pub mod error;
pub mod gate;
pub mod ingest;
pub mod limits;
pub mod render;
pub mod sniff;
pub mod store;
pub mod strip;
pub mod svg;
pub mod thumbhash;
pub mod transform;

pub use decode::decode;
pub use error::MediaError;
pub use gate::RenderGate;
pub use ingest::{IngestPolicy, Ingested, Prepared, ingest, prepare};
pub use limits::{ImageHeader, ImageLimits, read_header};
pub use render::{Rendered, render};
pub use sniff::{MediaKind, SNIFF_LEN, sniff};
pub use store::{MediaObject, MediaStore, Spooled, StoreOptions, StoredOriginal};
pub use strip::strip_metadata;
pub use thumbhash::thumbhash;
pub use transform::{
    Fit, FocalPoint, OutputFormat, Presets, TransformRequest, TransformSpec, UrlSigner,
    VariantQuery, parse_query, variant_key,
};
