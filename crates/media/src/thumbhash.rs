//! ThumbHash placeholders: a ~25-byte blurred preview clients show while the image loads.

use base64::Engine as _;

use crate::render::Pixels;
use crate::{ImageLimits, MediaError, MediaKind, decode};

/// The thumbhash library refuses larger input, so images are first scaled to fit this box.
const MAX_SIDE: u32 = 100;

/// The ThumbHash of a raster original, base64 encoded (standard alphabet, padded).
pub fn thumbhash(
    original: &[u8],
    kind: MediaKind,
    limits: &ImageLimits,
) -> Result<String, MediaError> {
    let image = decode(original, kind, limits)?;
    let (width, height) = (image.width(), image.height());
    let scale = (f64::from(MAX_SIDE) / f64::from(width.max(height))).min(1.0);
    let size = (
        ((f64::from(width) * scale).round() as u32).clamp(1, MAX_SIDE),
        ((f64::from(height) * scale).round() as u32).clamp(1, MAX_SIDE),
    );
    let full = (0.0, 0.0, f64::from(width), f64::from(height));
    let small = Pixels::from_image(image, 4).resize(full, size)?;
    let hash =
        thumbhash::rgba_to_thumb_hash(small.width as usize, small.height as usize, &small.buffer);
    Ok(base64::engine::general_purpose::STANDARD.encode(hash))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use base64::Engine as _;

    use super::*;

    #[test]
    fn hash_of_a_large_image_decodes_to_its_colour_and_aspect() {
        let image = image::RgbImage::from_pixel(600, 300, image::Rgb([200, 30, 30]));
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();

        let encoded = thumbhash(png.get_ref(), MediaKind::Png, &ImageLimits::default()).unwrap();

        let hash = base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap();
        assert!(hash.len() < 40);
        let ratio = thumbhash::thumb_hash_to_approximate_aspect_ratio(&hash).unwrap();
        // ThumbHash stores the aspect coarsely: 2:1 comes back as 1.75.
        assert!((1.5..=2.5).contains(&ratio), "aspect {ratio}");
        let (r, g, b, _) = thumbhash::thumb_hash_to_average_rgba(&hash).unwrap();
        assert!(r > 0.6 && g < 0.3 && b < 0.3, "average {r} {g} {b}");
    }

    #[test]
    fn svg_has_no_thumbhash() {
        let error = thumbhash(b"<svg/>", MediaKind::Svg, &ImageLimits::default()).unwrap_err();
        assert_eq!(error.code(), "unsupported_file_type");
    }
}
