//! The media library end to end: uploads and what they may be, the asset route and its
//! variants, who may ask for which variants, media fields in entries, deleting and
//! replacing files, and an S3-compatible store.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use hmac::{Hmac, Mac};
use image::{ExtendedColorType, ImageEncoder, ImageFormat};
use reqwest::{Method, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::support::{Options, Server, TOKEN, create_published, expect_error, header, json};

const BOUNDARY: &str = "civitas-media-test-3f9c1d";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SANDBOX: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
const SIGNING_KEY: &str = "a-signing-key-of-more-than-32-characters";

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

/// One big-endian TIFF IFD entry.
fn ifd_entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
    tiff.extend_from_slice(&tag.to_be_bytes());
    tiff.extend_from_slice(&kind.to_be_bytes());
    tiff.extend_from_slice(&count.to_be_bytes());
    tiff.extend_from_slice(&value);
}

/// The camera model a test JPEG claims: it must not survive either.
const CAMERA: &[u8] = b"CivitasCam";

/// An EXIF block as a phone writes it: the camera, the orientation (turn 90 degrees
/// clockwise to display) and a GPS position (38 42' 51.23" N, 9 8' 30" W).
fn gps_exif() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: Make, Orientation and the GPS IFD pointer; the Make text at 50.
    tiff.extend_from_slice(&3u16.to_be_bytes());
    ifd_entry(&mut tiff, 0x010F, 2, 11, 50u32.to_be_bytes());
    ifd_entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
    ifd_entry(&mut tiff, 0x8825, 4, 1, 62u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 50);
    tiff.extend_from_slice(CAMERA);
    tiff.extend_from_slice(b"\0\0");
    // The GPS IFD at 62, its rationals at 128 and 152.
    tiff.extend_from_slice(&5u16.to_be_bytes());
    ifd_entry(&mut tiff, 0x0000, 1, 4, [2, 3, 0, 0]);
    ifd_entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    ifd_entry(&mut tiff, 0x0002, 5, 3, 128u32.to_be_bytes());
    ifd_entry(&mut tiff, 0x0003, 2, 2, *b"W\0\0\0");
    ifd_entry(&mut tiff, 0x0004, 5, 3, 152u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 128);
    for (numerator, denominator) in [(38u32, 1u32), (42, 1), (5123, 100), (9, 1), (8, 1), (30, 1)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    tiff
}

/// A `width` x `height` JPEG (as stored) carrying [`gps_exif`] after its JFIF segment.
fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    let at = if plain[2..4] == [0xFF, 0xE0] {
        4 + usize::from(u16::from_be_bytes([plain[4], plain[5]]))
    } else {
        2
    };
    let tiff = gps_exif();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    let mut out = plain[..at].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[at..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A well-formed PNG whose header declares `width` x `height` pixels, with a few bytes of
/// image data: decoding it would mean allocating width x height x 3 bytes.
fn pixel_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &header);
    // One stored deflate block holding a single zero byte (the first row's filter type).
    png_chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x01, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x01,
        ],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

const SVG_WITH_SCRIPTS: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert('onload')"><script>alert(document.cookie)</script><rect width="10" height="10" fill="gold" onclick="steal()"/></svg>"#;

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
fn form(file: Option<(&str, &str, &[u8])>, texts: &[(&str, &str)]) -> Vec<u8> {
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

/// Sends a file to the admin API: `POST /media` to upload, `PUT /media/{id}/file` to
/// replace, with the client's claimed type `mime` (which the server must ignore).
async fn send_file(
    server: &Server,
    method: Method,
    path: &str,
    (filename, mime, bytes): (&str, &str, &[u8]),
    texts: &[(&str, &str)],
) -> reqwest::Result<Response> {
    server
        .admin(method, path)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form(Some((filename, mime, bytes)), texts))
        .send()
        .await
}

/// Uploads a file; answers with its record.
async fn upload(server: &Server, filename: &str, bytes: &[u8], texts: &[(&str, &str)]) -> Value {
    let file = (filename, "application/octet-stream", bytes);
    let (status, body) = json(send_file(server, Method::POST, "/media", file, texts).await).await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
}

/// The record's `url` with more query parameters.
fn variant_url(record: &Value, params: &str) -> String {
    format!("{}&{params}", text(&record["url"]))
}

async fn get(server: &Server, url: &str) -> Response {
    server
        .get(url)
        .send()
        .await
        .expect("the asset route answers")
}

/// The body of a 200 answer.
async fn body_of(server: &Server, url: &str) -> Vec<u8> {
    let response = get(server, url).await;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body").to_vec();
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&bytes));
    bytes
}

