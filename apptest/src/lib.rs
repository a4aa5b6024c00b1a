//! # wasmlit-apptest: test a page without a browser or a server
//!
//! The page runs on the real host runtime — compiled to WebAssembly, in a
//! fresh sandboxed instance per run, with the same widget validation,
//! session state and limits as `host serve` — but is driven from a test:
//!
//! ```no_run
//! use wasmlit_apptest::AppTest;
//!
//! #[test]
//! fn increment_counts() {
//!     let mut at = AppTest::from_crate(env!("CARGO_MANIFEST_DIR")).unwrap();
//!     at.run();
//!     assert_eq!(at.markdown(), ["count: 0", "square: 0"]);
//!     at.button("Increment").click().run();
//!     at.slider("n").set(7).run();
//!     assert_eq!(at.markdown(), ["count: 1", "square: 49"]);
//!     assert_eq!(at.session_state::<i64>("count"), Some(1));
//!     assert!(at.exception().is_none());
//! }
//! ```
//!
//! Like Streamlit's `AppTest`: `run()` runs the page once (and again while it
//! calls `rerun()`), element accessors read what the last run drew, and
//! widget handles set the values the next run receives.
#![deny(missing_docs)]

use host::model::delta::{Delta, Element, WidgetElement};
use host::model::fragment::within;
use host::model::protocol::ServerMessage;
use host::model::widget::{
    FileUploader, Pills, Radio, SegmentedControl, SelectSlider, Selectbox, WidgetId, WidgetSpec,
};
use host::runtime::engine::{EngineSettings, PageEngine};
use host::runtime::limits::Limits;
use host::runtime::page_build::{build_crate, BuildOptions};
use host::runtime::run::{parse_query, RunStatus};
use host::runtime::runner::Runner;
use host::runtime::services::session_state::SessionState;
use host::session::local::{LocalSession, OnePage, Seen};
use host::session::model::{Session, SessionLimits};
use host::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// The session id AppTest's runs belong to.
const SESSION: &str = "apptest";

/// The name AppTest's page goes by.
const PAGE: &str = "page";

/// A page under test: its session (the same rules as a browser's session
/// on the server) and what the browser would show after the last run.
pub struct AppTest {
    local: LocalSession<OnePage>,
    /// Values set since the last run: reported with the next, as a browser
    /// reports the widgets the user changed.
    changes: serde_json::Map<String, serde_json::Value>,
    query: String,
    /// What the browser would show: every delta still on screen.
    deltas: Vec<Delta>,
    finished: Option<(RunStatus, Option<String>)>,
    rejected: Vec<String>,
    refused: Vec<String>,
    runs: u32,
}

impl AppTest {
    /// Builds the page crate at `dir` for wasm32-wasip2 and loads it.
    pub fn from_crate(dir: impl AsRef<Path>) -> anyhow::Result<AppTest> {
        let wasm = build_crate(dir.as_ref(), &BuildOptions::default())?;
        Self::from_wasm(wasm)
    }

    /// Builds the Python page at `path` (a `.py` script written against
    /// the Python SDK, or a folder with one) with componentize-py and loads
    /// it; the build is cached by content, so only the first test pays.
    pub fn from_script(path: impl AsRef<Path>) -> anyhow::Result<AppTest> {
        Self::from_wasm(Self::build_script(path)?)
    }

    /// Builds the Python page at `path` and returns its component, for
    /// [`with_limits`](AppTest::with_limits) and the other loaders.
    pub fn build_script(path: impl AsRef<Path>) -> anyhow::Result<std::path::PathBuf> {
        let path = path.as_ref();
        let page = host::runtime::python_build::PythonPage::at(path).ok_or_else(|| {
            anyhow::anyhow!(
                "{} is not a Python page: a .py script, or a folder with app.py",
                path.display()
            )
        })?;
        host::runtime::python_build::build(&page, &BuildOptions::default(), &mut |_| {})
    }

    /// Compiles one page function on its own and loads it, like
    /// Streamlit's `AppTest.from_function`: `source` is the function's
    /// text, `fn name(st: &wasmlit::Ui) { … }` (a page function, as under
    /// `#[wasmlit::page]`). Usually written through [`from_function!`],
    /// which takes the function itself.
    ///
    /// The function becomes a page crate of its own under the build
    /// directory (`CARGO_TARGET_DIR`, or this workspace's `target`), built
    /// against this workspace's SDK and `Cargo.lock`; the first such build
    /// compiles the SDK once, later ones only the function.
    pub fn from_function(source: &str) -> anyhow::Result<AppTest> {
        Self::from_crate(function_crate(source)?)
    }

