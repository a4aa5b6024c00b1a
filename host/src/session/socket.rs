//! A session: one browser tab's WebSocket, its state, its widget values and
//! its current run. Sessions outlive their connection for a grace period,
//! so a reload of the tab resumes them.
//!
//! Each connected session is one tokio task that owns the socket and all of
//! the session's data: no lock is needed for it. Script threads talk to the
//! task only through its unbounded channel (they must never block on a
//! slow browser), and the task drops any delta whose run is no longer the
//! current one, so nothing of a cancelled run reaches the browser.

use crate::model::delta::Delta;
use crate::model::fragment::{within, Fragment, FragmentPath, FragmentRun};
use crate::model::protocol::{parse_client, ClientMessage, ServerMessage};
use crate::model::widget::{WidgetInputs, WidgetSpec, WidgetValue};
use crate::runtime::run::{parse_query, CancelReason, QueryParams, RunOutcome, RunReport};
use crate::runtime::runner::{RunHandle, RunRequest};
use crate::runtime::services::session_state::{Evict, SessionState, SharedState, StateBudget};
use crate::runtime::services::AppServices;
use crate::web::server::ServerState;
use axum::extract::ws::{Message, WebSocket};
use futures_util::SinkExt;
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Notify};

/// What a session keeps between runs and across reconnects.
pub struct SessionData {
    /// The session's state, shared with its runs.
    pub state: SharedState,
    /// Widget values the browser reported, by id (buttons excluded).
    values: HashMap<String, serde_json::Value>,
    /// Widgets drawn by recent runs: what incoming values are validated against.
    specs: HashMap<String, WidgetSpec>,
    /// The `on_change` callbacks of the widgets the last run drew.
    callbacks: HashMap<String, crate::runtime::run::Callback>,
    /// The innermost fragment of each widget drawn inside one: a change
    /// of it reruns only that fragment.
    widget_fragments: HashMap<String, FragmentPath>,
    /// The fragments on the page, with when each reruns on its own next.
    fragments: Vec<(Fragment, Option<tokio::time::Instant>)>,
    /// Callbacks of widgets changed since, for the next run to call first.
    pending_callbacks: Vec<crate::runtime::run::Callback>,
    /// The page last run.
    page: Option<String>,
    /// The query parameters last reported.
    query: Arc<QueryParams>,
    /// The session's id as runs see it; dropping the data ends the session's
    /// cache scope.
    scope: SessionScope,
    /// What logs call the session: random, unrelated to its id (which is
    /// a secret that resumes it), and kept across reconnects so log lines
    /// of one session can be followed.
    tag: String,
}

impl SessionData {
    fn new(id: &str, services: Arc<AppServices>, budget: &Arc<StateBudget>) -> SessionData {
        SessionData {
            state: SessionState::shared_in(budget),
            values: HashMap::new(),
            specs: HashMap::new(),
            callbacks: HashMap::new(),
            widget_fragments: HashMap::new(),
            fragments: Vec::new(),
            pending_callbacks: Vec::new(),
            page: None,
            query: Arc::new(QueryParams::new()),
            scope: SessionScope {
                id: Arc::from(id),
                services,
            },
            tag: format!("{:08x}", rand::random::<u32>()),
        }
    }
}

