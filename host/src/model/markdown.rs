//! Markdown to safe HTML: CommonMark rendered by pulldown-cmark, with what
//! could run script taken out of its event stream before rendering, plus
//! Streamlit's dialect: `:red[text]` and the other colours, backgrounds
//! (`:blue-background[…]`), badges (`:green-badge[…]`), `:small[…]`,
//! Material icons (`:material/name:`), emoji shortcodes (`:smile:`) and
//! LaTeX (`$…$`, `$$…$$`, laid out in the browser by KaTeX). The dialect
//! adds only fixed markup of the renderer's own (spans with a class from a
//! fixed list); text inside stays text. Raw HTML
//! is shown as text (as Streamlit does without `unsafe_allow_html`), and a
//! link or image keeps its URL only if it is `http`, `https`, `mailto`, or
//! relative. pulldown-cmark escapes every text and attribute value, so the
//! result needs no HTML parse afterwards: rendering stays linear in the
//! source, however deeply it nests.
//!
//! Rendering is bounded while it happens: the HTML is written into a buffer
//! that refuses to grow past the caller's budget, and tables whose cells
//! pulldown-cmark would fill in (a wide header over many short rows) are
//! refused before parsing when they alone would pass it. Every `id` the
//! renderer emits (footnotes, headings) starts with [`ID_PREFIX`], and
//! in-page links (`#name`) are rewritten to match, so a page cannot give its
//! elements the ids of the app shell's own.

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag};

/// URL schemes a link or image may use; relative URLs are kept too.
const SAFE_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// What every id the renderer emits starts with; in-page links (`#name`)
/// get it too. The app shell's own ids never start with it.
pub const ID_PREFIX: &str = "wl-u-";

/// Cells pulldown-cmark fills in for one table at most (its own guard).
const FILLED_CELLS_PER_TABLE: usize = 1 << 18;

/// The least HTML one table cell renders to (`<td></td>`).
const CELL_HTML_BYTES: usize = 9;

/// The HTML would be larger than the budget it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Renders `source` as HTML that cannot run script, or [`TooLarge`] as
/// soon as the HTML would pass `budget` bytes. Memory and time stay
/// proportional to `source` plus `budget`, whatever the source holds.
pub fn render_bounded(source: &str, budget: usize) -> Result<String, TooLarge> {
    render_with(source, budget, false)
}

/// [`render_bounded`] with the source's raw HTML kept, then the whole
/// result cleaned as [`clean_html`] cleans a page's HTML (the renderer's
/// own classes kept): Streamlit's `unsafe_allow_html`.
pub fn render_html_bounded(source: &str, budget: usize) -> Result<String, TooLarge> {
    let html = render_with(source, budget, true)?;
    let mut classes = vec![
        "wl-small",
        "wl-icon",
        "wl-badge",
        "math",
        "math-inline",
        "math-display",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    for color in crate::model::delta::COLORS {
        for kind in ["wl-c-", "wl-bg-", "wl-badge-"] {
            classes.push(format!("{kind}{color}"));
        }
    }
    let cleaned = ammonia::Builder::default()
        .add_generic_attributes(["style", "id"])
        .filter_style_properties(HTML_STYLES.into_iter().collect())
        .add_allowed_classes("span", classes.iter().map(String::as_str))
        .id_prefix(Some(ID_PREFIX))
        .clean(&html)
        .to_string();
    if cleaned.len() > budget {
        return Err(TooLarge);
    }
    Ok(cleaned)
}

fn render_with(source: &str, budget: usize, keep_html: bool) -> Result<String, TooLarge> {
    // pulldown-cmark builds its whole tree before the first event, filling
    // in the missing cells of every table row (up to 2^18 per table): a
    // megabyte of wide tables over short rows is tens of millions of cells
    // before any output is written. Each filled cell renders to at least
    // `CELL_HTML_BYTES`, so tables that could fill in more than the budget
    // can hold are refused before parsing.
    if filled_cells_bound(source).saturating_mul(CELL_HTML_BYTES) > budget {
        return Err(TooLarge);
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) if !keep_html => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: in_page(safe_url(dest_url)),
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
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(prefixed(&label)))
        }
        Event::FootnoteReference(label) => Event::FootnoteReference(prefixed(&label)),
        Event::Start(Tag::Heading { level, id, .. }) => Event::Start(Tag::Heading {
            level,
            id: id.map(|id| prefixed(&id)),
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(language(&info))))
        }
        other => other,
    });
    let events = Dialect::default().apply(events);
    let mut out = Bounded {
        out: String::with_capacity(budget.min(source.len().saturating_mul(2))),
        budget,
    };
    html::write_html_fmt(&mut out, events.into_iter()).map_err(|_| TooLarge)?;
    Ok(out.out)
}