    /// Loads a compiled page component.
    pub fn from_wasm(path: impl AsRef<Path>) -> anyhow::Result<AppTest> {
        Self::with_limits(path, Limits::default())
    }

    /// Loads a compiled page component with these run limits.
    pub fn with_limits(path: impl AsRef<Path>, limits: Limits) -> anyhow::Result<AppTest> {
        Self::with_grants(path, limits, &[])
    }

    /// Loads a compiled page component that may send HTTP requests to
    /// `hosts` (allow-list entries such as `http://127.0.0.1:8080`), as an
    /// app granted them by its operator would: point them at a local test
    /// server.
    pub fn with_outbound_hosts(path: impl AsRef<Path>, hosts: &[&str]) -> anyhow::Result<AppTest> {
        let hosts: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
        Self::with_grants(path, Limits::default(), &hosts)
    }

    /// Loads a compiled page component with the settings of the app
    /// directory `app_dir` as `host serve` reads them: its `app.toml`
    /// (limits, capabilities, `[connections]`, `[context]`, `[auth]`) and
    /// its `secrets.toml`. A SQLite connection's file is in `app_dir`: give
    /// a test a copy of it (or a temporary directory) of its own.
    pub fn with_app_dir(
        path: impl AsRef<Path>,
        app_dir: impl AsRef<Path>,
    ) -> anyhow::Result<AppTest> {
        let app = host::app::tenant::single(app_dir.as_ref(), &Limits::default(), 1)?;
        let engine = Self::engine(Limits::default())?;
        let engine = match app {
            Some(app) => engine.for_app(app.limits, app.grants)?,
            None => engine,
        };
        Self::with_engine(path, engine)
    }

    /// As if `email` had logged in (at a provider that verified it):
    /// `st.user()` names them from the next run on.
    pub fn login_as(&mut self, email: &str) -> &mut Self {
        let user = host::model::context::User {
            sub: email.to_owned(),
            email: Some(email.to_owned()),
            email_verified: true,
            name: None,
        };
        self.set_context(host::model::context::RequestContext {
            user: Some(user),
            ..(*self.local.context).clone()
        })
    }

    /// The request context the next runs see (`st.context`, `st.user`);
    /// empty unless set.
    pub fn set_context(&mut self, context: host::model::context::RequestContext) -> &mut Self {
        self.local.context = Arc::new(context);
        self
    }

    fn engine(limits: Limits) -> anyhow::Result<Arc<PageEngine>> {
        PageEngine::new(EngineSettings {
            limits,
            // The run, the default worker pool's jobs, and a few resources.
            instance_slots: 16,
            ..EngineSettings::default()
        })
    }

    fn with_grants(
        path: impl AsRef<Path>,
        limits: Limits,
        outbound_hosts: &[String],
    ) -> anyhow::Result<AppTest> {
        let engine = Self::engine(limits)?.with_outbound_hosts(outbound_hosts)?;
        Self::with_engine(path, engine)
    }

    fn with_engine(path: impl AsRef<Path>, engine: Arc<PageEngine>) -> anyhow::Result<AppTest> {
        let page = Arc::new(Page::load(&engine, path.as_ref())?);
        let session = Session::new(SessionState::shared(), SessionLimits::from(engine.limits()));
        let runner = Arc::new(Runner::new(engine, 1)?);
        let pages = OnePage {
            name: PAGE.to_owned(),
            page,
        };
        Ok(AppTest {
            local: LocalSession::new(session, pages, runner, SESSION, None),
            changes: serde_json::Map::new(),
            query: String::new(),
            deltas: Vec::new(),
            finished: None,
            rejected: Vec::new(),
            refused: Vec::new(),
            runs: 0,
        })
    }