/// Format, width and height of an encoded image, read back by decoding it.
fn decoded(bytes: &[u8]) -> (ImageFormat, u32, u32) {
    let format = image::guess_format(bytes).expect("a known image format");
    let image = image::load_from_memory_with_format(bytes, format).expect("the image decodes");
    (format, image.width(), image.height())
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How many variants the server has rendered since it started.
fn renders(server: &Server) -> usize {
    server.log().matches("variant rendered").count()
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

/// The files of the server's media store (`file://./data/media`, the default).
fn stored_files(server: &Server) -> Vec<String> {
    files_under(&server.dir.path().join("data/media"))
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

/// A number of kB in `/proc/<pid>/status` (`VmRSS`, `VmHWM`), where there is one.
fn memory_kib(pid: u32, key: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// The `sig` of a variant under the `signed` policy, computed as a site would: hex
/// HMAC-SHA256 with the signing key over `{id}\n{canonical parameters}`.
fn signature(id: &str, canonical: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SIGNING_KEY.as_bytes()).expect("a key");
    mac.update(format!("{id}\n{canonical}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The database round trips of an answer, from its `Server-Timing` header.
fn queries(response: &Response) -> u32 {
    header(response, "server-timing")
        .as_deref()
        .and_then(|timing| timing.split('"').nth(1))
        .and_then(|desc| desc.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("Server-Timing counts the queries")
}

// ---------------------------------------------------------------------------------------
// Uploads.

#[tokio::test]
async fn identical_uploads_are_two_records_over_one_stored_file() {
    let server = start(&[]).await;
    let bytes = png(40, 30, 1);
    let texts = [
        ("alt", "A yellow tram"),
        ("title", "Tram 28"),
        ("focal_x", "0.25"),
        ("focal_y", "0.75"),
    ];
    let file = ("Tram Lisbon.PNG", "image/png", bytes.as_slice());
    let response = send_file(&server, Method::POST, "/media", file, &texts)
        .await
        .expect("response");
    let location = header(&response, "location");
    let (status, body) = json(Ok(response)).await;
    assert_eq!(status, 201, "{body}");
    let first = body["data"].clone();
    let id = text(&first["id"]);
    assert_eq!(location, Some(format!("/api/v1/admin/media/{id}")));
    let sha = text(&first["sha256"]).to_owned();
    assert_eq!(sha.len(), 64, "{first}");
    assert_eq!(
        first["url"],
        format!("/assets/{id}/tram-lisbon.png?v={}", &sha[..12])
    );
    assert_eq!(
        pick(
            &first,
            &[
                "filename", "mime", "width", "height", "alt", "title", "focal"
            ]
        ),
        json!({"filename": "tram-lisbon.png", "mime": "image/png", "width": 40, "height": 30,
               "alt": "A yellow tram", "title": "Tram 28", "focal": {"x": 0.25, "y": 0.75}})
    );
    assert!(
        first["thumbhash"].as_str().is_some_and(|t| !t.is_empty()),
        "{first}"
    );
    assert!(first["created_at"].is_string() && first["created_by"].is_string());

    // The file is served as stored, and the record describes what is served.
    let response = get(&server, text(&first["url"])).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("image/png")
    );
    assert_eq!(
        header(&response, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        header(&response, "content-disposition").as_deref(),
        Some("inline; filename=\"tram-lisbon.png\"")
    );
    let served = response.bytes().await.expect("bytes");
    assert_eq!(sha256(&served), sha);
    assert_eq!(first["size"], served.len());
    assert_eq!(decoded(&served), (ImageFormat::Png, 40, 30));

    let second = upload(
        &server,
        "tram-again.png",
        &bytes,
        &[("alt", "The same tram")],
    )
    .await;
    assert_ne!(second["id"], first["id"], "each upload is its own record");
    assert_eq!(second["sha256"], first["sha256"]);
    assert_eq!(second["alt"], "The same tram");
    assert_eq!(
        stored_files(&server),
        [original_path(&sha)],
        "one file, and nothing left in tmp/"
    );

    // Both are in the library, newest first, filtered by type or words, page by page.
    let list = |query: &'static str| {
        let request = server.admin(Method::GET, &format!("/media{query}"));
        async move {
            let (status, body) = json(request.send().await).await;
            assert_eq!(status, 200, "{query}: {body}");
            let ids: Vec<Value> = body["data"]
                .as_array()
                .expect("a list")
                .iter()
                .map(|m| m["id"].clone())
                .collect();
            (ids, body["meta"]["next"].clone())
        }
    };
    let both = vec![second["id"].clone(), first["id"].clone()];
    assert_eq!(list("").await.0, both);
    assert_eq!(list("?mime=image/*").await.0, both);
    assert_eq!(list("?mime=image/png").await.0, both);
    assert_eq!(list("?mime=application/pdf").await.0, Vec::<Value>::new());
    assert_eq!(list("?q=SAME").await.0, [second["id"].clone()]);
    assert_eq!(list("?q=lisbon").await.0, [first["id"].clone()]);
    let (page, next) = list("?page[size]=1").await;
    assert_eq!(page, [second["id"].clone()]);
    let (status, rest) = json(
        server
            .admin(
                Method::GET,
                &format!("/media?page[size]=1&page[after]={}", text(&next)),
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{rest}");
    assert_eq!(rest["data"][0]["id"], first["id"]);
    assert_eq!(rest["meta"]["next"], Value::Null);
    let (status, one) = json(
        server
            .admin(Method::GET, &format!("/media/{id}"))
            .send()
            .await,
    )
    .await;
    assert_eq!((status, &one["data"]), (200, &first));

    // Uploading needs a credential with the write scope.
    let reader = server.create_token(&["read"]).await;
    // Clients of their own: a refused request is no business of the next one's connection.
    let anonymous = reqwest::Client::new()
        .post(server.url("/api/v1/admin/media"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form(Some(("x.png", "image/png", &bytes)), &[]))
        .send()
        .await;
    expect_error(anonymous, 401, "unauthorized").await;
    let as_reader = reqwest::Client::new()
        .post(server.url("/api/v1/admin/media"))
        .bearer_auth(&reader)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form(Some(("x.png", "image/png", &bytes)), &[]))
        .send()
        .await;
    expect_error(as_reader, 403, "forbidden").await;
    assert_eq!(list("").await.0.len(), 2);
}

/// `size` bytes that start like a PNG: an upload refused for its size, whatever follows.
fn bytes_of_size(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(size, 7);
    bytes
}

#[tokio::test]
async fn an_upload_over_max_upload_bytes_is_refused_and_nothing_stays() {
    // Above the 1 MiB limit of JSON bodies, which uploads are not held to.
    let server = start(&[("CIVITAS_MEDIA__MAX_UPLOAD_BYTES", "1500000")]).await;
    let fits = noise_png(700, 600, 1);
    assert!(
        fits.len() > 1 << 20 && fits.len() < 1_500_000,
        "{}",
        fits.len()
    );

    // One byte too many, so the server has read all of the request when it refuses it.
    let too_big = bytes_of_size(1_500_001);
    let file = ("big.png", "image/png", too_big.as_slice());
    let body = expect_error(
        send_file(&server, Method::POST, "/media", file, &[]).await,
        413,
        "file_too_large",
    )
    .await;
    assert!(
        text(&body["error"]["message"]).contains("1500000"),
        "{body}"
    );
    assert_eq!(
        stored_files(&server),
        Vec::<String>::new(),
        "nothing in tmp/ nor originals/"
    );

    // A form refused after its file was received leaves nothing either.
    let file = ("fits.png", "image/png", fits.as_slice());
    let body = expect_error(
        send_file(&server, Method::POST, "/media", file, &[("focal_x", "2")]).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "focal_x", "{body}");
    assert_eq!(stored_files(&server), Vec::<String>::new());

    let record = upload(&server, "fits.png", &fits, &[]).await;
    assert_eq!(
        stored_files(&server),
        [original_path(text(&record["sha256"]))]
    );
    assert_eq!(
        sha256(&body_of(&server, text(&record["url"])).await),
        text(&record["sha256"])
    );
}

/// One HTTP/1.1 answer read off a raw connection: its status, its head (lowercase) and
/// its body (by `Content-Length`).
struct RawAnswer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

fn read_answer(stream: &mut TcpStream) -> std::io::Result<RawAnswer> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                let status = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let body = buffer[end + 4..end + 4 + length].to_vec();
                return Ok(RawAnswer { status, head, body });
            }
        }
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the server closed the connection before a whole answer",
            ));
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// A file refused the moment it passes the limit, long before its end, as a client that
/// sends its whole request sees it (most do; browsers read the answer meanwhile): the 413
/// reaches it (not a connection reset), and the connection either stays usable or the
/// answer says `Connection: close`, so a keep-alive client does not send its next request
/// into a closed connection.
#[tokio::test]
async fn an_upload_far_over_the_limit_gets_its_413_and_the_connection_is_not_left_broken() {
    let server = start(&[("CIVITAS_MEDIA__MAX_UPLOAD_BYTES", "1500000")]).await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let body = form(
        Some(("huge.png", "image/png", &bytes_of_size(8_000_000))),
        &[],
    );
    let head = format!(
        "POST /api/v1/admin/media HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(&address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("a second handle");
    let sending = std::thread::spawn(move || {
        writer.write_all(head.as_bytes())?;
        writer.write_all(&body)
    });
    let answer = read_answer(&mut stream);
    let sent = sending.join().expect("the sending thread ends");
    let answer = answer.unwrap_or_else(|e| {
        panic!("the client never sees the refusal, only: {e} (sending: {sent:?})")
    });
    assert_eq!(answer.status, 413, "{}", answer.head);
    let error: Value = serde_json::from_slice(&answer.body).expect("a JSON error");
    assert_eq!(error["error"]["code"], "file_too_large", "{error}");
    if answer.head.contains("\r\nconnection: close") {
        return;
    }
    // Not told to go: the connection must take the rest of the request, then another.
    sent.unwrap_or_else(|e| {
        panic!(
            "the 413 did not say `Connection: close`, yet the server stopped reading the request: {e}\n{}",
            answer.head
        )
    });
    stream
        .write_all(
            format!(
                "GET /api/v1/admin/media HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n",
                server.base.trim_start_matches("http://")
            )
            .as_bytes(),
        )
        .unwrap_or_else(|e| {
            panic!("the 413 did not say `Connection: close`, yet the connection is closed: {e}")
        });
    let next = read_answer(&mut stream).unwrap_or_else(|e| {
        panic!("the 413 did not say `Connection: close`, yet the next request got: {e}")
    });
    assert_eq!(next.status, 200, "{}", next.head);
}

#[tokio::test]
async fn files_are_taken_for_what_their_bytes_are_not_what_they_claim() {
    let server = start(&[("CIVITAS_MEDIA__ALLOWED_TYPES", r#"["image/png"]"#)]).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let disguised = ("photo.jpg", "image/jpeg", html.as_slice());
    expect_error(
        send_file(&server, Method::POST, "/media", disguised, &[]).await,
        415,
        "unsupported_file_type",
    )
    .await;
    // A real JPEG is refused too where only PNG is allowed, whatever it is called.
    let photo = jpeg(16, 16);
    let as_png = ("photo.png", "image/png", photo.as_slice());
    expect_error(
        send_file(&server, Method::POST, "/media", as_png, &[]).await,
        415,
        "unsupported_file_type",
    )
    .await;
    // A PNG cut in half claims a supported type but cannot be read.
    let whole = png(64, 64, 4);
    let truncated = ("cut.png", "image/png", &whole[..whole.len() / 2]);
    expect_error(
        send_file(&server, Method::POST, "/media", truncated, &[]).await,
        422,
        "invalid_file",
    )
    .await;
    // A form without a file is no upload.
    let body = expect_error(
        server
            .admin(Method::POST, "/media")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(form(None, &[("alt", "Nothing")]))
            .send()
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "file", "{body}");
    assert_eq!(stored_files(&server), Vec::<String>::new());

    // A PNG sent as a JPEG named .jpg is a PNG, named as one.
    let record = upload(&server, "really.jpg", &whole, &[]).await;
    assert_eq!(
        (&record["mime"], &record["filename"]),
        (&json!("image/png"), &json!("really.png"))
    );
}

#[tokio::test]
async fn a_pixel_bomb_is_refused_before_decoding() {
    let server = start(&[("CIVITAS_MEDIA__MAX_INPUT_PIXELS", "10000")]).await;
    // The first upload pays for whatever the server sets up on first use.
    upload(&server, "warm-up.png", &png(100, 100, 1), &[]).await;
    let pid = server.pid().expect("the server runs");
    let peak_before = memory_kib(pid, "VmHWM");

    let bomb = pixel_bomb(100_000, 100_000);
    assert!(bomb.len() < 100, "{} bytes", bomb.len());
    let started = Instant::now();
    let body = expect_error(
        send_file(
            &server,
            Method::POST,
            "/media",
            ("bomb.png", "image/png", &bomb),
            &[],
        )
        .await,
        422,
        "image_too_large",
    )
    .await;
    let elapsed = started.elapsed();
    assert!(
        text(&body["error"]["message"]).contains("100000x100000"),
        "{body}"
    );
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    match (peak_before, memory_kib(pid, "VmHWM")) {
        (Some(before), Some(after)) => assert!(
            after.saturating_sub(before) < 32 * 1024,
            "peak memory grew from {before} kB to {after} kB"
        ),
        _ => eprintln!("no /proc/{pid}/status here: memory not checked"),
    }

    // The configured limit counts pixels (100 x 100 is allowed, 101 x 100 is not).
    expect_error(
        send_file(
            &server,
            Method::POST,
            "/media",
            ("wide.png", "image/png", &png(101, 100, 2)),
            &[],
        )
        .await,
        422,
        "image_too_large",
    )
    .await;
    assert_eq!(
        stored_files(&server).len(),
        1,
        "only the first upload is stored"
    );
}

#[tokio::test]
async fn gps_positions_never_reach_the_store_nor_the_variants() {
    let server = start(&[]).await;
    let photo = jpeg_with_gps(64, 48);
    // The file really carries a position: a reader finds it.
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&photo))
        .expect("the test file has EXIF");
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    assert!(photo.windows(CAMERA.len()).any(|w| w == CAMERA));

    let record = upload(&server, "holiday.jpg", &photo, &[]).await;
    assert_eq!(record["mime"], "image/jpeg");
    assert_eq!(
        (&record["width"], &record["height"]),
        (&json!(48), &json!(64)),
        "displayed upright: the orientation is kept"
    );
    let sha = text(&record["sha256"]);
    let on_disk = fs::read(
        server
            .dir
            .path()
            .join("data/media")
            .join(original_path(sha)),
    )
    .expect("the stored original");
    let served = body_of(&server, text(&record["url"])).await;
    assert_eq!(served, on_disk);
    for (what, bytes) in [("stored original", &on_disk), ("served original", &served)] {
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .unwrap_or_else(|e| panic!("{what}: the orientation is kept in EXIF: {e}"));
        let tags: Vec<exif::Tag> = exif.fields().map(|f| f.tag).collect();
        assert_eq!(tags, [exif::Tag::Orientation], "{what}");
        assert!(!bytes.windows(CAMERA.len()).any(|w| w == CAMERA), "{what}");
        assert!(
            !bytes.windows(4).any(|w| w == b"\x88\x25\0\x04"),
            "{what}: a GPS IFD pointer"
        );
    }

    for (params, format) in [
        ("w=24&fmt=jpeg", ImageFormat::Jpeg),
        ("w=24", ImageFormat::WebP),
    ] {
        let variant = body_of(&server, &variant_url(&record, params)).await;
        assert_eq!(decoded(&variant), (format, 24, 32), "{params}: upright");
        let gps = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&variant))
            .is_ok_and(|e| e.fields().any(|f| f.tag.context() == exif::Context::Gps));
        assert!(!gps, "{params}: a GPS field");
        assert!(
            !variant.windows(CAMERA.len()).any(|w| w == CAMERA),
            "{params}"
        );
    }
}

#[tokio::test]
async fn svg_is_stored_without_scripts_and_served_sandboxed_like_pdf() {
    let server = start(&[]).await;
    let svg = upload(&server, "logo.svg", SVG_WITH_SCRIPTS.as_bytes(), &[]).await;
    assert_eq!(
        pick(&svg, &["mime", "width", "height", "thumbhash"]),
        json!({"mime": "image/svg+xml", "width": null, "height": null, "thumbhash": null})
    );
    let on_disk = fs::read(
        server
            .dir
            .path()
            .join("data/media")
            .join(original_path(text(&svg["sha256"]))),
    )
    .expect("the stored SVG");
    let stored = String::from_utf8_lossy(&on_disk);
    for gone in ["<script", "onload", "onclick", "alert", "steal"] {
        assert!(!stored.contains(gone), "{gone} in {stored}");
    }
    assert!(stored.contains("<rect"), "{stored}");

    let pdf = upload(&server, "Annual report.pdf", PDF, &[]).await;
    assert_eq!(pdf["mime"], "application/pdf");
    // Variant URLs serve these files as they are: an SVG draws at any size, a PDF is a
    // download.
    for (url, mime, disposition, bytes) in [
        (
            text(&svg["url"]).to_owned(),
            "image/svg+xml",
            "inline; filename=\"logo.svg\"",
            on_disk.as_slice(),
        ),
        (
            variant_url(&svg, "w=5&fmt=png"),
            "image/svg+xml",
            "inline; filename=\"logo.svg\"",
            on_disk.as_slice(),
        ),
        (
            text(&pdf["url"]).to_owned(),
            "application/pdf",
            "attachment; filename=\"annual-report.pdf\"",
            PDF,
        ),
        (
            variant_url(&pdf, "preset=thumbnail"),
            "application/pdf",
            "attachment; filename=\"annual-report.pdf\"",
            PDF,
        ),
    ] {
        let response = get(&server, &url).await;
        assert_eq!(response.status(), 200, "{url}");
        for (name, value) in [
            ("content-type", mime),
            ("content-disposition", disposition),
            ("content-security-policy", SANDBOX),
            ("x-content-type-options", "nosniff"),
        ] {
            assert_eq!(header(&response, name).as_deref(), Some(value), "{url}");
        }
        assert_eq!(
            response.bytes().await.expect("bytes").as_ref(),
            bytes,
            "{url}"
        );
    }
    assert_eq!(renders(&server), 0);
}

// ---------------------------------------------------------------------------------------
// Variants.

#[tokio::test]
async fn a_variant_is_rendered_once_then_served_from_the_store() {
    // No memory in front of the store: a second request must find the stored variant.
    let server = start(&[("CIVITAS_MEDIA__CACHE_MIB", "0")]).await;
    let record = upload(&server, "square.png", &png(640, 480, 3), &[]).await;
    let sha = text(&record["sha256"]);
    assert_eq!(renders(&server), 0);

    let url = variant_url(&record, "w=200&h=100&fit=cover&fmt=webp");
    let response = get(&server, &url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("image/webp")
    );
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some(IMMUTABLE)
    );
    assert_eq!(
        header(&response, "content-disposition").as_deref(),
        Some("inline; filename=\"square.webp\"")
    );
    let first = response.bytes().await.expect("bytes").to_vec();
    assert_eq!(&first[..4], b"RIFF");
    assert_eq!(&first[8..12], b"WEBP");
    assert_eq!(decoded(&first), (ImageFormat::WebP, 200, 100));
    assert_eq!(renders(&server), 1);
    let variants: Vec<String> = stored_files(&server)
        .into_iter()
        .filter(|f| f.starts_with("variants/"))
        .collect();
    assert_eq!(variants.len(), 1, "{variants:?}");
    assert!(
        variants[0].starts_with(&format!("variants/{sha}/")) && variants[0].ends_with(".webp"),
        "{variants:?}"
    );
    let stored =
        fs::read(server.dir.path().join("data/media").join(&variants[0])).expect("variant");
    assert_eq!(stored, first);

    // Again, and spelled differently (order, defaults): the stored file, not a new render.
    assert_eq!(body_of(&server, &url).await, first);
    let respelled = variant_url(&record, "fmt=webp&q=80&h=100&fit=cover&w=200");
    assert_eq!(body_of(&server, &respelled).await, first);
    assert_eq!(renders(&server), 1, "{}", server.log());

    // Each fit and format gives what it says.
    for (params, expected) in [
        (
            "w=200&h=200&fit=contain&fmt=png",
            (ImageFormat::Png, 200, 200),
        ),
        (
            "w=200&h=200&fit=inside&fmt=jpeg",
            (ImageFormat::Jpeg, 200, 150),
        ),
        ("h=120&fmt=png", (ImageFormat::Png, 160, 120)),
        ("w=200&h=200&fmt=jpeg&q=40", (ImageFormat::Jpeg, 200, 200)),
        // Never enlarged: the box keeps its shape but shrinks to the original.
        (
            "w=1280&h=1280&fit=cover&fmt=png",
            (ImageFormat::Png, 480, 480),
        ),
        ("w=2000&fmt=png", (ImageFormat::Png, 640, 480)),
        ("preset=thumbnail", (ImageFormat::WebP, 320, 320)),
        // A preset with a parameter in its place.
        ("preset=card&fmt=png", (ImageFormat::Png, 640, 360)),
    ] {
        let variant = body_of(&server, &variant_url(&record, params)).await;
        assert_eq!(decoded(&variant), expected, "{params}");
    }
    assert_eq!(renders(&server), 9);

    for params in [
        "w=0",
        "w=4097",
        "q=101",
        "fit=stretch",
        "fmt=avif",
        "w=10&w=20",
        "width=10",
        "w=ten",
        "preset=nope",
    ] {
        expect_error(
            server.get(&variant_url(&record, params)).send().await,
            400,
            "invalid_transform",
        )
        .await;
    }
    expect_error(
        server
            .get("/assets/01ARZ3NDEKTSV4RRFFQ69G5FAV/nothing.png?w=10")
            .send()
            .await,
        404,
        "media_not_found",
    )
    .await;
}

#[tokio::test]
async fn twenty_simultaneous_requests_for_a_new_variant_render_it_once() {
    let server = start(&[]).await;
    let record = upload(&server, "busy.png", &noise_png(1200, 900, 7), &[]).await;
    let url = variant_url(&record, "w=300&h=300&fit=cover&fmt=webp&q=70");
    let answers = join_all((0..20).map(|_| {
        let request = server.get(&url);
        async move {
            let response = request.send().await.expect("response");
            let status = response.status().as_u16();
            (status, response.bytes().await.expect("bytes").to_vec())
        }
    }))
    .await;
    let first = &answers[0].1;
    for (status, bytes) in &answers {
        assert_eq!(*status, 200, "{}", String::from_utf8_lossy(bytes));
        assert_eq!(bytes, first, "every answer is the same variant");
    }
    assert_eq!(decoded(first), (ImageFormat::WebP, 300, 300));
    assert_eq!(renders(&server), 1, "{}", server.log());
}

#[tokio::test]
async fn a_burst_of_new_variants_past_the_queue_is_told_to_retry() {
    let server = start(&[
        ("CIVITAS_MEDIA__RENDER_CONCURRENCY", "1"),
        ("CIVITAS_MEDIA__RENDER_QUEUE", "1"),
    ])
    .await;
    let record = upload(&server, "large.png", &noise_png(1600, 1200, 8), &[]).await;
    let urls: Vec<String> = (0..8)
        .map(|n| variant_url(&record, &format!("w={}&fmt=png", 100 + n)))
        .collect();
    let answers = join_all(urls.iter().map(|url| {
        let request = server.get(url);
        async move {
            let response = request.send().await.expect("response");
            let retry_after = header(&response, "retry-after");
            let (status, body) = json(Ok(response)).await;
            (status, retry_after, body)
        }
    }))
    .await;
    let busy: Vec<&(u16, Option<String>, Value)> = answers
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    let served = answers.iter().filter(|(status, ..)| *status == 200).count();
    assert_eq!(busy.len() + served, 8, "{answers:?}");
    // One renders, one waits for it; the others could only have waited past the queue.
    assert!(
        served >= 2 && !busy.is_empty(),
        "{served} served, {} busy",
        busy.len()
    );
    for (_, retry_after, body) in &busy {
        assert_eq!(body["error"]["code"], "busy", "{body}");
        assert!(
            retry_after
                .as_deref()
                .is_some_and(|s| s.parse::<u64>().is_ok()),
            "{retry_after:?}"
        );
    }
    // Told to retry, they get their variant.
    for url in &urls {
        let (format, width, _) = decoded(&body_of(&server, url).await);
        assert_eq!(format, ImageFormat::Png);
        assert!((100..108).contains(&width));
    }
}

#[tokio::test]
async fn byte_ranges_and_entity_tags_are_honoured() {
    let server = start(&[]).await;
    // Over 512 KiB, so it is streamed from the store rather than kept in memory.
    let large = upload(&server, "large.png", &noise_png(450, 400, 5), &[]).await;
    let small = upload(&server, "small.png", &png(64, 48, 5), &[]).await;
    assert!(large["size"].as_u64().is_some_and(|s| s > 512 * 1024));
    let variant = variant_url(&small, "w=32&fmt=png");
    for url in [text(&large["url"]), text(&small["url"]), variant.as_str()] {
        let response = get(&server, url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(header(&response, "accept-ranges").as_deref(), Some("bytes"));
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some(IMMUTABLE)
        );
        let etag = header(&response, "etag").expect("an ETag");
        let whole = response.bytes().await.expect("bytes").to_vec();
        let size = whole.len();
        assert!(size > 100, "{url}: {size} bytes");
        assert_eq!(
            header(&get(&server, url).await, "etag").as_deref(),
            Some(etag.as_str()),
            "the tag is stable"
        );

        for (range, expected) in [
            ("bytes=0-9".to_owned(), 0..10),
            (format!("bytes=50-{}", size + 50), 50..size),
            ("bytes=-16".to_owned(), size - 16..size),
            (format!("bytes={}-", size - 3), size - 3..size),
        ] {
            let response = server
                .get(url)
                .header("range", &range)
                .send()
                .await
                .expect("response");
            assert_eq!(response.status(), 206, "{url} {range}");
            assert_eq!(
                header(&response, "content-range"),
                Some(format!(
                    "bytes {}-{}/{size}",
                    expected.start,
                    expected.end - 1
                )),
                "{url} {range}"
            );
            let part = response.bytes().await.expect("bytes");
            assert_eq!(part.as_ref(), &whole[expected], "{url} {range}");
        }
        let response = server
            .get(url)
            .header("range", format!("bytes={size}-"))
            .send()
            .await
            .expect("response");
        assert_eq!(
            header(&response, "content-range"),
            Some(format!("bytes */{size}"))
        );
        expect_error(Ok(response), 416, "range_not_satisfiable").await;

        let response = server
            .get(url)
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), 304, "{url}");
        assert_eq!(header(&response, "etag").as_deref(), Some(etag.as_str()));
        assert!(response.bytes().await.expect("body").is_empty());
        let response = server
            .get(url)
            .header("if-none-match", "\"something-else\"")
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), 200, "{url}");
    }
    assert_eq!(
        header(&get(&server, text(&large["url"])).await, "etag"),
        Some(format!("\"{}\"", text(&large["sha256"])))
    );
    assert_ne!(
        header(&get(&server, text(&small["url"])).await, "etag"),
        header(&get(&server, &variant).await, "etag"),
        "a variant has its own tag"
    );
}

