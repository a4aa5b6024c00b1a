//! Deltas: one element at a path, as a run produces them and the browser draws them.

use crate::widget::{WidgetSpec, WidgetValue};
use serde::Serialize;

/// One element placed at `path`: the top-level container (0 main, 1 sidebar),
/// then the position in each nested container down to the element's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    /// Where the element goes: the container id, then its position in it.
    pub path: Vec<u32>,
    /// What to draw there.
    pub element: Element,
}

/// Callout colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Green.
    Success,
    /// Blue.
    Info,
    /// Yellow.
    Warning,
    /// Red.
    Error,
}

/// An element as the browser receives it. Markdown arrives rendered and
/// sanitized; everything else is plain data the frontend puts in text nodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Element {
    /// The page title.
    Title { body: String },
    /// A section header.
    Header { body: String },
    /// A smaller header.
    Subheader { body: String },
    /// Sanitized HTML rendered from the page's Markdown. The source is kept
    /// for in-process readers (tests, AppTest) and not sent to browsers.
    Markdown {
        html: String,
        #[serde(skip_serializing)]
        source: String,
    },
    /// Monospaced plain text.
    Text { body: String },
    /// Small muted text.
    Caption { body: String },
    /// A code block.
    Code {
        body: String,
        language: Option<String>,
    },
    /// A JSON document.
    Json { value: serde_json::Value },
    /// A horizontal rule.
    Divider,
    /// A callout box.
    Alert { level: AlertKind, body: String },
    /// A widget with its current value.
    Widget(Box<WidgetElement>),
    /// A block holding containers of its own: the path of an element in its
    /// container `c` is the block's path, then `c`, then the position.
    Block(BlockSpec),
    /// A spinner with a message, shown while a cached value is computed.
    Spinner { body: String },
    /// Nothing: what a spinner's place holds once its work is done.
    Empty,
}

/// Space between columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gap {
    /// Narrow.
    Small,
    /// The default.
    Medium,
    /// Wide.
    Large,
}

/// How a block arranges its containers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum BlockSpec {
    /// One container, optionally boxed and of fixed height (scrolling).
    Container {
        border: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
    },
    /// One container per column, widths relative.
    Columns { widths: Vec<f32>, gap: Gap },
    /// One container per tab.
    Tabs { labels: Vec<String> },
    /// One container under a label that opens and closes.
    Expander { label: String, expanded: bool },
    /// One container shown over the page from a button.
    Popover { label: String },
    /// One container whose single element each draw replaces.
    Empty,
}

/// Most containers one block may hold (columns or tabs).
pub const MAX_BLOCK_CONTAINERS: usize = 64;

impl BlockSpec {
    /// How many containers the block holds.
    pub fn containers(&self) -> usize {
        match self {
            BlockSpec::Columns { widths, .. } => widths.len(),
            BlockSpec::Tabs { labels } => labels.len(),
            _ => 1,
        }
    }

    /// Whether each draw into it replaces the previous element.
    pub fn holds_one(&self) -> bool {
        matches!(self, BlockSpec::Empty)
    }

    /// Checks the page's parameters; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        let n = self.containers();
        if n == 0 || n > MAX_BLOCK_CONTAINERS {
            return Err(format!(
                "a block holds 1 to {MAX_BLOCK_CONTAINERS} containers (columns or tabs); this one asks for {n}"
            ));
        }
        if let BlockSpec::Columns { widths, .. } = self {
            if let Some(w) = widths.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
                return Err(format!("columns: every width must be a positive number, got {w}"));
            }
        }
        Ok(())
    }

    fn text_bytes(&self) -> usize {
        match self {
            BlockSpec::Tabs { labels } => labels.iter().map(String::len).sum(),
            BlockSpec::Expander { label, .. } | BlockSpec::Popover { label } => label.len(),
            _ => 0,
        }
    }
}

/// A widget as drawn: its id (what the browser reports values under), its
/// options, its parameters and the value the run received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WidgetElement {
    /// Derived by the host from kind and key, or kind, label and parameters.
    pub id: String,
    /// The widget's label.
    pub label: String,
    /// Tooltip text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Greyed out and not editable.
    pub disabled: bool,
    /// Kind and parameters.
    #[serde(flatten)]
    pub spec: WidgetSpec,
    /// The value the page received in this run.
    pub value: WidgetValue,
}

impl Element {
    /// Bytes of page-supplied text this element carries, for the output limits.
    pub fn text_bytes(&self) -> usize {
        match self {
            Element::Title { body }
            | Element::Header { body }
            | Element::Subheader { body }
            | Element::Text { body }
            | Element::Caption { body }
            | Element::Alert { body, .. } => body.len(),
            Element::Markdown { html, .. } => html.len(),
            Element::Code { body, language } => {
                body.len() + language.as_ref().map_or(0, String::len)
            }
            Element::Json { value } => value.to_string().len(),
            Element::Spinner { body } => body.len(),
            Element::Block(block) => block.text_bytes(),
            Element::Divider | Element::Empty => 0,
            Element::Widget(w) => {
                w.label.len() + w.help.as_ref().map_or(0, String::len) + w.spec.text_bytes()
            }
        }
    }
}