impl SessionData {
    /// Takes what a finished run drew as the widgets and fragments to
    /// expect: all of them after a page run; after a fragment run, its
    /// own replace those it drew before, and the rest stay.
    fn adopt(&mut self, scope: Option<&[u32]>, report: &mut RunReport) {
        let now = tokio::time::Instant::now();
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
                let redrawn: Vec<String> = self
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
}

/// Waits until `at`; forever when there is nothing to wait for.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A session's identity for its runs. When the session ends (its data is
/// dropped: expired, evicted, or the server stopped), its session-scoped
/// cache entries go with it.
struct SessionScope {
    id: Arc<str>,
    services: Arc<AppServices>,
}

impl Drop for SessionScope {
    fn drop(&mut self) {
        self.services.data.drop_session(&self.id);
        self.services.uploads.drop_session(&self.id);
    }
}

/// Sessions by state: connected ones (by id) and those whose browser went
/// away, kept for the grace period so the tab can come back.
pub struct ParkedSessions {
    inner: Arc<Mutex<Sessions>>,
    /// What the app's session states are charged to; it drops the oldest
    /// parked session to make room.
    pub budget: Arc<StateBudget>,
    /// Woken whenever a session is parked.
    parked_signal: Notify,
    grace: Duration,
}

#[derive(Default)]
struct Sessions {
    parked: HashMap<String, (SessionData, Instant)>,
    connected: HashSet<String>,
}

impl Sessions {
    /// Takes the session parked longest.
    fn take_oldest(&mut self) -> Option<SessionData> {
        let oldest = self
            .parked
            .iter()
            .min_by_key(|(_, (_, since))| *since)
            .map(|(id, _)| id.clone())?;
        self.parked.remove(&oldest).map(|(data, _)| data)
    }
}

impl Evict for Mutex<Sessions> {
    fn evict_oldest(&self) -> bool {
        let oldest = self.lock().take_oldest();
        // Dropped outside the lock: its state gives its bytes back.
        oldest.is_some()
    }
}

/// Most disconnected sessions kept at once; past it the oldest is dropped,
/// so a client that connects and leaves in a loop cannot grow memory.
pub const MAX_PARKED_SESSIONS: usize = 10_000;

/// Whether a trigger's value is an event: a click (`true`) or a sent chat
/// message (non-empty text).
fn fires(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Bool(clicked) => *clicked,
        serde_json::Value::String(text) => !text.is_empty(),
        _ => false,
    }
}

/// Most widget callbacks waiting for the next run.
const MAX_PENDING_CALLBACKS: usize = 1_000;

/// How long a reconnecting tab waits for its old connection to close (a
/// reload opens the new socket before the server sees the old one close).
const RESUME_WAIT: Duration = Duration::from_secs(2);

impl ParkedSessions {
    /// Keeps parked sessions for `grace`; their states count against
    /// `budget`, which may drop the oldest of them to make room.
    pub fn new(grace: Duration, budget: Arc<StateBudget>) -> ParkedSessions {
        let inner = Arc::new(Mutex::new(Sessions::default()));
        let idle: Arc<dyn Evict> = inner.clone();
        budget.evict_from(Arc::downgrade(&idle));
        ParkedSessions {
            inner,
            budget,
            parked_signal: Notify::new(),
            grace,
        }
    }

    fn connect_new(&self, id: &str) {
        self.inner.lock().connected.insert(id.to_owned());
    }

    fn park(&self, id: String, data: SessionData) {
        let mut inner = self.inner.lock();
        inner.connected.remove(&id);
        let evicted = if inner.parked.len() >= MAX_PARKED_SESSIONS {
            inner.take_oldest()
        } else {
            None
        };
        inner.parked.insert(id, (data, Instant::now()));
        drop(inner);
        drop(evicted);
        self.parked_signal.notify_waiters();
    }

    /// Takes the parked session `id` (waiting briefly if it is still
    /// connected), or `None` if there is no such session or it expired.
    async fn resume(&self, id: &str) -> Option<SessionData> {
        let deadline = tokio::time::Instant::now() + RESUME_WAIT;
        loop {
            let parked = self.parked_signal.notified();
            tokio::pin!(parked);
            parked.as_mut().enable();
            {
                let mut inner = self.inner.lock();
                if let Some((data, since)) = inner.parked.remove(id) {
                    if since.elapsed() > self.grace {
                        return None;
                    }
                    inner.connected.insert(id.to_owned());
                    return Some(data);
                }
                if !inner.connected.contains(id) {
                    return None;
                }
            }
            tokio::time::timeout_at(deadline, parked).await.ok()?;
        }
    }

    /// Drops sessions parked longer than the grace period.
    pub fn sweep(&self) {
        let grace = self.grace;
        self.inner
            .lock()
            .parked
            .retain(|_, (_, since)| since.elapsed() <= grace);
    }

    /// Whether session `id` exists (connected, or parked and not expired).
    pub fn exists(&self, id: &str) -> bool {
        let inner = self.inner.lock();
        inner.connected.contains(id)
            || inner
                .parked
                .get(id)
                .is_some_and(|(_, since)| since.elapsed() <= self.grace)
    }

