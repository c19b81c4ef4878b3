//! The media library's admin routes: upload, list, read, change the texts and focal point,
//! replace the file, delete (refused while an entry uses the file).

use std::collections::BTreeMap;

use civitas_media::MediaKind;
use civitas_store::{MediaQuery, MediaRecord, is_entry_id};
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde_json::{Map, Value, json};

use crate::auth::Access;
use crate::auth::schemes::{Authorized, PreviewAuth, WriteAuth};
use crate::error::{ApiError, ErrorCode, ErrorDetail};
use crate::media::create::{create_record, drop_unused_bytes, file_fields};
use crate::media::record::{Focal, Media, media};
use crate::media::upload::{
    FileOnlyForm, MAX_ALT, MAX_TITLE, NewFileForm, Received, UploadForm, check_length, receive,
};
use crate::params::{allow_only, page_size};
use crate::public::ApiTags;
use crate::state::SharedState;
use crate::text::Text;

pub struct MediaApi {
    pub state: SharedState,
}

#[derive(Debug, Clone, Object)]
pub struct MediaData {
    pub data: Media,
}

#[derive(Debug, Clone, Object)]
pub struct MediaListMeta {
    /// Pass as `page[after]` for the next page; `null` on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Object)]
pub struct MediaList {
    pub data: Vec<Media>,
    pub meta: MediaListMeta,
}

/// Changes to a file's texts and focal point; what is left out stays, `null` clears.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct MediaPatch {
    /// Alt text in the default locale.
    pub alt: MaybeUndefined<Text>,
    /// Title in the default locale.
    pub title: MaybeUndefined<Text>,
    pub focal: Option<Focal>,
    /// Alt text and title per other locale; a locale given replaces that locale's texts,
    /// `null` removes them.
    pub translations: Option<BTreeMap<String, Option<MediaTextInput>>>,
}

/// Alt text and title in one locale, as a change gives them.
#[derive(Debug, Clone, Object)]
#[oai(deny_unknown_fields)]
pub struct MediaTextInput {
    pub alt: Option<Text>,
    pub title: Option<Text>,
}