    /// Runs the page with the values set since the last run, as a browser
    /// reports them: a change inside a fragment reruns only the fragment;
    /// the page runs again while it calls `rerun()`, up to the
    /// `consecutive_reruns` limit. Clicks are used up.
    pub fn run(&mut self) -> &mut Self {
        let changes = std::mem::take(&mut self.changes);
        let local = &mut self.local;
        local
            .session
            .rerun(&local.pages, PAGE.to_owned(), changes, &self.query);
        self.refused.clear();
        let (deltas, query) = (&mut self.deltas, &mut self.query);
        let (finished, rejected, refused, runs) = (
            &mut self.finished,
            &mut self.rejected,
            &mut self.refused,
            &mut self.runs,
        );
        local.settle(&mut |seen| match seen {
            Seen::Message(ServerMessage::RunStarted { scope, .. }) => {
                *runs += 1;
                // As in the browser: a fragment's run replaces what is
                // inside the fragment; a page run replaces everything.
                match scope {
                    None => deltas.clear(),
                    Some(scope) => {
                        deltas.retain(|d| !(within(&d.path, &scope) && d.path.len() > scope.len()))
                    }
                }
            }
            Seen::Message(ServerMessage::Delta { path, element, .. }) => {
                // As in the browser: the page's query parameters become the
                // URL's, which the next run reports.
                if let Element::QueryParams { query: set } = &element {
                    query.clone_from(set);
                }
                // As in the browser: added rows join the element drawn
                // at their place.
                if let Element::AddRows { columns } = &element {
                    if let Some(shown) = deltas.iter_mut().rev().find(|d| d.path == path) {
                        host::model::rows::append_any(&mut shown.element, columns);
                    }
                    return;
                }
                deltas.push(Delta { path, element })
            }
            Seen::Message(ServerMessage::RunFinished {
                status, message, ..
            }) => *finished = Some((status, message)),
            Seen::Message(
                ServerMessage::Error { message } | ServerMessage::Refused { message, .. },
            ) => refused.push(message),
            Seen::Message(_) => {}
            Seen::Report(report) => {
                *rejected = report.rejected.iter().map(|r| r.message.clone()).collect()
            }
        });
        self
    }

    /// How many times the page has run (reruns included).
    pub fn runs(&self) -> u32 {
        self.runs
    }

    /// Everything the last run drew, in order (main area, then sidebar;
    /// a container's elements follow it). Where a later delta replaced an
    /// earlier one at the same place (a spinner once its value arrived),
    /// only the later one is kept, as in the browser.
    pub fn elements(&self) -> Vec<&Element> {
        let mut deltas: Vec<&Delta> = self.deltas.iter().collect();
        // Stable: at one path, the order of arrival is kept.
        deltas.sort_by(|a, b| a.path.cmp(&b.path));
        let mut latest: Vec<&Delta> = Vec::with_capacity(deltas.len());
        for delta in deltas {
            match latest.last_mut() {
                Some(last) if last.path == delta.path => *last = delta,
                _ => latest.push(delta),
            }
        }
        latest.into_iter().map(|d| &d.element).collect()
    }

    fn texts(&self, pick: impl Fn(&Element) -> Option<&String>) -> Vec<String> {
        self.elements()
            .into_iter()
            .filter_map(pick)
            .cloned()
            .collect()
    }

    /// Every element of `kind` the last run drew, as the browser receives
    /// it (JSON, with all its parameters): an element's kind (`code`,
    /// `metric`, `progress`, …), a widget's (`slider`, `date_input`, …)
    /// or a block's (`tabs`, `expander`, `form`, …). Page-level elements
    /// (`toast`, `download`, `switch_page`, …) are all kept, in order.
    pub fn elements_of(&self, kind: &str) -> Vec<serde_json::Value> {
        let page_level = self
            .deltas
            .iter()
            .filter(|d| d.path.is_empty())
            .map(|d| &d.element);
        let placed = self.elements().into_iter().filter(|e| !e.is_page_level());
        page_level
            .chain(placed)
            .filter_map(|e| serde_json::to_value(e).ok())
            .filter(|json| {
                ["kind", "widget", "block"]
                    .iter()
                    .any(|field| json[field].as_str() == Some(kind))
            })
            .collect()
    }

    /// Files the page offered for download in the last run (a download
    /// button whose file is made once clicked): name, MIME type and bytes.
    pub fn downloads(&self) -> Vec<(String, String, Vec<u8>)> {
        use base64::Engine as _;
        self.deltas
            .iter()
            .filter_map(|d| match &d.element {
                Element::Download {
                    file_name,
                    mime,
                    data,
                } => Some((
                    file_name.clone(),
                    mime.clone(),
                    base64::engine::general_purpose::STANDARD
                        .decode(data)
                        .unwrap_or_default(),
                )),
                _ => None,
            })
            .collect()
    }

    /// The page a `switch_page` in the last run asked for, if any.
    pub fn switched_to(&self) -> Option<String> {
        self.deltas.iter().rev().find_map(|d| match &d.element {
            Element::SwitchPage { page, .. } => Some(page.clone()),
            _ => None,
        })
    }