    /// How many sessions are parked.
    pub fn parked(&self) -> usize {
        self.inner.lock().parked.len()
    }

    /// How many sessions are connected.
    pub fn connected(&self) -> usize {
        self.inner.lock().connected.len()
    }
}

/// Removing a click only if it is still the same click.
trait RemoveIfEq {
    fn remove_if_eq(&mut self, id: &str, click: u64);
}

impl RemoveIfEq for HashMap<String, (u64, serde_json::Value)> {
    fn remove_if_eq(&mut self, id: &str, click: u64) {
        if self.get(id).is_some_and(|(n, _)| *n == click) {
            self.remove(id);
        }
    }
}

/// A new session id: 128 random bits, hex.
pub fn new_session_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// What script threads and the server send to a session's task.
enum Event {
    Delta {
        run: u64,
        delta: Delta,
    },
    /// Boxed: the channel's blocks are sized by its largest message.
    Finished {
        run: u64,
        report: Box<RunReport>,
    },
}

/// The run in flight.
struct Running {
    id: u64,
    handle: RunHandle,
    /// The clicks this run was given: button id and click number.
    triggers: Vec<(String, u64)>,
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

/// The connected half of a session: the task's own state.
///
/// A session runs one run at a time, like Streamlit's script runner: a rerun
/// request cancels the run in flight and starts once it has stopped (within
/// a millisecond, even in a tight loop), so session-state writes never race
/// and a click is given to exactly one run that reaches its button.
struct Connection {
    server: Arc<ServerState>,
    id: String,
    data: SessionData,
    events: mpsc::UnboundedSender<Event>,
    /// The run whose deltas are forwarded; 0 when none.
    forwarding: u64,
    running: Option<Running>,
    /// What to run once the run in flight has stopped.
    pending: Option<Pending>,
    next_run: u64,
    /// Button clicks not yet consumed by a run, by button id: the number of
    /// the latest click, so a second click is never taken for the first.
    triggers: HashMap<String, (u64, serde_json::Value)>,
    /// Numbers clicks.
    next_click: u64,
    /// `rerun()` calls in a row, to stop loops.
    consecutive_reruns: u32,
    /// Messages the browser may still send before its rate applies.
    rate: crate::web::admission::Bucket,
    outbox: Vec<ServerMessage>,
}

/// What a browser's first message was, when it was not `hello`: handled
/// as usual once the session is set up.
enum First {
    Text(String),
    Binary,
}

/// Serves one WebSocket until it closes or the server shuts down.
///
/// The browser names the session to resume in its first message, `hello`
/// (never in the URL, where proxies and logs would keep it). A first
/// message of another kind starts a new session and is then handled as
/// usual; a socket that sends nothing within `hello_timeout` is closed.
pub async fn run_session(mut socket: WebSocket, server: Arc<ServerState>) {
    // Subscribed first, so a shutdown during the resume wait is not missed.
    let mut shutdown = server.shutdown.subscribe();
    let wait = server.settings.hello_timeout;
    let deadline = tokio::time::Instant::now() + wait;
    let first = loop {
        let incoming = tokio::select! {
            incoming = tokio::time::timeout_at(deadline, socket.recv()) => incoming,
            _ = shutdown.wait_for(|stopping| *stopping) => return,
        };
        match incoming {
            Err(_) => {
                let message = format!(
                    "no hello within {} (hello_timeout): the first message names the session \
                     to resume, or none",
                    crate::runtime::limits::human_duration(wait)
                );
                if let Ok(text) = serde_json::to_string(&ServerMessage::Error { message }) {
                    let _ = socket.send(Message::Text(text.into())).await;
                }
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
            Ok(Some(Ok(Message::Text(text)))) => break First::Text(text.as_str().to_owned()),
            Ok(Some(Ok(Message::Binary(_)))) => break First::Binary,
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return,
            Ok(Some(Ok(_))) => {}
        }
    };
    let (resume, first) = match &first {
        First::Text(text) if text.len() <= server.settings.message_bytes => {
            match crate::model::protocol::parse_hello(text) {
                Some(session) => (session, None),
                None => (None, Some(first)),
            }
        }
        _ => (None, Some(first)),
    };
    let resumed_data = match resume.as_deref() {
        Some(id) => server
            .parked
            .resume(id)
            .await
            .map(|data| (id.to_owned(), data)),
        None => None,
    };
    let (id, data, resumed) = match resumed_data {
        Some((id, data)) => (id, data, true),
        None => {
            let id = new_session_id();
            server.parked.connect_new(&id);
            let data = SessionData::new(&id, server.services.clone(), &server.parked.budget);
            (id, data, false)
        }
    };
    tracing::info!(session = %data.tag, resumed, "session connected");
    let (tx, rx) = mpsc::unbounded_channel();
    let mut conn = Connection {
        server: server.clone(),
        id,
        data,
        events: tx,
        forwarding: 0,
        running: None,
        pending: None,
        next_run: 1,
        triggers: HashMap::new(),
        next_click: 0,
        consecutive_reruns: 0,
        rate: crate::web::admission::Bucket::full(
            server.settings.admission.settings().session_messages_burst,
        ),
        outbox: Vec::new(),
    };
    conn.outbox.push(ServerMessage::Session {
        id: conn.id.clone(),
        resumed,
        pages: server.app.page_infos(),
    });
    match first {
        Some(First::Text(text)) => conn.on_text(&text),
        Some(First::Binary) => conn.refuse("binary messages are not part of the protocol".into()),
        None => {}
    }
    conn.serve(socket, rx, shutdown).await;
    if let Some(running) = conn.running.take() {
        running.handle.cancel(CancelReason::Stopped);
    }
    tracing::info!(session = %conn.data.tag, "session disconnected");
    server.parked.park(conn.id, conn.data);
}

impl Connection {
    async fn serve(
        &mut self,
        mut socket: WebSocket,
        mut rx: mpsc::UnboundedReceiver<Event>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        if *shutdown.borrow_and_update() {
            self.outbox.push(ServerMessage::Shutdown);
            self.flush(&mut socket).await;
            return;
        }
        let mut reloads = self.server.reloads.subscribe();
        loop {
            if !self.flush(&mut socket).await {
                return;
            }
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => self.on_text(text.as_str()),
                    Some(Ok(Message::Binary(_))) => self.refuse("binary messages are not part of the protocol".into()),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                },
                Some(event) = rx.recv() => {
                    self.on_event(event);
                    // Drain what else is ready, so a burst goes out in one flush.
                    while let Ok(event) = rx.try_recv() {
                        self.on_event(event);
                    }
                }
                Ok(page) = reloads.recv() => self.on_reload(&page),
                _ = sleep_until(self.next_tick()) => self.on_tick(),
                _ = shutdown.changed() => {
                    self.pending = None;
                    if let Some(running) = &self.running {
                        running.handle.cancel(CancelReason::Shutdown);
                    }
                    // The cancelled run stops within milliseconds; report it.
                    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
                    while self.running.is_some() {
                        match tokio::time::timeout_at(deadline, rx.recv()).await {
                            Ok(Some(event)) => self.on_event(event),
                            _ => break,
                        }
                    }
                    self.outbox.push(ServerMessage::Shutdown);
                    self.flush(&mut socket).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
        }
    }

    /// Sends everything queued; false if the socket is gone, or the
    /// browser read nothing for `send_timeout` (a client that never reads
    /// must not hold the session, or its runs' output, forever).
    async fn flush(&mut self, socket: &mut WebSocket) -> bool {
        if self.outbox.is_empty() {
            return true;
        }
        let timeout = self.server.settings.send_timeout;
        match tokio::time::timeout(timeout, self.send_all(socket)).await {
            Ok(sent) => sent,
            Err(_) => {
                tracing::info!(session = %self.data.tag, "the browser read nothing for {timeout:?}: disconnecting");
                false
            }
        }
    }

    async fn send_all(&mut self, socket: &mut WebSocket) -> bool {
        for message in self.outbox.drain(..) {
            let text = match serde_json::to_string(&message) {
                Ok(text) => text,
                Err(e) => {
                    tracing::error!(error = %e, "could not encode a message");
                    continue;
                }
            };
            if socket.feed(Message::Text(text.into())).await.is_err() {
                return false;
            }
        }
        socket.flush().await.is_ok()
    }

    fn refuse(&mut self, message: String) {
        tracing::debug!(session = %self.data.tag, %message, "refused client message");
        self.outbox.push(ServerMessage::Error { message });
    }

    fn on_text(&mut self, text: &str) {
        let admission = self.server.settings.admission.settings();
        let (rate, burst) = (
            admission.session_messages_per_second,
            admission.session_messages_burst,
        );
        if !self.rate.take(rate, burst) {
            return self.refuse(format!(
                "too many messages: a session may send {rate} a second \
                 (session_messages_per_second); this one was dropped"
            ));
        }
        let limit = self.server.settings.message_bytes;
        if text.len() > limit {
            return self.refuse(format!(
                "message of {} bytes refused: the limit is {limit} bytes (message_bytes)",
                text.len()
            ));
        }
        match parse_client(text) {
            Err(message) => self.refuse(message),
            Ok(ClientMessage::Heartbeat {}) => self.outbox.push(ServerMessage::Heartbeat),
            Ok(ClientMessage::ClearCache {}) => {
                // Allowed and rate limited per app, not per session: many
                // sessions of one browser clear no more often than one.
                if let Err(message) = self.server.services.clear_caches() {
                    return self.refuse(message);
                }
                tracing::info!(app = %self.server.services.name, session = %self.data.tag, "caches cleared");
                self.outbox.push(ServerMessage::CacheCleared);
            }
            Ok(ClientMessage::Stop {}) => {
                self.pending = None;
                self.triggers.clear();
                if let Some(running) = &mut self.running {
                    running.stopped = true;
                    running.handle.cancel(CancelReason::Stopped);
                }
            }
            Ok(ClientMessage::Rerun {
                page,
                widgets,
                query,
            }) => {
                let query = parse_query(&query);
                let fragment = self.changed_fragment(&page, &widgets, &query);
                self.accept_values(widgets);
                self.data.query = Arc::new(query);
                self.consecutive_reruns = 0;
                self.request_run(page, fragment);
            }
        }
    }

    /// Validates each reported value against the widget that drew it; keeps
    /// the valid ones and refuses the rest with a message naming the widget.
    fn accept_values(&mut self, widgets: serde_json::Map<String, serde_json::Value>) {
        for (id, value) in widgets {
            let Some(spec) = self.data.specs.get(&id) else {
                self.refuse(format!(
                    "unknown widget id `{id}`: no enabled widget with this id was drawn"
                ));
                continue;
            };
            let trigger = spec.is_trigger();
            match spec.validate(&value) {
                Err(message) => {
                    self.refuse(format!("widget `{id}`: {message}"));
                    continue;
                }
                // Files the uploader no longer lists are let go.
                Ok(WidgetValue::Files(ids)) => {
                    self.server.services.uploads.keep_only(&self.id, &id, &ids)
                }
                Ok(_) => {}
            }
            if self.changes(&id, trigger, &value) {
                if let Some(callback) = self.data.callbacks.get(&id) {
                    if self.data.pending_callbacks.len() < MAX_PENDING_CALLBACKS {
                        self.data.pending_callbacks.push(callback.clone());
                    }
                }
            }
            if trigger {
                if fires(&value) {
                    self.next_click += 1;
                    self.triggers.insert(id, (self.next_click, value));
                }
                continue;
            }
            match id.strip_prefix("key:") {
                // A keyed widget's value lives in session state under its
                // key, where the page can read and set it.
                Some(key) => {
                    let limit = self.server.engine_limits().session_state_bytes;
                    let stored = self.data.state.lock().set(key, value.to_string(), limit);
                    if let Err(message) = stored {
                        self.refuse(format!("widget `{id}`: {message}"));
                    }
                }
                None => {
                    self.data.values.insert(id, value);
                }
            }
        }
    }

    /// Whether `value` changes widget `id` (a click always does).
    fn changes(&self, id: &str, trigger: bool, value: &serde_json::Value) -> bool {
        if trigger {
            return fires(value);
        }
        let current = match id.strip_prefix("key:") {
            Some(key) => self
                .data
                .state
                .lock()
                .get(key)
                .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok()),
            None => self.data.values.get(id).cloned(),
        };
        match current {
            Some(current) => current != *value,
            // Never reported before: a change from the default.
            None => self
                .data
                .specs
                .get(id)
                .map(|spec| serde_json::to_value(spec.default_value()).ok() != Some(value.clone()))
                .unwrap_or(true),
        }
    }

    /// The fragment a rerun request reruns: the one all its changed widgets
    /// are in, on the same page and URL; `None` reruns the whole page.
    fn changed_fragment(
        &self,
        page: &str,
        widgets: &serde_json::Map<String, serde_json::Value>,
        query: &QueryParams,
    ) -> Option<FragmentPath> {
        if widgets.is_empty()
            || self.data.page.as_deref() != Some(page)
            || *self.data.query != *query
        {
            return None;
        }
        let mut fragments = widgets.keys().map(|id| self.data.widget_fragments.get(id));
        let first = fragments.next()??;
        fragments
            .all(|other| other == Some(first))
            .then(|| first.clone())
    }

    /// Runs `page` (or only `fragment` of it) now, or as soon as the run in
    /// flight has stopped. Two different requests at once make one run of
    /// the whole page.
    fn request_run(&mut self, page: String, fragment: Option<FragmentPath>) {
        if self.server.app.page(&page).is_none() {
            if self.server.app.failed(&page) {
                self.refuse(format!(
                    "the page `{page}` failed to load and is not served; the server's log says why"
                ));
            }
            self.outbox.push(ServerMessage::PageNotFound { page });
            return;
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
                running.handle.cancel(CancelReason::Replaced);
                // Nothing more of the cancelled run is forwarded.
                self.forwarding = 0;
            }
            None => self.start_pending(),
        }
    }

