//! A session: one browser tab's WebSocket, its state, its widget values and
//! its current run. Sessions outlive their connection for a grace period,
//! so a reload of the tab resumes them.
//!
//! Each connected session is one tokio task that owns the socket and all of
//! the session's data: no lock is needed for it. Script threads talk to the
//! task only through its unbounded channel (they must never block on a
//! slow browser), and the task drops any delta whose run is no longer the
//! current one, so nothing of a cancelled run reaches the browser.

use crate::app::catalog::App;
use crate::model::delta::Delta;
use crate::model::protocol::{parse_client, ClientMessage, ServerMessage};
use crate::runtime::run::RunReport;
use crate::runtime::runner::{RunHandle, RunRequest};
use crate::runtime::services::session_state::{Evict, SessionState, StateBudget};
use crate::runtime::services::AppServices;
use crate::session::model::{
    Effect, PageLookup, Pages, Session, SessionLimits, StartRun, SNAPSHOT_PARTS,
};
use crate::session::shared::{AppSessions, Reload};
use crate::session::store::{Claim, Saved};
use axum::extract::ws::{Message, WebSocket};
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Notify};

/// What a session keeps between runs and across reconnects: its rules and
/// state, its cache scope and the tag its log lines carry.
pub struct SessionData {
    session: Session,
    /// The session's id as runs see it; dropping the data ends the session's
    /// cache scope.
    scope: SessionScope,
    /// What logs call the session: random, unrelated to its id (which is
    /// a secret that resumes it), and kept across reconnects so log lines
    /// of one session can be followed.
    tag: String,
    /// Who opened it (the login's subject), if anyone: only they resume it.
    user: Option<String>,
    /// What the shared store holds of it, if there is a store.
    stored: Stored,
}

/// The version of a session the shared store holds, and a hash of each
/// part as last written (a save writes only the parts whose hash changed).
#[derive(Default)]
struct Stored {
    version: u64,
    hashes: HashMap<&'static str, u64>,
}

/// Who a stored session belongs to, and what its log lines call it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Owner {
    user: Option<String>,
    tag: String,
}

impl SessionData {
    fn new(id: &str, services: Arc<AppServices>, budget: &Arc<StateBudget>) -> SessionData {
        let limits = SessionLimits::from(services.engine.limits());
        SessionData {
            session: Session::new(SessionState::shared_in(budget), limits),
            scope: SessionScope {
                id: Arc::from(id),
                services,
            },
            tag: format!("{:08x}", rand::random::<u32>()),
            user: None,
            stored: Stored::default(),
        }
    }

    /// A session the shared store held as `version`.
    fn restore(
        id: &str,
        services: Arc<AppServices>,
        budget: &Arc<StateBudget>,
        version: u64,
        parts: &HashMap<String, Vec<u8>>,
    ) -> Result<SessionData, String> {
        let limits = SessionLimits::from(services.engine.limits());
        let owner: Owner = parts
            .get("owner")
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .ok_or("the stored session has no owner")?;
        let session = Session::restore(
            SessionState::shared_in(budget),
            limits,
            parts,
            Instant::now(),
        )?;
        let hashes = parts
            .iter()
            .filter_map(|(name, bytes)| Some((part_name(name)?, hash_of(bytes))))
            .collect();
        Ok(SessionData {
            session,
            scope: SessionScope {
                id: Arc::from(id),
                services,
            },
            tag: owner.tag,
            user: owner.user,
            stored: Stored { version, hashes },
        })
    }

    /// Every part of the session as the store keeps it.
    fn parts(&self) -> serde_json::Result<Vec<(&'static str, Vec<u8>)>> {
        let mut parts = Vec::with_capacity(SNAPSHOT_PARTS + 1);
        parts.extend(self.session.snapshot()?);
        let owner = Owner {
            user: self.user.clone(),
            tag: self.tag.clone(),
        };
        parts.push(("owner", serde_json::to_vec(&owner)?));
        Ok(parts)
    }
}

/// The names of the parts a stored session has, as static strings.
const PART_NAMES: [&str; SNAPSHOT_PARTS + 1] = [
    "state",
    "values",
    "specs",
    "callbacks",
    "widget_fragments",
    "progress",
    "owner",
];