    /// Runs another page crate (or `.wasm` component) in this session from
    /// now on, keeping session state and query parameters, like
    /// Streamlit's `AppTest.switch_page`: the next [`run`](AppTest::run)
    /// runs it.
    pub fn switch_page(&mut self, page: impl AsRef<Path>) -> anyhow::Result<&mut Self> {
        let page = page.as_ref();
        let wasm = if page.extension().is_some_and(|e| e == "wasm") {
            page.to_owned()
        } else {
            build_crate(page, &BuildOptions::default())?
        };
        let engine = self.local.runner().engine().clone();
        self.local.pages.page = Arc::new(Page::load(&engine, &wasm)?);
        self.changes.clear();
        self.deltas.clear();
        Ok(self)
    }

    /// Subheaders drawn by the last run.
    pub fn subheader(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Subheader(h) => Some(&h.body),
            _ => None,
        })
    }

    /// Captions drawn by the last run.
    pub fn caption(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Caption { body, .. } => Some(body),
            _ => None,
        })
    }

    /// Code blocks drawn by the last run.
    pub fn code(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Code { body, .. } => Some(body),
            _ => None,
        })
    }

    /// Toasts shown by the last run (Markdown sources), in order.
    pub fn toasts(&self) -> Vec<String> {
        self.deltas
            .iter()
            .filter_map(|d| match &d.element {
                Element::Toast { body, .. } => Some(body.clone()),
                _ => None,
            })
            .collect()
    }

    /// Titles drawn by the last run.
    pub fn title(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Title(h) => Some(&h.body),
            _ => None,
        })
    }

    /// Headers and subheaders drawn by the last run.
    pub fn header(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Header(h) | Element::Subheader(h) => Some(&h.body),
            _ => None,
        })
    }

    /// Markdown sources (including `write` of strings) drawn by the last run.
    pub fn markdown(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Markdown { source, .. } => Some(source),
            _ => None,
        })
    }

    /// Plain text and captions drawn by the last run.
    pub fn text(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Text { body } | Element::Caption { body, .. } => Some(body),
            _ => None,
        })
    }

    /// Callouts (`success`, `info`, `warning`, `error`) drawn by the last run.
    pub fn alerts(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Alert { body, .. } => Some(body),
            _ => None,
        })
    }

    /// LaTeX formulas (`latex`) drawn by the last run.
    pub fn latex(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Latex { tex } => Some(tex),
            _ => None,
        })
    }

    /// Badges drawn by the last run: label and colour.
    pub fn badges(&self) -> Vec<(String, String)> {
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::Badge { label, color, .. } => Some((label.clone(), (*color).to_owned())),
                _ => None,
            })
            .collect()
    }

    /// HTML (`html`) drawn by the last run, as the host cleaned it.
    pub fn html(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Html { html } => Some(html),
            _ => None,
        })
    }

    /// Images drawn by the last run, each with its URL, type and caption.
    pub fn images(&self) -> Vec<host::model::delta::ImageItem> {
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::Image { items, .. } => Some(items.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Plotly figures drawn by the last run.
    pub fn plotly_charts(&self) -> Vec<serde_json::Value> {
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::Plotly { figure, .. } => Some(figure.clone()),
                _ => None,
            })
            .collect()
    }

    /// The points of each map drawn by the last run.
    pub fn maps(&self) -> Vec<Vec<host::model::delta::MapPoint>> {
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::Map { points, .. } => Some(points.clone()),
                _ => None,
            })
            .collect()
    }

    /// The columns of each table and dataframe drawn by the last run (a
    /// `dataframe_select`'s and a `data_editor`'s as the page gave them),
    /// rows added with `add_rows` included.
    pub fn tables(&self) -> Vec<&[host::model::delta::Column]> {
        use host::model::widget::WidgetSpec;
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::Table { columns } | Element::Dataframe { columns, .. } => {
                    Some(columns.as_slice())
                }
                Element::Widget(w) => match &w.spec {
                    WidgetSpec::DataframeSelect(s) => Some(s.columns.as_slice()),
                    WidgetSpec::DataEditor(e) => Some(e.columns.as_slice()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The rows of each table and dataframe drawn by the last run, each as
    /// a JSON object of column names to values (dates, datetimes and times
    /// as ISO 8601 text, JSON documents parsed, missing values `null`).
    pub fn table_rows(&self) -> Vec<Vec<serde_json::Value>> {
        self.tables()
            .into_iter()
            .map(|columns| {
                let rows = columns.first().map_or(0, |c| c.values.len());
                (0..rows)
                    .map(|r| {
                        serde_json::Value::Object(
                            columns
                                .iter()
                                .map(|c| (c.name.clone(), c.json_at(r)))
                                .collect(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    /// The Vega-Lite specification of each chart drawn by the last run,
    /// rows added with `add_rows` included in its `data.values`.
    pub fn charts(&self) -> Vec<&serde_json::Value> {
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::VegaLite { spec, .. } => Some(spec),
                _ => None,
            })
            .collect()
    }

    /// Graphviz graphs (DOT) drawn by the last run.
    pub fn graphviz_charts(&self) -> Vec<String> {
        self.texts(|e| match e {
            Element::Graphviz { dot } => Some(dot),
            _ => None,
        })
    }

    /// The error that ended the last run — a panic's message and location,
    /// a limit, an error returned by the page — or `None` if it did not fail.
    pub fn exception(&self) -> Option<&str> {
        match &self.finished {
            Some((RunStatus::Error, message)) => message.as_deref(),
            _ => None,
        }
    }

    /// How the last run ended: `ok`, `stopped`, `error`, ...
    pub fn status(&self) -> Option<&'static str> {
        self.finished.as_ref().map(|(status, _)| status.as_str())
    }

    /// Values the last run refused (wrong type or range), one message each.
    pub fn rejected(&self) -> &[String] {
        &self.rejected
    }

    /// What the session refused in the last `run()` (a value it could not
    /// keep, a widget it does not know), one message each, as the browser
    /// would be told.
    pub fn refused(&self) -> &[String] {
        &self.refused
    }

    /// The session-state value under `key`, if present and of type `T`.
    pub fn session_state<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let state = self.local.session.state.lock();
        serde_json::from_str(state.get(key)?).ok()
    }

    /// Sets session state before the next run.
    pub fn set_session_state<T: Serialize>(&mut self, key: &str, value: &T) -> &mut Self {
        let json = serde_json::to_string(value).expect("session-state values serialize to JSON");
        let limit = self.local.runner().engine().limits().session_state_bytes;
        if let Err(e) = self.local.session.state.lock().set(key, json, limit) {
            panic!("set_session_state({key}): {e}");
        }
        self
    }

    /// Sets the page URL's query string for the next runs (`"region=eu&year=2026"`).
    pub fn set_query(&mut self, query: &str) -> &mut Self {
        self.query = query.to_owned();
        self
    }

    /// The query parameters the next run sees.
    pub fn query_params(&self) -> Vec<(String, String)> {
        parse_query(&self.query).to_vec()
    }

    /// All widgets the last run drew.
    pub fn widgets(&self) -> Vec<&WidgetElement> {
        self.elements()
            .into_iter()
            .filter_map(|e| match e {
                Element::Widget(w) => Some(&**w),
                _ => None,
            })
            .collect()
    }

    /// The widget of `kind` (as in its id: `toggle`, `radio`, `multiselect`,
    /// `date_input`, ...) labelled `label`, drawn by the last run.
    pub fn widget_of(&mut self, kind: &str, label: &str) -> Widget<'_> {
        self.widget(kind, label)
    }

    fn widget(&mut self, kind: &str, label: &str) -> Widget<'_> {
        let found = self
            .widgets()
            .into_iter()
            .find(|w| w.spec.kind() == kind && w.label == label)
            .map(|w| w.id.clone());
        match found {
            Some(id) => Widget { at: self, id },
            None => panic!(
                "the last run drew no {kind} labelled {label:?}; its widgets: {:?}",
                self.widgets()
                    .iter()
                    .map(|w| format!("{} {:?}", w.spec.kind(), w.label))
                    .collect::<Vec<_>>()
            ),
        }
    }

    /// The dataframe the user selects in, drawn with key `key` (or none)
    /// in the last run; set it to `{"rows": [..], "columns": [..]}`.
    pub fn dataframe_select(&mut self, key: Option<&str>) -> Widget<'_> {
        self.keyed("dataframe_select", key)
    }

    /// The data editor drawn with key `key` (or none) in the last run; set
    /// it to `{"edited_rows": {"<row>": {"<column>": value}}, "added_rows":
    /// [..], "deleted_rows": [..]}`, as the browser sends it.
    pub fn data_editor(&mut self, key: Option<&str>) -> Widget<'_> {
        self.keyed("data_editor", key)
    }

    fn keyed(&mut self, kind: &str, key: Option<&str>) -> Widget<'_> {
        let found = self
            .widgets()
            .into_iter()
            .find(|w| w.spec.kind() == kind && (key.is_none() || w.id.key() == key))
            .map(|w| w.id.clone());
        match found {
            Some(id) => Widget { at: self, id },
            None => panic!("the last run drew no {kind} with key {key:?}"),
        }
    }

    /// The button labelled `label` in the last run.
    pub fn button(&mut self, label: &str) -> Widget<'_> {
        self.widget("button", label)
    }

    /// The checkbox labelled `label`.
    pub fn checkbox(&mut self, label: &str) -> Widget<'_> {
        self.widget("checkbox", label)
    }

    /// The integer slider labelled `label`.
    pub fn slider(&mut self, label: &str) -> Widget<'_> {
        self.widget("slider", label)
    }

    /// The float slider labelled `label`.
    pub fn float_slider(&mut self, label: &str) -> Widget<'_> {
        self.widget("float_slider", label)
    }

    /// The text input labelled `label`.
    pub fn text_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("text_input", label)
    }

    /// The number input labelled `label`.
    pub fn number_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("number_input", label)
    }

    /// The selectbox labelled `label`.
    pub fn selectbox(&mut self, label: &str) -> Widget<'_> {
        self.widget("selectbox", label)
    }

    /// The pills labelled `label` (its value: an option index, or a list
    /// of them when several may be chosen).
    pub fn pills(&mut self, label: &str) -> Widget<'_> {
        self.widget("pills", label)
    }

    /// The segmented control labelled `label` (values as for [`pills`](Self::pills)).
    pub fn segmented_control(&mut self, label: &str) -> Widget<'_> {
        self.widget("segmented_control", label)
    }

    /// The file uploader labelled `label`.
    pub fn file_uploader(&mut self, label: &str) -> Widget<'_> {
        self.widget_of("file_uploader", label)
    }

    /// The toggle labelled `label`.
    pub fn toggle(&mut self, label: &str) -> Widget<'_> {
        self.widget("toggle", label)
    }

    /// The form's submit button labelled `label`.
    pub fn form_submit_button(&mut self, label: &str) -> Widget<'_> {
        self.widget("submit_button", label)
    }

    /// The download button labelled `label` (clicking it reruns the page
    /// unless it ignores clicks; a file made once clicked is then in
    /// [`downloads`](AppTest::downloads)).
    pub fn download_button(&mut self, label: &str) -> Widget<'_> {
        self.widget("download_button", label)
    }

    /// The feedback widget labelled `label` (its value: the index chosen).
    pub fn feedback(&mut self, label: &str) -> Widget<'_> {
        self.widget("feedback", label)
    }

    /// The chat input labelled `label` (its placeholder when the page gave
    /// no other label).
    pub fn chat_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("chat_input", label)
    }

    /// The radio buttons labelled `label`.
    pub fn radio(&mut self, label: &str) -> Widget<'_> {
        self.widget("radio", label)
    }

    /// The select slider labelled `label` (one handle or two).
    pub fn select_slider(&mut self, label: &str) -> Widget<'_> {
        self.widget("select_slider", label)
    }

    /// The multiselect labelled `label`.
    pub fn multiselect(&mut self, label: &str) -> Widget<'_> {
        self.widget("multiselect", label)
    }

    /// The text area labelled `label`.
    pub fn text_area(&mut self, label: &str) -> Widget<'_> {
        self.widget("text_area", label)
    }

    /// The colour picker labelled `label`.
    pub fn color_picker(&mut self, label: &str) -> Widget<'_> {
        self.widget("color_picker", label)
    }

    /// The date input labelled `label` (one date, or a range).
    pub fn date_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("date_input", label)
    }

    /// The time input labelled `label`.
    pub fn time_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("time_input", label)
    }

    /// The date and time input labelled `label`.
    pub fn datetime_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("datetime_input", label)
    }

    /// The integer slider with two handles labelled `label` (date, time
    /// and datetime range sliders too: their values are days or minutes).
    pub fn range_slider(&mut self, label: &str) -> Widget<'_> {
        self.widget("range_slider", label)
    }

    /// The floating-point slider with two handles labelled `label`.
    pub fn float_range_slider(&mut self, label: &str) -> Widget<'_> {
        self.widget("float_range_slider", label)
    }

    /// The camera input labelled `label` (give it a photo with
    /// [`Widget::upload`]).
    pub fn camera_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("camera_input", label)
    }

    /// The audio input labelled `label` (give it a recording with
    /// [`Widget::upload`]).
    pub fn audio_input(&mut self, label: &str) -> Widget<'_> {
        self.widget("audio_input", label)
    }

    /// The widget drawn with `key`, whatever its kind.
    pub fn by_key(&mut self, key: &str) -> Widget<'_> {
        let id = WidgetId::keyed(key);
        if !self.widgets().iter().any(|w| w.id == id) {
            panic!("the last run drew no widget with key {key:?}");
        }
        Widget { at: self, id }
    }
}

