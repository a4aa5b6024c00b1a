//! The session's rules, without I/O: widget values and their validation,
//! clicks that count once, forms that clear on submit, fragments that rerun
//! alone, `on_change` callbacks, forgetting the widgets a run did not draw,
//! reruns the page asks for, and what the browser is told when a run ends.
//!
//! Drivers (the WebSocket task, AppTest, `host run`) tell a [`Session`]
//! what happened and carry out the [`Effect`]s it asks for: messages to
//! send, a run to start, the run in flight to cancel. None of them keeps a
//! rule of its own, so they cannot disagree.

use crate::model::delta::{Delta, Element};
use crate::model::fragment::{within, Fragment, FragmentPath, FragmentRun};
use crate::model::function::FunctionRef;
use crate::model::protocol::{NavPosition, Navigation, PageInfo, ServerMessage};
use crate::model::widget::{WidgetId, WidgetInputs, WidgetSpec, WidgetValue};
use crate::runtime::limits::Limits;
use crate::runtime::page::Page;
use crate::runtime::run::{
    parse_query, CancelReason, QueryParams, RunOutcome, RunReport, RunStatus,
};
use crate::runtime::services::session_state::SharedState;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where a session finds the pages it runs.
pub trait Pages {
    /// The page called `name`.
    fn lookup(&self, name: &str) -> PageLookup;

    /// The navigation of a session no run has set one for.
    fn listed(&self) -> Vec<PageInfo>;

    /// Whether page `name` is left out of that navigation (and so cannot
    /// be opened) until a run's `navigation` lists it.
    fn hidden(&self, _name: &str) -> bool {
        false
    }

    /// Whether a session opens only the pages its navigation lists (a
    /// driver of one page, as AppTest, runs that page whatever it lists).
    fn enforces_navigation(&self) -> bool {
        true
    }

    /// The label of page `name` where a navigation gives none.
    fn title(&self, name: &str) -> String {
        crate::model::protocol::title_case(name)
    }
}

/// What [`Pages::lookup`] found.
pub enum PageLookup {
    /// The page, ready to run.
    Found(Arc<Page>),
    /// A page of that name exists but failed to load.
    Failed,
    /// No page has that name.
    Missing,
}

/// What a session asks its driver to do, in order.
pub enum Effect {
    /// Send this message to the browser.
    Send(ServerMessage),
    /// Start this run (its `run_started` was sent just before).
    Start(StartRun),
    /// Cancel the run in flight for this reason.
    Cancel(CancelReason),
    /// The file uploader `widget` now lists only `files`: let the others go.
    KeepFiles {
        /// The uploader's id.
        widget: WidgetId,
        /// The upload ids it still lists.
        files: Vec<String>,
    },
}

/// A run the session wants started.
pub struct StartRun {
    /// Its number within the session; deltas and the report carry it back.
    pub run: u64,
    /// The page's name.
    pub name: String,
    /// The page.
    pub page: Arc<Page>,
    /// The widget values and clicks it receives.
    pub inputs: WidgetInputs,
    /// The session's state.
    pub state: SharedState,
    /// The URL's query parameters.
    pub query: Arc<QueryParams>,
    /// Callbacks of changed widgets, to call first.
    pub callbacks: Vec<FunctionRef>,
    /// The fragment to rerun; `None` for the whole page.
    pub fragment: Option<FragmentRun>,
}

/// The limits a session's rules apply.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Largest session-state value (`session_state_bytes`).
    pub session_state_bytes: usize,
    /// Most elements one run may draw (`elements_per_run`).
    pub elements_per_run: usize,
    /// Most runs in a row a page may ask for with `rerun()`.
    pub consecutive_reruns: u32,
}

impl From<&Limits> for SessionLimits {
    fn from(limits: &Limits) -> SessionLimits {
        SessionLimits {
            session_state_bytes: limits.session_state_bytes,
            elements_per_run: limits.elements_per_run as usize,
            consecutive_reruns: limits.consecutive_reruns,
        }
    }
}

