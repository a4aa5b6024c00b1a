//! Elements: text, headings, code, JSON, callouts. Each call draws one element.

use crate::bindings::wasmlit::page::ui::{
    self as host, Alert, AlertKind, CodeBlock, Element, Heading as WitHeading,
};
use crate::error::expect_ok;
use crate::Ui;
use serde::Serialize;

impl Ui {
    pub(crate) fn emit(&self, element: Element) {
        expect_ok(host::emit(self.container, &element));
    }

    /// Draws `element`; its handle for `add_rows`, if rows can be added.
    pub(crate) fn emit_data(&self, element: Element) -> Option<u32> {
        expect_ok(host::emit_data(self.container, &element))
    }

    /// The page's title, like `st.title`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.title("Sales dashboard");
    /// # }
    /// ```
    pub fn title(&self, body: impl Into<String>) {
        self.emit(Element::Title(Heading::default().wit(body.into())));
    }

    /// The page's title with a coloured rule under it or an anchor of the
    /// page's choosing, like `st.title(…, anchor=…)`. The text is Markdown.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Heading;
    /// st.title_with("Sales :blue[2026]", &Heading { anchor: Some("sales".into()), ..Heading::default() });
    /// # }
    /// ```
    pub fn title_with(&self, body: impl Into<String>, options: &Heading) {
        self.emit(Element::Title(options.wit(body.into())));
    }

    /// A section header, like `st.header`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.header("Revenue");
    /// # }
    /// ```
    pub fn header(&self, body: impl Into<String>) {
        self.emit(Element::Header(Heading::default().wit(body.into())));
    }

    /// A section header with a coloured rule under it or its own anchor,
    /// like `st.header(…, divider="blue")`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Heading;
    /// st.header_with("Revenue", &Heading { divider: Some("blue".into()), ..Heading::default() });
    /// # }
    /// ```
    pub fn header_with(&self, body: impl Into<String>, options: &Heading) {
        self.emit(Element::Header(options.wit(body.into())));
    }

    /// A smaller header, like `st.subheader`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.subheader("By region");
    /// # }
    /// ```
    pub fn subheader(&self, body: impl Into<String>) {
        self.emit(Element::Subheader(Heading::default().wit(body.into())));
    }

    /// A smaller header with a coloured rule under it or its own anchor,
    /// like `st.subheader(…, divider="rainbow")`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Heading;
    /// st.subheader_with("By region", &Heading { divider: Some("rainbow".into()), ..Heading::default() });
    /// # }
    /// ```
    pub fn subheader_with(&self, body: impl Into<String>, options: &Heading) {
        self.emit(Element::Subheader(options.wit(body.into())));
    }

    /// Markdown text, like `st.markdown`: CommonMark with tables and
    /// footnotes, plus Streamlit's dialect: `:red[text]` (and `orange`,
    /// `yellow`, `green`, `blue`, `violet`, `gray`, `rainbow`, `primary`),
    /// `:blue-background[text]`, `:green-badge[text]`, `:small[text]`,
    /// `:material/icon_name:`, emoji shortcodes such as `:tada:`, and LaTeX
    /// as `$x^2$` or `$$\sum_i x_i$$`. Raw HTML is shown as text.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.markdown("Some **bold** text and a [link](https://example.com).");
    /// # }
    /// ```
    pub fn markdown(&self, body: impl Into<String>) {
        self.emit(Element::Markdown(body.into()));
    }

    /// Markdown whose raw HTML is kept, like
    /// `st.markdown(body, unsafe_allow_html=True)`. The host still takes out
    /// anything that could run script (as for [`html`](Self::html)), and
    /// refuses the call unless the operator granted the app
    /// `unsafe_allow_html`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.markdown_unsafe("<div style='text-align: center'>**Centred**</div>");
    /// # }
    /// ```
    pub fn markdown_unsafe(&self, body: impl Into<String>) {
        self.emit(Element::MarkdownHtml(body.into()));
    }

    /// Plain text, shown as written, like `st.text`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.text("exactly *as* typed");
    /// # }
    /// ```
    pub fn text(&self, body: impl Into<String>) {
        self.emit(Element::Text(body.into()));
    }

    /// Small, muted text (Markdown), like `st.caption`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.caption("Data as of this morning");
    /// # }
    /// ```
    pub fn caption(&self, body: impl Into<String>) {
        self.emit(Element::Caption(body.into()));
    }

    /// A code block, like `st.code`. `language` names the syntax, e.g. `"rust"`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.code("fn main() {}", Some("rust"));
    /// # }
    /// ```
    pub fn code(&self, body: impl Into<String>, language: Option<&str>) {
        self.code_with(
            body,
            &Code {
                language: language.map(str::to_owned),
                ..Code::default()
            },
        );
    }

    /// A code block with line numbers, wrapped lines or a fixed height,
    /// like `st.code(…, line_numbers=True, wrap_lines=True, height=200)`.
    /// The browser highlights it and shows a copy button.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Code;
    /// st.code_with(
    ///     "SELECT *\nFROM sales",
    ///     &Code { language: Some("sql".into()), line_numbers: true, ..Code::default() },
    /// );
    /// # }
    /// ```
    pub fn code_with(&self, body: impl Into<String>, options: &Code) {
        self.emit(Element::Code(CodeBlock {
            body: body.into(),
            language: options.language.clone(),
            line_numbers: options.line_numbers,
            wrap_lines: options.wrap_lines,
            height: options.height,
        }));
    }