/// Tests one page function on its own: `from_function!(fn page(st:
/// &wasmlit::Ui) { … })` is [`AppTest::from_function`] given the
/// function's text.
///
/// ```no_run
/// let mut at = wasmlit_apptest::from_function!(
///     fn greet(st: &wasmlit::Ui) {
///         let name = st.text_input("Name", "");
///         st.write(format!("Hello, {name}!"));
///     }
/// )
/// .unwrap();
/// at.run();
/// at.text_input("Name").set("Ada").run();
/// assert_eq!(at.markdown(), ["Hello, Ada!"]);
/// ```
#[macro_export]
macro_rules! from_function {
    ($($function:tt)*) => {
        $crate::AppTest::from_function(stringify!($($function)*))
    };
}

/// Writes `source` (a page function) as a page crate of its own and gives
/// its directory. Every such crate is a member of one workspace under the
/// build directory, so the SDK and its dependencies are built once for all.
fn function_crate(source: &str) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context as _;
    use std::hash::{Hash, Hasher};
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = here.parent().unwrap_or(here);
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let root = target.join("wasmlit-apptest");
    let sdk = workspace.join("guest-sdk");
    // This workspace's SDK when the sources are here; else the published one.
    let wasmlit = if sdk.join("Cargo.toml").is_file() {
        format!("{{ path = {:?} }}", sdk.display().to_string())
    } else {
        format!("\"={}\"", env!("CARGO_PKG_VERSION"))
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    source.hash(&mut hasher);
    let name = format!("f{:016x}", hasher.finish());
    let dir = root.join("functions").join(&name);
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("creating {}", dir.display()))?;
    let write_if_changed = |path: std::path::PathBuf, text: String| -> anyhow::Result<()> {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    };
    write_if_changed(
        root.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"functions/*\"]\n".to_owned(),
    )?;
    // The workspace's lock: the same dependency versions as its own pages,
    // resolved without the network.
    let lock = root.join("Cargo.lock");
    if !lock.is_file() {
        if let Ok(text) = std::fs::read_to_string(workspace.join("Cargo.lock")) {
            std::fs::write(&lock, text).with_context(|| format!("writing {}", lock.display()))?;
        }
    }
    write_if_changed(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nwasmlit = {wasmlit}\n"
        ),
    )?;
    write_if_changed(
        dir.join("src").join("lib.rs"),
        format!("//! A page function under test.\n#[wasmlit::page]\n{source}\n"),
    )?;
    Ok(dir)
}