// ---------------------------------------------------------------------------------------
// Who may ask for which variants.

#[tokio::test]
async fn the_presets_policy_renders_named_presets_only() {
    let config = r#"
[media]
transform_policy = "presets"

[media.presets]
tiny = { w = 40, h = 30, fit = "cover", fmt = "png" }
"#;
    let options = Options {
        seed: false,
        ..Options::with_config(config)
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let record = upload(&server, "photo.png", &png(640, 480, 6), &[]).await;

    let tiny = body_of(&server, &variant_url(&record, "preset=tiny")).await;
    assert_eq!(decoded(&tiny), (ImageFormat::Png, 40, 30));
    assert_eq!(
        body_of(&server, text(&record["url"])).await.len() as u64,
        record["size"].as_u64().expect("size")
    );
    for params in [
        "w=100",
        "w=40&h=30&fit=cover&fmt=png",
        "preset=tiny&fmt=webp",
        "preset=nope",
    ] {
        expect_error(
            server.get(&variant_url(&record, params)).send().await,
            400,
            "invalid_transform",
        )
        .await;
    }
    assert_eq!(renders(&server), 1);
}

#[tokio::test]
async fn the_signed_policy_renders_parameters_only_with_a_valid_signature() {
    let server = start(&[
        ("CIVITAS_MEDIA__TRANSFORM_POLICY", "signed"),
        ("CIVITAS_MEDIA__SIGNING_KEY", SIGNING_KEY),
    ])
    .await;
    let record = upload(&server, "photo.png", &png(640, 480, 7), &[]).await;
    let other = upload(&server, "other.png", &png(64, 48, 8), &[]).await;
    let id = text(&record["id"]);

    // Presets and the original need no signature.
    let thumbnail = body_of(&server, &variant_url(&record, "preset=thumbnail")).await;
    assert_eq!(decoded(&thumbnail), (ImageFormat::WebP, 320, 320));
    body_of(&server, text(&record["url"])).await;

    // Canonical parameters: fit and fmt, then h, q and w as set, defaults spelled out.
    let sig = signature(id, "fit=inside&fmt=webp&q=80&w=100");
    let signed = body_of(&server, &variant_url(&record, &format!("w=100&sig={sig}"))).await;
    assert_eq!(decoded(&signed), (ImageFormat::WebP, 100, 75));
    let respelled = format!("fmt=webp&sig={sig}&q=80&w=100");
    assert_eq!(
        body_of(&server, &variant_url(&record, &respelled)).await,
        signed
    );
    let cover = signature(id, "fit=cover&fmt=png&h=90&w=120");
    let cropped = body_of(
        &server,
        &variant_url(
            &record,
            &format!("w=120&h=90&fit=cover&fmt=png&sig={cover}"),
        ),
    )
    .await;
    assert_eq!(decoded(&cropped), (ImageFormat::Png, 120, 90));
    assert_eq!(renders(&server), 3);

    for (url, why) in [
        (variant_url(&record, "w=100"), "unsigned"),
        (
            variant_url(&record, &format!("w=101&sig={sig}")),
            "another size",
        ),
        (
            variant_url(&record, &format!("w=100&fmt=png&sig={sig}")),
            "another format",
        ),
        (
            variant_url(&other, &format!("w=100&sig={sig}")),
            "another file",
        ),
        (variant_url(&record, "w=100&sig=zz"), "not hex"),
        (
            variant_url(
                &record,
                &format!(
                    "w=100&sig={}",
                    signature(text(&other["id"]), "fit=inside&fmt=webp&q=80&w=100")
                ),
            ),
            "signed for another file",
        ),
        (
            variant_url(&record, "preset=thumbnail&w=200"),
            "a preset changed",
        ),
    ] {
        let (status, body) = json(server.get(&url).send().await).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (403, &json!("invalid_signature")),
            "{why}: {body}"
        );
    }
    expect_error(
        server
            .get(&variant_url(&record, &format!("w=0&sig={sig}")))
            .send()
            .await,
        400,
        "invalid_transform",
    )
    .await;
    assert_eq!(renders(&server), 3, "nothing refused was rendered");
}

