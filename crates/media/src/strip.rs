//! Lossless removal of EXIF, XMP, IPTC and comments from originals, so that GPS positions,
//! camera serials and editing history never reach the store.
//!
//! Each format is walked by hand with an allow-list: only the segments or chunks needed to
//! display the image correctly survive (pixel data, colour: ICC profiles, gamma, transparency,
//! animation control), and anything after the end of the image is dropped (it may hide
//! further images, such as the MPF secondaries of phone JPEGs, with their own EXIF).
//!
//! Orientation: the pixels are not rotated here, since that would mean re-encoding the
//! original and losing quality. Instead, when the source had a non-trivial EXIF orientation,
//! a minimal EXIF block holding only the Orientation tag is written back, so viewers still
//! show the original upright and variants apply it on decode.

use image::metadata::Orientation;

use crate::{MediaError, MediaKind};

/// Returns `bytes` with all metadata removed except ICC profiles and the orientation.
///
/// SVG and PDF are refused here: SVG goes through [`crate::svg::sanitize`].
pub fn strip_metadata(bytes: &[u8], kind: MediaKind) -> Result<Vec<u8>, MediaError> {
    match kind {
        MediaKind::Jpeg => strip_jpeg(bytes),
        MediaKind::Png => strip_png(bytes),
        MediaKind::WebP => strip_webp(bytes),
        MediaKind::Gif => strip_gif(bytes),
        MediaKind::Svg | MediaKind::Pdf => Err(MediaError::UnsupportedFileType),
    }
}

fn malformed(what: &str) -> MediaError {
    MediaError::DecodeFailed(format!("malformed {what}"))
}

