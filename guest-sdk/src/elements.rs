//! Elements: text, headings, code, JSON, callouts. Each call draws one element.

use crate::bindings::wasmlit::page::ui::{self as host, Alert, AlertKind, CodeBlock, Element};
use crate::error::expect_ok;
use crate::Ui;
use serde::Serialize;

impl Ui {
    pub(crate) fn emit(&self, element: Element) {
        expect_ok(host::emit(self.container, &element));
    }

    /// The page's title, like `st.title`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.title("Sales dashboard");
    /// # }
    /// ```
    pub fn title(&self, body: impl Into<String>) {
        self.emit(Element::Title(body.into()));
    }

    /// A section header, like `st.header`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.header("Revenue");
    /// # }
    /// ```
    pub fn header(&self, body: impl Into<String>) {
        self.emit(Element::Header(body.into()));
    }

    /// A smaller header, like `st.subheader`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.subheader("By region");
    /// # }
    /// ```
    pub fn subheader(&self, body: impl Into<String>) {
        self.emit(Element::Subheader(body.into()));
    }

    /// CommonMark text, like `st.markdown`. Raw HTML is shown as text.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.markdown("Some **bold** text and a [link](https://example.com).");
    /// # }
    /// ```
    pub fn markdown(&self, body: impl Into<String>) {
        self.emit(Element::Markdown(body.into()));
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

    /// Small, muted text, like `st.caption`.
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
        self.emit(Element::Code(CodeBlock {
            body: body.into(),
            language: language.map(str::to_owned),
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
            Ok(json) => self.emit(Element::Json(json)),
            Err(e) => panic!("st.json: the value does not serialize: {e}"),
        }
    }

    /// Writes any value the way Streamlit's `st.write` does: strings as
    /// Markdown, numbers and booleans as text, and everything else
    /// (structs, maps, lists) as JSON.
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
            Ok(v) => self.emit(Element::Json(v.to_string())),
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
        self.emit(Element::Alert(Alert { kind, body }));
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
