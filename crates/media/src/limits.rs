//! Size limits checked from the image header alone, before any pixel buffer is allocated,
//! so a tiny file declaring a gigantic canvas (a pixel bomb) costs nothing to refuse.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageReader};

use crate::{MediaError, MediaKind};

/// Limits applied to every raster image read by this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest accepted `width * height`.
    pub max_pixels: u64,
    /// Largest accepted width or height, whatever the other side is.
    pub max_side: u32,
    /// Most bytes a decoder may allocate, handed to `image::Limits` as defence in depth.
    pub max_alloc: u64,
}

impl Default for ImageLimits {
    /// 50 megapixels: a 12 MP RGBA frame is 48 MB, so the cap keeps one decode near 200 MB.
    fn default() -> Self {
        Self {
            max_pixels: 50_000_000,
            max_side: 20_000,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}

impl ImageLimits {
    /// The `image` crate limits for a full decode.
    pub fn decode_limits(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_side);
        limits.max_image_height = Some(self.max_side);
        limits.max_alloc = Some(self.max_alloc);
        limits
    }

    fn check(&self, width: u32, height: u32) -> Result<(), MediaError> {
        let pixels = u64::from(width) * u64::from(height);
        if pixels > self.max_pixels || width > self.max_side || height > self.max_side {
            return Err(MediaError::ImageTooLarge {
                width,
                height,
                max: self.max_pixels,
            });
        }
        Ok(())
    }
}

/// What the header of a raster image says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    /// Width of the stored pixels, before orientation.
    pub width: u32,
    /// Height of the stored pixels, before orientation.
    pub height: u32,
    /// The EXIF orientation viewers apply when displaying.
    pub orientation: Orientation,
}

impl ImageHeader {
    /// Width and height as displayed, i.e. swapped when the orientation turns by 90 degrees.
    pub fn display_dimensions(&self) -> (u32, u32) {
        match self.orientation {
            Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH => (self.height, self.width),
            _ => (self.width, self.height),
        }
    }
}

/// Reads width, height and orientation from the header and refuses images over `limits`.
///
/// Only the header is parsed: no pixel data is decoded or allocated.
pub fn read_header(
    bytes: &[u8],
    kind: MediaKind,
    limits: &ImageLimits,
) -> Result<ImageHeader, MediaError> {
    let format = kind.image_format().ok_or(MediaError::UnsupportedFileType)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // No width/height caps here: our own check below reports the declared size.
    let mut header_limits = image::Limits::no_limits();
    header_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(decode_failed)?;
    let (width, height) = decoder.dimensions();
    limits.check(width, height)?;
    // A malformed EXIF block only loses the rotation; it is no reason to refuse the image.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok(ImageHeader {
        width,
        height,
        orientation,
    })
}

pub(crate) fn decode_failed(error: image::ImageError) -> MediaError {
    match error {
        image::ImageError::Limits(limit) => MediaError::DecodeFailed(format!("limit: {limit}")),
        other => MediaError::DecodeFailed(other.to_string()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A well-formed PNG declaring the given size whose image data is a few bytes: what a
    /// pixel bomb looks like (real ones carry a small, highly compressible IDAT).
    pub(crate) fn png_bomb(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(b"IHDR");
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        for (kind, data) in [
            (&b"IDAT"[..], &b"\x78\x9c\x63\x00\x00\x00\x01\x00\x01"[..]),
            (b"IEND", b""),
        ] {
            let mut chunk = kind.to_vec();
            chunk.extend_from_slice(data);
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            png.extend_from_slice(&chunk);
            png.extend_from_slice(&crc32(&chunk).to_be_bytes());
        }
        png
    }

    pub(crate) fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    pub(crate) fn png_bytes(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn pixel_bomb_is_refused_from_its_header() {
        let bomb = png_bomb(100_000, 100_000);
        assert!(bomb.len() < 100);
        let error = read_header(&bomb, MediaKind::Png, &ImageLimits::default()).unwrap_err();
        match error {
            MediaError::ImageTooLarge { width, height, max } => {
                assert_eq!((width, height), (100_000, 100_000));
                assert_eq!(max, 50_000_000);
            }
            other => panic!("expected ImageTooLarge, got {other:?}"),
        }
    }

    #[test]
    fn a_long_thin_image_is_refused_by_its_side() {
        let limits = ImageLimits {
            max_side: 1000,
            ..ImageLimits::default()
        };
        let error = read_header(&png_bomb(5000, 1), MediaKind::Png, &limits).unwrap_err();
        assert_eq!(error.code(), "image_too_large");
    }

    #[test]
    fn header_of_a_real_image_gives_its_size() {
        let header =
            read_header(&png_bytes(30, 20), MediaKind::Png, &ImageLimits::default()).unwrap();
        assert_eq!((header.width, header.height), (30, 20));
        assert_eq!(header.orientation, Orientation::NoTransforms);
        assert_eq!(header.display_dimensions(), (30, 20));
    }

    #[test]
    fn rotated_header_swaps_display_dimensions() {
        let header = ImageHeader {
            width: 40,
            height: 10,
            orientation: Orientation::Rotate90,
        };
        assert_eq!(header.display_dimensions(), (10, 40));
    }

    #[test]
    fn garbage_after_a_magic_number_is_a_decode_failure() {
        let error = read_header(
            b"\x89PNG\r\n\x1a\nnonsense",
            MediaKind::Png,
            &ImageLimits::default(),
        )
        .unwrap_err();
        assert_eq!(error.code(), "decode_failed");
    }

    #[test]
    fn documents_have_no_header_to_read() {
        let error = read_header(b"%PDF-1.7", MediaKind::Pdf, &ImageLimits::default()).unwrap_err();
        assert_eq!(error.code(), "unsupported_file_type");
    }
}
