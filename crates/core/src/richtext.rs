//! Rich text: Markdown as editors write it, and the sanitised HTML the API serves with it.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown to HTML that is safe to insert into a page: scripts, event handlers,
/// `javascript:` links and unknown tags are removed by ammonia's allow-list.
pub fn render_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::clean(&unsafe_html)
}

#[cfg(test)]
mod tests {
    use super::render_html;

    #[test]
    fn renders_markdown() {
        let html = render_html("# Who we are\n\n* one\n* **two**");
        assert!(html.contains("<h1>Who we are</h1>"));
        assert!(html.contains("<li><strong>two</strong></li>"));
    }

    #[test]
    fn strips_scripts_and_handlers() {
        let html = render_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("<a"), "the link text survives: {html}");
    }
}