    /// Any serializable value as a collapsible JSON tree, like `st.json`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.json(&std::collections::BTreeMap::from([("rows", 3), ("cols", 2)]));
    /// # }
    /// ```
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string(value) {
            Ok(json) => self.emit(Element::Json(host::JsonDoc {
                value: json,
                expanded: None,
            })),
            Err(e) => panic!("st.json: the value does not serialize: {e}"),
        }
    }

    /// A JSON tree open to `levels` levels (0: closed), like
    /// `st.json(value, expanded=levels)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.json_expanded(&serde_json::json!({"a": {"b": {"c": 1}}}), 1);
    /// # }
    /// ```
    pub fn json_expanded<T: Serialize + ?Sized>(&self, value: &T, levels: u32) {
        match serde_json::to_string(value) {
            Ok(json) => self.emit(Element::Json(host::JsonDoc {
                value: json,
                expanded: Some(levels),
            })),
            Err(e) => panic!("st.json: the value does not serialize: {e}"),
        }
    }

    /// Writes any value the way Streamlit's `st.write` does: strings as
    /// Markdown, numbers and booleans as text, a [`Table`](crate::Table)
    /// (an SQL result, say) as a dataframe, and everything else (structs,
    /// maps, lists) as JSON.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.write("Hello, *world*");
    /// st.write(42);
    /// st.write(&vec![1, 2, 3]);
    /// # }
    /// ```
    pub fn write<T: Serialize>(&self, value: T) {
        match serde_json::to_value(&value) {
            Ok(serde_json::Value::String(s)) => self.emit(Element::Markdown(s)),
            Ok(serde_json::Value::Null) => self.emit(Element::Text("null".into())),
            Ok(v @ (serde_json::Value::Bool(_) | serde_json::Value::Number(_))) => {
                self.emit(Element::Text(v.to_string()))
            }
            Ok(v) => match crate::data::table_of_json(v) {
                Ok(table) => {
                    self.dataframe(&table);
                }
                Err(v) => self.emit(Element::Json(host::JsonDoc {
                    value: v.to_string(),
                    expanded: None,
                })),
            },
            Err(e) => panic!("st.write: the value does not serialize: {e}"),
        }
    }

    /// A horizontal rule, like `st.divider`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.divider();
    /// # }
    /// ```
    pub fn divider(&self) {
        self.emit(Element::Divider);
    }

    fn alert(&self, kind: AlertKind, body: String) {
        self.emit(Element::Alert(Alert {
            kind,
            body,
            icon: None,
        }));
    }

    /// A callout of `kind` with an icon (an emoji or `:material/name:`),
    /// like `st.info(body, icon=…)` and its siblings. The body is Markdown.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Callout;
    /// st.callout(Callout::Warning, "Only partial data for today", ":material/schedule:");
    /// st.callout(Callout::Success, "Saved", "✅");
    /// # }
    /// ```
    pub fn callout(&self, kind: Callout, body: impl Into<String>, icon: &str) {
        self.emit(Element::Alert(Alert {
            kind: match kind {
                Callout::Success => AlertKind::Success,
                Callout::Info => AlertKind::Info,
                Callout::Warning => AlertKind::Warning,
                Callout::Error => AlertKind::Error,
            },
            body: body.into(),
            icon: Some(icon.to_owned()),
        }));
    }

    /// A green callout, like `st.success`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.success("Saved");
    /// # }
    /// ```
    pub fn success(&self, body: impl Into<String>) {
        self.alert(AlertKind::Success, body.into());
    }

    /// A blue callout, like `st.info`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.info("Pick a date range to begin");
    /// # }
    /// ```
    pub fn info(&self, body: impl Into<String>) {
        self.alert(AlertKind::Info, body.into());
    }

    /// A yellow callout, like `st.warning`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.warning("Only partial data for today");
    /// # }
    /// ```
    pub fn warning(&self, body: impl Into<String>) {
        self.alert(AlertKind::Warning, body.into());
    }

    /// A red callout, like `st.error`. It does not end the run.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.error("The query failed");
    /// # }
    /// ```
    pub fn error(&self, body: impl Into<String>) {
        self.alert(AlertKind::Error, body.into());
    }
}

/// Options of a title or header.
#[derive(Debug, Clone, Default)]
pub struct Heading {
    /// A coloured rule under it: `blue`, `green`, `orange`, `red`, `violet`,
    /// `gray`, `grey` or `rainbow`.
    pub divider: Option<String>,
    /// The id it is linked by (`#anchor`); derived from the text when none.
    pub anchor: Option<String>,
}

impl Heading {
    fn wit(&self, body: String) -> WitHeading {
        WitHeading {
            body,
            divider: self.divider.clone(),
            anchor: self.anchor.clone(),
        }
    }
}

/// Options of a code block.
#[derive(Debug, Clone, Default)]
pub struct Code {
    /// The syntax to highlight, e.g. `"rust"`; plain text when none.
    pub language: Option<String>,
    /// Number the lines.
    pub line_numbers: bool,
    /// Wrap long lines instead of scrolling sideways.
    pub wrap_lines: bool,
    /// Fixed height in pixels; the code scrolls within it.
    pub height: Option<u32>,
}

/// The kind of a callout box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callout {
    /// Green, like `st.success`.
    Success,
    /// Blue, like `st.info`.
    Info,
    /// Yellow, like `st.warning`.
    Warning,
    /// Red, like `st.error`.
    Error,
}