/// Renders one line of Markdown (a heading, a caption, a label) as
/// [`render_bounded`] does, without the paragraph around it.
pub fn render_line_bounded(source: &str, budget: usize) -> Result<String, TooLarge> {
    let html = render_bounded(source, budget)?;
    let trimmed = html.trim_end();
    Ok(
        match trimmed
            .strip_prefix("<p>")
            .and_then(|inner| inner.strip_suffix("</p>"))
        {
            Some(inner) if !inner.contains("<p>") => inner.to_owned(),
            _ => html,
        },
    )
}

/// Renders inline Markdown (a label, a heading): emphasis, code, links,
/// colours, icons and formulas, as [`render_line_bounded`] does; text that
/// would render as anything but one paragraph (`1. Pick a file` as a list)
/// is shown as written.
pub fn render_inline_bounded(source: &str, budget: usize) -> Result<String, TooLarge> {
    let html = render_line_bounded(source, budget)?;
    if html.starts_with('<')
        && !html.starts_with("<span")
        && !html.starts_with("<strong")
        && !html.starts_with("<em")
        && !html.starts_with("<code")
        && !html.starts_with("<a ")
        && !html.starts_with("<del")
        || html.contains("<p>")
    {
        let escaped = escape(source);
        if escaped.len() > budget {
            return Err(TooLarge);
        }
        return Ok(escaped);
    }
    Ok(html)
}

/// `text` with HTML's special characters escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `source` as HTML that cannot run script, without a budget (for
/// sources known to be small).
pub fn render(source: &str) -> String {
    render_bounded(source, usize::MAX).unwrap_or_default()
}

/// A string that refuses to grow past `budget` bytes.
struct Bounded {
    out: String,
    budget: usize,
}

impl std::fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.out.len().saturating_add(s.len()) > self.budget {
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        Ok(())
    }
}

/// `label` with [`ID_PREFIX`].
fn prefixed(label: &str) -> CowStr<'static> {
    CowStr::Boxed(format!("{ID_PREFIX}{label}").into_boxed_str())
}

/// An in-page link (`#name`) pointed at the prefixed id; others as they are.
fn in_page(url: CowStr<'_>) -> CowStr<'_> {
    match url.strip_prefix('#') {
        Some(name) if !name.is_empty() => CowStr::Boxed(format!("#{ID_PREFIX}{name}").into()),
        _ => url,
    }
}

/// A fenced code block's language: the leading run of characters a
/// language name uses, so the `language-…` class it becomes is one class.
fn language(info: &str) -> CowStr<'static> {
    CowStr::Boxed(language_name(info).into_boxed_str())
}

/// A language name as a class may hold it: the leading run of the
/// characters names use, at most 64.
pub fn language_name(info: &str) -> String {
    info.trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.' | '#'))
        .take(64)
        .collect()
}

/// A heading's anchor from its text (or the page's own anchor): lower-case
/// letters and digits, words joined by `-`, as Streamlit derives them.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
        if out.len() >= 128 {
            break;
        }
    }
    out
}

