//! Content sniffing: the type of an upload is decided by its first bytes, never by the
//! client's file name or `Content-Type`, so an HTML page named `.jpg` is refused.

use crate::MediaError;

/// How many leading bytes [`sniff`] looks at; passing more is harmless, fewer may refuse an
/// SVG whose prolog (XML declaration, comments, doctype) is long.
pub const SNIFF_LEN: usize = 4096;

/// The kinds of file Civitas accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// JPEG image.
    Jpeg,
    /// PNG image (APNG included; variants use the first frame).
    Png,
    /// WebP image.
    WebP,
    /// GIF image (variants use the first frame).
    Gif,
    /// SVG document, stored only after sanitising.
    Svg,
    /// PDF document, stored as is and meant to be served as an attachment.
    Pdf,
}

impl MediaKind {
    /// Every kind, in a stable order.
    pub const ALL: [MediaKind; 6] = [
        Self::Jpeg,
        Self::Png,
        Self::WebP,
        Self::Gif,
        Self::Svg,
        Self::Pdf,
    ];

    /// The kind whose MIME type this is.
    pub fn from_mime(mime: &str) -> Option<MediaKind> {
        Self::ALL.into_iter().find(|kind| kind.mime() == mime)
    }

    /// The MIME type to store and serve.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
            Self::Svg => "image/svg+xml",
            Self::Pdf => "application/pdf",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
            Self::Gif => "gif",
            Self::Svg => "svg",
            Self::Pdf => "pdf",
        }
    }

    /// Whether this is a pixel image that can be decoded and turned into variants.
    pub fn is_raster(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::WebP | Self::Gif)
    }

    pub(crate) fn image_format(self) -> Option<image::ImageFormat> {
        match self {
            Self::Jpeg => Some(image::ImageFormat::Jpeg),
            Self::Png => Some(image::ImageFormat::Png),
            Self::WebP => Some(image::ImageFormat::WebP),
            Self::Gif => Some(image::ImageFormat::Gif),
            Self::Svg | Self::Pdf => None,
        }
    }
}

/// Detects the kind of a file from its first bytes (ideally [`SNIFF_LEN`] of them).
pub fn sniff(head: &[u8]) -> Result<MediaKind, MediaError> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(MediaKind::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(MediaKind::Png)
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Ok(MediaKind::WebP)
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Ok(MediaKind::Gif)
    } else if head.starts_with(b"%PDF-") {
        Ok(MediaKind::Pdf)
    } else if looks_like_svg(head) {
        Ok(MediaKind::Svg)
    } else {
        Err(MediaError::UnsupportedFileType)
    }
}

/// Skips what may legally precede the root element of an SVG document and requires that root
/// to be `<svg`. Anything else (notably `<html`, `<!DOCTYPE html>`) is not an SVG.
fn looks_like_svg(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        if let Some(after) = rest.strip_prefix(b"<?xml") {
            match skip_past(after, b"?>") {
                Some(next) => rest = next,
                None => return false,
            }
        } else if let Some(after) = rest.strip_prefix(b"<!--") {
            match skip_past(after, b"-->") {
                Some(next) => rest = next,
                None => return false,
            }
        } else if let Some(after) = rest.strip_prefix(b"<!DOCTYPE") {
            if !after.trim_ascii_start().starts_with(b"svg") {
                return false;
            }
            match skip_doctype(after) {
                Some(next) => rest = next,
                None => return false,
            }
        } else if let Some(after) = rest.strip_prefix(b"<svg") {
            return matches!(
                after.first(),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            );
        } else {
            return false;
        }
    }
}

fn skip_past<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| &haystack[at + needle.len()..])
}

/// A doctype may carry an internal subset in brackets, which can itself contain `>`.
fn skip_doctype(after_keyword: &[u8]) -> Option<&[u8]> {
    let mut in_subset = false;
    for (at, byte) in after_keyword.iter().enumerate() {
        match byte {
            b'[' => in_subset = true,
            b']' => in_subset = false,
            b'>' if !in_subset => return Some(&after_keyword[at + 1..]),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind_by_magic_bytes() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF").unwrap(),
            MediaKind::Jpeg
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap(),
            MediaKind::Png
        );
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 ").unwrap(), MediaKind::WebP);
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0").unwrap(), MediaKind::Gif);
        assert_eq!(sniff(b"GIF87a\x01\0\x01\0").unwrap(), MediaKind::Gif);
        assert_eq!(sniff(b"%PDF-1.7\n").unwrap(), MediaKind::Pdf);
    }

    #[test]
    fn detects_svg_after_bom_declaration_comment_and_doctype() {
        let svg = "\u{feff}<?xml version=\"1.0\"?>\n<!-- made by hand -->\n\
            <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" [ <!ENTITY a \"b>\"> ]>\n\
            <svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        assert_eq!(sniff(svg.as_bytes()).unwrap(), MediaKind::Svg);
        assert_eq!(sniff(b"<svg/>").unwrap(), MediaKind::Svg);
    }

    #[test]
    fn refuses_html_named_like_an_image() {
        for html in [
            &b"<!DOCTYPE html><html><body><svg></svg></body></html>"[..],
            b"<html><script>alert(1)</script></html>",
            b"  <svgx>",
            b"<!-- unterminated <svg>",
            b"GIF8",
            b"RIFF\0\0\0\0WAVEfmt ",
            b"",
        ] {
            let error = sniff(html).unwrap_err();
            assert_eq!(error.code(), "unsupported_file_type");
        }
    }

    #[test]
    fn mime_and_raster_flags() {
        assert_eq!(MediaKind::WebP.mime(), "image/webp");
        assert_eq!(MediaKind::Svg.mime(), "image/svg+xml");
        assert_eq!(MediaKind::Pdf.mime(), "application/pdf");
        assert!(MediaKind::Gif.is_raster());
        assert!(!MediaKind::Svg.is_raster());
        assert!(!MediaKind::Pdf.is_raster());
    }
}
