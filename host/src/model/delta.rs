//! Deltas: one element at a path, as a run produces them and the browser draws them.

use crate::model::widget::{WidgetId, WidgetSpec, WidgetValue};
use serde::Serialize;

pub use crate::model::table::{check_table, Column, ColumnFormat, ColumnValues};

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
    Title(Heading),
    /// A section header.
    Header(Heading),
    /// A smaller header.
    Subheader(Heading),
    /// Sanitized HTML rendered from the page's Markdown. The source is kept
    /// for in-process readers (tests, AppTest) and not sent to browsers.
    Markdown {
        html: String,
        #[serde(skip_serializing)]
        source: String,
    },
    /// Monospaced plain text.
    Text { body: String },
    /// Small muted text (Markdown).
    Caption {
        #[serde(skip_serializing)]
        body: String,
        html: String,
    },
    /// A code block, highlighted in the browser.
    Code {
        body: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        line_numbers: bool,
        wrap_lines: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
    },
    /// A JSON document, open to `expanded` levels (all when none).
    Json {
        value: serde_json::Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        expanded: Option<u32>,
    },
    /// A horizontal rule.
    Divider,
    /// A callout box (Markdown).
    Alert {
        level: AlertKind,
        #[serde(skip_serializing)]
        body: String,
        html: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<Icon>,
    },
    /// A widget with its current value.
    Widget(Box<WidgetElement>),
    /// A block holding containers of its own: the path of an element in its
    /// container `c` is the block's path, then `c`, then the position.
    Block(BlockSpec),
    /// A spinner with a message (also shown while a cached value is computed).
    Spinner { body: String },
    /// A labelled number with its change.
    Metric {
        label: String,
        value: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        delta: Option<String>,
        delta_color: DeltaColor,
        #[serde(skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        border: bool,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        chart: Vec<f64>,
    },
    /// The app's logo (delivered at the empty path).
    Logo {
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    /// A static table.
    Table { columns: Vec<Column> },
    /// Rows added to the end of the table, dataframe or chart at this
    /// path (`add_rows`), in its column order.
    AddRows { columns: Vec<Column> },
    /// A sortable, virtualized table.
    Dataframe {
        columns: Vec<Column>,
        #[serde(skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
    },
    /// A progress bar (0.0 to 1.0).
    Progress {
        value: f32,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// An error with where it happened.
    Exception {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    },
    /// A message shown briefly in a corner (Markdown); delivered at the
    /// empty path.
    Toast {
        #[serde(skip_serializing)]
        body: String,
        html: String,
    },
    /// A Vega-Lite chart: the specification with its data.
    VegaLite {
        spec: serde_json::Value,
        /// Bytes of the specification as the page sent it.
        #[serde(skip)]
        bytes: usize,
    },
    /// A link styled as a button.
    LinkButton {
        label: String,
        url: String,
        /// A tooltip.
        #[serde(skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        /// `primary`, `secondary` or `tertiary`.
        emphasis: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<Icon>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        disabled: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        stretch: bool,
    },
    /// Go to another page (delivered at the empty path).
    SwitchPage {
        page: String,
        /// The query string its URL gets (`a=1&b=2`), if any.
        #[serde(skip_serializing_if = "String::is_empty")]
        query: String,
    },
    /// A file the browser saves now (delivered at the empty path): what a
    /// download button whose file is made once clicked offers.
    Download {
        file_name: String,
        mime: String,
        /// The file, base64-encoded.
        data: String,
    },
    /// Balloons (delivered at the empty path).
    Balloons,
    /// Go to the app's login (delivered at the empty path).
    Login,
    /// Forget the login (delivered at the empty path).
    Logout,
    /// The page's URL query changed (delivered at the empty path).
    QueryParams { query: String },
    /// The page's title, icon and layout (delivered at the empty path).
    PageConfig {
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<String>,
        wide: bool,
        /// How the sidebar starts: `auto`, `expanded` or `collapsed`.
        sidebar: &'static str,
        /// The app menu's entries, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        menu: Option<Box<MenuItems>>,
    },
    /// Nothing: what a spinner's place holds once its work is done.
    Empty,
    /// Snowflakes (delivered at the empty path).
    Snow,
    /// A LaTeX formula, laid out by the browser.
    Latex { tex: String },
    /// A small coloured label.
    Badge {
        label: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<Icon>,
        color: &'static str,
    },
    /// HTML that cannot run script, cleaned by the host.
    Html { html: String },
    /// A page's HTML with its scripts, in a sandboxed frame served from
    /// `url` (the session's media).
    HtmlFrame {
        url: String,
        height: u32,
        scrolling: bool,
    },
    /// A link to another page of the app.
    PageLink {
        page: String,
        /// The label's inline Markdown, rendered and sanitized; empty for
        /// the page's title.
        html: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<Icon>,
        /// A tooltip.
        #[serde(skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        disabled: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        stretch: bool,
    },
    /// A page of another site in a sandboxed frame.
    UrlFrame {
        url: String,
        height: u32,
        scrolling: bool,
    },
    /// Images side by side.
    Image {
        items: Vec<ImageItem>,
        #[serde(skip_serializing_if = "Option::is_none")]
        width: Option<u32>,
    },
    /// An audio player.
    Audio(MediaPlayer),
    /// A video player.
    Video(MediaPlayer),
    /// A PDF viewer.
    Pdf { url: String, height: u32 },
    /// A Plotly figure.
    Plotly {
        figure: serde_json::Value,
        /// Bytes of the figure as the page sent it.
        #[serde(skip)]
        bytes: usize,
    },
    /// Points on a map.
    Map {
        points: Vec<MapPoint>,
        #[serde(skip_serializing_if = "Option::is_none")]
        zoom: Option<f32>,
        height: u32,
    },
    /// A Graphviz graph in DOT, laid out by the browser.
    Graphviz { dot: String },
    /// Vertical space: `small`, `medium` or `large`.
    Space { size: &'static str },
    /// Plain text added to the end of the text the placeholder at this
    /// path shows (a stream in progress); anything else drawn there
    /// replaces it.
    TextAppend { text: String },
}

/// What an appended text costs against `run_output_bytes` besides its own
/// bytes: the message around it. It bounds how many appends a run can make.
pub const APPEND_OVERHEAD_BYTES: usize = 64;

/// A title or header: Markdown on one line, rendered, with its anchor and
/// the colour of the rule under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    /// The Markdown as the page wrote it (for tests and AppTest).
    #[serde(skip_serializing)]
    pub body: String,
    /// The rendered, sanitized HTML.
    pub html: String,
    /// The id the heading is linked by.
    pub anchor: String,
    /// The rule under it, by colour name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divider: Option<&'static str>,
}

/// An icon: an emoji, or the name of a Material Symbol.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "name", rename_all = "snake_case")]
pub enum Icon {
    /// One emoji (a short run of characters).
    Emoji(String),
    /// A Material Symbol (`:material/name:`), by name.
    Material(String),
}

/// Longest emoji icon, in bytes (flags and families are several characters).
pub const ICON_EMOJI_BYTES: usize = 32;

impl Icon {
    /// An icon as Streamlit takes it: `:material/name:` or an emoji.
    pub fn parse(text: &str) -> Result<Icon, String> {
        let text = text.trim();
        if let Some(name) = text
            .strip_prefix(":material/")
            .and_then(|rest| rest.strip_suffix(':'))
        {
            if !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Ok(Icon::Material(name.to_owned()));
            }
            return Err(format!(
                "icon {text:?}: a Material icon is `:material/name:` with a name of lower-case                  letters, digits and `_`"
            ));
        }
        if text.is_empty()
            || text.len() > ICON_EMOJI_BYTES
            || text.chars().any(char::is_alphanumeric)
        {
            return Err(format!(
                "icon {text:?}: give one emoji or `:material/name:`"
            ));
        }
        Ok(Icon::Emoji(text.to_owned()))
    }

    fn bytes(&self) -> usize {
        match self {
            Icon::Emoji(s) | Icon::Material(s) => s.len(),
        }
    }
}

