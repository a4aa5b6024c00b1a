//! A session: one browser tab's WebSocket, its state, its widget values and
//! its current run. Sessions outlive their connection for a grace period,
//! so a reload of the tab resumes them.
//!
//! Each connected session is one tokio task that owns the socket and all of
//! the session's data: no lock is needed for it. Script threads talk to the
//! task only through its unbounded channel (they must never block on a
//! slow browser), and the task drops any delta whose run is no longer the
//! current one, so nothing of a cancelled run reaches the browser.

use crate::delta::Delta;
use crate::protocol::{parse_client, ClientMessage, ServerMessage};
use crate::run::{CancelReason, RunOutcome, RunReport};
use crate::runner::{RunHandle, RunRequest};
use crate::server::ServerState;
use crate::session_state::{SessionState, SharedState};
use crate::widget::{WidgetInputs, WidgetSpec};
use axum::extract::ws::{Message, WebSocket};
use futures_util::SinkExt;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What a session keeps between runs and across reconnects.
pub struct SessionData {
    /// The session's state, shared with its runs.
    pub state: SharedState,
    /// Widget values the browser reported, by id (buttons excluded).
    values: HashMap<String, serde_json::Value>,
    /// Widgets drawn by recent runs: what incoming values are validated against.
    specs: HashMap<String, WidgetSpec>,
    /// The page last run.
    page: Option<String>,
    /// The query string last reported.
    query: String,
}

impl SessionData {
    fn new() -> SessionData {
        SessionData {
            state: SessionState::shared(),
            values: HashMap::new(),
            specs: HashMap::new(),
            page: None,
            query: String::new(),
        }
    }
}

/// Sessions whose browser went away, kept for the grace period.
pub struct ParkedSessions {
    parked: Mutex<HashMap<String, (SessionData, Instant)>>,
    grace: Duration,
}

impl ParkedSessions {
    /// Keeps parked sessions for `grace`.
    pub fn new(grace: Duration) -> ParkedSessions {
        ParkedSessions {
            parked: Mutex::new(HashMap::new()),
            grace,
        }
    }

    fn park(&self, id: String, data: SessionData) {
        self.parked.lock().insert(id, (data, Instant::now()));
    }

    fn take(&self, id: &str) -> Option<SessionData> {
        let (data, since) = self.parked.lock().remove(id)?;
        (since.elapsed() <= self.grace).then_some(data)
    }

    /// Drops sessions parked longer than the grace period.
    pub fn sweep(&self) {
        let grace = self.grace;
        self.parked.lock().retain(|_, (_, since)| since.elapsed() <= grace);
    }

    /// How many sessions are parked.
    pub fn len(&self) -> usize {
        self.parked.lock().len()
    }

    /// Whether no session is parked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A new session id: 128 random bits, hex.
pub fn new_session_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// What script threads and the server send to a session's task.
enum Event {
    Delta { run: u64, delta: Delta },
    Finished { run: u64, report: RunReport },
}

/// The connected half of a session: the task's own state.
struct Connection {
    server: Arc<ServerState>,
    id: String,
    data: SessionData,
    events: mpsc::UnboundedSender<Event>,
    /// The run whose deltas are forwarded; 0 when none.
    current: u64,
    handle: Option<RunHandle>,
    next_run: u64,
    /// Button clicks not yet seen by a run that completed.
    triggers: HashMap<String, serde_json::Value>,
    /// `rerun()` calls in a row, to stop loops.
    consecutive_reruns: u32,
    outbox: Vec<ServerMessage>,
}

/// Serves one WebSocket until it closes or the server shuts down.
pub async fn run_session(socket: WebSocket, server: Arc<ServerState>, resume: Option<String>) {
    let (id, data, resumed) = match resume.as_deref().and_then(|id| Some((id, server.parked.take(id)?))) {
        Some((id, data)) => (id.to_owned(), data, true),
        None => (new_session_id(), SessionData::new(), false),
    };
    tracing::info!(session = %id, resumed, "session connected");
    let (tx, rx) = mpsc::unbounded_channel();
    let mut conn = Connection {
        server: server.clone(),
        id,
        data,
        events: tx,
        current: 0,
        handle: None,
        next_run: 1,
        triggers: HashMap::new(),
        consecutive_reruns: 0,
        outbox: Vec::new(),
    };
    conn.outbox.push(ServerMessage::Session {
        id: conn.id.clone(),
        resumed,
        pages: server.app.page_infos(),
    });
    conn.serve(socket, rx).await;
    if let Some(handle) = conn.handle.take() {
        handle.cancel(CancelReason::Stopped);
    }
    tracing::info!(session = %conn.id, "session disconnected");
    server.parked.park(conn.id, conn.data);
}

impl Connection {
    async fn serve(&mut self, mut socket: WebSocket, mut rx: mpsc::UnboundedReceiver<Event>) {
        let mut shutdown = self.server.shutdown.subscribe();
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
                _ = shutdown.changed() => {
                    if let Some(handle) = self.handle.take() {
                        handle.cancel(CancelReason::Shutdown);
                    }
                    self.outbox.push(ServerMessage::Shutdown);
                    self.flush(&mut socket).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
        }
    }

