//! Markdown to safe HTML: CommonMark rendered by pulldown-cmark, then cleaned by ammonia.

use pulldown_cmark::{html, Options, Parser};
use std::sync::LazyLock;

/// Built once: constructing the sanitizer's allow-lists costs more than
/// cleaning a short paragraph.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

/// Renders `source` as HTML that cannot run script: raw HTML, event handler
/// attributes and `javascript:` links are removed.
pub fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(source.len() + source.len() / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    // pulldown-cmark escapes all text and attribute values; what it passes
    // through unchanged is raw HTML (only possible with a `<` in the source)
    // and link and image URLs (which may be `javascript:`). Without either,
    // its output is already safe and the sanitizer's full parse is skipped.
    if !source.contains('<') && !unsafe_html.contains("<a ") && !unsafe_html.contains("<img ") {
        return unsafe_html;
    }
    SANITIZER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_commonmark() {
        assert_eq!(render("**bold**"), "<p><strong>bold</strong></p>\n");
    }

    #[test]
    fn the_fast_path_agrees_with_the_sanitizer() {
        for source in [
            "count: 0",
            "# Title\n\n*a* **b** `c`\n\n- x\n- y",
            "a & b \"q\" 'r'",
            "| a | b |\n|---|---|\n| 1 | 2 |",
        ] {
            assert_eq!(
                render(source),
                SANITIZER.clean(&render(source)).to_string(),
                "{source}"
            );
        }
    }

    #[test]
    fn links_are_always_sanitized() {
        let html = render("[x](javascript:alert(1)) ![i](javascript:alert(2))");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(render("[ok](https://example.com)").contains("rel=\"noopener noreferrer\""));
    }

    #[test]
    fn strips_script_and_handlers() {
        let html = render("<script>alert(1)</script><img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        let inline =
            render("text <b onclick=alert(1)>bold</b> <a href=\"javascript:alert(1)\">x</a>");
        assert!(
            !inline.contains("onclick") && !inline.contains("javascript:"),
            "{inline}"
        );
    }
}