#[derive(ApiResponse)]
pub enum MediaCreated {
    /// Stored. Identical bytes uploaded before are stored once, but each upload is its own
    /// media record, with its own texts.
    #[oai(status = 201)]
    Created(Json<MediaData>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum MediaDeleted {
    /// The record is gone; its bytes and variants too, unless another record shares them.
    #[oai(status = 204)]
    Deleted,
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Media")]
impl MediaApi {
    /// Upload a file
    ///
    /// `multipart/form-data` with a `file` part, and optionally `alt`, `title`, `focal_x`
    /// and `focal_y`. The file streams to the store as it arrives, up to
    /// `media.max_upload_bytes` (413 `file_too_large` past it, and nothing is kept). Its
    /// type is sniffed from its bytes (415 `unsupported_file_type` unless it is one of
    /// `media.allowed_types`); an image whose header declares more than
    /// `media.max_input_pixels` pixels is refused before it is decoded (422
    /// `image_too_large`). EXIF, XMP and IPTC metadata (GPS positions included) are removed
    /// from images before they are stored (orientation is kept); SVG is sanitised.
    #[oai(path = "/media", method = "post", operation_id = "uploadMedia")]
    async fn upload(
        &self,
        auth: WriteAuth,
        request: &Request,
        form: NewFileForm,
    ) -> Result<MediaCreated, ApiError> {
        allow_only(request, &[])?;
        let received = self.receive(form).await?;
        let record = create_record(&self.state, &received, &auth.0.principal.actor()).await?;
        let location = format!("/api/v1/admin/media/{}", text(&record, "id"));
        Ok(MediaCreated::Created(Json(self.data(&record)), location))
    }

    /// List the media library
    ///
    /// Newest first, by cursor: pass `meta.next` as `page[after]` for the next page.
    #[oai(path = "/media", method = "get", operation_id = "listMedia")]
    async fn list(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Files per page, 1 to `api.max_page_size` (default `api.default_page_size`).
        #[oai(name = "page[size]")]
        size: Query<Option<u64>>,
        /// `meta.next` of the previous page.
        #[oai(name = "page[after]", validator(pattern = "^[0-9A-Z]{26}$"))]
        after: Query<Option<String>>,
        /// Only files of this MIME type, or family as `image/*`.
        #[oai(validator(pattern = "^[a-z0-9.+-]{1,64}/([a-z0-9.+-]{1,64}|\\*)$"))]
        mime: Query<Option<String>>,
        /// Only files whose filename, title or alt text contains this (any case).
        #[oai(validator(min_length = 1, max_length = 200, pattern = "\\S"))]
        q: Query<Option<String>>,
    ) -> Result<Json<MediaList>, ApiError> {
        allow_only(request, &["page[size]", "page[after]", "mime", "q"])?;
        let limit = page_size(&self.state.settings, "page[size]", size.0)? as usize;
        let query = MediaQuery {
            after: after.0,
            mime: mime.0,
            q: q.0,
            limit,
        };
        let page = self.state.store.list_media(&query).await?;
        let base = &self.state.media.settings.base_url;
        Ok(Json(MediaList {
            data: page.records.iter().map(|r| media(base, r)).collect(),
            meta: MediaListMeta { next: page.next },
        }))
    }

    /// Get a file's record
    #[oai(path = "/media/:id", method = "get", operation_id = "getMedia")]
    async fn get(
        &self,
        _auth: PreviewAuth,
        request: &Request,
        /// Media id.
        id: Path<String>,
    ) -> Result<Json<MediaData>, ApiError> {
        allow_only(request, &[])?;
        let record = self.existing(&id).await?;
        Ok(Json(self.data(&record)))
    }

    /// Change a file's alt text, title or focal point
    #[oai(path = "/media/:id", method = "patch", operation_id = "updateMedia")]
    async fn update(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Media id.
        id: Path<String>,
        body: Json<MediaPatch>,
    ) -> Result<Json<MediaData>, ApiError> {
        allow_only(request, &[])?;
        let record = self.existing(&id).await?;
        may_change(&auth.0, &record)?;
        let changes = self.changes(&record, body.0)?;
        let record = self
            .state
            .store
            .update_media(&id, changes, "media.update", &auth.0.principal.actor())
            .await?;
        Ok(Json(self.data(&record)))
    }

    /// Replace a file
    ///
    /// `multipart/form-data` with a `file` part, checked as an upload is. The record
    /// keeps its id, texts and focal point, so entries using it show the new file; its
    /// `url` changes (`v`), so caches never mix the two. The new file must be of the same
    /// kind as the one it replaces: a raster image (JPEG, PNG, WebP, GIF) for a raster
    /// image, SVG for SVG, PDF for PDF (422 `media_type_changed` otherwise).
    #[oai(
        path = "/media/:id/file",
        method = "put",
        operation_id = "replaceMediaFile"
    )]
    async fn replace(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Media id.
        id: Path<String>,
        form: FileOnlyForm,
    ) -> Result<Json<MediaData>, ApiError> {
        allow_only(request, &[])?;
        let record = self.existing(&id).await?;
        may_change(&auth.0, &record)?;
        let received = self.receive(form).await?;
        // Pixels for pixels, SVG for SVG, PDF for PDF: what entries and sites built from the
        // file expect of it (sizes, variants) stays true.
        let family = |mime: &str| match MediaKind::from_mime(mime) {
            Some(kind) if kind.is_raster() => "raster image",
            Some(kind) => kind.mime(),
            None => "unknown",
        };
        let old_mime = text(&record, "mime");
        if family(&old_mime) != family(received.file.kind.mime()) {
            drop_unused_bytes(&self.state, &received.file.sha256).await;
            return Err(ApiError::invalid_field(
                "file",
                "media_type_changed",
                format!(
                    "a {old_mime} file can only be replaced by a file of the same kind (a raster image by a raster image), not {}",
                    received.file.kind.mime()
                ),
            ));
        }
        let updated = match self
            .state
            .store
            .update_media(
                &id,
                file_fields(&received),
                "media.replace",
                &auth.0.principal.actor(),
            )
            .await
        {
            Ok(updated) => updated,
            Err(error) => {
                drop_unused_bytes(&self.state, &received.file.sha256).await;
                return Err(error.into());
            }
        };
        drop_unused_bytes(&self.state, &text(&record, "sha256")).await;
        Ok(Json(self.data(&updated)))
    }

    /// Delete a file
    ///
    /// Refused with 409 `media_in_use` while an entry (or an entry's unpublished changes)
    /// uses it; `details` names those entries (`type/id`).
    #[oai(path = "/media/:id", method = "delete", operation_id = "deleteMedia")]
    async fn delete(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Media id.
        id: Path<String>,
    ) -> Result<MediaDeleted, ApiError> {
        allow_only(request, &[])?;
        let record = self.existing(&id).await?;
        may_change(&auth.0, &record)?;
        match self
            .state
            .store
            .delete_media(&id, &auth.0.principal.actor())
            .await?
        {
            Ok(deleted) => {
                drop_unused_bytes(&self.state, &text(&deleted, "sha256")).await;
                Ok(MediaDeleted::Deleted)
            }
            Err(users) => Err(ApiError::new(
                ErrorCode::MediaInUse,
                format!(
                    "entries use this file; remove it from them first ({})",
                    users
                        .iter()
                        .map(|u| format!("{}/{}", u.type_id, u.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_details(
                users
                    .into_iter()
                    .map(|u| ErrorDetail {
                        field: format!("{}/{}", u.type_id, u.id),
                        code: "media_in_use".into(),
                        message: format!("`{}` entry `{}` uses this file", u.type_id, u.id),
                    })
                    .collect(),
            )),
        }
    }
}

impl MediaApi {
    /// Reads an upload form; bytes stored for a form that is then refused do not stay.
    async fn receive<const TEXTS: bool>(
        &self,
        form: UploadForm<TEXTS>,
    ) -> Result<Received, ApiError> {
        match receive(&self.state.media, form.0, !TEXTS).await {
            Ok(received) => Ok(received),
            Err(rejected) => {
                if let Some(sha256) = &rejected.stored {
                    drop_unused_bytes(&self.state, sha256).await;
                }
                Err(rejected.error)
            }
        }
    }

    async fn existing(&self, id: &str) -> Result<MediaRecord, ApiError> {
        let found = if is_entry_id(id) {
            self.state.store.media(id).await?
        } else {
            None
        };
        found.ok_or_else(|| media_not_found(id))
    }

    fn data(&self, record: &MediaRecord) -> MediaData {
        MediaData {
            data: media(&self.state.media.settings.base_url, record),
        }
    }

    /// The record's fields after `patch`, checked (locales, lengths).
    fn changes(&self, record: &MediaRecord, patch: MediaPatch) -> Result<MediaRecord, ApiError> {
        let mut changes = Map::new();
        for (key, value, max) in [
            ("alt", patch.alt, MAX_ALT),
            ("title", patch.title, MAX_TITLE),
        ] {
            match value {
                MaybeUndefined::Value(Text(text)) if !text.trim().is_empty() => {
                    check_length(key, &text, max)?;
                    changes.insert(key.into(), json!(text));
                }
                MaybeUndefined::Undefined => {}
                _ => {
                    changes.insert(key.into(), Value::Null);
                }
            }
        }
        if let Some(focal) = patch.focal {
            changes.insert("focal".into(), json!({"x": focal.x, "y": focal.y}));
        }
        if let Some(given) = patch.translations {
            let locales = &self.state.settings.locales;
            let mut translations = match record.get("translations") {
                Some(Value::Object(current)) => current.clone(),
                _ => Map::new(),
            };
            for (locale, texts) in given {
                let locale = locales.translatable(&locale).map_err(|_| {
                    ApiError::invalid_field(
                        format!("translations.{locale}"),
                        "unknown_locale",
                        format!("`{locale}` is not one of the site's other locales"),
                    )
                })?;
                match texts {
                    Some(texts) => {
                        let mut shown = Map::new();
                        for (key, value, max) in [
                            ("alt", texts.alt, MAX_ALT),
                            ("title", texts.title, MAX_TITLE),
                        ] {
                            if let Some(Text(text)) = value.filter(|t| !t.trim().is_empty()) {
                                check_length(&format!("translations.{locale}.{key}"), &text, max)?;
                                shown.insert(key.into(), json!(text));
                            }
                        }
                        translations.insert(locale, Value::Object(shown));
                    }
                    None => {
                        translations.remove(&locale);
                    }
                }
            }
            changes.insert("translations".into(), Value::Object(translations));
        }
        Ok(changes)
    }
}

fn text(record: &MediaRecord, key: &str) -> String {
    record
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Own-entries access (the author role) may change only files its holder uploaded.
fn may_change(auth: &Authorized, record: &MediaRecord) -> Result<(), ApiError> {
    if auth.access == Access::All
        || record.get("created_by").and_then(Value::as_str) == Some(&auth.principal.actor_id)
    {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Forbidden,
        "this role may change only files it uploaded",
    ))
}

pub fn media_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::MediaNotFound,
        format!("no media file has the id `{id}`"),
    )
}
