//! Every error the API can answer with, in one table: the stable code, its HTTP status
//! and what it means. Responses, the OpenAPI spec and the README's list all come from
//! here, so a code cannot drift between them.

use civitas_core::FieldError;
use civitas_core::query::{QueryError, QueryErrorCode};
use civitas_store::StoreError;
use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::{ToJSON, Type};
use poem_openapi::{ApiResponse, Object};

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:ident, $meaning:literal;)*) => {
        /// A stable, documented error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The snake_case code clients match on.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status),* }
            }

            /// One line for the docs.
            pub fn meaning(self) -> &'static str {
                match self { $(ErrorCode::$variant => $meaning),* }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", BAD_REQUEST, "The request body is not valid JSON.";
    InvalidBody = "invalid_body", BAD_REQUEST, "The body is JSON but not the expected shape (an entry must be a JSON object; account and token bodies take only their documented fields).";
    InvalidParameter = "invalid_parameter", BAD_REQUEST, "A query, path or header parameter has a value of the wrong kind.";
    UnknownParameter = "unknown_parameter", BAD_REQUEST, "The request has a query parameter this route does not take.";
    InvalidSort = "invalid_sort", BAD_REQUEST, "`sort` names a field that does not exist or is not indexed.";
    InvalidPage = "invalid_page", BAD_REQUEST, "`page[number]`, `page[size]` or `limit` is out of range, or both `page[number]` and `page[after]` are given.";
    InvalidCursor = "invalid_cursor", BAD_REQUEST, "`page[after]` is not a cursor from `meta.page.next` for this `sort`.";
    UnknownField = "unknown_field", BAD_REQUEST, "A filter or `fields` names a field the type does not have (or a private one, on public routes).";
    UnknownOperator = "unknown_operator", BAD_REQUEST, "A filter names an operator that does not exist or does not apply to the field's kind.";
    InvalidValue = "invalid_value", BAD_REQUEST, "A filter value does not fit the field's kind, or a parameter is repeated or over its limit.";
    InvalidInclude = "invalid_include", BAD_REQUEST, "`include` names something that is not a reference field, or goes deeper than `api.max_include_depth`.";
    InvalidSearch = "invalid_search", BAD_REQUEST, "`q` is empty or too long, or the type has no searchable fields.";
    Unauthorized = "unauthorized", UNAUTHORIZED, "The route needs `Authorization: Bearer <token>` with a valid session or API token; this one is missing, wrong, expired or revoked.";
    InvalidCredentials = "invalid_credentials", UNAUTHORIZED, "Login failed: the email or password is wrong (the answer does not say which).";
    Forbidden = "forbidden", FORBIDDEN, "The credential is valid but its role or scopes do not allow this (or an author's change to someone else's entry).";
    TypeNotFound = "type_not_found", NOT_FOUND, "No content type has this id.";
    EntryNotFound = "entry_not_found", NOT_FOUND, "No entry has this id (or slug, on public routes; public routes only see published entries).";
    RouteNotFound = "route_not_found", NOT_FOUND, "No route matches this path.";
    MethodNotAllowed = "method_not_allowed", METHOD_NOT_ALLOWED, "The route exists but not for this HTTP method.";
    Conflict = "conflict", CONFLICT, "Another entry of the type already has this slug or unique value; `details` names the field.";
    WriteConflict = "write_conflict", CONFLICT, "Other writes to the same data kept landing at the same moment, past every retry; nothing was written. Try again.";
    PreconditionFailed = "precondition_failed", PRECONDITION_FAILED, "`If-Match` names a revision the entry has moved on from (someone else changed it; read it again), or is not a tag this server gave out.";
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE, "The body is larger than `limits.max_body_bytes`.";
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "Write bodies must be sent as `Content-Type: application/json`.";
    ValidationFailed = "validation_failed", UNPROCESSABLE_ENTITY, "The entry breaks the type's rules; `details` lists every field error at once.";
    PluginNotFound = "plugin_not_found", NOT_FOUND, "No plugin with this id is loaded.";
    UserNotFound = "user_not_found", NOT_FOUND, "No user account has this id.";
    RevisionNotFound = "revision_not_found", NOT_FOUND, "The entry has no revision with this number (or it is past `storage.keep_revisions`).";
    TokenNotFound = "token_not_found", NOT_FOUND, "No API token has this id.";
    LastAdmin = "last_admin", CONFLICT, "The change would leave no enabled admin account.";
    RateLimited = "rate_limited", TOO_MANY_REQUESTS, "Too many login attempts from this address or on this account; `Retry-After` says how many seconds to wait.";
    PluginRefused = "plugin_refused", UNPROCESSABLE_ENTITY, "A reload found the plugin invalid (bad manifest, hash, types); the old version stays active.";
    Internal = "internal", INTERNAL_SERVER_ERROR, "An unexpected server fault; the server log has the cause.";
    PluginFailed = "plugin_failed", BAD_GATEWAY, "A plugin hook trapped, timed out, hit a limit or returned something invalid; the message names the plugin and hook. Only this request failed.";
    MediaNotFound = "media_not_found", NOT_FOUND, "No media file has this id.";
    MediaInUse = "media_in_use", CONFLICT, "Entries (or their unpublished changes) use this file; `details` names them. Remove it from them first.";
    UnsupportedFileType = "unsupported_file_type", UNSUPPORTED_MEDIA_TYPE, "The uploaded file's bytes are not one of `media.allowed_types` (the client's type and extension are ignored).";
    FileTooLarge = "file_too_large", PAYLOAD_TOO_LARGE, "The upload is larger than `media.max_upload_bytes`; nothing was kept.";
    ImageTooLarge = "image_too_large", UNPROCESSABLE_ENTITY, "The image's header declares more pixels than `media.max_input_pixels`; it was refused before decoding.";
    InvalidFile = "invalid_file", UNPROCESSABLE_ENTITY, "The file claims a supported type but cannot be read (truncated or corrupt).";
    InvalidTransform = "invalid_transform", BAD_REQUEST, "Variant parameters are unknown, repeated, out of range, an unknown preset, or not allowed by `media.transform_policy`.";
    InvalidSignature = "invalid_signature", FORBIDDEN, "With `media.transform_policy = \"signed\"`, the variant URL's `sig` is missing or wrong.";
    RangeNotSatisfiable = "range_not_satisfiable", RANGE_NOT_SATISFIABLE, "The `Range` lies outside the file; `Content-Range` gives its size.";
    Busy = "busy", SERVICE_UNAVAILABLE, "Too many variants are being rendered; `Retry-After` says when to try again.";
    MediaStoreUnavailable = "media_store_unavailable", SERVICE_UNAVAILABLE, "The media object store (`media.store`) failed to answer; `Retry-After` says when to try again.";
    WebhookNotFound = "webhook_not_found", NOT_FOUND, "No webhook has this id.";
    DeliveryNotFound = "delivery_not_found", NOT_FOUND, "The webhook has no delivery attempt with this id (or it is older than `webhooks.delivery_retention`).";
    InvalidTicket = "invalid_ticket", UNAUTHORIZED, "The stream `ticket` is unknown, used already or expired; get a new one from `POST /api/v1/events/ticket`.";
    PluginUnavailable = "plugin_unavailable", SERVICE_UNAVAILABLE, "The plugin behind this type is disabled after repeated faults, until an admin reloads it.";
    StorageUnavailable = "storage_unavailable", SERVICE_UNAVAILABLE, "The database server cannot be reached or did not answer within `storage.timeout`; `Retry-After` says when to try again. A write under way may or may not have been saved: read before repeating it.";
}