/// CSS properties a page's HTML may set in `style`: how text and boxes
/// look, never where they are placed (no `position`, `z-index`,
/// `transform`: nothing can cover the app shell) nor what they load.
const HTML_STYLES: [&str; 36] = [
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "font-variant",
    "text-align",
    "text-decoration",
    "text-transform",
    "line-height",
    "letter-spacing",
    "white-space",
    "vertical-align",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-radius",
    "border-color",
    "border-style",
    "border-width",
    "width",
    "max-width",
    "min-width",
    "height",
    "max-height",
    "display",
    "opacity",
];

/// HTML from a page (`html`) with only what cannot run script kept:
/// ammonia's allow list of tags and attributes, `style` with the
/// properties of [`HTML_STYLES`] (whose values cannot load anything past
/// the Content-Security-Policy), and every id given [`ID_PREFIX`]. No
/// `class`: a page's HTML cannot take the app shell's classes.
pub fn clean_html(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["style", "id"])
        .filter_style_properties(HTML_STYLES.into_iter().collect())
        .id_prefix(Some(ID_PREFIX))
        .clean(html)
        .to_string()
}

/// Streamlit's Markdown dialect over pulldown-cmark's events: directives in
/// text become the renderer's own spans. A directive opened inside an
/// inline tag (`**:red[a**`) is closed with that tag, so the markup stays
/// well formed whatever the text holds.
#[derive(Default)]
struct Dialect<'a> {
    out: Vec<Event<'a>>,
    /// Open directives: the tag depth each opened at.
    open: Vec<usize>,
    depth: usize,
}

/// A directive's span, by name: `(name, class)`.
fn directive_class(name: &str) -> Option<String> {
    if name == "small" {
        return Some("wl-small".into());
    }
    let (color, kind) = match name.split_once('-') {
        Some((color, "background")) => (color, "bg"),
        Some((color, "badge")) => (color, "badge"),
        None => (name, "c"),
        _ => return None,
    };
    let color = crate::model::delta::color(color)?;
    Some(match kind {
        "badge" => format!("wl-badge wl-badge-{color}"),
        kind => format!("wl-{kind}-{color}"),
    })
}

impl<'a> Dialect<'a> {
    fn apply(mut self, events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
        let mut text = String::new();
        for event in events {
            match event {
                Event::Text(t) => {
                    text.push_str(&t);
                    continue;
                }
                other => {
                    if !text.is_empty() {
                        self.text(&std::mem::take(&mut text));
                    }
                    match other {
                        Event::Start(tag) => {
                            self.depth += 1;
                            self.out.push(Event::Start(tag));
                        }
                        Event::End(tag) => {
                            // Directives opened inside the closing tag end with it.
                            while self.open.last().is_some_and(|d| *d >= self.depth) {
                                self.open.pop();
                                self.out
                                    .push(Event::InlineHtml(CowStr::Borrowed("</span>")));
                            }
                            self.depth = self.depth.saturating_sub(1);
                            self.out.push(Event::End(tag));
                        }
                        other => self.out.push(other),
                    }
                }
            }
        }
        if !text.is_empty() {
            self.text(&text);
        }
        for _ in self.open.drain(..) {
            self.out
                .push(Event::InlineHtml(CowStr::Borrowed("</span>")));
        }
        self.out
    }

    fn plain(&mut self, text: &str) {
        if !text.is_empty() {
            self.out.push(Event::Text(CowStr::Boxed(text.into())));
        }
    }

    fn markup(&mut self, html: String) {
        self.out
            .push(Event::InlineHtml(CowStr::Boxed(html.into_boxed_str())));
    }