/// A widget of the last run: read its value, or set the value the next run
/// receives. Setters return the [`AppTest`], so `.run()` chains.
pub struct Widget<'a> {
    at: &'a mut AppTest,
    id: WidgetId,
}

impl<'a> Widget<'a> {
    fn element(&self) -> &WidgetElement {
        self.at
            .widgets()
            .into_iter()
            .find(|w| w.id == self.id)
            .expect("the widget was found when the handle was made")
    }

    /// The id the browser would report values under.
    pub fn id(&self) -> &str {
        self.id.as_str()
    }

    /// The widget's kind and parameters, as the page declared them
    /// (options, bounds, defaults, placeholder, …).
    pub fn spec(&self) -> WidgetSpec {
        self.element().spec.clone()
    }

    /// The label, as the page wrote it.
    pub fn label(&self) -> String {
        self.element().label.clone()
    }

    /// The tooltip (`help`), if any.
    pub fn help(&self) -> Option<String> {
        self.element().help.clone()
    }

    /// Whether the widget is greyed out.
    pub fn disabled(&self) -> bool {
        self.element().disabled
    }

    /// The display `format`, if any.
    pub fn format(&self) -> Option<String> {
        self.element().format.clone()
    }

    /// A button's keyboard shortcut, as the browser matches it (`ctrl+s`).
    pub fn shortcut(&self) -> Option<String> {
        self.element().shortcut.clone()
    }

