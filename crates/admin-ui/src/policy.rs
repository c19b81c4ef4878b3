//! The app's Content-Security-Policy: its own scripts, styles, fonts and API only; no
//! inline code, no other origins, no frames. Images may also come from the media
//! store's public origin (`media.base_url`, e.g. a CDN).

const BEFORE_IMAGES: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:";
const AFTER_IMAGES: &str = "; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy, with `media_origin` (like `https://cdn.example.org`) among the image
/// sources when given. An origin that could change the policy's syntax is left out.
pub fn content_security_policy(media_origin: Option<&str>) -> String {
    let extra = media_origin
        .filter(|origin| {
            origin
                .chars()
                .all(|c| c.is_ascii_graphic() && c != ';' && c != ',')
        })
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!("{BEFORE_IMAGES}{extra}{AFTER_IMAGES}")
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn a_media_origin_is_an_image_source_and_nothing_else() {
        let policy = content_security_policy(Some("https://cdn.example.org"));
        assert!(
            policy.contains(
                "img-src 'self' data: blob: https://cdn.example.org; connect-src 'self';"
            )
        );
        assert_eq!(policy.matches("cdn.example.org").count(), 1);
    }

    #[test]
    fn an_origin_that_would_add_a_directive_is_left_out() {
        let policy = content_security_policy(Some("https://x.org; script-src *"));
        assert_eq!(policy, content_security_policy(None));
    }
}
