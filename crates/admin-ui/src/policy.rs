//! The pages' Content-Security-Policies: their own scripts, styles, fonts and API only; no
//! inline code, no other origins, no frames. The app's images may also come from the
//! media store's public origin (`media.base_url`, e.g. a CDN).

const BEFORE_IMAGES: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:";
const AFTER_IMAGES: &str = "; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// GraphiQL's policy. Its stylesheet carries its fonts and icons as `data:` URLs. Its
/// dialogs lock the page's scrolling with one `<style>` element (react-remove-scroll-bar),
/// allowed by the hash of its text rather than by `'unsafe-inline'`; the text is fixed as
/// long as the page has no scrollbar and no body margin (GraphiQL fills the window). The
/// browser scenario `graphiql` opens a dialog, so a new GraphiQL that changes it fails there.
pub const GRAPHIQL: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-nzTgYzXYDNe6BAHiiI7NNlfK8n/auuOAhh2t92YvuXo='; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The app's policy, with `media_origin` (like `https://cdn.example.org`) among the image
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