/// The colours Streamlit names for text, backgrounds, badges and dividers.
pub const COLORS: [&str; 10] = [
    "red", "orange", "yellow", "green", "blue", "violet", "gray", "grey", "rainbow", "primary",
];

/// `name` as one of [`COLORS`] (`grey` is `gray`).
pub fn color(name: &str) -> Option<&'static str> {
    let found = COLORS.iter().find(|c| **c == name)?;
    Some(if *found == "grey" { "gray" } else { found })
}

/// One image with its caption.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageItem {
    /// Where the browser fetches it (the session's media).
    pub url: String,
    /// Its type.
    pub mime: String,
    /// Plain text under it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// An audio or video player.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaPlayer {
    /// Where the browser fetches it (the session's media).
    pub url: String,
    /// Its type.
    pub mime: String,
    /// Where playback starts, in seconds.
    pub start: u32,
    /// Where playback stops, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
    /// Start again at the end.
    #[serde(rename = "loop")]
    pub looping: bool,
    /// Start playing when drawn.
    pub autoplay: bool,
    /// Without sound.
    pub muted: bool,
    /// Subtitle tracks: label and URL.
    pub subtitles: Vec<Subtitle>,
}

/// A subtitle track.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subtitle {
    /// Its name in the player's menu.
    pub label: String,
    /// Where the browser fetches it.
    pub url: String,
}

