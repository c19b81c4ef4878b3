//! Slugs: the URL-safe names entries are reachable by.

/// Longest slug Civitas makes or accepts.
pub const MAX_SLUG_LEN: usize = 96;

/// Makes a slug from any text: transliterated to ASCII, lowercase, words joined by `-`,
/// cut at a word boundary to [`MAX_SLUG_LEN`]. `"#BuildMyCity"` becomes `"buildmycity"`.
pub fn slugify(text: &str) -> String {
    let full = slug::slugify(text);
    if full.len() <= MAX_SLUG_LEN {
        return full;
    }
    let cut = &full[..MAX_SLUG_LEN];
    match cut.rfind('-') {
        Some(end) if end > 0 => cut[..end].to_owned(),
        _ => cut.to_owned(),
    }
}

/// Whether `text` is already a well-formed slug.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_SLUG_LEN
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .chars()
            .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
}

/// The slug to try after `base` is taken: `base-2`, `base-3`, ...
pub fn numbered(base: &str, n: u32) -> String {
    let suffix = format!("-{n}");
    let keep = MAX_SLUG_LEN.saturating_sub(suffix.len()).min(base.len());
    format!("{}{suffix}", base[..keep].trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slugify("#BuildMyCity"), "buildmycity");
        assert_eq!(slugify("Our goals and vision"), "our-goals-and-vision");
        assert_eq!(
            slugify("  Zürich: Smart  Mobility! "),
            "zurich-smart-mobility"
        );
        assert!(slugify(&"word ".repeat(100)).len() <= MAX_SLUG_LEN);
        assert!(is_slug(&slugify(&"word ".repeat(100))));
    }

    #[test]
    fn slug_shape() {
        assert!(is_slug("john-marwel"));
        assert!(!is_slug("John"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
        assert_eq!(numbered("who-we-are", 2), "who-we-are-2");
        assert!(numbered(&"a".repeat(MAX_SLUG_LEN), 12).len() <= MAX_SLUG_LEN);
    }
}
