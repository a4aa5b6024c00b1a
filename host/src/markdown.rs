//! Markdown to safe HTML: CommonMark rendered by pulldown-cmark, with what
//! could run script taken out of its event stream before rendering. Raw HTML
//! is shown as text (as Streamlit does without `unsafe_allow_html`), and a
//! link or image keeps its URL only if it is `http`, `https`, `mailto`, or
//! relative. pulldown-cmark escapes every text and attribute value, so the
//! result needs no HTML parse afterwards: rendering stays linear in the
//! source, however deeply it nests.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// URL schemes a link or image may use; relative URLs are kept too.
const SAFE_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Renders `source` as HTML that cannot run script.
pub fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    html::push_html(&mut out, events);
    out
}

/// `url` if its scheme is safe or it has none (relative), else `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    // A scheme is what comes before the first `:`, if no `/`, `?` or `#`
    // comes earlier; browsers ignore tabs and newlines in it and its case.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            if SAFE_SCHEMES.contains(&scheme.as_str()) {
                url
            } else {
                CowStr::Borrowed("#")
            }
        }
        _ => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_commonmark() {
        assert_eq!(render("**bold**"), "<p><strong>bold</strong></p>\n");
        assert!(render("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
    }

    #[test]
    fn script_links_lose_their_url_and_safe_ones_keep_it() {
        for bad in [
            "[x](javascript:alert(1))",
            "![i](javascript:alert(2))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
        ] {
            let html = render(bad);
            let neutral = html.contains("href=\"#\"")
                || html.contains("src=\"#\"")
                || !(html.contains("<a ") || html.contains("<img "));
            assert!(neutral, "{bad}: {html}");
        }
        for good in [
            "https://example.com/a?b=1",
            "http://x.y",
            "mailto:a@b.c",
            "/relative/path",
            "page#anchor",
            "?q=1",
        ] {
            let html = render(&format!("[ok]({good})"));
            assert!(!html.contains("href=\"#\""), "{good}: {html}");
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("<script>alert(1)</script><img src=x onerror=alert(1)>");
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let inline = render("text <b onclick=alert(1)>bold</b>");
        assert!(!inline.contains("<b "), "{inline}");
        assert!(inline.contains("&lt;b onclick=alert(1)&gt;"), "{inline}");
    }

    #[test]
    fn deep_nesting_renders_in_linear_time() {
        let started = std::time::Instant::now();
        for source in [
            "<div>".repeat(50_000),
            "<ul><li>".repeat(30_000),
            ">".repeat(100_000),
            "- ".repeat(50_000),
        ] {
            render(&source);
        }
        // Quadratic behaviour on these inputs takes minutes; linear takes
        // milliseconds. The bound is generous for a shared machine.
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