/// One point on a map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapPoint {
    /// Degrees north.
    pub lat: f64,
    /// Degrees east.
    pub lon: f64,
    /// Radius in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<f32>,
    /// A CSS colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// How a metric's change is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeltaColor {
    /// Up green, down red.
    Normal,
    /// Up red, down green.
    Inverse,
    /// Grey.
    Off,
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
    /// One container whose widgets are submitted together.
    Form {
        clear_on_submit: bool,
        border: bool,
        /// Enter in a text input submits it.
        enter_to_submit: bool,
    },
    /// One container under a label with a state.
    Status {
        label: String,
        state: &'static str,
        expanded: bool,
    },
    /// One container in a modal window with a title.
    Dialog {
        title: String,
        /// `small`, `medium` or `large`.
        width: &'static str,
        /// The user may close it.
        dismissible: bool,
    },
    /// One container drawn as a chat message.
    ChatMessage {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        avatar: Option<String>,
    },
    /// One container that reruns on its own; what it reruns stays on the
    /// server.
    Fragment {
        #[serde(skip)]
        call: crate::model::function::FunctionRef,
        #[serde(skip)]
        run_every_ms: Option<u32>,
    },
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
        if n > MAX_BLOCK_CONTAINERS || n == 0 {
            return Err(format!(
                "a block holds 1 to {MAX_BLOCK_CONTAINERS} containers (columns or tabs); this one asks for {n}"
            ));
        }
        if let BlockSpec::Columns { widths, .. } = self {
            if let Some(w) = widths.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
                return Err(format!(
                    "columns: every width must be a positive number, got {w}"
                ));
            }
        }
        Ok(())
    }

    fn text_bytes(&self) -> usize {
        match self {
            BlockSpec::Tabs { labels } => labels.iter().map(String::len).sum(),
            BlockSpec::Expander { label, .. }
            | BlockSpec::Popover { label }
            | BlockSpec::Dialog { title: label, .. }
            | BlockSpec::Status { label, .. } => label.len(),
            BlockSpec::ChatMessage { name, avatar } => {
                name.len() + avatar.as_ref().map_or(0, String::len)
            }
            BlockSpec::Fragment { call, .. } => call.args.len(),
            _ => 0,
        }
    }
}

/// The app menu's entries (`set_page_config(menu_items=…)`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MenuItems {
    /// A "Get help" link (http, https or mailto).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub get_help: Option<String>,
    /// A "Report a bug" link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_a_bug: Option<String>,
    /// The "About" text, rendered from Markdown and sanitized.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