/// Most widget callbacks waiting for the next run.
pub const MAX_PENDING_CALLBACKS: usize = 1_000;

/// How many parts [`Session::snapshot`] makes.
pub const SNAPSHOT_PARTS: usize = 6;

/// The part of a stored session that is not a map of widgets or state:
/// where it is, and its counters.
#[derive(serde::Serialize, serde::Deserialize)]
struct Progress {
    page: Option<String>,
    query: QueryParams,
    fragments: Vec<Fragment>,
    pending_callbacks: Vec<FunctionRef>,
    navigation: Option<Navigation>,
    next_run: u64,
    next_click: u64,
}

/// One browser tab's session: what it keeps between runs and across
/// reconnects, and the bookkeeping of its runs.
pub struct Session {
    /// The session's state, shared with its runs.
    pub state: SharedState,
    limits: SessionLimits,
    /// Widget values the browser reported, by id (buttons excluded).
    values: HashMap<WidgetId, serde_json::Value>,
    /// Widgets drawn by recent runs: what incoming values are validated against.
    specs: HashMap<WidgetId, WidgetSpec>,
    /// The `on_change` callbacks of the widgets the last run drew.
    callbacks: HashMap<WidgetId, FunctionRef>,
    /// The innermost fragment of each widget drawn inside one: a change
    /// of it reruns only that fragment.
    widget_fragments: HashMap<WidgetId, FragmentPath>,
    /// The fragments on the page, with when each reruns on its own next.
    fragments: Vec<(Fragment, Option<Instant>)>,
    /// Callbacks of widgets changed since, for the next run to call first.
    pending_callbacks: Vec<FunctionRef>,
    /// The page last run.
    page: Option<String>,
    /// The query parameters last reported.
    query: Arc<QueryParams>,
    /// The run in flight.
    running: Option<Running>,
    /// The run to start once the one in flight has stopped.
    pending: Option<Pending>,
    next_run: u64,
    /// The run whose deltas go to the browser (0: none).
    forwarding: u64,
    /// Clicks not yet seen by a finished run: widget id → (click number, value).
    triggers: HashMap<WidgetId, (u64, serde_json::Value)>,
    next_click: u64,
    consecutive_reruns: u32,
    /// The pages this session may open and how they are listed, once a run
    /// set them (`navigation`); the app's own until then.
    navigation: Option<Navigation>,
    effects: Vec<Effect>,
}

/// The run in flight, as the rules see it.
struct Running {
    id: u64,
    /// The clicks this run was given: button id and click number.
    triggers: Vec<(WidgetId, u64)>,
    /// A newer rerun asked to replace it: the browser is told `replaced`
    /// however it ended, since its late deltas were not forwarded.
    replaced: bool,
    /// The user pressed Stop.
    stopped: bool,
    /// The fragment it reruns; `None` for the whole page.
    fragment: Option<FragmentPath>,
}

/// A run waiting for the one in flight to stop.
struct Pending {
    page: String,
    /// Only this fragment; `None` for the whole page.
    fragment: Option<FragmentPath>,
}

impl Session {
    /// A new session with `state`, under `limits`.
    pub fn new(state: SharedState, limits: SessionLimits) -> Session {
        Session {
            state,
            limits,
            values: HashMap::new(),
            specs: HashMap::new(),
            callbacks: HashMap::new(),
            widget_fragments: HashMap::new(),
            fragments: Vec::new(),
            pending_callbacks: Vec::new(),
            page: None,
            query: Arc::new(QueryParams::new()),
            running: None,
            pending: None,
            next_run: 1,
            forwarding: 0,
            triggers: HashMap::new(),
            next_click: 0,
            consecutive_reruns: 0,
            navigation: None,
            effects: Vec::new(),
        }
    }

    /// The pages this session lists, and where: what a run set with
    /// `navigation`, or the app's own.
    pub fn navigation(&self, pages: &dyn Pages) -> (Vec<PageInfo>, NavPosition) {
        match &self.navigation {
            Some(nav) => (nav.pages.clone(), nav.position),
            None => (pages.listed(), NavPosition::Sidebar),
        }
    }