/// The error body: `{"error": {"code", "message", "details"}}`.
#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, Object)]
pub struct ErrorInfo {
    /// Stable snake_case code; see the README for the full list.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// Per-field (or per-parameter) problems: every one found, for `validation_failed`;
    /// the clashing field, for `conflict`; the parameter, for the 400 codes. Always
    /// present, empty when the error concerns no one field.
    pub details: Vec<ErrorDetail>,
    /// The request's id (also in the `X-Request-Id` header and the server log).
    pub request_id: String,
}

#[derive(Debug, Clone, Object)]
pub struct ErrorDetail {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<civitas_plugin_host::Issue> for ErrorDetail {
    fn from(issue: civitas_plugin_host::Issue) -> ErrorDetail {
        ErrorDetail {
            field: issue.field,
            code: issue.code,
            message: issue.message,
        }
    }
}

impl From<FieldError> for ErrorDetail {
    fn from(error: FieldError) -> ErrorDetail {
        ErrorDetail {
            field: error.field,
            code: error.code.to_owned(),
            message: error.message,
        }
    }
}

/// The `Retry-After` of a `storage_unavailable` answer: about how often a node that lost
/// its database checks whether it is back.
const STORAGE_RETRY_SECS: u64 = 2;

/// An error answer from any route.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Vec<ErrorDetail>,
    /// Seconds the client should wait, sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    pub fn rate_limited(wait_secs: u64) -> ApiError {
        ApiError {
            retry_after: Some(wait_secs),
            ..ApiError::new(
                ErrorCode::RateLimited,
                format!("too many login attempts; try again in {wait_secs} seconds"),
            )
        }
    }

    /// The database is out of reach; the node reconnects by itself.
    pub fn storage_unavailable() -> ApiError {
        ApiError {
            retry_after: Some(STORAGE_RETRY_SECS),
            ..ApiError::new(
                ErrorCode::StorageUnavailable,
                "the database is unavailable; try again shortly",
            )
        }
    }

    pub fn with_details(mut self, details: Vec<ErrorDetail>) -> ApiError {
        self.details = details;
        self
    }

    /// A 400 about one query parameter, named in `details`.
    pub fn invalid_parameter(name: &str, message: String) -> ApiError {
        let detail = ErrorDetail {
            field: name.to_owned(),
            code: ErrorCode::InvalidParameter.as_str().to_owned(),
            message: message.clone(),
        };
        ApiError::new(ErrorCode::InvalidParameter, message).with_details(vec![detail])
    }

    /// A 422 about one field of the body, named in `details`.
    pub fn invalid_field(
        field: impl Into<String>,
        code: &str,
        message: impl Into<String>,
    ) -> ApiError {
        let (field, message) = (field.into(), message.into());
        ApiError::new(ErrorCode::ValidationFailed, format!("`{field}`: {message}")).with_details(
            vec![ErrorDetail {
                field,
                code: code.to_owned(),
                message,
            }],
        )
    }

    /// A write that kept losing to concurrent writes of the same data.
    pub fn write_conflict() -> ApiError {
        ApiError::new(
            ErrorCode::WriteConflict,
            "other writes to the same data kept landing at the same moment; nothing was written, try again",
        )
    }

    pub fn type_not_found(type_id: &str) -> ApiError {
        ApiError::new(
            ErrorCode::TypeNotFound,
            format!("there is no content type `{type_id}`"),
        )
    }

    pub fn entry_not_found(type_id: &str, key: &str) -> ApiError {
        ApiError::new(
            ErrorCode::EntryNotFound,
            format!("no `{type_id}` entry `{key}`"),
        )
    }

    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        ApiError::invalid(errors.into_iter().map(ErrorDetail::from).collect())
    }

    /// A 422 listing every problem found with the entry: its fields' and its plugin's.
    pub fn invalid(problems: Vec<ErrorDetail>) -> ApiError {
        let count = problems.len();
        ApiError::new(
            ErrorCode::ValidationFailed,
            format!(
                "the entry has {count} problem{}",
                if count == 1 { "" } else { "s" }
            ),
        )
        .with_details(problems)
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorInfo {
                code: self.code.as_str().to_owned(),
                message: self.message.clone(),
                details: self.details.clone(),
                request_id: crate::request_id::current(),
            },
        }
    }
}

