//! What the media tests (`media::*`, `cli_media`) share: PNGs written chunk by chunk, and
//! reading records and files back from a server.

use reqwest::Method;
use serde_json::Value;

use super::{Server, json};

/// A media record as the admin API shows it.
pub async fn media_record(server: &Server, id: &str) -> Value {
    let (status, body) = json(
        server
            .admin(Method::GET, &format!("/media/{id}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// The body of a 200 answer at `url` (a file or one of its variants).
pub async fn body_of(server: &Server, url: &str) -> Vec<u8> {
    let response = server
        .get(url)
        .send()
        .await
        .expect("the asset route answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body").to_vec();
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&bytes));
    bytes
}

/// A `width` x `height` RGB PNG, stored without compression (so it weighs about 3 bytes
/// a pixel), its colours from `seed`.
pub fn uncompressed_png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0);
        for x in 0..width {
            raw.extend_from_slice(&[seed, x as u8, y as u8]);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (n, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(n + 1 == blocks.len()));
        let length = block.len() as u16;
        zlib.extend_from_slice(&length.to_le_bytes());
        zlib.extend_from_slice(&(!length).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    png_with_data(width, height, &zlib)
}

/// A well-formed PNG whose header declares `width` x `height` 8-bit RGB pixels, with
/// `zlib` as its one IDAT chunk, whether or not that holds so many pixels.
pub fn png_with_data(width: u32, height: u32, zlib: &[u8]) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &header);
    png_chunk(&mut out, b"IDAT", zlib);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
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

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in bytes {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}
