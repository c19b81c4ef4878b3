//! Rendering a variant from a raster original: decode under limits (upright, first frame),
//! resize with SIMD (`fast_image_resize`), never enlarging, and encode without metadata.

use std::io::Cursor;

use fast_image_resize::images::Image;
use fast_image_resize::{PixelType, ResizeOptions, Resizer};
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

use crate::transform::{Fit, FocalPoint, MAX_DIMENSION, OutputFormat, TransformSpec};
use crate::{ImageLimits, MediaError, MediaKind, decode};

/// An encoded variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The encoded file; it carries no EXIF, XMP or ICC data.
    pub bytes: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Encoding of `bytes`.
    pub format: OutputFormat,
}

impl Rendered {
    /// MIME type of the variant.
    pub fn mime(&self) -> &'static str {
        self.format.mime()
    }
}

/// Renders the variant `spec` of a raster original. CPU-bound: call it from a blocking
/// thread (see [`crate::gate::RenderGate`]).
pub fn render(
    original: &[u8],
    kind: MediaKind,
    spec: &TransformSpec,
    focal: FocalPoint,
    limits: &ImageLimits,
) -> Result<Rendered, MediaError> {
    if !kind.is_raster() {
        return Err(MediaError::UnsupportedFileType);
    }
    let image = decode(original, kind, limits)?;
    let plan = Plan::new(image.width(), image.height(), spec, focal);
    let channels = if image.color().has_alpha()
        || (plan.canvas != plan.scaled && spec.format() != OutputFormat::Jpeg)
    {
        4
    } else {
        3
    };
    let pixels = Pixels::from_image(image, channels);
    let resized = pixels.resize(plan.crop, plan.scaled)?;
    let mut canvas = resized.pad(plan.canvas, spec.format() == OutputFormat::Jpeg);
    if spec.format() == OutputFormat::Jpeg && canvas.channels == 4 {
        canvas = canvas.flatten_on_white();
    }
    let bytes = encode(&canvas, spec)?;
    Ok(Rendered {
        bytes,
        width: canvas.width,
        height: canvas.height,
        format: spec.format(),
    })
}

/// Source crop, size after scaling and final canvas size of one render.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Plan {
    crop: (f64, f64, f64, f64),
    scaled: (u32, u32),
    canvas: (u32, u32),
}

impl Plan {
    fn new(width: u32, height: u32, spec: &TransformSpec, focal: FocalPoint) -> Self {
        let (w, h) = (f64::from(width), f64::from(height));
        let full = (0.0, 0.0, w, h);
        let fit_inside = |box_w: f64, box_h: f64| {
            let scale = (box_w / w).min(box_h / h).min(1.0);
            (scaled_side(w * scale), scaled_side(h * scale))
        };
        let max = f64::from(MAX_DIMENSION);
        let (box_w, box_h) = match (spec.width(), spec.height()) {
            (Some(bw), Some(bh)) => (f64::from(bw), f64::from(bh)),
            (Some(bw), None) => (f64::from(bw), max),
            (None, Some(bh)) => (max, f64::from(bh)),
            (None, None) => (max, max),
        };
        if spec.fit() == Fit::Inside || spec.width().is_none() || spec.height().is_none() {
            let scaled = fit_inside(box_w, box_h);
            return Self {
                crop: full,
                scaled,
                canvas: scaled,
            };
        }
        // The box keeps its aspect ratio but shrinks until it is no larger than the original.
        let shrink = (w / box_w).min(h / box_h).min(1.0);
        let canvas = (scaled_side(box_w * shrink), scaled_side(box_h * shrink));
        let (cw, ch) = (f64::from(canvas.0), f64::from(canvas.1));
        match spec.fit() {
            Fit::Contain => Self {
                crop: full,
                scaled: fit_inside(cw, ch),
                canvas,
            },
            Fit::Fill => Self {
                crop: full,
                scaled: canvas,
                canvas,
            },
            // `Inside` returned above; it shares this arm only to keep the match exhaustive.
            Fit::Cover | Fit::Inside => {
                let (crop_w, crop_h) = if w / h > cw / ch {
                    (h * cw / ch, h)
                } else {
                    (w, w * ch / cw)
                };
                let left = (f64::from(focal.x()) * w - crop_w / 2.0).clamp(0.0, w - crop_w);
                let top = (f64::from(focal.y()) * h - crop_h / 2.0).clamp(0.0, h - crop_h);
                Self {
                    crop: (left, top, crop_w, crop_h),
                    scaled: canvas,
                    canvas,
                }
            }
        }
    }
}

fn scaled_side(value: f64) -> u32 {
    // Both inputs are at most MAX_DIMENSION or the source side, so this fits in u32.
    value.round().max(1.0) as u32
}

/// A tightly packed RGB or RGBA 8-bit buffer.
pub(crate) struct Pixels {
    pub(crate) buffer: Vec<u8>,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) channels: usize,
}

