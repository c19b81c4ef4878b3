//! SVG sanitising with an allow-list (Cloudflare's svg-hush), because an SVG opened as a
//! top-level document runs scripts like an HTML page: stored SVGs must be inert.
//!
//! Serving them with `Content-Security-Policy: default-src 'none'; sandbox` is still
//! required; the sanitiser is the defence for when that header is lost.

use crate::{MediaError, MediaKind, sniff};

/// Returns a sanitised copy of an SVG document: scripts, event handlers, `javascript:` and
/// cross-origin URLs, `foreignObject` and every element or attribute not on the allow-list
/// are removed.
pub fn sanitize(svg: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(svg.len());
    svg_hush::Filter::new()
        .filter(svg, &mut out)
        .map_err(|error| MediaError::DecodeFailed(format!("SVG: {error}")))?;
    // A document whose root was not in the SVG namespace comes out without an `<svg>` root.
    if sniff(&out).ok() != Some(MediaKind::Svg) {
        return Err(MediaError::DecodeFailed("SVG: no svg root element".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(svg: &str) -> String {
        String::from_utf8(sanitize(svg.as_bytes()).unwrap()).unwrap()
    }

    const NS: &str =
        r#"xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink""#;

    #[test]
    fn removes_script_elements() {
        let out = clean(&format!(
            r#"<svg {NS}><script>alert(document.cookie)</script><circle r="4"/></svg>"#
        ));
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("alert"), "{out}");
        assert!(out.contains("<circle"), "{out}");
    }

    #[test]
    fn removes_event_handlers() {
        let out = clean(&format!(
            r#"<svg {NS} onload="alert(1)"><rect width="5" height="5" onclick="steal()" onmouseover="x()"/></svg>"#
        ));
        assert!(!out.contains("onload"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("onmouseover"), "{out}");
        assert!(!out.contains("alert"), "{out}");
        assert!(out.contains("<rect"), "{out}");
    }

    #[test]
    fn removes_javascript_links() {
        let out = clean(&format!(
            r#"<svg {NS}><a href="javascript:alert(1)"><text>hi</text></a><a xlink:href="JavaScript:alert(2)"><text>x</text></a></svg>"#
        ));
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
    }

    #[test]
    fn removes_foreign_object() {
        let out = clean(&format!(
            r#"<svg {NS}><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"/></body></foreignObject></svg>"#
        ));
        assert!(!out.contains("foreignObject"), "{out}");
        assert!(!out.contains("iframe"), "{out}");
        assert!(!out.contains("evil.example"), "{out}");
    }

    #[test]
    fn removes_external_references() {
        let out = clean(&format!(
            r#"<svg {NS}><image href="https://tracker.example/p.png"/><use xlink:href="http://evil.example/s.svg#a"/><rect style="fill:url(https://tracker.example/f)" width="1" height="1"/></svg>"#
        ));
        assert!(!out.contains("tracker.example"), "{out}");
        assert!(!out.contains("evil.example"), "{out}");
    }

    #[test]
    fn keeps_local_references() {
        let out = clean(&format!(
            r##"<svg {NS}><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/></svg>"##
        ));
        assert!(out.contains("url(#g)"), "{out}");
    }

    #[test]
    fn refuses_what_is_not_svg() {
        let error = sanitize(b"<html><script>alert(1)</script></html>").unwrap_err();
        assert_eq!(error.code(), "decode_failed");
        let error = sanitize(b"<svg").unwrap_err();
        assert_eq!(error.code(), "decode_failed");
    }

    #[test]
    fn refuses_entity_bombs() {
        let bomb = format!(
            r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><svg {NS}><text>&e;&e;&e;&e;&e;&e;&e;&e;</text></svg>"#
        );
        assert_eq!(
            sanitize(bomb.as_bytes()).unwrap_err().code(),
            "decode_failed"
        );
    }
}
