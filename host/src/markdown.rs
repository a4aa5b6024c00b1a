//! Markdown to safe HTML: CommonMark rendered by pulldown-cmark, then cleaned by ammonia.

use pulldown_cmark::{html, Options, Parser};

/// Renders `source` as HTML that cannot run script: raw HTML, event handler
/// attributes and `javascript:` links are removed.
pub fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(source.len() + source.len() / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_commonmark() {
        assert_eq!(render("**bold**"), "<p><strong>bold</strong></p>\n");
    }

    #[test]
    fn strips_script_and_handlers() {
        let html = render(
            "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
