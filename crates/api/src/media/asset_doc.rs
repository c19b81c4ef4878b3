//! The OpenAPI description of `GET /assets/{id}/{filename}`, which is served outside the
//! generated API (it answers files, not JSON): its parameters with their bounds and enums,
//! and every answer it gives.

use serde_json::{Map, Value, json};

use crate::error::status_description;
use crate::media::MediaLibrary;

const MIMES: [&str; 6] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/svg+xml",
    "application/pdf",
];

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

fn binary(description: &str, headers: Value) -> Value {
    let content: Map<String, Value> = MIMES
        .iter()
        .map(|mime| {
            (
                (*mime).to_owned(),
                json!({"schema": {"type": "string", "format": "binary"}}),
            )
        })
        .collect();
    json!({"description": description, "headers": headers, "content": content})
}

/// The path item for the asset route, with this server's presets as the `preset` enum.
pub fn asset_path_item(library: &MediaLibrary) -> Value {
    let dimension = |side: &str| json!({"type": "integer", "minimum": 1, "maximum": civitas_media::transform::MAX_DIMENSION, "description": format!("{side} in pixels; never enlarged.")});
    let presets: Vec<String> = library
        .settings
        .presets
        .names()
        .map(str::to_owned)
        .collect();
    let parameters = json!([
        {"name": "id", "in": "path", "required": true, "description": "Media id.", "schema": {"type": "string", "pattern": "^[0-9A-Z]{26}$"}},
        {"name": "filename", "in": "path", "required": true, "description": "The file's name, for people and downloads; any value serves the file.", "schema": {"type": "string", "minLength": 1}},
        query("v", "Version: the first hex digits of the file's SHA-256, as the media `url` gives it. A URL naming an earlier version still answers, but with `Cache-Control: no-cache`.", json!({"type": "string", "pattern": "^[0-9a-f]{1,64}$"})),
        query("w", "Variant width.", dimension("Width")),
        query("h", "Variant height.", dimension("Height")),
        query("fit", "With both `w` and `h`: `cover` crops around the focal point, `contain` pads, `inside` fits within (default).", json!({"type": "string", "enum": ["cover", "contain", "inside"]})),
        query("fmt", "Variant format (default webp).", json!({"type": "string", "enum": ["webp", "jpeg", "png"]})),
        query("q", "Quality of lossy formats (default 80).", json!({"type": "integer", "minimum": 1, "maximum": 100})),
        query("preset", "A named variant from `media.presets`. With `media.transform_policy = \"any\"`, parameters given beside it replace the preset's (`preset=card&fmt=jpeg`).", json!({"type": "string", "enum": presets})),
        query("sig", "With `media.transform_policy = \"signed\"`: the HMAC-SHA256 (hex) of `{id}\\n{canonical parameters}` with `media.signing_key`.", json!({"type": "string", "pattern": "^[0-9a-f]{64}$"})),
        {"name": "Range", "in": "header", "required": false, "description": "One byte range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`.", "schema": {"type": "string"}},
        {"name": "If-None-Match", "in": "header", "required": false, "description": "An ETag this route gave: 304 while it is current.", "schema": {"type": "string"}}
    ]);
    let headers = json!({
        "ETag": {"description": "The file's SHA-256, or the variant's key.", "schema": {"type": "string"}},
        "Cache-Control": {"description": "`public, max-age=31536000, immutable` (the URL names one version), or `public, no-cache` for an earlier `v`.", "schema": {"type": "string"}},
        "Accept-Ranges": {"description": "`bytes`.", "schema": {"type": "string"}},
        "Content-Disposition": {"description": "`inline` with the filename; `attachment` for PDF.", "schema": {"type": "string"}},
        "Content-Security-Policy": {"description": "For SVG and PDF: `default-src 'none'; style-src 'unsafe-inline'; sandbox`.", "schema": {"type": "string"}}
    });
    let mut partial_headers = headers.clone();
    partial_headers["Content-Range"] =
        json!({"description": "`bytes first-last/size`.", "schema": {"type": "string"}});
    json!({
        "get": {
            "tags": ["Media"],
            "operationId": "getAsset",
            "summary": "Get a file or a variant of an image",
            "description": "The file as stored (EXIF, XMP and IPTC removed; SVG sanitised), or with `w`, `h`, `fit`, `fmt`, `q` or `preset` a variant of a raster image, rendered on first request and stored (SVG and PDF files are served as they are, whatever the parameters). The URL is the whole cache key: the answer never depends on `Accept`. Which parameters are allowed follows `media.transform_policy`. No credential needed.",
            "parameters": parameters,
            "responses": {
                "200": binary("The file or the variant.", headers),
                "206": binary("The byte range `Range` asked for.", partial_headers),
                "304": {"description": "Not modified: the `If-None-Match` ETag is still current."},
                "400": error("invalid_parameter: `v` is not hex digits; invalid_transform: unknown, repeated or out-of-range parameters, an unknown preset, parameters the policy does not allow."),
                "403": error("invalid_signature: the `sig` is missing or wrong (signed policy)."),
                "404": error("media_not_found: no media file has this id."),
                "416": {
                    "description": "range_not_satisfiable: the range lies outside the file.",
                    "headers": {"Content-Range": {"description": "`bytes */size`.", "schema": {"type": "string"}}},
                    "content": {"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                },
                "422": error("invalid_file: the stored image cannot be decoded."),
                "500": error(status_description(500)),
                "503": {
                    "description": "busy: too many renders are waiting; or media_store_unavailable.",
                    "headers": {"Retry-After": {"description": "Seconds to wait.", "required": true, "schema": {"type": "integer", "minimum": 1}}},
                    "content": {"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                }
            }
        }
    })
}