impl MenuItems {
    /// Bytes of text the entries carry.
    pub fn bytes(&self) -> usize {
        [&self.get_help, &self.report_a_bug, &self.about]
            .into_iter()
            .flatten()
            .map(String::len)
            .sum()
    }
}

/// A widget as drawn: its id (what the browser reports values under), its
/// options, its parameters and the value the run received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WidgetElement {
    /// Derived by the host from kind and key, or kind, label and parameters.
    pub id: WidgetId,
    /// The widget's label, as the page wrote it.
    #[serde(skip_serializing)]
    pub label: String,
    /// The label's Markdown, rendered and sanitized.
    #[serde(rename = "label")]
    pub label_html: String,
    /// Tooltip text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// `visible`, `hidden` (space kept) or `collapsed`.
    pub label_visibility: &'static str,
    /// Greyed out and not editable.
    pub disabled: bool,
    /// Kind and parameters.
    #[serde(flatten)]
    pub spec: WidgetSpec,
    /// The value the page received in this run.
    pub value: WidgetValue,
    /// A download button's file, base64-encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// The files a file uploader holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<crate::model::widget::FileInfo>>,
    /// A button's emphasis: `primary`, `secondary` or `tertiary`.
    pub emphasis: &'static str,
    /// An icon before a button's label or inside a text box.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<Icon>,
    /// Stretched to the container's width.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stretch: bool,
    /// How numbers or dates are shown (checked against the kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// A button's keyboard shortcut, as `ctrl+shift+s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortcut: Option<String>,
    /// The options' Markdown, rendered and sanitized (radio, pills,
    /// segmented control), in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options_html: Option<Vec<String>>,
    /// A radio's captions' Markdown, rendered and sanitized, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captions_html: Option<Vec<String>>,
}

impl Element {
    /// Whether the element belongs to the page rather than a position in
    /// it (delivered at the empty path).
    pub fn is_page_level(&self) -> bool {
        matches!(
            self,
            Element::Toast { .. }
                | Element::QueryParams { .. }
                | Element::PageConfig { .. }
                | Element::SwitchPage { .. }
                | Element::Download { .. }
                | Element::Balloons
                | Element::Login
                | Element::Logout
                | Element::Snow
                | Element::Logo { .. }
        )
    }

    /// Whether the element carries data (a table or a chart), whose size is
    /// bounded by `table_bytes` instead of `element_bytes`.
    pub fn is_table(&self) -> bool {
        match self {
            Element::Table { .. }
            | Element::Dataframe { .. }
            | Element::AddRows { .. }
            | Element::VegaLite { .. }
            | Element::Plotly { .. }
            | Element::Map { .. }
            | Element::Download { .. } => true,
            Element::Widget(w) => w.data.is_some() || w.spec.carries_table(),
            _ => false,
        }
    }

    /// Bytes of this element as the browser receives it (its JSON), or
    /// `None` as soon as they pass `limit`: the count stops there, so a huge
    /// element costs no more than `limit` to measure.
    pub fn wire_bytes(&self, limit: usize) -> Option<usize> {
        let mut counter = ByteCounter { bytes: 0, limit };
        serde_json::to_writer(&mut counter, self).ok()?;
        Some(counter.bytes)
    }

