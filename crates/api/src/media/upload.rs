//! Receiving a file: the `multipart/form-data` body of an upload, streamed field by field
//! so the file goes to the store as it arrives (never whole in memory), under its own size
//! limit (`media.max_upload_bytes`, not the JSON body limit).

use civitas_media::{Ingested, MediaError, ingest};
use futures_util::TryStreamExt;
use poem::web::Multipart;
use poem::{FromRequest, Request, RequestBody};
use poem_openapi::error::ContentTypeError;
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaMediaType, MetaRequest, MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};
use tokio_util::io::ReaderStream;

use crate::error::{ApiError, ErrorCode};
use crate::media::MediaLibrary;
use crate::media::record::{Focal, MediaText};

/// A `multipart/form-data` upload body, read lazily by the route: a file with its texts
/// and focal point (`TEXTS`), or (replacing a file) the file alone.
pub struct UploadForm<const TEXTS: bool>(pub Multipart);

/// The body of an upload.
pub type NewFileForm = UploadForm<true>;
/// The body of a replacement.
pub type FileOnlyForm = UploadForm<false>;

impl<const TEXTS: bool> Payload for UploadForm<TEXTS> {
    const CONTENT_TYPE: &'static str = "multipart/form-data";

    fn check_content_type(content_type: &str) -> bool {
        content_type
            .split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(Self::CONTENT_TYPE))
    }

    fn schema_ref() -> MetaSchemaRef {
        let text = |description: &'static str, max: usize| {
            MetaSchemaRef::Inline(Box::new(MetaSchema {
                description: Some(description),
                max_length: Some(max),
                ..MetaSchema::new("string")
            }))
        };
        let fraction = |description: &'static str| {
            MetaSchemaRef::Inline(Box::new(MetaSchema {
                description: Some(description),
                minimum: Some(0.0),
                maximum: Some(1.0),
                ..MetaSchema::new("number")
            }))
        };
        let file = MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(
                "The file. Its type is sniffed from the bytes (JPEG, PNG, WebP, GIF, SVG, PDF by default; `media.allowed_types`); the client's type and extension are ignored.",
            ),
            format: Some("binary"),
            ..MetaSchema::new("string")
        }));
        let mut properties = vec![("file", file)];
        if TEXTS {
            properties.extend([
                ("alt", text("Alt text in the default locale.", MAX_ALT)),
                ("title", text("Title in the default locale.", MAX_TITLE)),
                (
                    "focal_x",
                    fraction("Focal point, fraction of the width from the left (default 0.5)."),
                ),
                (
                    "focal_y",
                    fraction("Focal point, fraction of the height from the top (default 0.5)."),
                ),
            ]);
        }
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            required: vec!["file"],
            properties,
            ..MetaSchema::new("object")
        }))
    }
}

/// What poem-openapi's own payloads get from its `impl_apirequest_for_payload` macro: the
/// body, checked for its content type (415 otherwise), documented as the request.
impl<'a, const TEXTS: bool> ApiExtractor<'a> for UploadForm<TEXTS> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Self as Payload>::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType {
                content_type: Self::CONTENT_TYPE,
                schema: Self::schema_ref(),
            }],
            required: true,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        match request.content_type() {
            Some(content_type) if Self::check_content_type(content_type) => {
                <Self as ParsePayload>::from_request(request, body).await
            }
            Some(content_type) => Err(ContentTypeError::NotSupported {
                content_type: content_type.to_owned(),
            }
            .into()),
            None => Err(ContentTypeError::ExpectContentType.into()),
        }
    }
}

impl<const TEXTS: bool> ParsePayload for UploadForm<TEXTS> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(UploadForm(
            <Multipart as FromRequest>::from_request(request, body).await?,
        ))
    }
}

pub const MAX_ALT: usize = 1000;
pub const MAX_TITLE: usize = 300;
/// Longest text part accepted (the alt text and title are far shorter).
const MAX_TEXT_PART: usize = 8 * 1024;

/// What an upload form held, the file already stored.
pub struct Received {
    pub file: Ingested,
    pub filename: String,
    pub text: MediaText,
    pub focal: Option<Focal>,
}

/// A refused form, with the address of bytes already stored for it (which the caller
/// drops unless another record shares them).
pub struct Rejected {
    pub error: ApiError,
    pub stored: Option<String>,
}

/// Reads the form: `file` streamed into the store, the text parts kept. `file_only` refuses
/// everything but the file (replacing a file keeps its texts).
pub async fn receive(
    library: &MediaLibrary,
    form: Multipart,
    file_only: bool,
) -> Result<Received, Rejected> {
    let mut file: Option<(Ingested, String)> = None;
    let read = read_form(library, form, file_only, &mut file).await;
    let stored = file.as_ref().map(|(ingested, _)| ingested.sha256.clone());
    let (text, focal) = read.map_err(|error| Rejected {
        error,
        stored: stored.clone(),
    })?;
    let Some((file, filename)) = file else {
        return Err(Rejected {
            error: invalid_part("file", "the form has no `file` part"),
            stored,
        });
    };
    let filename = clean_filename(&filename, file.kind.extension());
    Ok(Received {
        file,
        filename,
        text,
        focal,
    })
}