fn part_name(name: &str) -> Option<&'static str> {
    PART_NAMES.iter().copied().find(|known| *known == name)
}

fn hash_of(bytes: &[u8]) -> u64 {
    use std::hash::Hasher as _;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

impl Pages for App {
    fn lookup(&self, name: &str) -> PageLookup {
        match self.page(name) {
            Some(page) => PageLookup::Found(page),
            None if self.failed(name) => PageLookup::Failed,
            None => PageLookup::Missing,
        }
    }

    fn listed(&self) -> Vec<crate::model::protocol::PageInfo> {
        self.page_infos()
    }

    fn hidden(&self, name: &str) -> bool {
        self.is_hidden(name)
    }

    fn title(&self, name: &str) -> String {
        self.page_info(name).map_or_else(
            || crate::model::protocol::title_case(name),
            |info| info.title,
        )
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
        self.services.media.drop_session(&self.id);
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

/// One frame of `messages`: the message itself when there is one, else a
/// JSON array of them.
pub fn encode_frame(messages: &[ServerMessage]) -> serde_json::Result<String> {
    match messages {
        [one] => serde_json::to_string(one),
        all => serde_json::to_string(all),
    }
}

/// How long the messages of a run that just started are held back: a run
/// that ends within it reaches the browser in one write (its `run_started`,
/// deltas and `run_finished` together), which the browser applies back to
/// back; a longer run's messages flow from then on as they come. Streamlit
/// batches its messages to the browser in the same way.
pub const RUN_START_HOLD: Duration = Duration::from_millis(4);

/// While a run goes on after [`RUN_START_HOLD`], what it draws goes out at
/// most this often: a page drawing fast (a stream of text, a redrawn chart)
/// sends one frame per interval, in which a newer drawing of a place
/// replaces an older one, instead of a frame per drawing. Half a display
/// frame: the browser shows nothing sooner.
pub const RUN_FLUSH_INTERVAL: Duration = Duration::from_millis(8);

/// How long a reconnecting tab waits for its old connection to close (a
/// reload opens the new socket before the server sees the old one close).
const RESUME_WAIT: Duration = Duration::from_secs(2);

/// With a shared store, how long a stopping server lets a session's run
/// in flight finish before cancelling it (so a click being answered is
/// not lost to a rolling deploy).
pub const DRAIN_RUN_WAIT: Duration = Duration::from_secs(3);

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
    /// connected).
    async fn resume(&self, id: &str) -> Parked {
        let deadline = tokio::time::Instant::now() + RESUME_WAIT;
        loop {
            let parked = self.parked_signal.notified();
            tokio::pin!(parked);
            parked.as_mut().enable();
            {
                let mut inner = self.inner.lock();
                if let Some((data, since)) = inner.parked.remove(id) {
                    if since.elapsed() > self.grace {
                        return Parked::Absent;
                    }
                    inner.connected.insert(id.to_owned());
                    return Parked::Here(Box::new(data));
                }
                if !inner.connected.contains(id) {
                    return Parked::Absent;
                }
            }
            if tokio::time::timeout_at(deadline, parked).await.is_err() {
                return Parked::StillConnected;
            }
        }
    }

    /// Forgets session `id`, which this replica no longer serves.
    fn forget(&self, id: &str) {
        let mut inner = self.inner.lock();
        inner.connected.remove(id);
        let parked = inner.parked.remove(id);
        drop(inner);
        drop(parked);
    }

    /// The ids of the sessions connected now.
    pub fn connected_ids(&self) -> Vec<String> {
        self.inner.lock().connected.iter().cloned().collect()
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

/// What [`ParkedSessions::resume`] found.
enum Parked {
    /// The session, taken for the new connection (boxed: it is large).
    Here(Box<SessionData>),
    /// Its connection here did not close within the wait: it is not
    /// resumed (the new connection gets a session of its own).
    StillConnected,
    /// This replica does not have it.
    Absent,
}

/// A new session id: 128 random bits, hex.
pub fn new_session_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Whether `id` has the form of the ids [`new_session_id`] makes.
pub fn is_session_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What script threads and the server send to a session's task.
enum Event {
    /// Boxed, as the report is: the channel keeps a block of 32 messages
    /// (sized by the largest) for as long as the session is connected.
    Delta {
        run: u64,
        delta: Box<Delta>,
    },
    Finished {
        run: u64,
        report: Box<RunReport>,
    },
}

/// The connected half of a session: the task's own state.
///
/// A session runs one run at a time, like Streamlit's script runner: a rerun
/// request cancels the run in flight and starts once it has stopped (within
/// a millisecond, even in a tight loop), so session-state writes never race
/// and a click is given to exactly one run that reaches its button.
struct Connection {
    server: Arc<AppSessions>,
    id: String,
    data: SessionData,
    events: mpsc::UnboundedSender<Event>,
    /// The run in flight and its handle.
    run: Option<(u64, RunHandle)>,
    /// Until when the start of the run in flight is held back, so that a
    /// short run's messages reach the browser together (see [`RUN_START_HOLD`]).
    hold: Option<tokio::time::Instant>,
    /// Messages the browser may still send before its rate applies.
    rate: crate::session::rate::Bucket,
    outbox: crate::session::outbox::Outbox,
    /// The request context of this connection (`st.context`).
    context: Arc<crate::model::context::RequestContext>,
    /// Whether the browser reads tables' columns as Arrow streams.
    arrow_tables: bool,
    /// What the strings of those streams pass through: the app's secrets
    /// redacted (made once per connection).
    redact: Option<crate::model::arrow::Redact>,
    /// A run ended since the session was last saved to the shared store.
    unsaved: bool,
    /// The session as the last finished run left it, taken before anything
    /// else could start (the next run writes the state): what the next
    /// save writes.
    captured: Option<Vec<(&'static str, Vec<u8>)>>,
    /// When to try again a save the store did not take.
    retry_save: Option<tokio::time::Instant>,
}

/// What the request that opened a WebSocket says about its client.
#[derive(Debug, Default, Clone)]
pub struct OpeningRequest {
    /// Its headers, names lower case.
    pub headers: Vec<(String, String)>,
    /// The client's address.
    pub client: Option<std::net::IpAddr>,
    /// Who logged in, if the app has a login.
    pub user: Option<crate::model::context::User>,
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
pub fn run_session(
    socket: WebSocket,
    server: Arc<AppSessions>,
    request: OpeningRequest,
) -> impl std::future::Future<Output = ()> + Send {
    // The task keeps the largest state its future passes through for as
    // long as the session is connected: the opening (hello, resume) and the
    // closing (save, park) are boxed, so what an idle session holds is the
    // connection and its serving loop only.
    let opening = Box::pin(open(socket, server, request));
    async move {
        let Some((mut conn, socket, rx, shutdown)) = opening.await else {
            return;
        };
        let ended = conn.serve(socket, rx, shutdown).await;
        Box::pin(conn.close(ended)).await;
    }
}

/// What an opened WebSocket serves with: its connection, the socket, the
/// connection's events and the server's shutdown signal.
type Opened = (
    Connection,
    WebSocket,
    mpsc::UnboundedReceiver<Event>,
    tokio::sync::watch::Receiver<bool>,
);

/// Waits for the browser's first message and sets up (or resumes) its
/// session; `None` when the socket closed, said nothing in time or the
/// server is stopping.
async fn open(
    mut socket: WebSocket,
    server: Arc<AppSessions>,
    request: OpeningRequest,
) -> Option<Opened> {
    // Subscribed first, so a shutdown during the resume wait is not missed.
    let mut shutdown = server.shutdown.subscribe();
    let wait = server.session.hello_timeout;
    let deadline = tokio::time::Instant::now() + wait;
    let first = loop {
        let incoming = tokio::select! {
            incoming = tokio::time::timeout_at(deadline, socket.recv()) => incoming,
            _ = shutdown.wait_for(|stopping| *stopping) => return None,
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
                return None;
            }
            Ok(Some(Ok(Message::Text(text)))) => break First::Text(text.as_str().to_owned()),
            Ok(Some(Ok(Message::Binary(_)))) => break First::Binary,
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return None,
            Ok(Some(Ok(_))) => {}
        }
    };
    let (hello, first) = match &first {
        First::Text(text) if text.len() <= server.session.message_bytes => {
            match crate::model::protocol::parse_hello(text) {
                Some(hello) => (hello, None),
                None => (Default::default(), Some(first)),
            }
        }
        _ => (Default::default(), Some(first)),
    };
    let context = Arc::new(crate::model::context::RequestContext {
        user: request.user,
        ..crate::model::context::RequestContext::new(
            &request.headers,
            request.client,
            hello.browser,
            &server.services.engine.grants.context,
        )
    });
    let resume = hello.session;
    let arrow_tables = hello.arrow_tables;
    let user = context.user.as_ref().map(|u| u.sub.clone());
    let resumed_data = match resume.as_deref() {
        Some(id) => Box::pin(resume_session(&server, id, user.as_deref()))
            .await
            .map(|data| (id.to_owned(), data)),
        None => None,
    };
    // A session belongs to whoever opened it: another user, or someone
    // who logged in or out since, starts a session of their own (the
    // other stays parked for its owner).
    let resumed_data = match resumed_data {
        Some((id, data)) if data.user != user => {
            if let Some(store) = &server.store {
                Box::pin(store.release(&server.services.name, &id)).await;
            }
            server.parked.park(id, data);
            None
        }
        other => other,
    };
    let (id, data, resumed) = match resumed_data {
        Some((id, data)) => (id, data, true),
        None => {
            let id = new_session_id();
            server.parked.connect_new(&id);
            let mut data = SessionData::new(&id, server.services.clone(), &server.parked.budget);
            data.user = user;
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
        run: None,
        hold: None,
        rate: crate::session::rate::Bucket::full(server.session.messages_burst),
        outbox: crate::session::outbox::Outbox::default(),
        context,
        arrow_tables,
        redact: server.services.engine.grants.secrets.clone().map(|s| {
            Arc::new(move |text: &str| match s.redact(text) {
                std::borrow::Cow::Owned(clean) => Some(clean),
                std::borrow::Cow::Borrowed(_) => None,
            }) as crate::model::arrow::Redact
        }),
        unsaved: false,
        captured: None,
        retry_save: None,
    };
    let (pages, position) = conn.data.session.navigation(&server.app);
    conn.outbox.push(ServerMessage::Session {
        id: conn.id.clone(),
        resumed,
        pages,
        position,
    });
    match first {
        Some(First::Text(text)) => conn.on_text(&text),
        Some(First::Binary) => conn.refuse("binary messages are not part of the protocol".into()),
        None => {}
    }
    Some((conn, socket, rx, shutdown))
}

impl Connection {
    /// After the socket closed: the session is saved and parked for its
    /// tab (or forgotten when another replica took it over).
    async fn close(mut self, ended: Ended) {
        self.data.session.disconnected();
        self.apply();
        tracing::info!(session = %self.data.tag, "session disconnected");
        let server = self.server.clone();
        if ended == Ended::Lost {
            // Another replica serves it now: this copy is stale.
            server.parked.forget(&self.id);
            return;
        }
        // The store gets the session's last state and its lease goes, so any
        // replica resumes it at once; this one keeps it parked, to resume it
        // without the store (it checks the store's version first).
        if let Some(store) = &server.store {
            if Box::pin(self.save(true)).await {
                Box::pin(store.release(&server.services.name, &self.id)).await;
            } else {
                server.parked.forget(&self.id);
                return;
            }
        }
        server.parked.park(self.id, self.data);
    }
}

/// Finds session `id` to resume: parked here (waiting briefly for its old
/// connection here to close), or, with a shared store, held there,
/// possibly last served by another replica. `None` when there is no such
/// session, it expired, or another replica serves it still. A session
/// stored for another `user` is not restored (nor its lease taken for long).
async fn resume_session(
    server: &Arc<AppSessions>,
    id: &str,
    user: Option<&str>,
) -> Option<SessionData> {
    // Only an id this server could have made names a session: anything
    // else (any text a client sends) never reaches a lookup or the store.
    if !is_session_id(id) {
        return None;
    }
    let local = match server.parked.resume(id).await {
        Parked::Here(data) => Some(*data),
        // Connected here still: never resumed twice.
        Parked::StillConnected => return None,
        Parked::Absent => None,
    };
    let Some(store) = &server.store else {
        return local;
    };
    let app = &server.services.name;
    let version = local.as_ref().map(|data| data.stored.version);
    // Long enough for a killed replica's lease to lapse.
    let wait = RESUME_WAIT.max(store.replica_lease() * 5 / 4 + Duration::from_millis(100));
    match store.claim(app, id, version, wait).await {
        // The store does not answer: this replica's copy, if any, goes on.
        Claim::Unavailable => local,
        Claim::Missing => None,
        Claim::Held => {
            drop(local);
            server.parked.forget(id);
            None
        }
        Claim::Taken { parts: None, .. } => {
            if local.is_none() {
                // Nothing to resume (nothing stored, and no copy here).
                store.release(app, id).await;
            }
            local
        }
        Claim::Taken {
            version,
            parts: Some(parts),
        } => {
            // The store's copy is newer than this replica's (or it has none).
            drop(local);
            let owner = parts
                .get("owner")
                .and_then(|bytes| serde_json::from_slice::<Owner>(bytes).ok());
            if owner.is_some_and(|owner| owner.user.as_deref() != user) {
                // Not this user's: left where it is, for its owner.
                server.parked.forget(id);
                store.release(app, id).await;
                return None;
            }
            let restored = SessionData::restore(
                id,
                server.services.clone(),
                &server.parked.budget,
                version,
                &parts,
            );
            match restored {
                Ok(data) => {
                    server.parked.connect_new(id);
                    // Its files come with it, within the same limits.
                    let limits = server.services.engine.limits();
                    for file in store.uploads(app, id).await {
                        let kept = server.services.uploads.restore(
                            id,
                            &file.id,
                            &file.widget,
                            &file.name,
                            &file.mime,
                            file.bytes,
                            limits,
                        );
                        if let Err(error) = kept {
                            tracing::warn!(%error, "a stored upload could not be kept");
                        }
                    }
                    Some(data)
                }
                Err(error) => {
                    tracing::warn!(%error, "a stored session could not be resumed");
                    server.parked.forget(id);
                    store.release(app, id).await;
                    None
                }
            }
        }
    }
}

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// The browser went away, or the server stopped.
    Closed,
    /// Another replica took the session over (the store says so).
    Lost,
}

impl Connection {
    async fn serve(
        &mut self,
        mut socket: WebSocket,
        mut rx: mpsc::UnboundedReceiver<Event>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> Ended {
        if *shutdown.borrow_and_update() {
            if let Some(store) = &self.server.store {
                Box::pin(store.release(&self.server.services.name, &self.id)).await;
            }
            self.outbox.push(self.goodbye());
            self.flush(&mut socket).await;
            return Ended::Closed;
        }
        let mut reloads = self.server.reloads.subscribe();
        let mut came_back = self.server.store.as_ref().map(|store| store.came_back());
        loop {
            // A finished run is stored before the browser hears of it: a
            // click whose `run_finished` arrived survives this replica.
            if self.unsaved && !Box::pin(self.save(false)).await {
                return Box::pin(self.lost(&mut socket)).await;
            }
            if self.hold.is_none() && !self.outbox.is_empty() {
                if !self.flush(&mut socket).await {
                    return Ended::Closed;
                }
                if self.run.is_some() {
                    self.hold = Some(tokio::time::Instant::now() + RUN_FLUSH_INTERVAL);
                }
            }
            tokio::select! {
                // A run that is still going after the hold: what it drew so
                // far goes out now, and the rest as it comes.
                _ = sleep_until(self.hold), if self.hold.is_some() => self.hold = None,
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => self.on_text(text.as_str()),
                    Some(Ok(Message::Binary(_))) => self.refuse("binary messages are not part of the protocol".into()),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ended::Closed,
                    Some(Ok(_)) => {}
                },
                Some(event) = rx.recv() => {
                    self.on_event(event);
                    // Drain what else is ready, so a burst goes out in one flush.
                    while let Ok(event) = rx.try_recv() {
                        self.on_event(event);
                    }
                }
                Ok(reload) = reloads.recv() => self.on_reload(reload),
                // A save the store did not take is tried again.
                _ = sleep_until(self.retry_save), if self.retry_save.is_some() => {
                    self.retry_save = None;
                    self.unsaved = true;
                }
                // The store answers again, perhaps having restarted empty:
                // the session is written in full.
                Some(Ok(())) = async { match &mut came_back {
                    Some(watch) => Some(watch.changed().await),
                    None => None,
                } } => {
                    self.data.stored.hashes.clear();
                    self.unsaved = true;
                }
                _ = sleep_until(self.data.session.next_tick().map(tokio::time::Instant::from_std)) => {
                    self.data.session.tick(&self.server.app, Instant::now());
                    self.apply();
                }
                _ = shutdown.changed() => {
                    // With a shared store the session goes on elsewhere:
                    // the run in flight may finish first (within
                    // DRAIN_RUN_WAIT), so its click is not lost. Without
                    // one, it is cancelled.
                    let mut wait = Duration::from_secs(1);
                    if self.server.store.is_some() {
                        let deadline = tokio::time::Instant::now() + DRAIN_RUN_WAIT;
                        while self.run.is_some() {
                            match tokio::time::timeout_at(deadline, rx.recv()).await {
                                Ok(Some(event)) => self.on_event(event),
                                _ => break,
                            }
                        }
                        wait = Duration::from_millis(100);
                    }
                    self.data.session.shut_down();
                    self.apply();
                    // The cancelled run stops within milliseconds; report it.
                    let deadline = tokio::time::Instant::now() + wait;
                    while self.run.is_some() {
                        match tokio::time::timeout_at(deadline, rx.recv()).await {
                            Ok(Some(event)) => self.on_event(event),
                            _ => break,
                        }
                    }
                    if !Box::pin(self.save(true)).await {
                        return Box::pin(self.lost(&mut socket)).await;
                    }
                    // Let go before the browser comes back elsewhere.
                    if let Some(store) = &self.server.store {
                        Box::pin(store.release(&self.server.services.name, &self.id)).await;
                    }
                    self.outbox.push(self.goodbye());
                    self.flush(&mut socket).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return Ended::Closed;
                }
            }
        }
    }

    /// What the browser is told when this server stops: to reconnect
    /// (another replica resumes the session from the shared store), or,
    /// with no store, that the server stopped.
    fn goodbye(&self) -> ServerMessage {
        match self.server.store {
            Some(_) => ServerMessage::Reconnect,
            None => ServerMessage::Shutdown,
        }
    }

    /// Another replica took the session over: the browser reconnects (and
    /// is served by whichever replica holds it); nothing of this copy goes on.
    async fn lost(&mut self, socket: &mut WebSocket) -> Ended {
        tracing::info!(session = %self.data.tag, "another replica took the session over");
        if let Some((_, handle)) = &self.run {
            handle.cancel(crate::runtime::run::CancelReason::Stopped);
        }
        self.outbox.take();
        self.outbox.push(ServerMessage::Reconnect);
        self.flush(socket).await;
        let _ = socket.send(Message::Close(None)).await;
        Ended::Lost
    }

    /// Writes the parts of the session that changed since the last save
    /// to the shared store (there is nothing to do without one). False
    /// when another replica took the session over. `patient` when the
    /// session leaves this replica (see [`SharedStore::save`]).
    ///
    /// [`SharedStore::save`]: crate::session::store::SharedStore::save
    async fn save(&mut self, patient: bool) -> bool {
        self.unsaved = false;
        let Some(store) = self.server.store.clone() else {
            return true;
        };
        let parts = match self
            .captured
            .take()
            .map(Ok)
            .unwrap_or_else(|| self.data.parts())
        {
            Ok(parts) => parts,
            Err(error) => {
                tracing::error!(session = %self.data.tag, %error, "could not encode the session for the store");
                return true;
            }
        };
        let hashes: Vec<u64> = parts.iter().map(|(_, bytes)| hash_of(bytes)).collect();
        let mut everything = self.data.stored.version == 0;
        loop {
            let changed: Vec<(&str, &[u8])> = parts
                .iter()
                .zip(&hashes)
                .filter(|((name, _), hash)| {
                    everything || self.data.stored.hashes.get(name) != Some(*hash)
                })
                .map(|((name, bytes), _)| (*name, bytes.as_slice()))
                .collect();
            if changed.is_empty() {
                return true;
            }
            let answer = store
                .save(
                    &self.server.services.name,
                    &self.id,
                    self.data.stored.version,
                    &changed,
                    patient,
                )
                .await;
            match answer {
                Saved::Stored(version) => {
                    self.data.stored.version = version;
                    for ((name, _), hash) in parts.iter().zip(&hashes) {
                        self.data.stored.hashes.insert(name, *hash);
                    }
                    return true;
                }
                // The store lost the session: it starts again from every part.
                Saved::Forgotten if self.data.stored.version != 0 => {
                    self.data.stored.version = 0;
                    everything = true;
                }
                Saved::Forgotten | Saved::Unavailable => {
                    // Written in full by a save that reaches it: tried
                    // again shortly, whatever the session does meanwhile.
                    self.data.stored.hashes.clear();
                    self.retry_save =
                        Some(tokio::time::Instant::now() + crate::session::store::RETRY_AFTER);
                    return true;
                }
                Saved::Stale => return false,
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
        let timeout = self.server.session.send_timeout;
        match tokio::time::timeout(timeout, self.send_all(socket)).await {
            Ok(sent) => sent,
            Err(_) => {
                tracing::info!(session = %self.data.tag, "the browser read nothing for {timeout:?}: disconnecting");
                false
            }
        }
    }

    /// Sends the outbox as one frame: a JSON object when it holds one
    /// message, else a JSON array of them in order, which the browser
    /// applies in one task. To a browser that reads Arrow, the tables'
    /// columns go before it, each an Arrow stream in a binary frame.
    async fn send_all(&mut self, socket: &mut WebSocket) -> bool {
        let outbox = self.outbox.take();
        let (encoded, streams) = if self.arrow_tables {
            crate::model::arrow::with_columns_apart(self.redact.clone(), || encode_frame(&outbox))
        } else {
            (encode_frame(&outbox), Vec::new())
        };
        let mut text = match encoded {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(error = %e, "could not encode a message");
                return true;
            }
        };
        for stream in streams {
            if socket.send(Message::Binary(stream.into())).await.is_err() {
                return false;
            }
        }
        // No secret of the app reaches a browser, whatever the page drew:
        // a frame that holds one has its string values redacted (never
        // its keys or the protocol's tags).
        if let Some(secrets) = &self.server.services.engine.grants.secrets {
            if secrets.appears_in(&text) {
                if let Ok(mut tree) = serde_json::from_str::<serde_json::Value>(&text) {
                    secrets.redact_json(&mut tree);
                    text = tree.to_string();
                }
            }
        }
        drop(outbox);
        socket.send(Message::Text(text.into())).await.is_ok()
    }

    fn refuse(&mut self, message: String) {
        tracing::debug!(session = %self.data.tag, %message, "refused client message");
        self.outbox.push(ServerMessage::Error { message });
    }

    fn on_text(&mut self, text: &str) {
        let settings = &self.server.session;
        let (rate, burst) = (settings.messages_per_second, settings.messages_burst);
        if !self.rate.take(rate, burst) {
            return self.refuse(format!(
                "too many messages: a session may send {rate} a second \
                 (session_messages_per_second); this one was dropped"
            ));
        }
        let limit = self.server.session.message_bytes;
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
                self.data.session.stop();
                self.apply();
            }
            Ok(ClientMessage::Rerun {
                page,
                widgets,
                query,
            }) => {
                self.data
                    .session
                    .rerun(&self.server.app, page, widgets, &query);
                self.apply();
            }
        }
    }

    /// Carries out what the session's rules asked for.
    fn apply(&mut self) {
        for effect in self.data.session.take_effects() {
            match effect {
                Effect::Send(message) => {
                    if let ServerMessage::Error { message }
                    | ServerMessage::Refused { message, .. } = &message
                    {
                        tracing::debug!(session = %self.data.tag, %message, "refused client message");
                    }
                    self.outbox.push(message);
                }
                Effect::Start(start) => self.start(start),
                Effect::Cancel(reason) => {
                    if let Some((_, handle)) = &self.run {
                        handle.cancel(reason);
                    }
                }
                Effect::KeepFiles { widget, files } => {
                    self.server
                        .services
                        .uploads
                        .keep_only(&self.id, widget.as_str(), &files);
                    if let Some(store) = self.server.store.clone() {
                        let (app, id) = (self.server.services.name.clone(), self.id.clone());
                        tokio::spawn(async move {
                            store.keep_uploads(&app, &id, widget.as_str(), &files).await;
                        });
                    }
                }
            }
        }
    }

    fn start(&mut self, start: StartRun) {
        let StartRun {
            run,
            name,
            page,
            inputs,
            state,
            query,
            callbacks,
            fragment,
        } = start;
        let deltas = self.events.clone();
        let finished = self.events.clone();
        let session = self.data.tag.clone();
        let handle = self.server.runner.start(
            RunRequest {
                page,
                inputs: Arc::new(inputs),
                state,
                query,
                context: self.context.clone(),
                sink: Box::new(move |delta: Delta| {
                    let _ = deltas.send(Event::Delta {
                        run,
                        delta: Box::new(delta),
                    });
                }),
                app: Some(self.server.services.clone()),
                session: Some(self.data.scope.id.clone()),
                callbacks,
                fragment,
            },
            move |report| {
                if !report.stdout.is_empty() || !report.stderr.is_empty() {
                    tracing::info!(
                        session = %session,
                        page = %name,
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
        self.run = Some((run, handle));
        self.hold = Some(tokio::time::Instant::now() + RUN_START_HOLD);
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Delta { run, delta } => self.data.session.delta(run, *delta),
            Event::Finished { run, report } => {
                if self.run.as_ref().is_some_and(|(id, _)| *id == run) {
                    self.run = None;
                    self.hold = None;
                }
                self.unsaved = true;
                let shutting_down = *self.server.shutdown.borrow();
                self.data.session.finished(
                    &self.server.app,
                    run,
                    *report,
                    shutting_down,
                    Instant::now(),
                );
                // Taken before `apply` may start the next run, which writes
                // the state: what is stored is what this run left.
                if self.server.store.is_some() {
                    match self.data.parts() {
                        Ok(parts) => self.captured = Some(parts),
                        Err(error) => {
                            tracing::error!(session = %self.data.tag, %error, "could not encode the session for the store")
                        }
                    }
                }
            }
        }
        self.apply();
    }

    fn on_reload(&mut self, reload: Reload) {
        match reload {
            Reload::Reloaded(page) => {
                self.data.session.pages_changed(&self.server.app);
                self.data.session.reloaded(&self.server.app, &page);
            }
            Reload::Failed { page, message } => {
                if self.data.session.shows(&page) {
                    self.outbox
                        .push(ServerMessage::BuildFailed { page, message });
                }
            }
        }
        self.apply();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only ids of the form the server makes name a session to resume: any
    /// other text a browser sends (long, braced, empty) is never looked up
    /// in the store, where it would become part of a key.
    #[test]
    fn only_ids_the_server_could_have_made_are_looked_up() {
        assert!(is_session_id(&new_session_id()));
        for other in [
            "",
            "ab",
            "0123456789ABCDEF0123456789abcdef",
            "0123456789abcdef0123456789abcdeg",
            "{0123456789abcdef0123456789abcd}",
            &"a".repeat(33),
            &"a".repeat(65_536),
        ] {
            assert!(!is_session_id(other), "{other:.40}");
        }
    }

    /// The parts a stored session has are the snapshot's and its owner,
    /// each named once (a part of another name would never be restored).
    #[test]
    fn every_part_of_a_stored_session_has_a_known_name() {
        let session = Session::new(
            SessionState::shared(),
            SessionLimits {
                session_state_bytes: 1024,
                elements_per_run: 10,
                consecutive_reruns: 1,
            },
        );
        let mut names: Vec<&str> = session
            .snapshot()
            .unwrap()
            .iter()
            .map(|(name, _)| *name)
            .collect();
        names.push("owner");
        assert_eq!(names, PART_NAMES);
    }
}