    /// Bytes of page-supplied text this element carries.
    pub fn text_bytes(&self) -> usize {
        match self {
            Element::Title(h) | Element::Header(h) | Element::Subheader(h) => {
                h.html.len() + h.anchor.len()
            }
            Element::Text { body } | Element::Spinner { body } => body.len(),
            Element::Caption { html, .. }
            | Element::Toast { html, .. }
            | Element::Markdown { html, .. }
            | Element::Html { html } => html.len(),
            Element::Alert { html, icon, .. } => html.len() + icon.as_ref().map_or(0, Icon::bytes),
            Element::Code { body, language, .. } => {
                body.len() + language.as_ref().map_or(0, String::len)
            }
            Element::Json { value, .. } => value.to_string().len(),
            Element::Logo { url, link } => url.len() + link.as_ref().map_or(0, String::len),
            Element::Latex { tex } => tex.len(),
            Element::PageLink {
                page,
                html,
                icon,
                help,
                ..
            } => {
                page.len()
                    + html.len()
                    + icon.as_ref().map_or(0, Icon::bytes)
                    + help.as_ref().map_or(0, String::len)
            }
            Element::Graphviz { dot } => dot.len(),
            Element::TextAppend { text } => text.len(),
            Element::Badge { label, icon, .. } => {
                label.len() + icon.as_ref().map_or(0, Icon::bytes)
            }
            Element::HtmlFrame { url, .. }
            | Element::UrlFrame { url, .. }
            | Element::Pdf { url, .. } => url.len(),
            Element::Image { items, .. } => items
                .iter()
                .map(|i| i.url.len() + i.mime.len() + i.caption.as_ref().map_or(0, String::len))
                .sum(),
            Element::Audio(m) | Element::Video(m) => {
                m.url.len()
                    + m.mime.len()
                    + m.subtitles
                        .iter()
                        .map(|s| s.label.len() + s.url.len())
                        .sum::<usize>()
            }
            Element::Plotly { bytes, .. } => *bytes,
            Element::Map { points, .. } => points
                .iter()
                .map(|p| 24 + p.color.as_ref().map_or(0, String::len))
                .sum(),
            Element::QueryParams { query } => query.len(),
            Element::SwitchPage { page, query } => page.len() + query.len(),
            Element::Download {
                file_name,
                mime,
                data,
            } => file_name.len() + mime.len() + data.len(),
            Element::LinkButton {
                label,
                url,
                help,
                icon,
                ..
            } => {
                label.len()
                    + url.len()
                    + help.as_ref().map_or(0, String::len)
                    + icon.as_ref().map_or(0, Icon::bytes)
            }
            Element::VegaLite { bytes, .. } => *bytes,
            Element::PageConfig {
                title, icon, menu, ..
            } => {
                title.as_ref().map_or(0, String::len)
                    + icon.as_ref().map_or(0, String::len)
                    + menu.as_ref().map_or(0, |m| m.bytes())
            }
            Element::Metric {
                label,
                value,
                delta,
                help,
                chart,
                ..
            } => {
                label.len()
                    + value.len()
                    + delta.as_ref().map_or(0, String::len)
                    + help.as_ref().map_or(0, String::len)
                    + chart.len() * 8
            }
            Element::Table { columns }
            | Element::Dataframe { columns, .. }
            | Element::AddRows { columns } => columns.iter().map(Column::bytes).sum(),
            Element::Progress { text, .. } => text.as_ref().map_or(0, String::len),
            Element::Exception { message, location } => {
                message.len() + location.as_ref().map_or(0, String::len)
            }
            Element::Block(block) => block.text_bytes(),
            Element::Divider
            | Element::Empty
            | Element::Balloons
            | Element::Login
            | Element::Logout
            | Element::Snow
            | Element::Space { .. } => 0,
            Element::Widget(w) => {
                w.label.len()
                    + w.help.as_ref().map_or(0, String::len)
                    + w.spec.text_bytes()
                    + w.data.as_ref().map_or(0, String::len)
                    + w.format.as_ref().map_or(0, String::len)
                    + [&w.options_html, &w.captions_html]
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(String::len)
                        .sum::<usize>()
            }
        }
    }
}

