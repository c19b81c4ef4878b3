//! Decoding a raster original into pixels under the configured limits, upright and as a
//! single frame, which is what every variant and placeholder starts from.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::limits::{decode_failed, read_header};
use crate::{ImageLimits, MediaError, MediaKind};

/// Decodes `bytes` into an upright image: the header is checked against `limits` first, the
/// decoder runs under `image::Limits`, EXIF orientation is applied, and an animation yields
/// its first frame only.
pub fn decode(
    bytes: &[u8],
    kind: MediaKind,
    limits: &ImageLimits,
) -> Result<DynamicImage, MediaError> {
    let header = read_header(bytes, kind, limits)?;
    let format = kind.image_format().ok_or(MediaError::UnsupportedFileType)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.decode_limits());
    let decoder = reader.into_decoder().map_err(decode_failed)?;
    // Deep colour or many channels can need more memory than the pixel count suggests.
    if decoder.total_bytes() > limits.max_alloc {
        return Err(MediaError::ImageTooLarge {
            width: header.width,
            height: header.height,
            max: limits.max_pixels,
        });
    }
    // `from_decoder` reads one image: for GIF and APNG that is the first frame.
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_failed)?;
    image.apply_orientation(header.orientation);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::tests::{png_bomb, png_bytes};

    #[test]
    fn decodes_a_png_to_its_pixels() {
        let image = decode(&png_bytes(12, 7), MediaKind::Png, &ImageLimits::default()).unwrap();
        assert_eq!((image.width(), image.height()), (12, 7));
        assert_eq!(image.to_rgb8().get_pixel(3, 2).0, [3, 2, 128]);
    }

    #[test]
    fn decoding_a_bomb_fails_before_allocating() {
        let error = decode(
            &png_bomb(100_000, 100_000),
            MediaKind::Png,
            &ImageLimits::default(),
        )
        .unwrap_err();
        assert_eq!(error.code(), "image_too_large");
    }

    #[test]
    fn alloc_limit_refuses_what_the_pixel_limit_allowed() {
        let limits = ImageLimits {
            max_alloc: 1000,
            ..ImageLimits::default()
        };
        let error = decode(&png_bytes(100, 100), MediaKind::Png, &limits).unwrap_err();
        assert_eq!(error.code(), "image_too_large");
    }

    #[test]
    fn gif_decodes_its_first_frame_only() {
        use image::codecs::gif::GifEncoder;
        use image::{Delay, Frame, RgbaImage};
        let mut bytes = Vec::new();
        {
            let mut encoder = GifEncoder::new(&mut bytes);
            for colour in [[255, 0, 0, 255], [0, 0, 255, 255]] {
                let frame = Frame::from_parts(
                    RgbaImage::from_pixel(4, 4, image::Rgba(colour)),
                    0,
                    0,
                    Delay::from_numer_denom_ms(100, 1),
                );
                encoder.encode_frame(frame).unwrap();
            }
        }
        let image = decode(&bytes, MediaKind::Gif, &ImageLimits::default()).unwrap();
        let pixel = image.to_rgba8().get_pixel(1, 1).0;
        assert!(
            pixel[0] > 200 && pixel[2] < 50,
            "first frame is red, got {pixel:?}"
        );
    }
}