    /// Whether this session may open page `name`: one its navigation lists
    /// (any page not hidden, until a run sets a navigation).
    fn allowed(&self, pages: &dyn Pages, name: &str) -> bool {
        if !pages.enforces_navigation() {
            return true;
        }
        match &self.navigation {
            Some(nav) => nav.pages.iter().any(|p| p.name == name),
            None => !pages.hidden(name),
        }
    }

    /// The app's pages changed (a page was added, removed or rebuilt): the
    /// browser gets the navigation again.
    pub fn pages_changed(&mut self, pages: &dyn Pages) {
        let (pages, position) = self.navigation(pages);
        self.send(ServerMessage::Pages { pages, position });
    }

    /// What the driver should do now, in order.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    fn send(&mut self, message: ServerMessage) {
        self.effects.push(Effect::Send(message));
    }

    /// Refuses something the browser sent; the session goes on.
    pub fn refuse(&mut self, message: String) {
        self.send(ServerMessage::Error { message });
    }

    /// Refuses a value of widget `id`: the browser restores the widget.
    fn refuse_value(&mut self, id: &WidgetId, message: &str) {
        self.send(ServerMessage::Refused {
            widget: id.clone(),
            message: format!("widget `{id}`: {message}"),
        });
    }

    /// Whether the session has nothing to run.
    pub fn idle(&self) -> bool {
        self.running.is_none() && self.pending.is_none()
    }

    /// The browser asks for `page` with the widget values that changed
    /// and the URL's query string: validate the values, then run the page,
    /// or only the fragment all changed widgets are in.
    pub fn rerun(
        &mut self,
        pages: &dyn Pages,
        page: String,
        widgets: serde_json::Map<String, serde_json::Value>,
        query: &str,
    ) {
        let query = parse_query(query);
        let widgets: Vec<(WidgetId, serde_json::Value)> = widgets
            .into_iter()
            .map(|(id, value)| (WidgetId::from(id), value))
            .collect();
        let fragment = self.changed_fragment(&page, &widgets, &query);
        self.accept_values(widgets);
        self.query = Arc::new(query);
        self.consecutive_reruns = 0;
        self.request_run(pages, page, fragment);
    }

    /// Values a run receives without having been reported by a browser
    /// (`host run --widget`): each is validated by the widget that reads it.
    pub fn preset(&mut self, values: WidgetInputs) {
        self.values.extend(values);
    }

    /// The user pressed Stop.
    pub fn stop(&mut self) {
        self.pending = None;
        self.triggers.clear();
        if let Some(running) = &mut self.running {
            running.stopped = true;
            self.effects.push(Effect::Cancel(CancelReason::Stopped));
        }
    }

    /// The server is shutting down: nothing more starts; the run in flight
    /// is cancelled (its end is still reported).
    pub fn shut_down(&mut self) {
        self.pending = None;
        if self.running.is_some() {
            self.effects.push(Effect::Cancel(CancelReason::Shutdown));
        }
    }

    /// The browser went away: the run in flight is cancelled and forgotten,
    /// and the clicks not yet seen go with the tab. Values, state and
    /// fragments stay for a resume.
    pub fn disconnected(&mut self) {
        if self.running.take().is_some() {
            self.effects.push(Effect::Cancel(CancelReason::Stopped));
        }
        self.pending = None;
        self.forwarding = 0;
        self.triggers.clear();
        self.consecutive_reruns = 0;
    }

    /// Validates each reported value against the widget that drew it; keeps
    /// the valid ones and refuses the rest with a message naming the widget.
    fn accept_values(&mut self, widgets: Vec<(WidgetId, serde_json::Value)>) {
        for (id, value) in widgets {
            let Some(spec) = self.specs.get(&id) else {
                self.refuse_value(
                    &id,
                    "unknown widget id: no enabled widget with this id was drawn",
                );
                continue;
            };
            let trigger = spec.is_trigger();
            let valid = match spec.validate(&value) {
                Err(message) => {
                    self.refuse_value(&id, &message);
                    continue;
                }
                Ok(valid) => valid,
            };
            // A keyed widget's value lives in session state as the page
            // reads it there (a choice as its option).
            let value = match id.key() {
                Some(_) => spec.to_state(&valid),
                None => value,
            };
            // Files the uploader no longer lists are let go.
            if let WidgetValue::Files(files) | WidgetValue::Chat { files, .. } = &valid {
                self.effects.push(Effect::KeepFiles {
                    widget: id.clone(),
                    files: files.clone(),
                });
            }
            // An event (a click, a message) is any value but the kind's
            // resting one.
            let fires = trigger && valid != spec.default_value();
            if self.changes(&id, trigger, fires, &value) {
                if let Some(callback) = self.callbacks.get(&id) {
                    if self.pending_callbacks.len() < MAX_PENDING_CALLBACKS {
                        self.pending_callbacks.push(callback.clone());
                    }
                }
            }
            if trigger {
                if fires {
                    self.next_click += 1;
                    self.triggers.insert(id, (self.next_click, value));
                }
                continue;
            }
            match id.key() {
                // A keyed widget's value lives in session state under its
                // key, where the page can read and set it.
                Some(key) => {
                    let limit = self.limits.session_state_bytes;
                    let stored = self.state.lock().set(key, value.to_string(), limit);
                    if let Err(message) = stored {
                        self.refuse_value(&id, &message);
                    }
                }
                None => {
                    self.values.insert(id, value);
                }
            }
        }
    }

    /// Whether `value` changes widget `id` (a click always does; a
    /// trigger's resting value never does).
    fn changes(
        &self,
        id: &WidgetId,
        trigger: bool,
        fires: bool,
        value: &serde_json::Value,
    ) -> bool {
        if trigger {
            return fires;
        }
        let current = match id.key() {
            Some(key) => self
                .state
                .lock()
                .get(key)
                .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok()),
            None => self.values.get(id).cloned(),
        };
        match current {
            Some(current) => current != *value,
            // Never reported before: a change from the default.
            None => self
                .specs
                .get(id)
                .map(|spec| {
                    let default = spec.default_value();
                    let default = match id.key() {
                        Some(_) => spec.to_state(&default),
                        None => serde_json::to_value(default).unwrap_or_default(),
                    };
                    default != *value
                })
                .unwrap_or(true),
        }
    }

    /// The fragment a rerun request reruns: the one all its changed widgets
    /// are in, on the same page and URL; `None` reruns the whole page.
    fn changed_fragment(
        &self,
        page: &str,
        widgets: &[(WidgetId, serde_json::Value)],
        query: &QueryParams,
    ) -> Option<FragmentPath> {
        if widgets.is_empty() || self.page.as_deref() != Some(page) || *self.query != *query {
            return None;
        }
        let mut fragments = widgets.iter().map(|(id, _)| self.widget_fragments.get(id));
        let first = fragments.next()??;
        fragments
            .all(|other| other == Some(first))
            .then(|| first.clone())
    }

    /// Runs `page` (or only `fragment` of it) now, or as soon as the run in
    /// flight has stopped. Two different requests at once make one run of
    /// the whole page.
    fn request_run(&mut self, pages: &dyn Pages, page: String, fragment: Option<FragmentPath>) {
        match pages.lookup(&page) {
            // Whether the session may open it is decided when it starts
            // (after the run in flight, which may change the navigation).
            PageLookup::Found(_) => {}
            lookup => {
                // A page the session may not open is not said to exist.
                if matches!(lookup, PageLookup::Failed) && self.allowed(pages, &page) {
                    self.refuse(format!(
                        "the page `{page}` failed to load and is not served; the server's log \
                         says why"
                    ));
                }
                return self.send(ServerMessage::PageNotFound { page });
            }
        }
        let same = |other: &Option<FragmentPath>| *other == fragment;
        let fragment = if self.pending.as_ref().is_some_and(|p| !same(&p.fragment))
            || self.running.as_ref().is_some_and(|r| !same(&r.fragment))
        {
            None
        } else {
            fragment
        };
        self.pending = Some(Pending { page, fragment });
        match &mut self.running {
            Some(running) => {
                running.replaced = true;
                self.effects.push(Effect::Cancel(CancelReason::Replaced));
                // Nothing more of the cancelled run is forwarded.
                self.forwarding = 0;
            }
            None => self.start_pending(pages),
        }
    }

    fn start_pending(&mut self, pages: &dyn Pages) {
        let Some(Pending {
            page: name,
            fragment,
        }) = self.pending.take()
        else {
            return;
        };
        // A fragment the last run no longer drew reruns the whole page.
        let fragment = fragment.and_then(|path| {
            self.fragments
                .iter()
                .find(|(f, _)| f.path == path)
                .map(|(f, _)| FragmentRun {
                    path,
                    call: f.call.clone(),
                })
        });
        let PageLookup::Found(page) = pages.lookup(&name) else {
            return self.send(ServerMessage::PageNotFound { page: name });
        };
        // A page this session's navigation leaves out is not run, even if
        // it was asked for before the navigation changed.
        if !self.allowed(pages, &name) {
            return self.send(ServerMessage::PageNotFound { page: name });
        }
        let run = self.next_run;
        self.next_run += 1;
        self.forwarding = run;
        self.page = Some(name.clone());
        let mut inputs: WidgetInputs = self.values.clone();
        inputs.extend(
            self.triggers
                .iter()
                .map(|(k, (_, value))| (k.clone(), value.clone())),
        );
        self.running = Some(Running {
            id: run,
            triggers: self
                .triggers
                .iter()
                .map(|(k, (n, _))| (k.clone(), *n))
                .collect(),
            replaced: false,
            stopped: false,
            fragment: fragment.as_ref().map(|f| f.path.clone()),
        });
        self.send(ServerMessage::RunStarted {
            run,
            page: name.clone(),
            scope: fragment.as_ref().map(|f| f.path.to_vec()),
        });
        self.effects.push(Effect::Start(StartRun {
            run,
            name,
            page,
            inputs,
            state: self.state.clone(),
            query: self.query.clone(),
            callbacks: std::mem::take(&mut self.pending_callbacks),
            fragment,
        }));
    }

    /// Run `run` drew `delta`: forwarded while it is the current run.
    pub fn delta(&mut self, run: u64, delta: Delta) {
        if run != self.forwarding {
            return;
        }
        // A rerun the page asks for keeps the query it set.
        if let Element::QueryParams { query } = &delta.element {
            self.query = Arc::new(parse_query(query));
        }
        self.send(ServerMessage::Delta {
            run,
            path: delta.path,
            element: delta.element,
        });
    }

    /// Run `run` ended with `report`. `shutting_down` stops a rerun the
    /// page asked for.
    pub fn finished(
        &mut self,
        pages: &dyn Pages,
        run: u64,
        mut report: RunReport,
        shutting_down: bool,
        now: Instant,
    ) {
        let Some(running) = self.running.take_if(|r| r.id == run) else {
            return;
        };
        self.forwarding = 0;
        let limit = self.limits.elements_per_run;
        if report.outcome == RunOutcome::Replaced {
            // A click counts once: drop the clicks whose button the replaced
            // run already drew; the rest go to the next run.
            for (id, click) in &running.triggers {
                if report.widgets.iter().any(|(w, _)| w == id) {
                    self.forget_click(id, *click);
                }
            }
            // The browser may have drawn this run's widgets (bounded, in
            // case every run is replaced).
            if self.specs.len() < 2 * limit {
                self.specs.extend(report.widgets);
                self.widget_fragments.extend(report.widget_fragments);
            }
        } else {
            for (id, click) in &running.triggers {
                self.forget_click(id, *click);
            }
            self.adopt(running.fragment.as_deref(), &mut report, now);
            // Like Streamlit, a widget that the run did not draw loses its
            // value (keyed values live on in session state if the page
            // stores them there).
            let specs = &self.specs;
            self.values.retain(|id, _| specs.contains_key(id));
        }
        // A submitted form that clears on submit starts again from its
        // widgets' defaults.
        for id in &report.cleared {
            self.values.remove(id);
            if let Some(key) = id.key() {
                self.state.lock().remove(key);
            }
        }
        for rejected in report.rejected {
            self.send(ServerMessage::Refused {
                widget: rejected.widget,
                message: rejected.message,
            });
        }
        // The navigation a run set is the session's from now on (a
        // replaced or stopped run's too: the page asked for it).
        if let Some(mut nav) = report.navigation.take() {
            for entry in nav.pages.iter_mut().filter(|e| e.title.is_empty()) {
                entry.title = pages.title(&entry.name);
            }
            if self.navigation.as_ref() != Some(&nav) {
                self.navigation = Some(nav);
                self.pages_changed(pages);
            }
        }
        let (mut status, mut message) = if running.stopped {
            (RunStatus::Stopped, RunOutcome::Stopped.message())
        } else if running.replaced {
            (RunStatus::Replaced, RunOutcome::Replaced.message())
        } else {
            (report.outcome.status(), report.outcome.message())
        };
        if report.outcome == RunOutcome::Rerun && self.pending.is_none() && !shutting_down {
            self.consecutive_reruns += 1;
            let limit = self.limits.consecutive_reruns;
            if self.consecutive_reruns <= limit {
                // `rerun-fragment` in a fragment's run reruns the fragment.
                let fragment = running.fragment.clone().filter(|_| report.rerun_fragment);
                self.pending = self.page.clone().map(|page| Pending { page, fragment });
            } else {
                status = RunStatus::Error;
                message = Some(format!(
                    "the page asked to rerun {limit} times in a row (consecutive_reruns)"
                ));
            }
        }
        self.send(ServerMessage::RunFinished {
            run,
            status,
            message,
        });
        if !shutting_down {
            self.start_pending(pages);
        }
    }

    /// Drops a click only if it is still the same click.
    fn forget_click(&mut self, id: &WidgetId, click: u64) {
        if self.triggers.get(id).is_some_and(|(n, _)| *n == click) {
            self.triggers.remove(id);
        }
    }

    /// Takes what a finished run drew as the widgets and fragments to
    /// expect: all of them after a page run; after a fragment run, its
    /// own replace those it drew before, and the rest stay.
    fn adopt(&mut self, scope: Option<&[u32]>, report: &mut RunReport, now: Instant) {
        let fresh = std::mem::take(&mut report.fragments).into_iter().map(|f| {
            let due = f.every.map(|every| now + every);
            (f, due)
        });
        match scope {
            None => {
                self.specs.clear();
                self.callbacks.clear();
                self.widget_fragments.clear();
                self.fragments = fresh.collect();
            }
            Some(scope) => {
                let redrawn: Vec<WidgetId> = self
                    .widget_fragments
                    .iter()
                    .filter(|(_, path)| within(path, scope))
                    .map(|(id, _)| id.clone())
                    .collect();
                for id in &redrawn {
                    self.specs.remove(id);
                    self.callbacks.remove(id);
                    self.widget_fragments.remove(id);
                }
                // Fragments nested in this one were drawn again (or not).
                self.fragments
                    .retain(|(f, _)| !(within(&f.path, scope) && f.path.len() > scope.len()));
                self.fragments.extend(fresh);
            }
        }
        self.specs.extend(std::mem::take(&mut report.widgets));
        self.callbacks.extend(std::mem::take(&mut report.callbacks));
        self.widget_fragments
            .extend(std::mem::take(&mut report.widget_fragments));
    }

    /// Whether the session shows `page`.
    pub fn shows(&self, page: &str) -> bool {
        self.page.as_deref() == Some(page)
    }

    /// Page `page` was rebuilt: the browser gets the new page list (from
    /// the driver) and the page reruns if it is the one shown.
    pub fn reloaded(&mut self, pages: &dyn Pages, page: &str) {
        if self.page.as_deref() == Some(page) {
            self.request_run(pages, page.to_owned(), None);
        }
    }

    /// What the session keeps between runs, for a store: each part
    /// serialized on its own (so a store writes only the parts that
    /// changed), in an order that does not depend on the maps' order.
    /// Nothing of a run in flight, of clicks no run has seen yet, or of a
    /// rerun waiting to start is kept: those go with the connection.
    pub fn snapshot(&self) -> serde_json::Result<[(&'static str, Vec<u8>); SNAPSHOT_PARTS]> {
        fn sorted<V>(map: &HashMap<WidgetId, V>) -> Vec<(&WidgetId, &V)> {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            entries
        }
        let state = serde_json::to_vec(&self.state.lock().entries())?;
        let progress = Progress {
            page: self.page.clone(),
            query: (*self.query).clone(),
            fragments: self.fragments.iter().map(|(f, _)| f.clone()).collect(),
            pending_callbacks: self.pending_callbacks.clone(),
            navigation: self.navigation.clone(),
            next_run: self.next_run,
            next_click: self.next_click,
        };
        Ok([
            ("state", state),
            ("values", serde_json::to_vec(&sorted(&self.values))?),
            ("specs", serde_json::to_vec(&sorted(&self.specs))?),
            ("callbacks", serde_json::to_vec(&sorted(&self.callbacks))?),
            (
                "widget_fragments",
                serde_json::to_vec(&sorted(&self.widget_fragments))?,
            ),
            ("progress", serde_json::to_vec(&progress)?),
        ])
    }

    /// A session as [`Session::snapshot`] kept it, with a fresh `state`
    /// (that the snapshot's state fills) under `limits`. Its fragments
    /// with a timer are next due one period from `now`. Fails on a part
    /// that is missing or does not read back, or on a state past its limits.
    pub fn restore(
        state: SharedState,
        limits: SessionLimits,
        parts: &HashMap<String, Vec<u8>>,
        now: Instant,
    ) -> Result<Session, String> {
        fn part<T: serde::de::DeserializeOwned>(
            parts: &HashMap<String, Vec<u8>>,
            name: &str,
        ) -> Result<T, String> {
            let bytes = parts
                .get(name)
                .ok_or_else(|| format!("the stored session has no `{name}`"))?;
            serde_json::from_slice(bytes)
                .map_err(|e| format!("the stored session's `{name}` does not read back: {e}"))
        }
        let entries: Vec<(String, String)> = part(parts, "state")?;
        {
            let mut stored = state.lock();
            for (key, json) in entries {
                stored.set(&key, json, limits.session_state_bytes)?;
            }
        }
        let progress: Progress = part(parts, "progress")?;
        let mut session = Session::new(state, limits);
        session.values = part::<Vec<_>>(parts, "values")?.into_iter().collect();
        session.specs = part::<Vec<_>>(parts, "specs")?.into_iter().collect();
        session.callbacks = part::<Vec<_>>(parts, "callbacks")?.into_iter().collect();
        session.widget_fragments = part::<Vec<(WidgetId, Vec<u32>)>>(parts, "widget_fragments")?
            .into_iter()
            .map(|(id, path)| (id, FragmentPath::from(path)))
            .collect();
        session.fragments = progress
            .fragments
            .into_iter()
            .map(|f| {
                let due = f.every.map(|every| now + every);
                (f, due)
            })
            .collect();
        session.pending_callbacks = progress.pending_callbacks;
        session.page = progress.page;
        session.query = Arc::new(progress.query);
        session.navigation = progress.navigation;
        session.next_run = progress.next_run.max(1);
        session.next_click = progress.next_click;
        Ok(session)
    }

    /// When the next fragment is due to rerun on its own, if any is.
    pub fn next_tick(&self) -> Option<Instant> {
        self.fragments.iter().filter_map(|(_, due)| *due).min()
    }

    /// Reruns the fragment that is due at `now`, if the session is idle; a
    /// busy session skips the tick.
    pub fn tick(&mut self, pages: &dyn Pages, now: Instant) {
        let idle = self.idle();
        let Some((fragment, due)) = self
            .fragments
            .iter_mut()
            .filter(|(_, due)| due.is_some_and(|due| due <= now))
            .min_by_key(|(_, due)| *due)
        else {
            return;
        };
        let every = fragment.every.unwrap_or(Duration::from_secs(1));
        *due = Some(now + every);
        let path = fragment.path.clone();
        if let (true, Some(page)) = (idle, self.page.clone()) {
            self.request_run(pages, page, Some(path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::services::session_state::SessionState;

    fn limits() -> SessionLimits {
        SessionLimits {
            session_state_bytes: 1 << 20,
            elements_per_run: 1_000,
            consecutive_reruns: 10,
        }
    }

    fn parts(session: &Session) -> HashMap<String, Vec<u8>> {
        session
            .snapshot()
            .unwrap()
            .into_iter()
            .map(|(name, bytes)| (name.to_owned(), bytes))
            .collect()
    }

    /// Everything a session keeps between runs reads back as it was
    /// written, part for part (every field is set to something other than
    /// a new session's).
    #[test]
    fn a_snapshot_restores_to_the_same_session() {
        let mut session = Session::new(SessionState::shared(), limits());
        session
            .state
            .lock()
            .set("count", "41".into(), 1 << 20)
            .unwrap();
        let call = FunctionRef {
            id: 7,
            args: vec![1, 2, 3],
        };
        for (n, spec) in crate::model::widget::one_of_each().into_iter().enumerate() {
            let id = WidgetId::from(format!("w{n}"));
            session.values.insert(id.clone(), serde_json::json!(n));
            session.callbacks.insert(id.clone(), call.clone());
            session
                .widget_fragments
                .insert(id.clone(), FragmentPath::from(vec![0, n as u32]));
            session.specs.insert(id, spec);
        }
        session.fragments.push((
            Fragment {
                path: FragmentPath::from(vec![0, 1]),
                call: call.clone(),
                every: Some(Duration::from_millis(1500)),
            },
            None,
        ));
        session.pending_callbacks.push(call);
        session.page = Some("sales".into());
        session.query = Arc::new(vec![("region".into(), "north".into())]);
        session.navigation = Some(Navigation {
            pages: vec![PageInfo {
                name: "sales".into(),
                title: "Sales".into(),
                icon: Some(crate::model::delta::Icon::Emoji("📈".into())),
                section: Some("Reports".into()),
                default: true,
            }],
            position: NavPosition::Top,
        });
        session.next_run = 12;
        session.next_click = 5;
        let before = parts(&session);
        let now = Instant::now();
        let restored = Session::restore(SessionState::shared(), limits(), &before, now).unwrap();
        assert_eq!(parts(&restored), before);
        assert_eq!(restored.state.lock().get("count"), Some("41"));
        // A timed fragment is due one period after the restore.
        assert_eq!(
            restored.next_tick(),
            Some(now + Duration::from_millis(1500))
        );
        assert_eq!(restored.next_run, 12);
    }

    /// A stored session with a part missing, a part that does not read
    /// back, or a state past the session's limit is refused with a message
    /// naming why, not restored half way.
    #[test]
    fn a_damaged_snapshot_is_refused_with_its_reason() {
        let session = Session::new(SessionState::shared(), limits());
        session
            .state
            .lock()
            .set("big", format!("\"{}\"", "x".repeat(100)), 1 << 20)
            .unwrap();
        let good = parts(&session);
        let now = Instant::now();
        let mut missing = good.clone();
        missing.remove("specs");
        let err = Session::restore(SessionState::shared(), limits(), &missing, now)
            .err()
            .unwrap();
        assert!(err.contains("no `specs`"), "{err}");
        let mut garbled = good.clone();
        garbled.insert("progress".into(), b"{".to_vec());
        let err = Session::restore(SessionState::shared(), limits(), &garbled, now)
            .err()
            .unwrap();
        assert!(err.contains("`progress` does not read back"), "{err}");
        let small = SessionLimits {
            session_state_bytes: 10,
            ..limits()
        };
        let err = Session::restore(SessionState::shared(), small, &good, now)
            .err()
            .unwrap();
        assert!(err.contains("session_state_bytes"), "{err}");
    }
}