    /// The whole widget as the browser receives it (JSON): kind,
    /// parameters, options and value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::to_value(self.element()).unwrap_or(serde_json::Value::Null)
    }

    /// The value the widget returned in the last run, as JSON.
    pub fn value(&self) -> serde_json::Value {
        serde_json::to_value(&self.element().value).unwrap_or(serde_json::Value::Null)
    }

    /// Sets the value for the next run, validated as the server validates a
    /// browser's; the error says what the widget expects.
    pub fn try_set(self, value: impl Serialize) -> Result<&'a mut AppTest, String> {
        let value = serde_json::to_value(value).map_err(|e| e.to_string())?;
        let element = self.element();
        if element.disabled {
            return Err(format!("widget {:?} is disabled", element.label));
        }
        element.spec.validate(&value)?;
        // Reported with the next run, which applies the session's rules
        // (callbacks, clicks, keyed values in session state) as the
        // server does for a browser.
        self.at.changes.insert(self.id.to_string(), value);
        Ok(self.at)
    }

    /// Like [`try_set`](Self::try_set), but panics with the reason.
    pub fn set(self, value: impl Serialize) -> &'a mut AppTest {
        let id = self.id.clone();
        self.try_set(value)
            .unwrap_or_else(|e| panic!("setting widget {id}: {e}"))
    }

    /// Clicks a button: it returns `true` in the next run only.
    pub fn click(self) -> &'a mut AppTest {
        self.set(true)
    }

    /// Uploads a file to a file uploader, as the browser does: the page
    /// gets it from the next run on (a single-file uploader's earlier file
    /// is replaced; a multiple one's are kept).
    pub fn upload(self, name: &str, mime: &str, bytes: &[u8]) -> &'a mut AppTest {
        let multiple = match &self.element().spec {
            WidgetSpec::FileUploader(FileUploader { multiple, .. }) => *multiple,
            WidgetSpec::CameraInput(_) | WidgetSpec::AudioInput(_) => false,
            other => panic!(
                "upload() is for file uploaders, camera and audio inputs, not {}",
                other.kind()
            ),
        };
        let limits = self.at.local.runner().engine().limits().clone();
        let file = self
            .at
            .local
            .services()
            .uploads
            .add(
                SESSION,
                self.id.as_str(),
                name,
                mime,
                bytes.to_vec().into(),
                &limits,
            )
            .unwrap_or_else(|e| panic!("uploading {name}: {e}"));
        let mut ids: Vec<String> = match (&self.element().value, multiple) {
            (host::model::widget::WidgetValue::Files(ids), true) => ids.clone(),
            _ => Vec::new(),
        };
        ids.push(file.id);
        self.set(ids)
    }

    /// Sends a chat message with files, as the browser does for a chat
    /// input that accepts files: the files are uploaded, then the message
    /// names them. The page gets it in the next run only.
    pub fn send_message(self, text: &str, files: &[(&str, &str, &[u8])]) -> &'a mut AppTest {
        if !matches!(&self.element().spec, WidgetSpec::ChatInput(_)) {
            panic!(
                "send_message() is for chat inputs, not {}",
                self.element().spec.kind()
            );
        }
        let limits = self.at.local.runner().engine().limits().clone();
        let ids: Vec<String> = files
            .iter()
            .map(|(name, mime, bytes)| {
                self.at
                    .local
                    .services()
                    .uploads
                    .add(
                        SESSION,
                        self.id.as_str(),
                        name,
                        mime,
                        bytes.to_vec().into(),
                        &limits,
                    )
                    .unwrap_or_else(|e| panic!("uploading {name}: {e}"))
                    .id
            })
            .collect();
        self.set(serde_json::json!({ "text": text, "files": ids }))
    }

    /// Chooses an option by its text: of a selectbox (one that accepts new
    /// options takes any text), radio, select slider, or single pills or
    /// segmented control.
    pub fn select(self, option: &str) -> &'a mut AppTest {
        let options = match &self.element().spec {
            WidgetSpec::Selectbox(Selectbox {
                accept_new_options: true,
                ..
            }) => return self.set(option),
            WidgetSpec::Selectbox(Selectbox { options, .. })
            | WidgetSpec::Radio(Radio { options, .. })
            | WidgetSpec::SelectSlider(SelectSlider { options, .. }) => options.clone(),
            WidgetSpec::Pills(Pills { choice })
            | WidgetSpec::SegmentedControl(SegmentedControl { choice }) => choice.options.clone(),
            other => panic!(
                "select() is for choices among options, not {}",
                other.kind()
            ),
        };
        let index = options
            .iter()
            .position(|o| o == option)
            .unwrap_or_else(|| panic!("no option {option:?} in {options:?}"));
        self.set(index)
    }
}