/// A big-endian TIFF block with a single IFD entry: Orientation (0x0112), SHORT, 1 value.
fn orientation_exif(orientation: Orientation) -> Vec<u8> {
    let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend_from_slice(&[0, orientation.to_exif(), 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif
}

/// The orientation worth keeping from a raw TIFF block, if any.
fn kept_orientation(tiff: &[u8]) -> Option<Orientation> {
    Orientation::from_exif_chunk(tiff).filter(|o| *o != Orientation::NoTransforms)
}

const JPEG_SOS: u8 = 0xDA;
const JPEG_EOI: u8 = 0xD9;
const JPEG_APP0: u8 = 0xE0;
const JPEG_APP1: u8 = 0xE1;
const JPEG_APP2: u8 = 0xE2;
const JPEG_APP14: u8 = 0xEE;
const JPEG_COM: u8 = 0xFE;
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

fn keep_jpeg_segment(marker: u8, body: &[u8]) -> bool {
    match marker {
        JPEG_APP0 => body.starts_with(b"JFIF\0"),
        JPEG_APP2 => body.starts_with(b"ICC_PROFILE\0"),
        // The Adobe segment tells decoders the colour transform of CMYK/YCCK files.
        JPEG_APP14 => body.starts_with(b"Adobe"),
        0xE1..=0xEF | JPEG_COM => false,
        _ => true,
    }
}

fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(malformed("JPEG"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut orientation = None;
    // Where the orientation EXIF goes: after a JFIF APP0, which must come first.
    let mut exif_at = out.len();
    let mut pos = 2;
    loop {
        if pos >= bytes.len() {
            // A truncated file still displays up to where it stops; close it properly.
            break;
        }
        if bytes[pos] != 0xFF {
            return Err(malformed("JPEG"));
        }
        while pos < bytes.len() && bytes[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            break;
        };
        pos += 1;
        if marker == JPEG_EOI {
            break;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&[0xFF, marker]);
            continue;
        }
        let length = bytes
            .get(pos..pos + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .filter(|length| *length >= 2)
            .ok_or_else(|| malformed("JPEG segment"))?;
        let body = bytes
            .get(pos + 2..pos + length)
            .ok_or_else(|| malformed("JPEG segment"))?;
        if marker == JPEG_APP1 && orientation.is_none() {
            orientation = body.strip_prefix(EXIF_PREFIX).and_then(kept_orientation);
        }
        if keep_jpeg_segment(marker, body) {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(&bytes[pos..pos + length]);
            if marker == JPEG_APP0 && exif_at == 2 {
                exif_at = out.len();
            }
        }
        pos += length;
        if marker == JPEG_SOS {
            let end = entropy_end(bytes, pos);
            out.extend_from_slice(&bytes[pos..end]);
            pos = end;
        }
    }
    out.extend_from_slice(&[0xFF, JPEG_EOI]);
    if let Some(orientation) = orientation {
        let exif = orientation_exif(orientation);
        let mut segment = vec![0xFF, JPEG_APP1];
        let length = 2 + EXIF_PREFIX.len() + exif.len();
        segment.extend_from_slice(&(length as u16).to_be_bytes());
        segment.extend_from_slice(EXIF_PREFIX);
        segment.extend_from_slice(&exif);
        out.splice(exif_at..exif_at, segment);
    }
    Ok(out)
}

/// The end of entropy-coded data starting at `from`: the next marker that is neither a
/// stuffed zero nor a restart marker, or the end of the file.
fn entropy_end(bytes: &[u8], from: usize) -> usize {
    let mut pos = from;
    while pos + 1 < bytes.len() {
        if bytes[pos] == 0xFF {
            let next = bytes[pos + 1];
            if next != 0x00 && next != 0xFF && !(0xD0..=0xD7).contains(&next) {
                return pos;
            }
        }
        pos += 1;
    }
    bytes.len()
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Chunks needed to display a PNG or APNG correctly; text, time, EXIF and private
/// chunks are dropped.
const PNG_KEPT: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
];

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(malformed("PNG"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut orientation = None;
    let mut wrote_exif = false;
    let mut pos = PNG_SIGNATURE.len();
    while pos < bytes.len() {
        let header = bytes
            .get(pos..pos + 8)
            .ok_or_else(|| malformed("PNG chunk"))?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let end = pos + 12 + length;
        let chunk = bytes.get(pos..end).ok_or_else(|| malformed("PNG chunk"))?;
        if &kind == b"eXIf" && orientation.is_none() {
            orientation = kept_orientation(&chunk[8..8 + length]);
        }
        // eXIf must precede the image data, so write ours just before the first IDAT.
        if (&kind == b"IDAT" || &kind == b"fdAT") && !wrote_exif {
            wrote_exif = true;
            if let Some(orientation) = orientation {
                push_png_chunk(&mut out, b"eXIf", &orientation_exif(orientation));
            }
        }
        if PNG_KEPT.contains(&&kind) {
            out.extend_from_slice(chunk);
        }
        pos = end;
        if &kind == b"IEND" {
            break;
        }
    }
    Ok(out)
}

fn push_png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// WebP chunks needed for display; EXIF, XMP and unknown chunks are dropped.
const WEBP_KEPT: &[&[u8; 4]] = &[
    b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];
const VP8X_EXIF_FLAG: u8 = 0x08;
const VP8X_XMP_FLAG: u8 = 0x04;

fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    if bytes.len() < 12 || !bytes.starts_with(b"RIFF") || &bytes[8..12] != b"WEBP" {
        return Err(malformed("WebP"));
    }
    let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    // Trailing bytes past the RIFF size are not part of the image.
    let riff_end = (8 + declared).min(bytes.len());
    let mut chunks: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    let mut orientation = None;
    let mut pos = 12;
    while pos + 8 <= riff_end {
        let kind = [bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]];
        let size = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]) as usize;
        let data = bytes
            .get(pos + 8..pos + 8 + size)
            .ok_or_else(|| malformed("WebP chunk"))?;
        if &kind == b"EXIF" && orientation.is_none() {
            orientation = kept_orientation(data.strip_prefix(EXIF_PREFIX).unwrap_or(data));
        }
        if WEBP_KEPT.contains(&&kind) {
            chunks.push((kind, data.to_vec()));
        }
        pos += 8 + size + size % 2;
    }
    let mut has_vp8x = false;
    for (kind, data) in &mut chunks {
        if kind == b"VP8X"
            && let Some(flags) = data.first_mut()
        {
            has_vp8x = true;
            *flags &= !(VP8X_EXIF_FLAG | VP8X_XMP_FLAG);
            if orientation.is_some() {
                *flags |= VP8X_EXIF_FLAG;
            }
        }
    }
    // Without VP8X a WebP cannot carry EXIF; such files had none to begin with.
    if let Some(orientation) = orientation.filter(|_| has_vp8x) {
        chunks.push((*b"EXIF", orientation_exif(orientation)));
    }
    let body_len: usize = chunks
        .iter()
        .map(|(_, data)| 8 + data.len() + data.len() % 2)
        .sum();
    let riff_size = u32::try_from(4 + body_len).map_err(|_| malformed("WebP size"))?;
    let mut out = Vec::with_capacity(8 + 4 + body_len);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&riff_size.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for (kind, data) in chunks {
        out.extend_from_slice(&kind);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
    }
    Ok(out)
}

