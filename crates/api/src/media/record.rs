//! How a media record is shown: in full to editors (`Media`), and embedded in entries as
//! the few facts a site needs to draw the file (`MediaEmbed`), each with its asset URL.

use std::collections::BTreeMap;

use civitas_store::MediaRecord;
use poem_openapi::Object;
use serde_json::{Map, Value, json};

use crate::media::upload::{MAX_ALT, MAX_TITLE};

/// Alt text and title in one locale.
#[derive(Debug, Clone, Default, Object)]
#[oai(deny_unknown_fields)]
pub struct MediaText {
    /// Describes the image for people who cannot see it.
    #[oai(validator(max_length = 1000))]
    pub alt: Option<String>,
    #[oai(validator(max_length = 300))]
    pub title: Option<String>,
}

/// The point of an image that crops keep in view, as fractions of its width and height
/// from the top left corner.
#[derive(Debug, Clone, Copy, Object)]
#[oai(deny_unknown_fields)]
pub struct Focal {
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub x: f64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub y: f64,
}

impl Default for Focal {
    fn default() -> Focal {
        Focal { x: 0.5, y: 0.5 }
    }
}

/// A file in the media library.
#[derive(Debug, Clone, Object)]
pub struct Media {
    /// Media id (a ULID): what media fields of entries take.
    pub id: String,
    /// Where the file is served: `/assets/{id}/{filename}?v=...`. Add `w`, `h`, `fit`,
    /// `fmt`, `q` or `preset` for a variant of an image.
    pub url: String,
    /// The uploaded file's name, cleaned, with the extension of its real type.
    pub filename: String,
    /// The type sniffed from the bytes: image/jpeg, image/png, image/webp, image/gif,
    /// image/svg+xml or application/pdf.
    pub mime: String,
    /// Stored size in bytes (after metadata was stripped).
    pub size: u64,
    /// Width in pixels, as displayed (orientation applied); raster images only.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// SHA-256 of the stored bytes: identical uploads share them.
    pub sha256: String,
    /// Alt text in the default locale.
    pub alt: Option<String>,
    /// Title in the default locale.
    pub title: Option<String>,
    /// Alt text and title in the other locales.
    pub translations: BTreeMap<String, MediaText>,
    pub focal: Focal,
    /// A ThumbHash (base64) to draw a blurred placeholder while the image loads.
    pub thumbhash: Option<String>,
    pub created_at: String,
    pub created_by: Option<String>,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

/// The asset URL of a record: the id names the file, the filename is for people and
/// downloads, and `v` changes when the file is replaced, so caches may keep every URL
/// forever.
pub fn asset_url(base: &str, record: &MediaRecord) -> String {
    let text = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default();
    let version: String = text("sha256").chars().take(12).collect();
    format!(
        "{base}/assets/{}/{}?v={version}",
        text("id"),
        text("filename")
    )
}

pub fn media(base: &str, record: &MediaRecord) -> Media {
    let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| record.get(key).and_then(Value::as_u64);
    Media {
        url: asset_url(base, record),
        id: text("id").unwrap_or_default(),
        filename: text("filename").unwrap_or_default(),
        mime: text("mime").unwrap_or_default(),
        size: number("size").unwrap_or_default(),
        width: number("width").and_then(|n| u32::try_from(n).ok()),
        height: number("height").and_then(|n| u32::try_from(n).ok()),
        sha256: text("sha256").unwrap_or_default(),
        alt: text("alt"),
        title: text("title"),
        translations: translations(record),
        focal: focal(record),
        thumbhash: text("thumbhash"),
        created_at: text("created_at").unwrap_or_default(),
        created_by: text("created_by"),
        updated_at: text("updated_at").unwrap_or_default(),
        updated_by: text("updated_by"),
    }
}

fn translations(record: &MediaRecord) -> BTreeMap<String, MediaText> {
    let Some(Value::Object(locales)) = record.get("translations") else {
        return BTreeMap::new();
    };
    locales
        .iter()
        .map(|(locale, texts)| {
            let text = |key: &str| texts.get(key).and_then(Value::as_str).map(str::to_owned);
            (
                locale.clone(),
                MediaText {
                    alt: text("alt"),
                    title: text("title"),
                },
            )
        })
        .collect()
}

fn focal(record: &MediaRecord) -> Focal {
    let point = record.get("focal");
    let fraction = |key: &str| {
        point
            .and_then(|p| p.get(key))
            .and_then(Value::as_f64)
            .filter(|v| (0.0..=1.0).contains(v))
    };
    match (fraction("x"), fraction("y")) {
        (Some(x), Some(y)) => Focal { x, y },
        _ => Focal::default(),
    }
}

/// What an entry shows in a media field: the file in `locale` (alt text and title fall
/// back to the default locale's).
pub fn embedded(base: &str, record: &MediaRecord, locale: Option<&str>) -> Value {
    let shown = media(base, record);
    let localized = locale.and_then(|l| shown.translations.get(l));
    let pick = |own: Option<&String>, default: Option<String>| own.cloned().or(default);
    json!({
        "id": shown.id,
        "url": shown.url,
        "filename": shown.filename,
        "mime": shown.mime,
        "size": shown.size,
        "width": shown.width,
        "height": shown.height,
        "alt": pick(localized.and_then(|t| t.alt.as_ref()), shown.alt),
        "title": pick(localized.and_then(|t| t.title.as_ref()), shown.title),
        "focal": {"x": shown.focal.x, "y": shown.focal.y},
        "thumbhash": shown.thumbhash,
    })
}

/// The JSON Schema of [`embedded`], for the OpenAPI document.
pub fn embed_schema() -> Value {
    let nullable_int =
        json!({"type": "integer", "format": "int32", "minimum": 0, "nullable": true});
    let nullable_text = json!({"type": "string", "nullable": true});
    let fraction = json!({"type": "number", "minimum": 0, "maximum": 1});
    let properties: Map<String, Value> = [
        ("id", json!({"type": "string", "description": "Media id."})),
        ("url", json!({"type": "string", "description": "The file: `/assets/{id}/{filename}?v=...`; add `w`, `h`, `fit`, `fmt`, `q` or `preset` for a variant."})),
        ("filename", json!({"type": "string"})),
        ("mime", json!({"type": "string"})),
        ("size", json!({"type": "integer", "format": "int64", "minimum": 0})),
        ("width", nullable_int.clone()),
        ("height", nullable_int),
        ("alt", nullable_text.clone()),
        ("title", nullable_text.clone()),
        ("focal", json!({"type": "object", "required": ["x", "y"], "properties": {"x": fraction, "y": fraction}})),
        ("thumbhash", nullable_text),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    json!({
        "type": "object",
        "description": "A file from the media library, as entries show it (alt text and title in the asked locale).",
        "required": properties.keys().collect::<Vec<_>>(),
        "properties": properties,
    })
}

/// What the media routes' bodies check beyond their Rust types, stated in their schemas:
/// no unknown fields, text lengths, and the locales translations may name.
pub fn describe_inputs(schemas: &mut Map<String, Value>, locales: &crate::locales::Locales) {
    let text = |max: usize| json!({"type": "string", "maxLength": max, "nullable": true});
    let texts = json!({
        "type": "object",
        "additionalProperties": false,
        "nullable": true,
        "properties": {"alt": text(MAX_ALT), "title": text(MAX_TITLE)}
    });
    let others: Map<String, Value> = locales
        .available
        .iter()
        .filter(|l| **l != locales.default)
        .map(|l| (l.clone(), texts.clone()))
        .collect();
    if let Some(patch) = schemas.get_mut("MediaPatch") {
        patch["additionalProperties"] = json!(false);
        patch["properties"]["alt"] = text(MAX_ALT);
        patch["properties"]["title"] = text(MAX_TITLE);
        patch["properties"]["translations"] = json!({
            "type": "object",
            "nullable": true,
            "additionalProperties": false,
            "properties": others,
            "description": "Alt text and title per other locale; a locale given replaces its texts, `null` removes them."
        });
    }
    for name in ["Focal", "MediaTextInput"] {
        if let Some(schema) = schemas.get_mut(name) {
            schema["additionalProperties"] = json!(false);
        }
    }
}