impl Pixels {
    pub(crate) fn from_image(image: DynamicImage, channels: usize) -> Self {
        let (width, height) = (image.width(), image.height());
        let buffer = if channels == 4 {
            image.into_rgba8().into_raw()
        } else {
            image.into_rgb8().into_raw()
        };
        Self {
            buffer,
            width,
            height,
            channels,
        }
    }

    fn pixel_type(&self) -> PixelType {
        if self.channels == 4 {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        }
    }

    /// Crops `crop` (in source pixels) and scales it to `size`.
    pub(crate) fn resize(
        self,
        crop: (f64, f64, f64, f64),
        size: (u32, u32),
    ) -> Result<Self, MediaError> {
        let untouched = (0.0, 0.0, f64::from(self.width), f64::from(self.height));
        if crop == untouched && size == (self.width, self.height) {
            return Ok(self);
        }
        let pixel_type = self.pixel_type();
        let channels = self.channels;
        let source = Image::from_vec_u8(self.width, self.height, self.buffer, pixel_type)
            .map_err(|error| MediaError::RenderFailed(error.to_string()))?;
        let mut target = Image::new(size.0, size.1, pixel_type);
        let options = ResizeOptions::new().crop(crop.0, crop.1, crop.2, crop.3);
        Resizer::new()
            .resize(&source, &mut target, &options)
            .map_err(|error| MediaError::RenderFailed(error.to_string()))?;
        Ok(Self {
            buffer: target.into_vec(),
            width: size.0,
            height: size.1,
            channels,
        })
    }

    /// Centres the image on a canvas of `size`: transparent, or white for JPEG.
    fn pad(self, size: (u32, u32), white: bool) -> Self {
        if size == (self.width, self.height) {
            return self;
        }
        let background: &[u8] = match (self.channels, white) {
            (4, false) => &[0, 0, 0, 0],
            (4, true) => &[255, 255, 255, 255],
            _ => &[255, 255, 255],
        };
        let (cw, ch) = (size.0 as usize, size.1 as usize);
        let mut buffer = background.repeat(cw * ch);
        let row = self.width as usize * self.channels;
        let left = (cw - self.width as usize) / 2;
        let top = (ch - self.height as usize) / 2;
        for (y, source_row) in self.buffer.chunks_exact(row).enumerate() {
            let start = ((top + y) * cw + left) * self.channels;
            buffer[start..start + row].copy_from_slice(source_row);
        }
        Self {
            buffer,
            width: size.0,
            height: size.1,
            channels: self.channels,
        }
    }

    /// JPEG has no alpha: blend onto white instead of letting hidden colours show.
    fn flatten_on_white(self) -> Self {
        let buffer = self
            .buffer
            .chunks_exact(4)
            .flat_map(|p| {
                let alpha = u16::from(p[3]);
                let blend = move |c: u8| ((u16::from(c) * alpha + 255 * (255 - alpha)) / 255) as u8;
                [blend(p[0]), blend(p[1]), blend(p[2])]
            })
            .collect();
        Self {
            buffer,
            channels: 3,
            ..self
        }
    }
}