async fn read_form(
    library: &MediaLibrary,
    mut form: Multipart,
    file_only: bool,
    file: &mut Option<(Ingested, String)>,
) -> Result<(MediaText, Option<Focal>), ApiError> {
    let mut text = MediaText::default();
    let (mut focal_x, mut focal_y) = (None, None);
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if file.is_none() => {
                let filename = field.file_name().unwrap_or("file").to_owned();
                let stream = ReaderStream::new(field.into_async_read());
                let ingested = ingest(&library.store, stream, &library.ingest_policy())
                    .await
                    .map_err(media_error)?;
                *file = Some((ingested, filename));
            }
            "file" => return Err(invalid_part("file", "send one file per upload")),
            "alt" | "title" | "focal_x" | "focal_y" if !file_only => {
                let value = read_text(field, &name).await?;
                match name.as_str() {
                    "alt" => text.alt = Some(bounded(value, "alt", MAX_ALT)?),
                    "title" => text.title = Some(bounded(value, "title", MAX_TITLE)?),
                    "focal_x" => focal_x = Some(fraction(&value, "focal_x")?),
                    _ => focal_y = Some(fraction(&value, "focal_y")?),
                }
            }
            other => {
                let allowed = if file_only {
                    "`file`"
                } else {
                    "`file`, `alt`, `title`, `focal_x` and `focal_y`"
                };
                return Err(invalid_part(
                    other,
                    &format!("unknown part `{other}`: the form takes {allowed}"),
                ));
            }
        }
    }
    let focal = match (focal_x, focal_y) {
        (None, None) => None,
        (x, y) => Some(Focal {
            x: x.unwrap_or(0.5),
            y: y.unwrap_or(0.5),
        }),
    };
    Ok((text, focal))
}

async fn read_text(field: poem::web::Field, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    let mut stream = ReaderStream::new(field.into_async_read());
    while let Some(chunk) = stream.try_next().await.map_err(|_| unreadable_io())? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_PART {
            return Err(invalid_part(name, "this part is too long"));
        }
    }
    String::from_utf8(bytes).map_err(|_| invalid_part(name, "this part is not UTF-8 text"))
}

fn bounded(value: String, name: &str, max: usize) -> Result<String, ApiError> {
    check_length(name, &value, max)?;
    Ok(value)
}

/// An alt text or title within its length (counted in characters).
pub fn check_length(field: &str, text: &str, max: usize) -> Result<(), ApiError> {
    if text.chars().count() > max {
        return Err(ApiError::invalid_field(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

fn fraction(value: &str, name: &str) -> Result<f64, ApiError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| {
            ApiError::invalid_field(name, "invalid_focal", "must be a number from 0 to 1")
        })
}

/// A name safe in a URL path and a `Content-Disposition` header: letters, digits, dots,
/// hyphens and underscores, at most 100 characters, ending in the real type's extension.
pub fn clean_filename(given: &str, extension: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let mut cleaned = String::new();
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && cleaned.ends_with('-')) {
            cleaned.push(c);
        }
    }
    let cleaned: String = cleaned.trim_matches('-').chars().take(90).collect();
    let stem = if cleaned.is_empty() { "file" } else { &cleaned };
    format!("{stem}.{extension}")
}

fn invalid_part(part: &str, message: &str) -> ApiError {
    ApiError::invalid_field(part, "invalid_upload", message)
}

fn unreadable(error: poem::error::ParseMultipartError) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidBody,
        format!("the multipart/form-data body could not be read: {error}"),
    )
}

fn unreadable_io() -> ApiError {
    ApiError::new(ErrorCode::InvalidBody, "the upload could not be read")
}

/// The answer for a media failure, with its stable code.
pub fn media_error(error: MediaError) -> ApiError {
    let code = match &error {
        MediaError::UnsupportedFileType => ErrorCode::UnsupportedFileType,
        MediaError::ImageTooLarge { .. } => ErrorCode::ImageTooLarge,
        MediaError::TooLarge { .. } => ErrorCode::FileTooLarge,
        MediaError::InvalidTransform(_) => ErrorCode::InvalidTransform,
        MediaError::InvalidSignature => ErrorCode::InvalidSignature,
        MediaError::DecodeFailed(_) => ErrorCode::InvalidFile,
        MediaError::NotFound => ErrorCode::MediaNotFound,
        MediaError::RangeNotSatisfiable { .. } => ErrorCode::RangeNotSatisfiable,
        MediaError::Upload(_) => ErrorCode::InvalidBody,
        MediaError::Busy | MediaError::RenderTimeout(_) => ErrorCode::Busy,
        MediaError::Storage(_) | MediaError::InvalidStoreUrl(_) => ErrorCode::MediaStoreUnavailable,
        _ => ErrorCode::Internal,
    };
    if code == ErrorCode::Internal || code == ErrorCode::MediaStoreUnavailable {
        tracing::error!(%error, "media failure");
    }
    let mut answer = ApiError::new(code, error.to_string());
    if code == ErrorCode::Busy || code == ErrorCode::MediaStoreUnavailable {
        answer.retry_after = Some(1);
    }
    answer
}
