//! Uploads over the limits: too many bytes (refused, with nothing left behind and the
//! connection still usable) and too many pixels (a pixel bomb, refused before decoding).

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{
    BOUNDARY, expect_refused_upload, form, noise_png, original_path, png, post_file, sha256, start,
    stored_files, upload,
};
use crate::support::media::{body_of, png_with_data};
use crate::support::{TOKEN, expect_invalid_field, text};

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
    let body = expect_refused_upload(&server, file, 413, "file_too_large").await;
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
    expect_invalid_field(post_file(&server, file, &[("focal_x", "2")]), "focal_x").await;
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
                "GET /api/v1/admin/media HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
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

/// A well-formed PNG whose header declares `width` x `height` pixels, with a few bytes of
/// image data: decoding it would mean allocating width x height x 3 bytes.
fn pixel_bomb(width: u32, height: u32) -> Vec<u8> {
    // One stored deflate block holding a single zero byte (the first row's filter type).
    let zlib = [
        0x78, 0x01, 0x01, 0x01, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x01,
    ];
    png_with_data(width, height, &zlib)
}

/// A number of kB in `/proc/<pid>/status` (`VmRSS`, `VmHWM`), where there is one.
fn memory_kib(pid: u32, key: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
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
    let file = ("bomb.png", "image/png", bomb.as_slice());
    let started = Instant::now();
    let body = expect_refused_upload(&server, file, 422, "image_too_large").await;
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
    let wide = png(101, 100, 2);
    let file = ("wide.png", "image/png", wide.as_slice());
    expect_refused_upload(&server, file, 422, "image_too_large").await;
    assert_eq!(
        stored_files(&server).len(),
        1,
        "only the first upload is stored"
    );
}