    /// One run of text: directives, icons and shortcodes out, the rest as text.
    fn text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b']' if self.open.last() == Some(&self.depth) => {
                    self.plain(&text[start..i]);
                    self.open.pop();
                    self.markup("</span>".into());
                    i += 1;
                    start = i;
                }
                b':' => {
                    let rest = &text[i + 1..];
                    let name_len = rest
                        .bytes()
                        .take_while(|b| {
                            b.is_ascii_lowercase()
                                || b.is_ascii_digit()
                                || matches!(b, b'_' | b'-' | b'+' | b'/')
                        })
                        .count();
                    let name = &rest[..name_len];
                    let after = rest.as_bytes().get(name_len).copied();
                    if after == Some(b'[') {
                        if let Some(class) = directive_class(name) {
                            self.plain(&text[start..i]);
                            self.markup(format!("<span class=\"{class}\">"));
                            self.open.push(self.depth);
                            i += 1 + name_len + 1;
                            start = i;
                            continue;
                        }
                    } else if after == Some(b':') {
                        if let Some(icon) = name.strip_prefix("material/").filter(|n| {
                            !n.is_empty()
                                && n.bytes().all(|b| {
                                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
                                })
                        }) {
                            self.plain(&text[start..i]);
                            self.markup(format!(
                                "<span class=\"wl-icon\" aria-hidden=\"true\">{icon}</span>"
                            ));
                            i += 1 + name_len + 1;
                            start = i;
                            continue;
                        }
                        if let Some(emoji) = emojis::get_by_shortcode(name) {
                            self.plain(&text[start..i]);
                            self.plain(emoji.as_str());
                            i += 1 + name_len + 1;
                            start = i;
                            continue;
                        }
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        self.plain(&text[start..]);
    }
}

/// At least as many table cells as pulldown-cmark may fill in for `source`.
///
/// A table's delimiter row (`|-|:-:|`) fixes its number of columns, and each
/// later row that has fewer cells is filled in, up to
/// [`FILLED_CELLS_PER_TABLE`] per table. Every line that could be a
/// delimiter row (after any `>` and indentation of its containers) counts
/// as one with as many columns as it could have (one per `-`, at most one
/// more than its `|`s), over every line up to the next blank one (which
/// ends any table). Over-counting only makes the bound looser.
fn filled_cells_bound(source: &str) -> usize {
    let lines = lines(source);
    // For each line, how many lines follow it before the next blank one.
    let mut following = vec![0usize; lines.len()];
    let mut run = 0;
    for (i, line) in lines.iter().enumerate().rev() {
        following[i] = run;
        let blank = line.bytes().all(|b| b == b' ' || b == b'\t');
        run = if blank { 0 } else { run + 1 };
    }
    let mut total: usize = 0;
    for (line, rows) in lines.iter().zip(following) {
        let body = line.trim_start_matches([' ', '\t', '>']);
        let delimiter = body.contains('-')
            && body.contains('|')
            && body
                .bytes()
                .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t' | b'\r'));
        if !delimiter {
            continue;
        }
        let dashes = body.bytes().filter(|&b| b == b'-').count();
        let pipes = body.bytes().filter(|&b| b == b'|').count();
        // A last column may be a lone `:`.
        let columns = (dashes + 1).min(pipes + 1);
        let filled = columns
            .saturating_sub(1)
            .saturating_mul(rows)
            .min(FILLED_CELLS_PER_TABLE);
        total = total.saturating_add(filled);
    }
    total
}

/// The lines of `source`, ended as CommonMark ends them: `\n`, `\r\n` or `\r`.
fn lines(source: &str) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&source[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&source[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(&source[start..]);
    lines
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

    #[test]
    fn page_chosen_ids_are_prefixed_and_in_page_links_follow() {
        let html = render(
            "See[^toasts] and[^chart-tooltip], [top](#toasts), [out](https://x.y/#a).\n\n\
             [^toasts]: one\n\n[^chart-tooltip]: two\n",
        );
        for id in ["toasts", "chart-tooltip"] {
            assert!(html.contains(&format!("id=\"{ID_PREFIX}{id}\"")), "{html}");
            assert!(
                html.contains(&format!("href=\"#{ID_PREFIX}{id}\"")),
                "{html}"
            );
            assert!(!html.contains(&format!("id=\"{id}\"")), "{html}");
        }
        assert!(html.contains("href=\"https://x.y/#a\""), "{html}");
        // Every id the renderer emits has the prefix.
        for (at, _) in html.match_indices(" id=\"") {
            assert!(html[at + 5..].starts_with(ID_PREFIX), "{html}");
        }
    }

    #[test]
    fn a_code_blocks_language_is_one_class() {
        let html = render("```rust\tslot stale\ncode\n```\n");
        assert!(html.contains("class=\"language-rust\""), "{html}");
        let html = render("```x\"onclick=y\ncode\n```\n");
        assert!(html.contains("class=\"language-x\""), "{html}");
    }

    #[test]
    fn streamlits_dialect_becomes_the_renderers_own_spans() {
        let html =
            render("A :red[**warm**] and :blue-background[cool] :green-badge[ok] :small[fine]");
        assert!(
            html.contains("<span class=\"wl-c-red\"><strong>warm</strong></span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"wl-bg-blue\">cool</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"wl-badge wl-badge-green\">ok</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"wl-small\">fine</span>"),
            "{html}"
        );
        let html = render("Go :material/home: now :smile: and :not_a_code: stays");
        assert!(
            html.contains("<span class=\"wl-icon\" aria-hidden=\"true\">home</span>"),
            "{html}"
        );
        assert!(html.contains('😄'), "{html}");
        assert!(html.contains(":not_a_code:"), "{html}");
        // Unknown names and brackets without a directive stay text.
        let html = render(":purple[x] [y] a]b");
        assert!(html.contains(":purple[x] [y] a]b"), "{html}");
    }

    #[test]
    fn a_directive_cannot_unbalance_or_inject_markup() {
        for source in [
            "**:red[a** b]",
            ":red[:blue[:green[deep]]",
            ":red[<img src=x onerror=alert(1)>]",
            ":red[a\n\nb]",
            "# :red[head",
            "| :red[a | b] |\n|-|-|\n| c] | d |",
        ] {
            let html = render(source);
            assert_eq!(
                html.matches("<span").count(),
                html.matches("</span>").count(),
                "{source}: {html}"
            );
            assert!(!html.contains("<img"), "{source}: {html}");
        }
    }

    #[test]
    fn latex_is_left_for_the_browser_as_escaped_text() {
        let html = render("Euler: $e^{i\\pi} + 1 = 0$ and\n\n$$\\frac{a<b}{2}$$");
        assert!(
            html.contains("<span class=\"math math-inline\">e^{i\\pi} + 1 = 0</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"math math-display\">\\frac{a&lt;b}{2}</span>"),
            "{html}"
        );
    }

    #[test]
    fn page_html_keeps_no_script_and_its_ids_are_prefixed() {
        let html = clean_html(
            "<b id=toasts class=toast style='color:red;position:fixed;z-index:9' onclick=alert(1)>hi</b>\
             <script>alert(2)</script><a href='javascript:alert(3)'>l</a><iframe src=x></iframe>",
        );
        assert!(
            !html.contains("class") && !html.contains("position") && !html.contains("z-index"),
            "{html}"
        );
        assert!(
            !html.contains("onclick") && !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
        assert!(!html.contains("<iframe"), "{html}");
        assert!(
            html.contains(&format!("id=\"{ID_PREFIX}toasts\"")),
            "{html}"
        );
        assert!(html.contains("style=\"color:red\""), "{html}");
    }

    #[test]
    fn labels_are_inline_markdown_or_their_text() {
        let inline = |s: &str| render_inline_bounded(s, 1 << 16).unwrap();
        assert_eq!(inline("**Bold** label"), "<strong>Bold</strong> label");
        assert_eq!(
            inline(":red[Hot] deals"),
            "<span class=\"wl-c-red\">Hot</span> deals"
        );
        assert_eq!(inline("1. Pick a file"), "1. Pick a file");
        assert_eq!(inline("- item"), "- item");
        assert_eq!(inline("# Title"), "# Title");
        assert_eq!(inline("a & <b>"), "a &amp; &lt;b&gt;");
        assert_eq!(inline("line one\n\nline two"), "line one\n\nline two");
    }

    #[test]
    fn kept_html_is_cleaned_and_the_dialect_survives() {
        let html = render_html_bounded(
            "Some **bold** :blue[sky] <span style='color:red;position:fixed' onclick=x>red</span>\n\n\
             <script>alert(1)</script><img src=x onerror=alert(2)> <b class=toast>b</b>",
            1 << 16,
        )
        .unwrap();
        assert!(
            html.contains("<span style=\"color:red\">red</span>"),
            "{html}"
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(
            html.contains("<span class=\"wl-c-blue\">sky</span>"),
            "{html}"
        );
        assert!(
            !html.contains("script") && !html.contains("onerror") && !html.contains("onclick"),
            "{html}"
        );
        assert!(
            !html.contains("toast") && !html.contains("position"),
            "{html}"
        );
    }

    #[test]
    fn anchors_are_derived_as_streamlit_does() {
        assert_eq!(anchor("Sales by Region!"), "sales-by-region");
        assert_eq!(anchor("  :red[Hot] deals "), "red-hot-deals");
    }

    #[test]
    fn output_stops_at_the_budget() {
        let source = "- a\n".repeat(10_000);
        let full = render(&source);
        assert_eq!(render_bounded(&source, full.len()).as_deref(), Ok(&*full));
        assert_eq!(render_bounded(&source, full.len() - 1), Err(TooLarge));
        // A link reference used many times: each use repeats its URL.
        let mut refs = format!("[a]: https://example.com/{}\n\n", "x".repeat(100_000));
        refs.push_str(&"[a] ".repeat(200_000));
        let started = std::time::Instant::now();
        assert_eq!(render_bounded(&refs, 1 << 20), Err(TooLarge));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    /// Sources whose tables pulldown-cmark fills in, each with no empty
    /// cell of its own: every empty cell rendered was filled in.
    fn filled_tables() -> Vec<String> {
        let wide = |columns: usize, rows: usize, prefix: &str, eol: &str| {
            let mut t = format!("{prefix}{}|{eol}", "|a".repeat(columns));
            t.push_str(&format!("{prefix}{}|{eol}", "|-".repeat(columns)));
            for _ in 0..rows {
                t.push_str(&format!("{prefix}x{eol}"));
            }
            t
        };
        vec![
            wide(50, 40, "", "\n"),
            wide(50, 40, "> ", "\n"),
            wide(50, 40, "", "\r"),
            wide(50, 40, "", "\r\n"),
            wide(30, 10, "   ", "\n").repeat(5),
            format!("{}\n{}", wide(20, 5, "", "\n"), wide(20, 5, "", "\n")),
            "a|b|c\n-|-|:\nx\ny\n".to_owned(),
            "- a|b|c\n  -|-|-\n  x\n".to_owned(),
        ]
    }

    #[test]
    fn the_bound_on_filled_cells_is_never_below_what_is_filled() {
        for source in filled_tables() {
            let html = render(&source);
            let filled = html.matches("<td></td>").count() + html.matches("\"></td>").count();
            assert!(filled > 0, "{source:?}: {html}");
            assert!(
                filled_cells_bound(&source) >= filled,
                "{source:?}: bound {} < {filled} filled",
                filled_cells_bound(&source)
            );
        }
    }

    #[test]
    fn tables_that_fill_in_past_the_budget_are_refused_before_parsing() {
        // 1 MiB of tables, each a wide header over short rows: unbounded,
        // pulldown-cmark builds tens of millions of cells before rendering.
        let mut table = format!("{}|\n{}|\n", "|a".repeat(362), "|-".repeat(362));
        table.push_str(&"x\n".repeat(724));
        table.push('\n');
        let source = table.repeat((1 << 20) / table.len());
        let started = std::time::Instant::now();
        assert_eq!(render_bounded(&source, 1 << 20), Err(TooLarge));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // Short rows of one column are cheap to parse and stop at the budget.
        let rows = "|a|\n|-|\n".repeat((1 << 20) / 8);
        assert_eq!(render_bounded(&rows, 1 << 20), Err(TooLarge));
        // An ordinary table renders.
        let small = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n";
        assert!(render_bounded(small, 1 << 20).is_ok_and(|h| h.contains("<td></td>")));
    }
}