fn encode(pixels: &Pixels, spec: &TransformSpec) -> Result<Vec<u8>, MediaError> {
    let encode_failed = |error: &dyn std::fmt::Display| MediaError::EncodeFailed(error.to_string());
    let quality = spec.quality().unwrap_or(crate::transform::DEFAULT_QUALITY);
    match spec.format() {
        OutputFormat::WebP => {
            let layout = if pixels.channels == 4 {
                webp::PixelLayout::Rgba
            } else {
                webp::PixelLayout::Rgb
            };
            let memory = webp::Encoder::new(&pixels.buffer, layout, pixels.width, pixels.height)
                .encode_simple(false, f32::from(quality))
                .map_err(|error| MediaError::EncodeFailed(format!("{error:?}")))?;
            Ok(memory.to_vec())
        }
        OutputFormat::Jpeg => {
            let mut out = Cursor::new(Vec::new());
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(
                    &pixels.buffer,
                    pixels.width,
                    pixels.height,
                    ExtendedColorType::Rgb8,
                )
                .map_err(|e| encode_failed(&e))?;
            Ok(out.into_inner())
        }
        OutputFormat::Png => {
            let colour = if pixels.channels == 4 {
                ExtendedColorType::Rgba8
            } else {
                ExtendedColorType::Rgb8
            };
            let mut out = Cursor::new(Vec::new());
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(&pixels.buffer, pixels.width, pixels.height, colour)
                .map_err(|e| encode_failed(&e))?;
            Ok(out.into_inner())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::tests::spec;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    fn render_query(bytes: &[u8], kind: MediaKind, query: &str) -> Rendered {
        render(
            bytes,
            kind,
            &spec(query),
            FocalPoint::default(),
            &ImageLimits::default(),
        )
        .unwrap()
    }

    #[test]
    fn large_jpeg_becomes_an_800_px_webp() {
        let rendered = render_query(&jpeg(4000, 3000), MediaKind::Jpeg, "w=800&fmt=webp");
        assert_eq!((rendered.width, rendered.height), (800, 600));
        assert_eq!(rendered.mime(), "image/webp");
        assert!(rendered.bytes.starts_with(b"RIFF") && &rendered.bytes[8..12] == b"WEBP");
        let decoded = image::load_from_memory(&rendered.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (800, 600));
    }

    #[test]
    fn never_enlarges() {
        let original = jpeg(200, 100);
        let inside = render_query(&original, MediaKind::Jpeg, "w=1000&fmt=png");
        assert_eq!((inside.width, inside.height), (200, 100));
        let cover = render_query(&original, MediaKind::Jpeg, "w=400&h=400&fit=cover");
        assert_eq!((cover.width, cover.height), (100, 100));
    }

    #[test]
    fn fits_produce_their_documented_sizes() {
        let original = jpeg(400, 200);
        let cases = [
            ("w=100&h=100&fit=cover", (100, 100)),
            ("w=100&h=100&fit=contain", (100, 100)),
            ("w=100&h=100&fit=inside", (100, 50)),
            ("w=100&h=100&fit=fill", (100, 100)),
            ("h=50", (100, 50)),
        ];
        for (query, size) in cases {
            let rendered = render_query(&original, MediaKind::Jpeg, &format!("{query}&fmt=png"));
            let decoded = image::load_from_memory(&rendered.bytes).unwrap();
            assert_eq!((decoded.width(), decoded.height()), size, "{query}");
        }
    }

    #[test]
    fn contain_pads_with_transparency() {
        let rendered = render_query(
            &jpeg(400, 200),
            MediaKind::Jpeg,
            "w=100&h=100&fit=contain&fmt=png",
        );
        let decoded = image::load_from_memory(&rendered.bytes).unwrap().to_rgba8();
        assert_eq!(decoded.get_pixel(50, 5).0[3], 0, "letterbox is transparent");
        assert_eq!(decoded.get_pixel(50, 50).0[3], 255, "image is opaque");
    }

    #[test]
    fn cover_crops_around_the_focal_point() {
        // Left half black, right half white; a square crop at the far right sees only white.
        let image = image::RgbImage::from_fn(400, 100, |x, _| {
            if x < 200 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let right = FocalPoint::new(1.0, 0.5).unwrap();
        let rendered = render(
            png.get_ref(),
            MediaKind::Png,
            &spec("w=50&h=50&fit=cover&fmt=png"),
            right,
            &ImageLimits::default(),
        )
        .unwrap();
        let decoded = image::load_from_memory(&rendered.bytes).unwrap().to_rgb8();
        assert_eq!(decoded.get_pixel(0, 25).0, [255, 255, 255]);
        let left = FocalPoint::new(0.0, 0.5).unwrap();
        let rendered = render(
            png.get_ref(),
            MediaKind::Png,
            &spec("w=50&h=50&fit=cover&fmt=png"),
            left,
            &ImageLimits::default(),
        )
        .unwrap();
        let decoded = image::load_from_memory(&rendered.bytes).unwrap().to_rgb8();
        assert_eq!(decoded.get_pixel(49, 25).0, [0, 0, 0]);
    }

    #[test]
    fn orientation_is_applied_and_output_has_no_metadata() {
        let original = crate::strip::tests::jpeg_with_metadata(6);
        let rendered = render_query(&original, MediaKind::Jpeg, "fmt=jpeg");
        // The 16x8 original is rotated by 90 degrees.
        assert_eq!((rendered.width, rendered.height), (8, 16));
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(&rendered.bytes))
                .is_err(),
            "variant must carry no EXIF"
        );
        assert!(!rendered.bytes.windows(11).any(|w| w == b"ICC_PROFILE"));
    }

    #[test]
    fn transparent_png_to_jpeg_is_white() {
        let image = image::RgbaImage::from_pixel(10, 10, image::Rgba([255, 0, 0, 0]));
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let rendered = render_query(png.get_ref(), MediaKind::Png, "fmt=jpeg&q=95");
        let decoded = image::load_from_memory(&rendered.bytes).unwrap().to_rgb8();
        let pixel = decoded.get_pixel(5, 5).0;
        assert!(pixel.iter().all(|c| *c > 240), "{pixel:?}");
    }

    #[test]
    fn documents_and_bombs_are_refused() {
        let error = render(
            b"<svg/>",
            MediaKind::Svg,
            &spec("w=10"),
            FocalPoint::default(),
            &ImageLimits::default(),
        )
        .unwrap_err();
        assert_eq!(error.code(), "unsupported_file_type");
        let bomb = crate::limits::tests::png_bomb(100_000, 100_000);
        let error = render(
            &bomb,
            MediaKind::Png,
            &spec("w=10"),
            FocalPoint::default(),
            &ImageLimits::default(),
        )
        .unwrap_err();
        assert_eq!(error.code(), "image_too_large");
    }
}