    /// Sends everything queued; false if the socket is gone.
    async fn flush(&mut self, socket: &mut WebSocket) -> bool {
        if self.outbox.is_empty() {
            return true;
        }
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
        tracing::debug!(session = %self.id, %message, "refused client message");
        self.outbox.push(ServerMessage::Error { message });
    }

    fn on_text(&mut self, text: &str) {
        let limit = self.server.settings.message_bytes;
        if text.len() > limit {
            return self.refuse(format!(
                "message of {} bytes refused: the limit is {limit} bytes (message_bytes)",
                text.len()
            ));
        }
        match parse_client(text) {
            Err(message) => self.refuse(message),
            Ok(ClientMessage::Heartbeat) => self.outbox.push(ServerMessage::Heartbeat),
            Ok(ClientMessage::Stop) => {
                if let Some(handle) = &self.handle {
                    handle.cancel(CancelReason::Stopped);
                }
            }
            Ok(ClientMessage::Rerun { page, widgets, query }) => {
                self.accept_values(widgets);
                self.data.query = query;
                self.consecutive_reruns = 0;
                self.start_run(page);
            }
        }
    }

    /// Validates each reported value against the widget that drew it; keeps
    /// the valid ones and refuses the rest with a message naming the widget.
    fn accept_values(&mut self, widgets: serde_json::Map<String, serde_json::Value>) {
        for (id, value) in widgets {
            let Some(spec) = self.data.specs.get(&id) else {
                self.refuse(format!("unknown widget id `{id}`: no widget with this id was drawn"));
                continue;
            };
            match spec.validate(&value) {
                Err(message) => self.refuse(format!("widget `{id}`: {message}")),
                Ok(_) if spec.is_trigger() => {
                    if value == serde_json::Value::Bool(true) {
                        self.triggers.insert(id, value);
                    }
                }
                Ok(_) => {
                    self.data.values.insert(id, value);
                }
            }
        }
    }

    fn start_run(&mut self, page_name: String) {
        let Some(page) = self.server.app.page(&page_name) else {
            self.outbox.push(ServerMessage::PageNotFound { page: page_name });
            return;
        };
        if let Some(old) = self.handle.take() {
            old.cancel(CancelReason::Replaced);
        }
        let run = self.next_run;
        self.next_run += 1;
        self.current = run;
        self.data.page = Some(page_name.clone());
        let mut inputs: WidgetInputs = self.data.values.clone();
        inputs.extend(self.triggers.iter().map(|(k, v)| (k.clone(), v.clone())));
        let deltas = self.events.clone();
        let finished = self.events.clone();
        let session = self.id.clone();
        let page_label = page_name.clone();
        let handle = self.server.runner.start(
            RunRequest {
                page,
                inputs: Arc::new(inputs),
                state: self.data.state.clone(),
                sink: Box::new(move |delta: Delta| {
                    let _ = deltas.send(Event::Delta { run, delta });
                }),
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
                let _ = finished.send(Event::Finished { run, report });
            },
        );
        self.handle = Some(handle);
        self.outbox.push(ServerMessage::RunStarted { run, page: page_name });
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Delta { run, delta } => {
                if run == self.current {
                    self.outbox.push(ServerMessage::Delta {
                        run,
                        path: delta.path,
                        element: delta.element,
                    });
                }
            }
            Event::Finished { run, report } => self.on_finished(run, report),
        }
    }

    fn on_finished(&mut self, run: u64, report: RunReport) {
        if run != self.current {
            // A replaced run: remember its widgets (the browser may have
            // drawn them) but say nothing.
            self.data.specs.extend(report.widgets);
            return;
        }
        self.handle = None;
        self.current = 0;
        if report.outcome != RunOutcome::Replaced {
            self.data.specs = report.widgets.into_iter().collect();
            self.triggers.clear();
        }
        for message in report.rejected {
            self.refuse(message);
        }
        if report.outcome == RunOutcome::Rerun {
            self.consecutive_reruns += 1;
            let limit = self.server.engine_limits().consecutive_reruns;
            if self.consecutive_reruns <= limit {
                if let Some(page) = self.data.page.clone() {
                    self.outbox.push(ServerMessage::RunFinished {
                        run,
                        status: "ok",
                        message: None,
                    });
                    return self.start_run(page);
                }
            }
            self.outbox.push(ServerMessage::RunFinished {
                run,
                status: "error",
                message: Some(format!(
                    "the page asked to rerun {limit} times in a row (consecutive_reruns)"
                )),
            });
            return;
        }
        self.outbox.push(ServerMessage::RunFinished {
            run,
            status: report.outcome.status(),
            message: report.outcome.message(),
        });
    }

    fn on_reload(&mut self, page: &str) {
        self.outbox.push(ServerMessage::Pages {
            pages: self.server.app.page_infos(),
        });
        if self.data.page.as_deref() == Some(page) {
            self.start_run(page.to_owned());
        }
    }
}
