//! The one error type of the crate, with a stable code per variant for API responses.

use std::sync::Arc;
use std::time::Duration;

/// Everything that can go wrong while accepting, storing or rendering media.
///
/// It is `Clone` because one render result is shared by every caller waiting on the same
/// variant (see [`crate::gate`]), so foreign errors are kept behind an `Arc`.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The bytes are not one of the accepted kinds, whatever the client claimed.
    #[error("unsupported file type")]
    UnsupportedFileType,
    /// The header declares more pixels (or a longer side) than allowed.
    #[error("image of {width}x{height} pixels exceeds the limit of {max} pixels")]
    ImageTooLarge {
        /// Width declared by the header.
        width: u32,
        /// Height declared by the header.
        height: u32,
        /// Configured maximum pixel count.
        max: u64,
    },
    /// The upload went past the byte cap.
    #[error("file exceeds the limit of {max_bytes} bytes")]
    TooLarge {
        /// Configured maximum size in bytes.
        max_bytes: u64,
    },
    /// Variant parameters are malformed, out of range or unknown.
    #[error("invalid transform: {0}")]
    InvalidTransform(String),
    /// A signed variant URL carries a missing or wrong signature.
    #[error("invalid or missing signature")]
    InvalidSignature,
    /// The file claims a known type but cannot be parsed.
    #[error("could not decode the file: {0}")]
    DecodeFailed(String),
    /// The variant could not be encoded.
    #[error("could not encode the variant: {0}")]
    EncodeFailed(String),
    /// The requested object does not exist.
    #[error("not found")]
    NotFound,
    /// The requested byte range lies outside the object.
    #[error("range not satisfiable for an object of {size} bytes")]
    RangeNotSatisfiable {
        /// Size of the object.
        size: u64,
    },
    /// The media store URL or its options are not usable.
    #[error("invalid media store configuration: {0}")]
    InvalidStoreUrl(String),
    /// The object store failed.
    #[error("storage error: {0}")]
    Storage(#[source] Arc<object_store::Error>),
    /// Reading the upload stream failed.
    #[error("upload failed: {0}")]
    Upload(#[source] Arc<std::io::Error>),
    /// Too many renders are queued; the caller should retry later.
    #[error("too many renders in progress")]
    Busy,
    /// A render did not finish in time.
    #[error("render timed out after {0:?}")]
    RenderTimeout(Duration),
    /// A render task died (panicked or was cancelled).
    #[error("render failed: {0}")]
    RenderFailed(String),
}

impl MediaError {
    /// A stable, machine-readable code, meant for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedFileType => "unsupported_file_type",
            Self::ImageTooLarge { .. } => "image_too_large",
            Self::TooLarge { .. } => "file_too_large",
            Self::InvalidTransform(_) => "invalid_transform",
            Self::InvalidSignature => "invalid_signature",
            Self::DecodeFailed(_) => "decode_failed",
            Self::EncodeFailed(_) => "encode_failed",
            Self::NotFound => "not_found",
            Self::RangeNotSatisfiable { .. } => "range_not_satisfiable",
            Self::InvalidStoreUrl(_) => "invalid_store_url",
            Self::Storage(_) => "storage_failed",
            Self::Upload(_) => "upload_failed",
            Self::Busy => "busy",
            Self::RenderTimeout(_) => "render_timeout",
            Self::RenderFailed(_) => "render_failed",
        }
    }
}

impl From<object_store::Error> for MediaError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => Self::NotFound,
            other => Self::Storage(Arc::new(other)),
        }
    }
}

impl From<std::io::Error> for MediaError {
    fn from(error: std::io::Error) -> Self {
        Self::Upload(Arc::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        let too_large = MediaError::ImageTooLarge {
            width: 1,
            height: 2,
            max: 1,
        };
        assert_eq!(too_large.code(), "image_too_large");
        assert_eq!(
            MediaError::UnsupportedFileType.code(),
            "unsupported_file_type"
        );
        assert_eq!(
            MediaError::InvalidTransform("w".into()).code(),
            "invalid_transform"
        );
        assert_eq!(MediaError::DecodeFailed("x".into()).code(), "decode_failed");
        assert_eq!(MediaError::Busy.code(), "busy");
    }

    #[test]
    fn object_store_not_found_maps_to_not_found() {
        let error = object_store::Error::NotFound {
            path: "x".into(),
            source: "gone".into(),
        };
        assert_eq!(MediaError::from(error).code(), "not_found");
    }
}