/// Counts bytes written, refusing any past `limit`.
struct ByteCounter {
    bytes: usize,
    limit: usize,
}

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes = self.bytes.saturating_add(buf.len());
        if self.bytes > self.limit {
            return Err(std::io::Error::other("past the limit"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One element of every kind, every block and every widget, as a page can
/// draw them: what tests check the frontend against.
#[cfg(test)]
pub(crate) fn one_of_each() -> Vec<Element> {
    let text = || "x".to_owned();
    let heading = || Heading {
        body: text(),
        html: text(),
        anchor: text(),
        divider: None,
    };
    let player = || MediaPlayer {
        url: text(),
        mime: "audio/ogg".into(),
        start: 0,
        end: None,
        looping: false,
        autoplay: false,
        muted: false,
        subtitles: Vec::new(),
    };
    let column = || Column::new(text(), ColumnValues::Integer(vec![1]));
    let blocks = vec![
        BlockSpec::Container {
            border: true,
            height: None,
        },
        BlockSpec::Columns {
            widths: vec![1.0, 1.0],
            gap: Gap::Small,
        },
        BlockSpec::Tabs {
            labels: vec![text()],
        },
        BlockSpec::Expander {
            label: text(),
            expanded: false,
        },
        BlockSpec::Popover { label: text() },
        BlockSpec::Empty,
        BlockSpec::Form {
            clear_on_submit: true,
            border: true,
            enter_to_submit: true,
        },
        BlockSpec::Status {
            label: text(),
            state: "running",
            expanded: true,
        },
        BlockSpec::Dialog {
            title: text(),
            width: "large",
            dismissible: false,
        },
        BlockSpec::ChatMessage {
            name: "user".into(),
            avatar: None,
        },
        BlockSpec::Fragment {
            call: crate::model::function::FunctionRef::default(),
            run_every_ms: None,
        },
    ];
    // Adding a block kind stops this from compiling until it has a sample.
    for block in &blocks {
        match block {
            BlockSpec::Container { .. }
            | BlockSpec::Columns { .. }
            | BlockSpec::Tabs { .. }
            | BlockSpec::Expander { .. }
            | BlockSpec::Popover { .. }
            | BlockSpec::Empty
            | BlockSpec::Form { .. }
            | BlockSpec::Status { .. }
            | BlockSpec::Dialog { .. }
            | BlockSpec::ChatMessage { .. }
            | BlockSpec::Fragment { .. } => {}
        }
    }
    let widgets = crate::model::widget::one_of_each().into_iter().map(|spec| {
        Element::Widget(Box::new(WidgetElement {
            id: crate::model::widget::widget_id(&spec, "w", None),
            label: "w".into(),
            label_html: "w".into(),
            help: None,
            label_visibility: "visible",
            disabled: false,
            value: spec.default_value(),
            spec,
            data: None,
            files: None,
            emphasis: "primary",
            icon: Some(Icon::Material("home".into())),
            stretch: true,
            format: None,
            shortcut: None,
            options_html: None,
            captions_html: None,
        }))
    });
    let mut all = vec![
        Element::Title(heading()),
        Element::Header(heading()),
        Element::Subheader(heading()),
        Element::Markdown {
            html: text(),
            source: text(),
        },
        Element::Text { body: text() },
        Element::Caption {
            body: text(),
            html: text(),
        },
        Element::Code {
            body: text(),
            language: None,
            line_numbers: true,
            wrap_lines: false,
            height: None,
        },
        Element::Json {
            value: serde_json::json!({}),
            expanded: Some(1),
        },
        Element::Divider,
        Element::Alert {
            level: AlertKind::Info,
            body: text(),
            html: text(),
            icon: Some(Icon::Material("info".into())),
        },
        Element::Spinner { body: text() },
        Element::Metric {
            label: text(),
            value: text(),
            delta: None,
            delta_color: DeltaColor::Normal,
            help: None,
            border: true,
            chart: vec![1.0, 2.0],
        },
        Element::Table {
            columns: vec![column()],
        },
        Element::Dataframe {
            columns: vec![column()],
            height: None,
        },
        Element::Progress {
            value: 0.5,
            text: None,
        },
        Element::Exception {
            message: text(),
            location: None,
        },
        Element::Toast {
            body: text(),
            html: text(),
        },
        Element::VegaLite {
            spec: serde_json::json!({}),
            bytes: 2,
        },
        Element::LinkButton {
            label: text(),
            url: "https://example.com".into(),
            help: Some(text()),
            emphasis: "primary",
            icon: Some(Icon::Emoji("🔗".into())),
            disabled: true,
            stretch: true,
        },
        Element::SwitchPage {
            page: text(),
            query: text(),
        },
        Element::Download {
            file_name: "a.csv".into(),
            mime: "text/csv".into(),
            data: "YQ==".into(),
        },
        Element::Balloons,
        Element::Login,
        Element::Logout,
        Element::QueryParams { query: text() },
        Element::PageConfig {
            title: None,
            icon: None,
            wide: false,
            sidebar: "collapsed",
            menu: Some(Box::new(MenuItems {
                get_help: Some("https://example.com/help".into()),
                report_a_bug: None,
                about: Some("<p>About</p>".into()),
            })),
        },
        Element::Empty,
        Element::Snow,
        Element::Latex { tex: text() },
        Element::Badge {
            label: text(),
            icon: None,
            color: "blue",
        },
        Element::Html { html: text() },
        Element::HtmlFrame {
            url: text(),
            height: 150,
            scrolling: false,
        },
        Element::UrlFrame {
            url: text(),
            height: 150,
            scrolling: false,
        },
        Element::PageLink {
            page: text(),
            html: text(),
            icon: None,
            help: Some(text()),
            disabled: true,
            stretch: false,
        },
        Element::Image {
            items: vec![ImageItem {
                url: text(),
                mime: "image/png".into(),
                caption: None,
            }],
            width: None,
        },
        Element::Audio(player()),
        Element::Video(player()),
        Element::Pdf {
            url: text(),
            height: 500,
        },
        Element::Plotly {
            figure: serde_json::json!({"data": []}),
            bytes: 12,
        },
        Element::Map {
            points: vec![MapPoint {
                lat: 0.0,
                lon: 0.0,
                size: None,
                color: None,
            }],
            zoom: None,
            height: 400,
        },
        Element::Graphviz { dot: text() },
        Element::Space { size: "small" },
        Element::TextAppend { text: text() },
        Element::AddRows {
            columns: vec![column()],
        },
        Element::Logo {
            url: text(),
            link: None,
        },
    ];
    all.extend(blocks.into_iter().map(Element::Block));
    all.extend(widgets);
    // Adding an element kind stops this from compiling until it has a sample.
    for element in &all {
        match element {
            Element::Title { .. }
            | Element::Header { .. }
            | Element::Subheader { .. }
            | Element::Markdown { .. }
            | Element::Text { .. }
            | Element::Caption { .. }
            | Element::Code { .. }
            | Element::Json { .. }
            | Element::Divider
            | Element::Alert { .. }
            | Element::Widget(_)
            | Element::Block(_)
            | Element::Spinner { .. }
            | Element::Metric { .. }
            | Element::Table { .. }
            | Element::Dataframe { .. }
            | Element::Progress { .. }
            | Element::Exception { .. }
            | Element::Toast { .. }
            | Element::VegaLite { .. }
            | Element::LinkButton { .. }
            | Element::SwitchPage { .. }
            | Element::Download { .. }
            | Element::Balloons
            | Element::Login
            | Element::Logout
            | Element::QueryParams { .. }
            | Element::PageConfig { .. }
            | Element::Empty
            | Element::Snow
            | Element::Latex { .. }
            | Element::Badge { .. }
            | Element::Html { .. }
            | Element::HtmlFrame { .. }
            | Element::UrlFrame { .. }
            | Element::PageLink { .. }
            | Element::Image { .. }
            | Element::Audio(_)
            | Element::Video(_)
            | Element::Pdf { .. }
            | Element::Plotly { .. }
            | Element::Map { .. }
            | Element::Graphviz { .. }
            | Element::Space { .. }
            | Element::TextAppend { .. }
            | Element::AddRows { .. }
            | Element::Logo { .. } => {}
        }
    }
    all
}