// ---------------------------------------------------------------------------------------
// Media fields in entries.

#[tokio::test]
async fn entries_show_their_files_in_the_locale_asked_for() {
    let server = Server::start().await;
    let photo = upload(
        &server,
        "tram.png",
        &png(80, 60, 3),
        &[("alt", "A yellow tram"), ("title", "Tram 28")],
    )
    .await;
    let id = text(&photo["id"]);
    let (status, patched) = json(
        server
            .admin(Method::PATCH, &format!("/media/{id}"))
            .json(&json!({"translations": {"fr": {"alt": "Un tramway jaune"}}}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        patched["data"]["translations"]["fr"]["alt"],
        "Un tramway jaune"
    );
    assert_eq!(patched["data"]["alt"], "A yellow tram");

    let post = create_published(
        &server,
        "post",
        json!({"title": "Trams are back", "body": "Yes.", "cover": id, "authors": ["john-marwel"]}),
    )
    .await;
    let post_id = text(&post["id"]);
    let mut expected = json!({
        "id": id, "url": photo["url"], "filename": "tram.png", "mime": "image/png",
        "size": photo["size"], "width": 80, "height": 60, "alt": "A yellow tram",
        "title": "Tram 28", "focal": {"x": 0.5, "y": 0.5}, "thumbhash": photo["thumbhash"],
    });
    assert_eq!(post["cover"], expected, "the admin answer embeds the file");
    let read = |path: String| {
        let request = server.get(&path);
        async move {
            let (status, body) = json(request.send().await).await;
            assert_eq!(status, 200, "{path}: {body}");
            body["data"].clone()
        }
    };
    let entry = "/api/v1/content/post/trams-are-back";
    assert_eq!(read(entry.into()).await["cover"], expected);
    let french = read(format!("{entry}?locale=fr")).await;
    expected["alt"] = json!("Un tramway jaune");
    assert_eq!(
        french["cover"], expected,
        "the title falls back to the default"
    );
    let list = read("/api/v1/content/post?locale=fr&filter[slug]=trams-are-back".into()).await;
    assert_eq!(list[0]["cover"], expected);
    let only = read(format!("{entry}?fields=cover&locale=fr")).await;
    assert_eq!(only["cover"], expected);
    assert!(
        only.get("body").is_none() && only.get("title").is_none(),
        "{only}"
    );
    assert!(
        read(format!("{entry}?fields=title"))
            .await
            .get("cover")
            .is_none()
    );
    // Embedded entries show their own files: the author's photo, from the demo content.
    let with_authors = read(format!("{entry}?include=authors")).await;
    assert_eq!(with_authors["cover"]["id"], id);
    let author_photo = &with_authors["authors"][0]["photo"];
    assert_eq!(author_photo["mime"], "image/png", "{with_authors}");
    assert!(
        text(&author_photo["url"]).starts_with("/assets/"),
        "{with_authors}"
    );
    assert!(author_photo["alt"].is_string(), "{with_authors}");

    // A new alt text is seen at once, however the answer was kept.
    let (status, _) = json(
        server
            .admin(Method::PATCH, &format!("/media/{id}"))
            .json(&json!({"alt": "A tram on the hill"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        read(entry.into()).await["cover"]["alt"],
        "A tram on the hill"
    );
    assert_eq!(
        read(format!("{entry}?locale=fr")).await["cover"]["alt"],
        "Un tramway jaune"
    );

    // What a read shows can be written back; unknown ids and PDFs are refused.
    let path = format!("/content/post/{post_id}");
    let (status, _) = json(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"cover": read(entry.into()).await["cover"]}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, admin_read) = json(server.admin(Method::GET, &path).send().await).await;
    assert_eq!(admin_read["data"]["cover"]["id"], id, "{admin_read}");
    let pdf = upload(&server, "report.pdf", PDF, &[]).await;
    for (cover, code) in [
        (json!("01ARZ3NDEKTSV4RRFFQ69G5FAV"), "media_not_found"),
        (pdf["id"].clone(), "media_type_not_accepted"),
    ] {
        let body = expect_error(
            server
                .admin(Method::PATCH, &path)
                .json(&json!({"cover": cover}))
                .send()
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(
            pick(&body["error"]["details"][0], &["field", "code"]),
            json!({"field": "cover", "code": code})
        );
    }
}

#[tokio::test]
async fn the_files_of_a_page_of_posts_cost_one_query_however_many_posts() {
    // The response cache would answer repeats without any query.
    let server = start(&[("CIVITAS_API__CACHE_MAX_MIB", "0")]).await;
    for n in 0..20u8 {
        let photo = upload(&server, &format!("cover-{n}.png"), &png(8, 8, n), &[]).await;
        create_published(
            &server,
            "post",
            json!({"title": format!("Post {n}"), "body": "Text.", "cover": photo["id"]}),
        )
        .await;
    }
    // The newest post has no cover.
    create_published(
        &server,
        "post",
        json!({"title": "No cover", "body": "Text."}),
    )
    .await;
    let count = |size: u32| {
        let request = server.get(&format!("/api/v1/content/post?page[size]={size}"));
        async move {
            let response = request.send().await.expect("response");
            let n = queries(&response);
            let (status, body) = json(Ok(response)).await;
            assert_eq!(status, 200, "{body}");
            (n, body)
        }
    };
    let (without, body) = count(1).await;
    assert_eq!(body["data"][0]["cover"], Value::Null, "{body}");
    let (one, body) = count(2).await;
    assert_eq!(
        body["data"][1]["cover"]["filename"], "cover-19.png",
        "{body}"
    );
    let (twenty, body) = count(21).await;
    let mut covers: Vec<&str> = body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|post| post["cover"]["url"].as_str())
        .collect();
    covers.sort_unstable();
    covers.dedup();
    assert_eq!(covers.len(), 20, "{body}");
    assert_eq!(one, without + 1, "one query for the file of one post");
    assert_eq!(twenty, one, "and the same one for the files of twenty");
}

// ---------------------------------------------------------------------------------------
// Deleting and replacing files.

#[tokio::test]
async fn a_file_in_use_is_kept_until_no_entry_uses_it_then_deleted_with_its_variants() {
    let server = start(&[]).await;
    let bytes = png(120, 90, 5);
    let photo = upload(&server, "bridge.png", &bytes, &[]).await;
    let twin = upload(&server, "bridge-copy.png", &bytes, &[]).await;
    let (id, sha) = (text(&photo["id"]), text(&photo["sha256"]));
    body_of(&server, &variant_url(&photo, "w=60&fmt=png")).await;
    let files = stored_files(&server);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&original_path(sha)), "{files:?}");

    let (status, created) = json(
        server
            .admin(Method::POST, "/content/post")
            .json(&json!({"title": "Bridges", "body": "Text.", "cover": id}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let post_id = text(&created["data"]["id"]).to_owned();
    let path = format!("/content/post/{post_id}");
    let refused = || async {
        let body = expect_error(
            server
                .admin(Method::DELETE, &format!("/media/{id}"))
                .send()
                .await,
            409,
            "media_in_use",
        )
        .await;
        assert_eq!(
            pick(&body["error"]["details"][0], &["field", "code"]),
            json!({"field": format!("post/{post_id}"), "code": "media_in_use"})
        );
    };
    refused().await; // by a draft
    let publish = || async {
        let (status, body) = json(
            server
                .admin(Method::POST, &format!("{path}/publish"))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
    };
    publish().await;
    refused().await; // by the published entry
    let (status, body) = json(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"cover": null}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["unpublished_changes"], true);
    refused().await; // still by what is published
    publish().await;
    let response = server
        .admin(Method::DELETE, &format!("/media/{id}"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 204);
    expect_error(
        server
            .admin(Method::GET, &format!("/media/{id}"))
            .send()
            .await,
        404,
        "media_not_found",
    )
    .await;
    expect_error(
        server.get(text(&photo["url"])).send().await,
        404,
        "media_not_found",
    )
    .await;
    // The twin still has the bytes, and its variants.
    assert_eq!(stored_files(&server), files);
    assert_eq!(sha256(&body_of(&server, text(&twin["url"])).await), sha);

    let response = server
        .admin(Method::DELETE, &format!("/media/{}", text(&twin["id"])))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 204);
    assert_eq!(
        stored_files(&server),
        Vec::<String>::new(),
        "the file and its variants are gone"
    );
    expect_error(
        server.get(text(&twin["url"])).send().await,
        404,
        "media_not_found",
    )
    .await;
    expect_error(
        server
            .admin(Method::DELETE, &format!("/media/{id}"))
            .send()
            .await,
        404,
        "media_not_found",
    )
    .await;
}

#[tokio::test]
async fn replacing_a_file_keeps_its_id_and_texts_and_changes_its_url() {
    let server = start(&[]).await;
    let photo = upload(
        &server,
        "before.png",
        &png(100, 80, 1),
        &[("alt", "The square")],
    )
    .await;
    let id = text(&photo["id"]);
    let old_sha = text(&photo["sha256"]);
    create_published(
        &server,
        "post",
        json!({"title": "The square", "body": "Text.", "cover": id}),
    )
    .await;
    body_of(&server, text(&photo["url"])).await;
    body_of(&server, &variant_url(&photo, "w=50&fmt=png")).await;

    let after = jpeg(60, 40);
    let (status, body) = json(
        send_file(
            &server,
            Method::PUT,
            &format!("/media/{id}/file"),
            ("after.jpg", "image/jpeg", &after),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let replaced = body["data"].clone();
    let new_sha = text(&replaced["sha256"]);
    assert_ne!(new_sha, old_sha);
    assert_eq!(
        pick(
            &replaced,
            &["id", "alt", "mime", "width", "height", "filename", "url"]
        ),
        json!({"id": id, "alt": "The square", "mime": "image/jpeg", "width": 60, "height": 40,
               "filename": "after.jpg", "url": format!("/assets/{id}/after.jpg?v={}", &new_sha[..12])})
    );
    let served = body_of(&server, text(&replaced["url"])).await;
    assert_eq!(sha256(&served), new_sha);
    assert_eq!(
        decoded(&body_of(&server, &variant_url(&replaced, "w=30&fmt=png")).await),
        (ImageFormat::Png, 30, 20)
    );
    // The old URL names an earlier file: it gets the current one, not to be kept.
    let response = get(&server, text(&photo["url"])).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("public, no-cache")
    );
    assert_eq!(
        response.bytes().await.expect("bytes").as_ref(),
        served.as_slice()
    );
    let (_, entry) = json(server.get("/api/v1/content/post/the-square").send().await).await;
    assert_eq!(entry["data"]["cover"]["url"], replaced["url"], "{entry}");
    assert_eq!(entry["data"]["cover"]["width"], 60);
    let files = stored_files(&server);
    assert!(
        files.contains(&original_path(new_sha)) && !files.iter().any(|f| f.contains(old_sha)),
        "the old file and its variants are gone: {files:?}"
    );

    // An image is replaced by an image, with nothing but the file.
    let body = expect_error(
        send_file(
            &server,
            Method::PUT,
            &format!("/media/{id}/file"),
            ("report.pdf", "application/pdf", PDF),
            &[],
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        pick(&body["error"]["details"][0], &["field", "code"]),
        json!({"field": "file", "code": "media_type_changed"})
    );
    let body = expect_error(
        send_file(
            &server,
            Method::PUT,
            &format!("/media/{id}/file"),
            ("again.png", "image/png", &png(10, 10, 2)),
            &[("alt", "New alt")],
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "alt", "{body}");
    assert_eq!(stored_files(&server), files, "refused files are not kept");
    let (_, again) = json(
        server
            .admin(Method::GET, &format!("/media/{id}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(again["data"]["sha256"], new_sha);
    // Last: refused before its body is read, it may leave its connection unusable.
    expect_error(
        send_file(
            &server,
            Method::PUT,
            "/media/01ARZ3NDEKTSV4RRFFQ69G5FAV/file",
            ("again.png", "image/png", &png(10, 10, 2)),
            &[],
        )
        .await,
        404,
        "media_not_found",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// An S3-compatible store.

/// moto's S3 server (PyPI `moto[server]`), in a virtualenv under `target/` like
/// `support::python_tool`, or why it cannot be had here.
fn moto_server() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/moto");
    let tool = venv.join("bin/moto_server");
    if tool.exists() {
        return Ok(tool);
    }
    let run = |command: &mut Command, what: &str| -> Result<(), String> {
        let output = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{what}: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        Err(format!("{what} failed: {}", tail.join(" / ")))
    };
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    )?;
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--retries",
            "1",
            "--timeout",
            "20",
            "moto[server]==5.2.1",
        ]),
        "pip install moto[server]",
    )?;
    Ok(tool)
}

/// A running moto server, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_moto() -> Result<Moto, String> {
    let tool = moto_server()?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let child = Command::new(tool)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("moto_server does not start: {e}"))?;
    let mut moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if client.get(&moto.endpoint).send().await.is_ok() {
            return Ok(moto);
        }
        if let Ok(Some(status)) = moto.child.try_wait() {
            return Err(format!("moto_server exited with {status}"));
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err("moto_server did not answer within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The keys of a bucket under `prefix`.
async fn bucket_keys(endpoint: &str, bucket: &str, prefix: &str) -> Vec<String> {
    let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2&prefix={prefix}"))
        .await
        .expect("moto lists the bucket")
        .text()
        .await
        .expect("listing");
    let mut keys: Vec<String> = listing
        .split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split("</Key>").next().map(str::to_owned))
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn files_and_variants_live_in_an_s3_compatible_store() {
    let moto = match start_moto().await {
        Ok(moto) => moto,
        Err(why) => {
            eprintln!("SKIPPED files_and_variants_live_in_an_s3_compatible_store: {why}");
            return;
        }
    };
    let endpoint = moto.endpoint.clone();
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/civitas-media"))
        .send()
        .await
        .expect("moto answers");
    assert!(created.status().is_success(), "{created:?}");
    let server = start(&[
        ("CIVITAS_MEDIA__STORE", "s3://civitas-media/site"),
        ("CIVITAS_MEDIA__S3_ENDPOINT", endpoint.as_str()),
        ("CIVITAS_MEDIA__S3_ALLOW_HTTP", "true"),
        ("CIVITAS_MEDIA__S3_REGION", "us-east-1"),
        ("CIVITAS_MEDIA__S3_ACCESS_KEY_ID", "testing"),
        ("CIVITAS_MEDIA__S3_SECRET_ACCESS_KEY", "testing"),
    ])
    .await;

    // Over 512 KiB, so it is streamed (and its ranges read) from the bucket.
    let bytes = noise_png(450, 400, 9);
    let record = upload(&server, "bucket.png", &bytes, &[]).await;
    let (id, sha) = (text(&record["id"]), text(&record["sha256"]));
    let original = format!("site/{}", original_path(sha));
    assert_eq!(
        bucket_keys(&endpoint, "civitas-media", "site/").await,
        [original]
    );
    let served = body_of(&server, text(&record["url"])).await;
    assert_eq!(sha256(&served), sha);
    let response = server
        .get(text(&record["url"]))
        .header("range", "bytes=1000-1099")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 206);
    assert_eq!(
        response.bytes().await.expect("bytes").as_ref(),
        &served[1000..1100]
    );

    let url = variant_url(&record, "w=90&fmt=webp");
    let variant = body_of(&server, &url).await;
    assert_eq!(decoded(&variant), (ImageFormat::WebP, 90, 80));
    let keys = bucket_keys(&endpoint, "civitas-media", "site/").await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys[1].starts_with(&format!("site/variants/{sha}/")),
        "{keys:?}"
    );
    assert_eq!(body_of(&server, &url).await, variant);
    assert_eq!(renders(&server), 1);
    assert!(
        !server.dir.path().join("data/media").exists(),
        "nothing stored locally"
    );

    let response = server
        .admin(Method::DELETE, &format!("/media/{id}"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 204);
    assert_eq!(
        bucket_keys(&endpoint, "civitas-media", "site/").await,
        Vec::<String>::new()
    );
    drop(server);
    drop(moto);
}