impl poem::error::ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.code.status()
    }

    fn as_response(&self) -> Response {
        let body = serde_json::to_vec(&self.body().to_json()).unwrap_or_default();
        let mut response = Response::builder()
            .status(self.code.status())
            .content_type("application/json; charset=utf-8");
        if self.code == ErrorCode::Unauthorized {
            response = response.header("WWW-Authenticate", "Bearer");
        }
        if let Some(wait) = self.retry_after {
            response = response.header("Retry-After", wait);
        }
        response.body(body)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        poem::error::ResponseError::as_response(&self)
    }
}

/// Documents the error statuses once for every operation.
impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        let statuses = [
            400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 502, 503,
        ];
        let responses = statuses
            .into_iter()
            .map(|status| MetaResponse {
                description: status_description(status),
                status: Some(status),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/json; charset=utf-8",
                    schema: ErrorBody::schema_ref(),
                }],
                headers: vec![],
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

pub(crate) fn status_description(status: u16) -> &'static str {
    match status {
        400 => "Bad request: malformed JSON, an unknown or invalid parameter",
        401 => "Missing, wrong, expired or revoked bearer token; or a failed login",
        403 => "The role or token scopes do not allow this",
        429 => "Too many login attempts; see Retry-After",
        404 => "Unknown content type or entry",
        409 => {
            "Slug or unique field already taken (conflict), or concurrent writes kept winning (write_conflict)"
        }
        412 => "The entry changed since the If-Match revision",
        413 => "Body larger than limits.max_body_bytes",
        500 => "Internal error; the server log has the cause",
        415 => "Body is not application/json",
        422 => "Validation failed; details lists every problem (fields, plugin issues)",
        502 => "A plugin hook failed (plugin_failed)",
        503 => {
            "The database is out of reach (storage_unavailable), the type's plugin is disabled (plugin_unavailable), or the service is busy; see Retry-After"
        }
        _ => "Internal error",
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound => ApiError::new(ErrorCode::EntryNotFound, "entry not found"),
            StoreError::Conflict { field } => ApiError::new(
                ErrorCode::Conflict,
                format!("another record already has this `{field}`"),
            )
            .with_details(vec![ErrorDetail {
                message: format!("`{field}` must be unique"),
                field,
                code: "not_unique".to_owned(),
            }]),
            StoreError::Invalid(errors) => ApiError::validation(errors),
            StoreError::Stale => ApiError::new(
                ErrorCode::PreconditionFailed,
                "the entry changed since the revision named in If-Match; read it again",
            ),
            StoreError::WriteConflict => ApiError::write_conflict(),
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "storage unavailable");
                ApiError::storage_unavailable()
            }
            StoreError::Database(error) => {
                tracing::error!(%error, "database error");
                ApiError::new(ErrorCode::Internal, "internal error")
            }
            StoreError::Corrupt(problem) => {
                tracing::error!(%problem, "malformed record in the database");
                ApiError::new(ErrorCode::Internal, "internal error")
            }
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(error: QueryError) -> ApiError {
        let code = match error.code {
            QueryErrorCode::UnknownParameter => ErrorCode::UnknownParameter,
            QueryErrorCode::RepeatedParameter => ErrorCode::InvalidParameter,
            QueryErrorCode::InvalidSort => ErrorCode::InvalidSort,
            QueryErrorCode::InvalidPage => ErrorCode::InvalidPage,
            QueryErrorCode::InvalidCursor => ErrorCode::InvalidCursor,
            QueryErrorCode::UnknownField => ErrorCode::UnknownField,
            QueryErrorCode::UnknownOperator => ErrorCode::UnknownOperator,
            QueryErrorCode::InvalidValue => ErrorCode::InvalidValue,
            QueryErrorCode::InvalidInclude => ErrorCode::InvalidInclude,
            QueryErrorCode::InvalidSearch => ErrorCode::InvalidSearch,
        };
        let detail = ErrorDetail {
            field: error.parameter.clone(),
            code: code.as_str().to_owned(),
            message: error.message.clone(),
        };
        ApiError::new(code, error.message).with_details(vec![detail])
    }
}

