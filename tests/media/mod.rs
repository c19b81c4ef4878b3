//! The media library end to end: uploads and what they may be, the asset route and its
//! variants, who may ask for which variants, media fields in entries, deleting and
//! replacing files, and an S3-compatible store. Here: what the submodules share, the
//! files they upload and the ways they talk to the server.

mod delivery;
mod fields;
mod limits;
mod policies;
mod s3;
mod upload;

use std::fs;
use std::path::{Path, PathBuf};

use image::{ExtendedColorType, ImageEncoder, ImageFormat};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::support::{Options, Server, expect_error, json, text};

const BOUNDARY: &str = "civitas-media-test-3f9c1d";

/// A file to send: its name, the type the client claims for it (which the server must
/// ignore) and its bytes.
type File<'a> = (&'a str, &'a str, &'a [u8]);

// ---------------------------------------------------------------------------------------
// Files to upload, made here.

fn encode_png(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(pixels, width, height, ExtendedColorType::Rgb8)
        .expect("PNG encodes");
    out
}

/// Smooth RGB colours, different for each `seed`.
fn gradient(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(&[seed, (x * 255 / width) as u8, (y * 255 / height) as u8]);
        }
    }
    pixels
}

/// A `width` x `height` PNG, different for each `seed`.
fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    encode_png(&gradient(width, height, seed), width, height)
}

/// A PNG of random pixels: it does not compress, so it weighs about 3 bytes a pixel.
fn noise_png(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        })
        .collect();
    encode_png(&pixels, width, height)
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            &gradient(width, height, 9),
            width,
            height,
            ExtendedColorType::Rgb8,
        )
        .expect("JPEG encodes");
    out
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

// ---------------------------------------------------------------------------------------
// Talking to the server.

/// A server without the demo content (whose images would share the store), with `env`.
async fn start(env: &[(&str, &str)]) -> Server {
    let options = Options {
        seed: false,
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Options::default()
    };
    Server::start_with(options, TempDir::new().expect("temp dir")).await
}

/// A `multipart/form-data` body: the `file` part when given, then the text parts (so a
/// refused text part comes after the server has read the file).
fn form(file: Option<File<'_>>, texts: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some((filename, mime, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    for (name, value) in texts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `request` with a [`form`] as its body.
fn with_form(
    request: RequestBuilder,
    file: Option<File<'_>>,
    texts: &[(&str, &str)],
) -> RequestBuilder {
    request
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form(file, texts))
}

/// An upload to the admin API: `POST /media`.
fn post_file(server: &Server, file: File<'_>, texts: &[(&str, &str)]) -> RequestBuilder {
    with_form(server.admin(Method::POST, "/media"), Some(file), texts)
}

/// A replacement through the admin API: `PUT /media/{id}/file`.
fn put_file(server: &Server, id: &str, file: File<'_>, texts: &[(&str, &str)]) -> RequestBuilder {
    let path = format!("/media/{id}/file");
    with_form(server.admin(Method::PUT, &path), Some(file), texts)
}

/// Uploads a file and asserts it is refused with this status and code; answers with the
/// error.
async fn expect_refused_upload(server: &Server, file: File<'_>, status: u16, code: &str) -> Value {
    expect_error(post_file(server, file, &[]).send().await, status, code).await
}

/// Uploads a file; answers with its record.
pub(crate) async fn upload(
    server: &Server,
    filename: &str,
    bytes: &[u8],
    texts: &[(&str, &str)],
) -> Value {
    let file = (filename, "application/octet-stream", bytes);
    let (status, body) = json(post_file(server, file, texts).send().await).await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

/// Deletes a file through the admin API.
async fn delete_media(server: &Server, id: &str) {
    let response = server
        .admin(Method::DELETE, &format!("/media/{id}"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 204);
}

/// Sends `request` and asserts a 404 `media_not_found`.
async fn expect_media_not_found(request: RequestBuilder) {
    expect_error(request.send().await, 404, "media_not_found").await;
}

/// The record's `url` with more query parameters.
fn variant_url(record: &Value, params: &str) -> String {
    format!("{}&{params}", text(&record["url"]))
}

/// Asserts that each of these variant parameters is refused: 400 `invalid_transform`.
async fn expect_invalid_transforms(server: &Server, record: &Value, params: &[&str]) {
    for each in params {
        expect_error(
            server.get(&variant_url(record, each)).send().await,
            400,
            "invalid_transform",
        )
        .await;
    }
}

async fn get(server: &Server, url: &str) -> Response {
    server
        .get(url)
        .send()
        .await
        .expect("the asset route answers")
}

/// A GET of `url` with one request header.
async fn get_with(server: &Server, url: &str, (name, value): (&str, &str)) -> Response {
    server
        .get(url)
        .header(name, value)
        .send()
        .await
        .expect("the asset route answers")
}

/// Format, width and height of an encoded image, read back by decoding it.
fn decoded(bytes: &[u8]) -> (ImageFormat, u32, u32) {
    let format = image::guess_format(bytes).expect("a known image format");
    let image = image::load_from_memory_with_format(bytes, format).expect("the image decodes");
    (format, image.width(), image.height())
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How many variants the server has rendered since it started.
fn renders(server: &Server) -> usize {
    server.log().matches("variant rendered").count()
}

/// Whether `bytes` hold `part` anywhere.
fn contains(bytes: &[u8], part: &[u8]) -> bool {
    bytes.windows(part.len()).any(|w| w == part)
}

// ---------------------------------------------------------------------------------------
// The server's media store (`file://./data/media`, the default).

fn media_dir(server: &Server) -> PathBuf {
    server.dir.path().join("data/media")
}

/// The files under `root`, as sorted paths relative to it; none when it does not exist.
fn files_under(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// The files of the server's media store.
fn stored_files(server: &Server) -> Vec<String> {
    files_under(&media_dir(server))
}

/// A file of the server's media store, by its path in the store.
fn stored(server: &Server, path: &str) -> Vec<u8> {
    fs::read(media_dir(server).join(path)).unwrap_or_else(|e| panic!("stored {path}: {e}"))
}

fn original_path(sha: &str) -> String {
    format!("originals/{}/{sha}", &sha[..2])
}

/// Only these keys of an object.
fn pick(value: &Value, keys: &[&str]) -> Value {
    Value::Object(
        keys.iter()
            .map(|k| ((*k).to_owned(), value[*k].clone()))
            .collect(),
    )
}