    fn start_pending(&mut self) {
        let Some(Pending {
            page: page_name,
            fragment,
        }) = self.pending.take()
        else {
            return;
        };
        // A fragment the last run no longer drew reruns the whole page.
        let fragment = fragment.and_then(|path| {
            self.data
                .fragments
                .iter()
                .find(|(f, _)| f.path == path)
                .map(|(f, _)| FragmentRun {
                    path,
                    call: f.call.clone(),
                })
        });
        let Some(page) = self.server.app.page(&page_name) else {
            self.outbox
                .push(ServerMessage::PageNotFound { page: page_name });
            return;
        };
        let run = self.next_run;
        self.next_run += 1;
        self.forwarding = run;
        self.data.page = Some(page_name.clone());
        let mut inputs: WidgetInputs = self.data.values.clone();
        inputs.extend(
            self.triggers
                .iter()
                .map(|(k, (_, value))| (k.clone(), value.clone())),
        );
        let deltas = self.events.clone();
        let finished = self.events.clone();
        let session = self.data.tag.clone();
        let page_label = page_name.clone();
        let handle = self.server.runner.start(
            RunRequest {
                page,
                inputs: Arc::new(inputs),
                state: self.data.state.clone(),
                query: self.data.query.clone(),
                sink: Box::new(move |delta: Delta| {
                    let _ = deltas.send(Event::Delta { run, delta });
                }),
                app: Some(self.server.services.clone()),
                session: Some(self.data.scope.id.clone()),
                callbacks: std::mem::take(&mut self.data.pending_callbacks),
                fragment: fragment.clone(),
            },
            move |report| {
                if !report.stdout.is_empty() || !report.stderr.is_empty() {
                    tracing::info!(
                        session = %session,
                        page = %page_label,
                        run,
                        stdout = %report.stdout,
                        stderr = %report.stderr,
                        "run output"
                    );
                }
                let _ = finished.send(Event::Finished {
                    run,
                    report: Box::new(report),
                });
            },
        );
        self.running = Some(Running {
            id: run,
            handle,
            triggers: self
                .triggers
                .iter()
                .map(|(k, (n, _))| (k.clone(), *n))
                .collect(),
            replaced: false,
            stopped: false,
            fragment: fragment.as_ref().map(|f| f.path.clone()),
        });
        self.outbox.push(ServerMessage::RunStarted {
            run,
            page: page_name,
            scope: fragment.map(|f| f.path.to_vec()),
        });
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Delta { run, delta } => {
                if run == self.forwarding {
                    // A rerun the page asks for keeps the query it set.
                    if let crate::model::delta::Element::QueryParams { query } = &delta.element {
                        self.data.query = Arc::new(parse_query(query));
                    }
                    self.outbox.push(ServerMessage::Delta {
                        run,
                        path: delta.path,
                        element: delta.element,
                    });
                }
            }
            Event::Finished { run, report } => self.on_finished(run, *report),
        }
    }

    fn on_finished(&mut self, run: u64, mut report: RunReport) {
        let Some(running) = self.running.take_if(|r| r.id == run) else {
            return;
        };
        self.forwarding = 0;
        let limit = self.server.engine_limits().elements_per_run as usize;
        if report.outcome == RunOutcome::Replaced {
            // A click counts once: drop the clicks whose button the replaced
            // run already drew; the rest go to the next run.
            for (id, click) in &running.triggers {
                if report.widgets.iter().any(|(w, _)| w == id) {
                    self.triggers.remove_if_eq(id, *click);
                }
            }
            // The browser may have drawn this run's widgets (bounded, in
            // case every run is replaced).
            if self.data.specs.len() < 2 * limit {
                self.data.specs.extend(report.widgets);
                self.data.widget_fragments.extend(report.widget_fragments);
            }
        } else {
            for (id, click) in &running.triggers {
                self.triggers.remove_if_eq(id, *click);
            }
            self.data.adopt(running.fragment.as_deref(), &mut report);
            // Like Streamlit, a widget that the run did not draw loses its
            // value (keyed values live on in session state if the page
            // stores them there).
            let specs = &self.data.specs;
            self.data.values.retain(|id, _| specs.contains_key(id));
        }
        // A submitted form that clears on submit starts again from its
        // widgets' defaults.
        for id in &report.cleared {
            self.data.values.remove(id);
            if let Some(key) = id.strip_prefix("key:") {
                self.data.state.lock().remove(key);
            }
        }
        for message in report.rejected {
            self.refuse(message);
        }
        let (mut status, mut message) = if running.stopped {
            ("stopped", RunOutcome::Stopped.message())
        } else if running.replaced {
            ("replaced", RunOutcome::Replaced.message())
        } else {
            (report.outcome.status(), report.outcome.message())
        };
        let shutting_down = *self.server.shutdown.borrow();
        if report.outcome == RunOutcome::Rerun && self.pending.is_none() && !shutting_down {
            self.consecutive_reruns += 1;
            let limit = self.server.engine_limits().consecutive_reruns;
            if self.consecutive_reruns <= limit {
                self.pending = self.data.page.clone().map(|page| Pending {
                    page,
                    fragment: None,
                });
            } else {
                status = "error";
                message = Some(format!(
                    "the page asked to rerun {limit} times in a row (consecutive_reruns)"
                ));
            }
        }
        self.outbox.push(ServerMessage::RunFinished {
            run,
            status,
            message,
        });
        self.start_pending();
    }

    fn on_reload(&mut self, page: &str) {
        self.outbox.push(ServerMessage::Pages {
            pages: self.server.app.page_infos(),
        });
        if self.data.page.as_deref() == Some(page) {
            self.request_run(page.to_owned(), None);
        }
    }

    /// When the next fragment is due to rerun on its own, if any is.
    fn next_tick(&self) -> Option<tokio::time::Instant> {
        self.data.fragments.iter().filter_map(|(_, due)| *due).min()
    }

    /// Reruns the fragment that is due, if the session is idle; a busy
    /// session skips the tick.
    fn on_tick(&mut self) {
        let now = tokio::time::Instant::now();
        let idle = self.running.is_none() && self.pending.is_none();
        let Some((fragment, due)) = self
            .data
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
        if let (true, Some(page)) = (idle, self.data.page.clone()) {
            self.request_run(page, Some(path));
        }
    }
}