fn strip_gif(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let error = || malformed("GIF");
    let screen = bytes.get(..13).ok_or_else(error)?;
    let mut pos = 13;
    if screen[10] & 0x80 != 0 {
        pos += 3 * (1 << ((screen[10] & 0x07) + 1));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(bytes.get(..pos).ok_or_else(error)?);
    loop {
        match *bytes.get(pos).ok_or_else(error)? {
            0x3B => {
                out.push(0x3B);
                return Ok(out);
            }
            0x2C => {
                let descriptor = bytes.get(pos..pos + 10).ok_or_else(error)?;
                let mut end = pos + 10;
                if descriptor[9] & 0x80 != 0 {
                    end += 3 * (1 << ((descriptor[9] & 0x07) + 1));
                }
                // The LZW minimum code size byte, then the data sub-blocks.
                end = skip_sub_blocks(bytes, end + 1).ok_or_else(error)?;
                out.extend_from_slice(&bytes[pos..end]);
                pos = end;
            }
            0x21 => {
                let label = *bytes.get(pos + 1).ok_or_else(error)?;
                let end = skip_sub_blocks(bytes, pos + 2).ok_or_else(error)?;
                let keep = match label {
                    // Graphic control (delays, transparency) and plain text are display data.
                    0xF9 | 0x01 => true,
                    // Application extensions: only the looping ones; XMP lives here too.
                    0xFF => {
                        let id = bytes.get(pos + 3..pos + 14).unwrap_or_default();
                        id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
                    }
                    // 0xFE is a comment; unknown labels are dropped as well.
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(&bytes[pos..end]);
                }
                pos = end;
            }
            _ => return Err(error()),
        }
    }
}

/// The position just past a chain of GIF sub-blocks starting at `pos`.
fn skip_sub_blocks(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let size = usize::from(*bytes.get(pos)?);
        pos += 1;
        if size == 0 {
            return Some(pos);
        }
        pos += size;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Cursor;

    use super::*;

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// EXIF as a phone writes it: IFD0 with Orientation and a pointer to a GPS IFD that
    /// holds a latitude reference and a latitude.
    pub(crate) fn gps_exif(orientation: u8) -> Vec<u8> {
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        // IFD0 at 8: 2 entries, then the next-IFD offset; the GPS IFD follows at 8+2+24+4=38.
        tiff.extend_from_slice(&[0, 2]);
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        // GPS IFD at 38: 2 entries; the rationals follow at 38+2+24+4=68.
        tiff.extend_from_slice(&[0, 2]);
        tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        for (numerator, denominator) in [(48u32, 1u32), (51, 1), (2400, 100)] {
            tiff.extend_from_slice(&numerator.to_be_bytes());
            tiff.extend_from_slice(&denominator.to_be_bytes());
        }
        tiff
    }

    fn jpeg_segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut segment = vec![0xFF, marker];
        segment.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(body);
        segment
    }

    /// A small JPEG carrying GPS EXIF, XMP, IPTC, an ICC profile and a comment.
    pub(crate) fn jpeg_with_metadata(orientation: u8) -> Vec<u8> {
        let image = image::RgbImage::from_fn(16, 8, |x, y| {
            image::Rgb([(x * 16) as u8, (y * 32) as u8, 90])
        });
        let mut plain = Cursor::new(Vec::new());
        image
            .write_to(&mut plain, image::ImageFormat::Jpeg)
            .unwrap();
        let plain = plain.into_inner();
        let mut exif = EXIF_PREFIX.to_vec();
        exif.extend_from_slice(&gps_exif(orientation));
        let mut jpeg = plain[..2].to_vec();
        jpeg.extend(jpeg_segment(JPEG_APP1, &exif));
        jpeg.extend(jpeg_segment(
            JPEG_APP1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>secret-xmp</x:xmpmeta>",
        ));
        jpeg.extend(jpeg_segment(0xED, b"Photoshop 3.0\08BIM secret-iptc"));
        jpeg.extend(jpeg_segment(JPEG_APP2, b"ICC_PROFILE\0\x01\x01fake-icc"));
        jpeg.extend(jpeg_segment(JPEG_COM, b"secret-comment"));
        jpeg.extend_from_slice(&plain[2..]);
        jpeg.extend_from_slice(b"trailing-secret-image");
        jpeg
    }

    fn exif_of(bytes: &[u8]) -> Option<exif::Exif> {
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .ok()
    }

    #[test]
    fn jpeg_loses_gps_xmp_iptc_and_comments_but_keeps_icc_and_orientation() {
        let original = jpeg_with_metadata(6);
        let before = exif_of(&original).unwrap();
        assert!(
            before
                .get_field(exif::Tag::GPSLatitudeRef, exif::In::PRIMARY)
                .is_some()
        );

        let stripped = strip_metadata(&original, MediaKind::Jpeg).unwrap();

        let after = exif_of(&stripped).unwrap();
        let tags: Vec<exif::Tag> = after.fields().map(|f| f.tag).collect();
        assert_eq!(tags, vec![exif::Tag::Orientation]);
        let orientation = after
            .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0));
        assert_eq!(orientation, Some(6));
        for secret in [
            &b"secret-xmp"[..],
            b"secret-iptc",
            b"secret-comment",
            b"trailing-secret-image",
            b"\x88\x25",
        ] {
            assert!(
                !contains(&stripped, secret),
                "{:?} survived",
                String::from_utf8_lossy(secret)
            );
        }
        assert!(contains(&stripped, b"ICC_PROFILE\0\x01\x01fake-icc"));
    }

    #[test]
    fn jpeg_pixels_are_untouched() {
        let original = jpeg_with_metadata(1);
        let stripped = strip_metadata(&original, MediaKind::Jpeg).unwrap();
        assert!(
            exif_of(&stripped).is_none(),
            "orientation 1 needs no EXIF at all"
        );
        let a = image::load_from_memory(&original).unwrap().to_rgb8();
        let b = image::load_from_memory(&stripped).unwrap().to_rgb8();
        assert_eq!(a, b);
    }

    #[test]
    fn png_loses_text_and_exif_chunks() {
        let plain = crate::limits::tests::png_bytes(5, 5);
        let mut png = plain[..33].to_vec();
        push_png_chunk(&mut png, b"tEXt", b"Comment\0secret-text");
        push_png_chunk(&mut png, b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0secret-xmp");
        push_png_chunk(&mut png, b"eXIf", &gps_exif(3));
        push_png_chunk(&mut png, b"gAMA", &45455u32.to_be_bytes());
        png.extend_from_slice(&plain[33..]);
        png.extend_from_slice(b"trailing-secret");

        let stripped = strip_metadata(&png, MediaKind::Png).unwrap();

        for secret in [
            &b"secret-text"[..],
            b"secret-xmp",
            b"trailing-secret",
            b"\x88\x25",
        ] {
            assert!(!contains(&stripped, secret));
        }
        assert!(contains(&stripped, b"gAMA"));
        let header =
            crate::read_header(&stripped, MediaKind::Png, &crate::ImageLimits::default()).unwrap();
        assert_eq!(header.orientation, Orientation::Rotate180);
        let a = image::load_from_memory(&png).unwrap().to_rgb8();
        let b = image::load_from_memory(&stripped).unwrap().to_rgb8();
        assert_eq!(a, b);
    }

    fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&(data.len() as u32).to_le_bytes());
        chunk.extend_from_slice(data);
        if data.len() % 2 == 1 {
            chunk.push(0);
        }
        chunk
    }

    #[test]
    fn webp_loses_exif_and_xmp_and_fixes_vp8x_flags() {
        let mut lossless = Cursor::new(Vec::new());
        image::RgbaImage::from_pixel(6, 4, image::Rgba([10, 200, 30, 255]))
            .write_to(&mut lossless, image::ImageFormat::WebP)
            .unwrap();
        let lossless = lossless.into_inner();
        let bitstream = &lossless[12..];
        // VP8X with EXIF and XMP flags set, canvas 6x4 stored minus one.
        let vp8x = [VP8X_EXIF_FLAG | VP8X_XMP_FLAG, 0, 0, 0, 5, 0, 0, 3, 0, 0];
        let mut body = b"WEBP".to_vec();
        body.extend(riff_chunk(b"VP8X", &vp8x));
        body.extend_from_slice(bitstream);
        body.extend(riff_chunk(b"EXIF", &gps_exif(1)));
        body.extend(riff_chunk(b"XMP ", b"secret-xmp"));
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
        webp.extend(body);

        let stripped = strip_metadata(&webp, MediaKind::WebP).unwrap();

        assert!(!contains(&stripped, b"secret-xmp"));
        assert!(!contains(&stripped, b"EXIF"));
        assert_eq!(stripped[20] & (VP8X_EXIF_FLAG | VP8X_XMP_FLAG), 0);
        let declared = u32::from_le_bytes([stripped[4], stripped[5], stripped[6], stripped[7]]);
        assert_eq!(declared as usize, stripped.len() - 8);
        let pixels = image::load_from_memory(&stripped).unwrap().to_rgba8();
        assert_eq!(pixels.get_pixel(2, 2).0, [10, 200, 30, 255]);
    }

    #[test]
    fn gif_loses_comments_and_xmp_but_keeps_animation() {
        let mut encoded = Vec::new();
        {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut encoded);
            encoder
                .set_repeat(image::codecs::gif::Repeat::Infinite)
                .unwrap();
            for shade in [0u8, 255] {
                let frame = image::Frame::new(image::RgbaImage::from_pixel(
                    3,
                    3,
                    image::Rgba([shade, shade, shade, 255]),
                ));
                encoder.encode_frame(frame).unwrap();
            }
        }
        let mut screen_end = 13;
        if encoded[10] & 0x80 != 0 {
            screen_end += 3 * (1 << ((encoded[10] & 0x07) + 1));
        }
        let mut gif = encoded[..screen_end].to_vec();
        gif.extend_from_slice(b"\x21\xfe\x0esecret-comment\0");
        gif.extend_from_slice(b"\x21\xff\x0bXMP DataXMP\x0asecret-xmp\0");
        gif.extend_from_slice(&encoded[screen_end..]);
        gif.extend_from_slice(b"trailing");

        let stripped = strip_metadata(&gif, MediaKind::Gif).unwrap();

        assert!(!contains(&stripped, b"secret"));
        assert!(!contains(&stripped, b"trailing"));
        assert!(contains(&stripped, b"NETSCAPE2.0"));
        assert_eq!(stripped.last(), Some(&0x3B));
        use image::AnimationDecoder;
        let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(&stripped)).unwrap();
        assert_eq!(decoder.into_frames().count(), 2);
    }

    #[test]
    fn truncated_segment_is_a_decode_failure() {
        let error = strip_metadata(b"\xFF\xD8\xFF\xE1\x10\x00Exif", MediaKind::Jpeg).unwrap_err();
        assert_eq!(error.code(), "decode_failed");
        let error = strip_metadata(b"GIF89a\x01", MediaKind::Gif).unwrap_err();
        assert_eq!(error.code(), "decode_failed");
    }
}
