//! The Civitas content model: content types, fields and their kinds, validation of
//! entry data, rich text rendering and the list-query model.
//!
//! Everything here is pure data and logic, with no I/O, so the store, the API and
//! plugins share one definition of what a valid entry is.

pub mod content_type;
pub mod definition;
pub mod entry;
pub mod field;
pub mod query;
pub mod registry;
pub mod richtext;
pub mod slug;
pub mod validate;

pub use content_type::ContentType;
pub use entry::{Status, SystemField};
pub use field::{Field, FieldKind};
pub use registry::TypeRegistry;
pub use validate::{FieldError, WriteMode};