/// Turns the errors poem and poem-openapi raise before a handler runs (bad JSON, bad
/// parameters, wrong media type, no route) into the same error body as everything else.
pub fn from_framework_error(error: poem::Error) -> ApiError {
    if let Some(api_error) = error.downcast_ref::<ApiError>() {
        return api_error.clone();
    }
    let message = error.to_string();
    let code = match error.status() {
        // Valid JSON of the wrong shape for a typed body (an unknown field, a missing
        // one) reads "failed to parse \"Type\"" or "(occurred while parsing \"Type\")":
        // not malformed, just not what the route takes.
        StatusCode::BAD_REQUEST
            if error.is::<poem_openapi::error::ParseRequestPayloadError>()
                && (message.contains("failed to parse \"")
                    || message.contains("occurred while parsing \"")) =>
        {
            ErrorCode::InvalidBody
        }
        StatusCode::BAD_REQUEST if error.is::<poem_openapi::error::ParseRequestPayloadError>() => {
            ErrorCode::MalformedJson
        }
        StatusCode::BAD_REQUEST => ErrorCode::InvalidParameter,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::NOT_FOUND => ErrorCode::RouteNotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        status => {
            tracing::error!(%status, %message, "unexpected framework error");
            ErrorCode::Internal
        }
    };
    let message = match code {
        ErrorCode::Unauthorized => crate::auth::unauthorized().message,
        ErrorCode::RouteNotFound => "no route matches this path".to_owned(),
        ErrorCode::Internal => "internal error".to_owned(),
        _ => message,
    };
    ApiError::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    /// The README's error table is where users look: every code must be there, with its status.
    #[test]
    fn the_readme_lists_every_error_code() {
        let readme = include_str!("../../../README.md");
        for code in ErrorCode::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
    }
}
