//! The web server: the app shell and its assets, health, and one WebSocket
//! per session. Runs on tokio's threads; guest code never runs here.

use crate::app::catalog::App;
use crate::runtime::engine::{EngineSettings, PageEngine};
use crate::runtime::page_build::BuildOptions;
use crate::runtime::runner::Runner;
use crate::runtime::services::{AppServices, AppSettings};
use crate::session::shared::{AppSessions, SessionSettings};
use crate::session::socket::{run_session, ParkedSessions};
use crate::web::frontend;
use anyhow::Context as _;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Args;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio_util::task::TaskTracker;

/// Arguments of `host serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The directory of pages: compiled `.wasm` components and/or page crates.
    pub dir: PathBuf,
    /// TCP port to listen on.
    #[arg(long, default_value_t = 8501)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Rebuild page crates when their sources change.
    #[arg(long)]
    pub watch: bool,
    /// Script threads (concurrent runs).
    #[arg(long, default_value_t = 8)]
    pub script_threads: usize,
    /// Seconds a disconnected session is kept for its tab to come back.
    #[arg(long, default_value_t = 120)]
    pub session_grace_seconds: u64,
    /// Largest message a browser may send, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    pub message_bytes: usize,
    /// Worker threads for jobs and resource builds (default: CPU count, at least 2).
    #[arg(long)]
    pub worker_threads: Option<usize>,
    /// Memory for `cache_data` values, in MiB.
    #[arg(long, default_value_t = 256)]
    pub cache_mib: u64,
    /// Most TCP connections open at once (plain HTTP and WebSocket alike),
    /// over all apps.
    #[arg(long, default_value_t = 10_000)]
    pub max_connections: usize,
    /// Most TCP connections open at once from one client address.
    #[arg(long, default_value_t = 200)]
    pub max_connections_per_ip: usize,
    /// Seconds a client may take to send a request's headers; the
    /// connection is closed past it.
    #[arg(long, default_value_t = 10)]
    pub header_read_timeout_seconds: u64,
    /// Seconds an open connection may wait for its next request.
    #[arg(long, default_value_t = 60)]
    pub idle_timeout_seconds: u64,
    /// A host name (or address) requests may name in `Host`, with an
    /// optional port; repeat for more. Always allowed: localhost,
    /// 127.0.0.1, [::1], the --bind address, and the address a client
    /// connected to. Pass the names clients use when binding to 0.0.0.0;
    /// `*` allows any name (no protection against DNS rebinding).
    #[arg(long = "allowed-host", value_name = "HOST[:PORT]")]
    pub allowed_hosts: Vec<String>,
    /// Client addresses or networks (CIDR) that may read `/_/metrics`;
    /// repeat for more. Default: loopback only (127.0.0.0/8, ::1).
    #[arg(long = "metrics-allow", value_name = "IP|CIDR")]
    pub metrics_allow: Vec<String>,
    /// An origin (`https://cdn.example.com`) the app shell may load from
    /// or connect to besides the server's own, in its Content-Security-Policy;
    /// repeat for more.
    #[arg(long = "csp-allow-origin", value_name = "ORIGIN")]
    pub csp_allow_origins: Vec<String>,
    /// An origin allowed to embed the apps in a frame (`'self'` for this
    /// server's own pages); repeat for more. Default: none.
    #[arg(long = "frame-ancestor", value_name = "ORIGIN")]
    pub frame_ancestors: Vec<String>,
    /// An origin (`https://maps.example.com`) whose pages apps may show in
    /// a sandboxed frame (`iframe`); repeat for more. Default: none (a frame
    /// of any other origin is named, not shown).
    #[arg(long = "frame-origin", value_name = "ORIGIN")]
    pub frame_origins: Vec<String>,
    /// Where maps get their tiles: a URL template with `{z}`, `{x}` and
    /// `{y}` (`https://tile.example.org/{z}/{x}/{y}.png`). Its origin is
    /// added to the policy's `img-src`; no page can choose another. Without
    /// it maps draw their points on a plain grid and fetch nothing.
    #[arg(long = "map-tiles", value_name = "URL")]
    pub map_tiles: Option<String>,
    /// The credit the tile source asks to show on maps.
    #[arg(long = "map-tiles-credit", value_name = "TEXT", default_value = "")]
    pub map_tiles_credit: String,
    /// New connections and uploads one client address may make per second.
    #[arg(long, default_value_t = 20.0)]
    pub connects_per_ip_per_second: f64,
    /// Messages one session may send per second.
    #[arg(long, default_value_t = 100.0)]
    pub session_messages_per_second: f64,
    /// Seconds a send may wait for a browser that does not read.
    #[arg(long, default_value_t = 30)]
    pub send_timeout_seconds: u64,
    /// Seconds a new WebSocket may take to send its first message (`hello`).
    #[arg(long, default_value_t = 10)]
    pub hello_timeout_seconds: u64,
    /// A host the pages may send HTTP requests to, as `scheme://host[:port]`
    /// (`https://*.example.com` for subdomains, `:*` for any port);
    /// repeat for more. None by default. Apps of an apps root are granted
    /// hosts in their `app.toml` instead.
    #[arg(long = "allow-outbound-host", value_name = "URL")]
    pub allow_outbound_hosts: Vec<String>,
    /// Keep raw HTML in the pages' Markdown (`markdown_unsafe`), cleaned of
    /// script, as Streamlit's `unsafe_allow_html` does (single app; an
    /// apps root grants it per app in `app.toml`).
    #[arg(long)]
    pub unsafe_allow_html: bool,
    /// Session state all sessions of one app may hold, in MiB (an app's
    /// `app.toml` may set its own `session_state_app_mib`).
    #[arg(long, default_value_t = (crate::runtime::services::session_state::SESSION_STATE_APP_BYTES >> 20) as u64)]
    pub session_state_app_mib: u64,
    /// Uploaded files all sessions of all apps may hold, in MiB (each app
    /// also has its own `upload_total_bytes`).
    #[arg(long, default_value_t = 2048)]
    pub upload_total_mib: u64,
    /// Session state all sessions of all apps may hold, in MiB.
    #[arg(long, default_value_t = (crate::runtime::services::session_state::SESSION_STATE_TOTAL_BYTES >> 20) as u64)]
    pub session_state_total_mib: u64,
    /// In an apps root, build the apps' page crates. Building a crate runs
    /// its author's build scripts and macros natively, as this server's
    /// user, able to read other apps' files: pass this only if you trust
    /// every app's authors with that. Without it, apps ship compiled `.wasm`
    /// components and crates are refused.
    #[arg(long)]
    pub trust_page_crates: bool,
    /// A shared session store, so that any replica resumes any session
    /// (after a restart, a lost replica or a rolling deploy):
    /// `redis://[user:password@]host:port[/db]`, or
    /// `redis+cluster://host:port,host:port,…` for a Redis Cluster.
    /// Default: none (sessions live in this process only).
    #[arg(long, env = "WASMLIT_SESSION_STORE", value_name = "URL")]
    pub session_store: Option<String>,
    /// With a session store: milliseconds a replica that stopped answering
    /// (killed, hung, cut off) still holds its sessions; another replica
    /// takes them over after it.
    #[arg(long, default_value_t = 1000)]
    pub replica_lease_ms: u64,
    /// With a session store: milliseconds one request to it may take
    /// before it counts as down (sessions then go on in this replica's
    /// memory until it answers again).
    #[arg(long, default_value_t = 500)]
    pub session_store_timeout_ms: u64,
    /// Seconds a server that got SIGTERM keeps listening after it told its
    /// sessions to reconnect, answering 503 to `/_/ready` and to new
    /// WebSockets, so that a load balancer takes it out of rotation before
    /// it stops (set it to the balancer's health-check interval times its
    /// fall count). Default: 0, stop at once.
    #[arg(long, default_value_t = 0)]
    pub drain_seconds: u64,
    /// The address (or CIDR network) of a load balancer in front of this
    /// server; repeat for more. Every client arrives from it, so it is not
    /// limited per address (max_connections_per_ip,
    /// connects_per_ip_per_second): set per-client limits in the balancer.
    #[arg(long = "trusted-proxy", value_name = "IP|CIDR")]
    pub trusted_proxies: Vec<String>,
}

/// How long shutdown waits for sessions to tell their browsers.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(10);

/// Server settings that browsers run into.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Largest text message accepted from a browser; larger ones get an
    /// error and the session goes on. Frames past 16× this close the socket.
    pub message_bytes: usize,
    /// How long a disconnected session is kept.
    pub session_grace: Duration,
    /// How long a send to a browser may wait for it to read; a client that
    /// reads nothing for this long is disconnected (its session is parked).
    pub send_timeout: Duration,
    /// Connection limits and rates, shared by every app of the server.
    pub admission: Arc<crate::web::admission::Admission>,
    /// Bytes of session state all sessions of one app may hold; past it the
    /// app's oldest parked sessions are dropped, then `set`s are refused.
    pub session_state_app_bytes: usize,
    /// Bytes of session state all sessions of the server may hold, shared
    /// by every app.
    pub session_state_total: Arc<crate::runtime::services::session_state::Budget>,
    /// How long a new WebSocket may take to send its first message (the
    /// `hello` naming the session to resume). A socket silent for longer
    /// gets an `error` naming this setting and is closed.
    pub hello_timeout: Duration,
    /// Timeouts, allowed hosts, metrics access and security headers,
    /// shared by every app of the server.
    pub http: Arc<crate::web::http::HttpSettings>,
    /// The maps' tile source (`--map-tiles`) and its credit, if any.
    pub map_tiles: Option<(String, String)>,
    /// Origins the browser may frame pages from (`--frame-origin`):
    /// `components.iframe` of any other origin is named as refused.
    pub frame_origins: Vec<String>,
    /// The app's login and viewers (`[auth]`), if it has any.
    pub access: Option<Arc<crate::app::access::Access>>,
    /// The shared session store, if any (`--session-store`).
    pub store: Option<Arc<crate::session::store::SharedStore>>,
    /// How long a stopping server keeps listening (`--drain-seconds`).
    pub drain: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            message_bytes: 64 * 1024,
            session_grace: Duration::from_secs(120),
            send_timeout: Duration::from_secs(30),
            admission: Arc::default(),
            session_state_app_bytes:
                crate::runtime::services::session_state::SESSION_STATE_APP_BYTES,
            session_state_total: total_state_budget(
                crate::runtime::services::session_state::SESSION_STATE_TOTAL_BYTES,
            ),
            hello_timeout: Duration::from_secs(10),
            http: Arc::default(),
            map_tiles: None,
            frame_origins: Vec::new(),
            access: None,
            store: None,
            drain: Duration::ZERO,
        }
    }
}

/// The server-wide budget of session-state bytes.
pub fn total_state_budget(bytes: usize) -> Arc<crate::runtime::services::session_state::Budget> {
    crate::runtime::services::session_state::Budget::new(bytes, "--session-state-total-mib")
}

/// A login provider's discovered metadata (or why discovery failed), and
/// when it was asked.
pub type OidcMetadata = Option<(
    std::time::Instant,
    Result<openidconnect::core::CoreProviderMetadata, String>,
)>;

/// What every request handler of one app shares: what its sessions share
/// (reached through `Deref`), its URL prefix and shell, and the settings.
pub struct ServerState {
    /// What every session of the app shares.
    pub shared: Arc<AppSessions>,
    /// The app's URL prefix: `""` when it is the only app, else `/name`.
    pub base: String,
    /// The app shell, with `base` in its URLs.
    pub index_html: String,
    /// Settings.
    pub settings: ServerSettings,
    /// The login provider's metadata (or why discovery failed), and when.
    pub oidc_metadata: tokio::sync::Mutex<OidcMetadata>,
}

impl std::ops::Deref for ServerState {
    type Target = AppSessions;

    fn deref(&self) -> &AppSessions {
        &self.shared
    }
}

impl ServerState {
    /// Builds the shared state of the only app, served at the root.
    pub fn new(
        app: App,
        runner: impl Into<Arc<Runner>>,
        services: Arc<AppServices>,
        settings: ServerSettings,
    ) -> Arc<ServerState> {
        Self::for_app(app, runner, services, settings, "")
    }

    /// Builds the shared state of an app served under `base` (`/name`).
    pub fn for_app(
        app: App,
        runner: impl Into<Arc<Runner>>,
        services: Arc<AppServices>,
        settings: ServerSettings,
        base: &str,
    ) -> Arc<ServerState> {
        // `navigation` and `switch_page` are checked against the app's pages.
        services.set_page_names(app.page_names());
        let admission = settings.admission.settings();
        let session = SessionSettings {
            message_bytes: settings.message_bytes,
            send_timeout: settings.send_timeout,
            messages_per_second: admission.session_messages_per_second,
            messages_burst: admission.session_messages_burst,
            hello_timeout: settings.hello_timeout,
        };
        let shared = Arc::new(AppSessions {
            parked: ParkedSessions::new(
                settings.session_grace,
                crate::runtime::services::session_state::StateBudget::new(
                    crate::runtime::services::session_state::Budget::new(
                        settings.session_state_app_bytes,
                        "session_state_app_bytes",
                    ),
                    settings.session_state_total.clone(),
                ),
            ),
            app,
            runner: runner.into(),
            services,
            session,
            shutdown: watch::channel(false).0,
            reloads: broadcast::channel(16).0,
            sessions: TaskTracker::new(),
            store: settings.store.clone(),
        });
        Arc::new(ServerState {
            shared,
            base: base.to_owned(),
            index_html: frontend::index_for(
                base,
                settings.map_tiles.as_ref(),
                &settings.frame_origins,
            ),
            settings,
            oidc_metadata: tokio::sync::Mutex::new(None),
        })
    }
}

/// The routes: `/` and `/<page>` serve the app shell; `/_/…` the rest.
pub fn app(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/", get(frontend::index))
        .route("/{page}", get(frontend::index))
        .route("/_/app.js", get(frontend::script))
        .route("/_/elements.js", get(frontend::elements))
        .route("/_/app.css", get(frontend::style))
        .route("/_/vendor/{*file}", get(frontend::vendor))
        .route("/_/media/{name}", get(crate::web::media::media))
        .route("/_/health", get(health))
        .route("/_/ws", get(websocket))
        .route("/_/upload", post(upload))
        .route("/_/auth/login", get(crate::web::auth::login))
        .route("/_/auth/callback", get(crate::web::auth::callback))
        .route("/_/auth/logout", get(crate::web::auth::logout))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::auth::gate,
        ))
        .with_state(state)
}

/// The routes of a server: one app at the root, or several, each under
/// `/<name>/` with an index of them at `/`; plus `/_/live`, `/_/ready` and
/// `/_/metrics` for the server as a whole.
pub fn router(states: &[Arc<ServerState>]) -> Router {
    let mut router = Router::new();
    match states {
        [only] if only.base.is_empty() => router = router.merge(app(only.clone())),
        _ => {
            // Drawn per request: a reload that fixes a page updates it.
            let all = states.to_vec();
            router = router.route(
                "/",
                get(move || {
                    let index = apps_index(&all);
                    async move { Html(index) }
                }),
            );
            for state in states {
                // `/name/` is `/name` too.
                let to = state.base.clone();
                router = router.nest(&state.base, app(state.clone())).route(
                    &format!("{}/", state.base),
                    get(move || async move { axum::response::Redirect::permanent(&to) }),
                );
            }
        }
    }
    router.merge(crate::web::metrics::routes(states.to_vec()))
}

/// The page at `/` of a server hosting several apps: a link to each.
fn apps_index(states: &[Arc<ServerState>]) -> String {
    let links: String = states
        .iter()
        .map(|s| {
            // What failed is named, never why: the reasons are in the log.
            let failed: Vec<String> = s
                .app
                .failures()
                .into_iter()
                .map(|f| html_escape(&f.name))
                .collect();
            let note = if failed.is_empty() {
                String::new()
            } else {
                format!(
                    " <span class=\"load-failure\">failed to load: {}</span>",
                    failed.join(", ")
                )
            };
            format!(
                "<li><a href=\"{}\">{}</a>{note}</li>",
                s.base,
                html_escape(&s.services.title)
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Apps · wasmlit</title>\
         <link rel=\"stylesheet\" href=\"/_/app.css\"></head><body><main class=\"apps\">\
         <h1>Apps</h1><ul>{links}</ul></main></body></html>"
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn health() -> &'static str {
    "ok"
}

/// `GET /_/ws`: the session's WebSocket. The session to resume is named
/// in the first message (`hello`), never in the URL.
async fn websocket(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    user: Option<axum::Extension<crate::model::context::User>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "cross-origin WebSocket refused").into_response();
    }
    // A stopping server takes no new session: a load balancer sends it to
    // another replica (HAProxy retries a 503 elsewhere).
    if *state.shutdown.borrow() {
        let message = "this server is stopping: connect again to reach another";
        return (StatusCode::SERVICE_UNAVAILABLE, message).into_response();
    }
    // The connection was admitted when it was accepted; its ticket lives
    // in the stream the socket takes over (`http::serve`).
    let limit = state.settings.message_bytes;
    let opening = crate::session::socket::OpeningRequest {
        headers: headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect(),
        client: Some(client.ip()),
        user: user.map(|axum::Extension(user)| user),
    };
    upgrade
        .max_message_size(limit.saturating_mul(16))
        .max_frame_size(limit.saturating_mul(16))
        .read_buffer_size(1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| {
            let sessions = state.sessions.clone();
            sessions.track_future(run_session(socket, state.shared.clone(), opening))
        })
}

fn refused(refusal: crate::web::admission::Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    (status, refusal.message).into_response()
}

#[derive(Deserialize)]
struct UploadParams {
    widget: String,
    name: String,
}

/// The request header that carries an upload's session id. Being a custom
/// header, a page of another site cannot send it without a CORS preflight,
/// which this server never grants; and unlike a URL's query it is not
/// written to access logs or kept in the browser's history.
pub const SESSION_HEADER: &str = "x-wasmlit-session";

/// `POST /_/upload?widget=…&name=…` with the session id in the
/// [`SESSION_HEADER`] header and the file as the body: keeps it for the
/// session's `file_uploader` and answers its description (`id`, `name`,
/// `mime`, `size`) as JSON. The browser then sends the id as the widget's
/// value.
///
/// The body is read chunk by chunk; each chunk is counted against
/// `upload_file_bytes`, `upload_session_bytes` and `upload_total_bytes` as
/// it arrives, and the first byte past one of them is answered with 413
/// while the client may still be sending. A session may have
/// `upload_concurrent_per_session` uploads in flight (429 past it), and a
/// body must arrive within `upload_body_timeout` (408). A refused, broken
/// or abandoned upload releases its bytes and its place at once.
async fn upload(
    State(state): State<Arc<ServerState>>,
    Query(params): Query<UploadParams>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "cross-origin upload refused").into_response();
    }
    if let Err(refusal) = state.settings.admission.request(client.ip()) {
        return refused(refusal);
    }
    let Some(session) = headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()) else {
        let message = format!("an upload names its session in the {SESSION_HEADER} header");
        return (StatusCode::BAD_REQUEST, message).into_response();
    };
    if !state.parked.exists(session) {
        return (StatusCode::NOT_FOUND, "no such session").into_response();
    }
    if params.widget.len() > 512 {
        return (StatusCode::BAD_REQUEST, "widget id too long").into_response();
    }
    let limits = state.engine_limits();
    let deadline = tokio::time::Instant::now() + limits.upload_body_timeout;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let uploads = &state.services.uploads;
    let mut reservation = match uploads.begin(session, limits) {
        Ok(reservation) => reservation,
        Err(message) => return (StatusCode::TOO_MANY_REQUESTS, message).into_response(),
    };
    // A declared length past a limit is refused before any of it is read.
    if let Some(Err(message)) = declared.map(|n| reservation.check(n, limits)) {
        return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
    }
    let mut body = body.into_data_stream();
    let mut received = bytes::BytesMut::new();
    loop {
        use futures_util::StreamExt as _;
        let chunk = match tokio::time::timeout_at(deadline, body.next()).await {
            Err(_) => {
                let message = format!(
                    "the file did not arrive within {} (upload_body_timeout)",
                    crate::runtime::limits::human_duration(limits.upload_body_timeout)
                );
                return (StatusCode::REQUEST_TIMEOUT, message).into_response();
            }
            Ok(None) => break,
            Ok(Some(Ok(chunk))) => chunk,
            Ok(Some(Err(e))) => {
                tracing::debug!(error = %e, "an upload's body could not be read");
                let message = "the upload was interrupted before the whole file arrived";
                return (StatusCode::BAD_REQUEST, message).into_response();
            }
        };
        if let Err(message) = reservation.grow(chunk.len(), limits) {
            return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
        }
        received.extend_from_slice(&chunk);
    }
    if !state.parked.exists(session) {
        return (StatusCode::NOT_FOUND, "the session ended during the upload").into_response();
    }
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match reservation.finish(&params.widget, &params.name, mime, received.freeze()) {
        Ok(info) => {
            // Stored with the session, so the replica that resumes it has it.
            if let (Some(store), Some(file)) = (&state.store, uploads.get(session, &info.id)) {
                if !store
                    .put_upload(&state.services.name, session, &info.id, &file)
                    .await
                {
                    tracing::warn!(
                        "an upload was kept in this replica only: the store did not take it"
                    );
                }
            }
            axum::Json(info).into_response()
        }
        Err(message) => (StatusCode::NOT_FOUND, message).into_response(),
    }
}

/// A browser's WebSocket must come from a page this server served: its
/// `Origin` must name the same host and port as `Host`, which is one of
/// `allowed_hosts` (checked for every request in `http::serve`). Clients
/// that send no Origin (not browsers) are allowed.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(Ok(host))) = (
        origin.to_str(),
        headers.get(header::HOST).map(|h| h.to_str()),
    ) else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    authority == host
}

/// `host serve`: load the pages (of one app, or of every app of an apps
/// root), bind, serve until SIGINT or SIGTERM.
pub fn serve(mut engine_settings: EngineSettings, args: ServeArgs) -> anyhow::Result<i32> {
    let mut app_settings = AppSettings {
        cache_bytes: args.cache_mib << 20,
        upload_budget: Some(crate::runtime::services::session_state::Budget::new(
            mib_bytes(args.upload_total_mib),
            "--upload-total-mib",
        )),
        ..AppSettings::default()
    };
    if let Some(threads) = args.worker_threads {
        app_settings.worker_threads = threads.max(1);
    }
    let tenants = if crate::app::tenant::is_apps_root(&args.dir) {
        if !args.allow_outbound_hosts.is_empty() {
            anyhow::bail!(
                "--allow-outbound-host is for a single app; grant an app of an apps root \
                 its hosts with `allowed_outbound_hosts` under [capabilities] in its app.toml"
            );
        }
        crate::app::tenant::discover_all(&args.dir, &engine_settings.limits, args.script_threads)?
    } else {
        Vec::new()
    };
    // Every place an app may hold an instance (its runs, jobs, resources and
    // resource builds) gets a slot of its own in the pool: no app ever waits
    // for, or is refused, a slot another app holds.
    let needed: usize = if tenants.is_empty() {
        crate::runtime::services::instances_needed(args.script_threads, app_settings.worker_threads)
    } else {
        crate::app::tenant::fair_shares(&tenants, args.script_threads, app_settings.worker_threads)
            .iter()
            .map(|share| share.instances)
            .sum()
    };
    engine_settings.instance_slots = engine_settings
        .instance_slots
        .max(u32::try_from(needed).unwrap_or(u32::MAX));
    let single = if tenants.is_empty() {
        crate::app::tenant::single(&args.dir, &engine_settings.limits, args.script_threads)?
    } else {
        None
    };
    let single_access = single.as_ref().and_then(|app| app.access.clone());
    let engine = PageEngine::new(engine_settings)?;
    let engine = match single {
        Some(app) => engine.for_app(app.limits, app.grants)?,
        None => engine,
    };
    let engine = engine
        .with_outbound_hosts(&args.allow_outbound_hosts)?
        .with_unsafe_html(args.unsafe_allow_html)?;
    if !args.allow_outbound_hosts.is_empty() {
        eprintln!(
            "Outbound HTTP allowed to: {}",
            args.allow_outbound_hosts.join(", ")
        );
    }
    let map_tiles = args
        .map_tiles
        .clone()
        .map(|url| (url, args.map_tiles_credit.clone()));
    let http = crate::web::http::HttpSettings {
        header_read_timeout: Duration::from_secs(args.header_read_timeout_seconds.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout_seconds.max(1)),
        allowed_hosts: crate::web::http::AllowedHosts::new(&args.allowed_hosts, Some(args.bind))?,
        metrics_allow: if args.metrics_allow.is_empty() {
            crate::web::http::loopback()
        } else {
            crate::web::http::parse_networks("metrics_allow", &args.metrics_allow)?
        },
        security: crate::web::http::SecurityHeaders::with_sources(
            &args.csp_allow_origins,
            &args.frame_ancestors,
            &map_tiles
                .iter()
                .map(|(url, _)| crate::web::http::origin_of(url))
                .collect::<anyhow::Result<Vec<_>>>()?,
            &args.frame_origins,
        )?,
        ..crate::web::http::HttpSettings::default()
    };
    if args.bind.is_unspecified() && args.allowed_hosts.is_empty() {
        eprintln!(
            "Listening on every address: requests must name localhost or the address they \
             connected to in Host; pass --allowed-host NAME for each name clients use"
        );
    }
    raise_descriptor_limit(args.max_connections);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let store = match &args.session_store {
        Some(url) => {
            let settings = crate::session::store::StoreSettings {
                url: url.clone(),
                replica_lease: Duration::from_millis(args.replica_lease_ms.max(100)),
                timeout: Duration::from_millis(args.session_store_timeout_ms.max(10)),
                grace: Duration::from_secs(args.session_grace_seconds.max(1)),
            };
            let store = runtime.block_on(crate::session::store::SharedStore::connect(settings))?;
            eprintln!(
                "Sessions are shared through the store at {} (this replica: {}){}",
                crate::session::store::without_password(url),
                store.replica(),
                if store.up() {
                    ""
                } else {
                    "; it does not answer yet: sessions stay in memory until it does"
                }
            );
            Some(Arc::new(store))
        }
        None => None,
    };
    let server_settings = ServerSettings {
        message_bytes: args.message_bytes,
        session_grace: Duration::from_secs(args.session_grace_seconds),
        send_timeout: Duration::from_secs(args.send_timeout_seconds.max(1)),
        hello_timeout: Duration::from_secs(args.hello_timeout_seconds.max(1)),
        admission: Arc::new(crate::web::admission::Admission::new(
            crate::web::admission::AdmissionSettings {
                max_connections: args.max_connections,
                max_connections_per_ip: args.max_connections_per_ip,
                connects_per_ip_per_second: args.connects_per_ip_per_second,
                connects_per_ip_burst: args.connects_per_ip_per_second.max(1.0) * 5.0,
                trusted_proxies: crate::web::http::parse_networks(
                    "trusted_proxy",
                    &args.trusted_proxies,
                )?,
                session_messages_per_second: args.session_messages_per_second,
                session_messages_burst: args.session_messages_per_second.max(1.0) * 2.0,
            },
        )),
        session_state_app_bytes: mib_bytes(args.session_state_app_mib),
        session_state_total: total_state_budget(mib_bytes(args.session_state_total_mib)),
        http: Arc::new(http),
        map_tiles,
        frame_origins: args.frame_origins.clone(),
        access: single_access,
        store: store.clone(),
        drain: Duration::from_secs(args.drain_seconds),
    };
    let states = if tenants.is_empty() {
        eprintln!("Loading pages from {}", args.dir.display());
        let app = App::load(
            engine.clone(),
            &args.dir,
            BuildOptions::default(),
            &mut |step| eprintln!("  building {step}"),
        );
        let services = AppServices::new(engine.clone(), app_settings)?;
        let runner = Runner::with_services(engine, args.script_threads, services.clone())?;
        vec![ServerState::new(app, runner, services, server_settings)]
    } else {
        load_apps(
            &engine,
            &tenants,
            args.script_threads,
            &app_settings,
            &server_settings,
            &BuildOptions {
                untrusted: !args.trust_page_crates,
                ..BuildOptions::default()
            },
        )?
    };
    runtime.block_on(async move {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                anyhow::anyhow!(
                    "port {} is already in use: stop the other server or pass --port",
                    args.port
                )
            } else {
                anyhow::anyhow!("cannot listen on {addr}: {e}")
            }
        })?;
        let local = listener.local_addr()?;
        // One write, whose failure is ignored: a supervisor may stop reading
        // stderr once it has the address, and the server must go on.
        let mut banner = String::from("\n");
        for state in &states {
            let first = state.app.default_page().unwrap_or_default();
            banner.push_str(&format!(
                "  {} ({} pages). Open: http://{local}{}/{first}\n",
                state.services.title,
                state.app.page_infos().len(),
                state.base
            ));
        }
        banner.push_str(&format!("\n  Metrics: http://{local}/_/metrics\n\n"));
        {
            use std::io::Write as _;
            let _ = std::io::stderr().write_all(banner.as_bytes());
        }
        let mut watchers = Vec::with_capacity(states.len());
        for state in &states {
            watchers.push(crate::web::reload::watch(state.clone(), args.watch)?);
            spawn_sweeper(state.clone());
        }
        if let Some(store) = &store {
            spawn_store_keeper(states.clone(), store.clone());
            // Each app's data cache gets its values from, and gives them
            // to, the other replicas, within the app's own cache bound.
            for state in &states {
                let bound = usize::try_from(state.services.data.capacity()).unwrap_or(usize::MAX);
                state.services.data.share_through(Arc::new(
                    crate::session::store::SharedCache::new(
                        store.clone(),
                        &state.services.name,
                        bound,
                    ),
                ));
            }
        }
        run_all(listener, states, shutdown_signal()).await?;
        if let Some(store) = &store {
            store.retire().await;
        }
        drop(watchers);
        Ok::<_, anyhow::Error>(0)
    })
}

fn mib_bytes(mib: u64) -> usize {
    usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
}

/// Loads every app of an apps root onto one engine: one worker pool and
/// one set of `script_threads` for all of them, shared fairly and within
/// each app's share; each app under `/<name>` with its own limits, caches
/// and sessions.
pub fn load_apps(
    engine: &Arc<PageEngine>,
    tenants: &[crate::app::tenant::Tenant],
    script_threads: usize,
    defaults: &AppSettings,
    server: &ServerSettings,
    build: &BuildOptions,
) -> anyhow::Result<Vec<Arc<ServerState>>> {
    let executor = Arc::new(crate::runtime::services::executor::Executor::new(
        defaults.worker_threads,
    )?);
    let builds = Arc::new(crate::runtime::services::build_pool(tenants.len())?);
    let shares = crate::app::tenant::fair_shares(tenants, script_threads, defaults.worker_threads);
    // The shares of all apps fit in the pool, so one app at its share never
    // makes another's instantiation fail: as needed when the pool holds them
    // all (as `serve` sizes it), else an equal part each at most.
    let slots = engine.instance_slots() as usize;
    let most = if shares.iter().map(|s| s.instances).sum::<usize>() <= slots {
        usize::MAX
    } else {
        slots / tenants.len().max(1)
    };
    let mut loaded = Vec::with_capacity(tenants.len());
    for (tenant, share) in tenants.iter().zip(shares) {
        eprintln!("Loading app {} from {}", tenant.name, tenant.dir.display());
        let loaded_app = match &tenant.failure {
            Some(error) => Err(anyhow::anyhow!("{error}")),
            None => engine
                .for_app(tenant.limits.clone(), tenant.grants.clone())
                .and_then(|view| view.with_instance_share(share.instances.min(most))),
        };
        // An app that cannot be loaded is reported and serves no pages; the
        // other apps are served as usual.
        let (app_engine, app) = match loaded_app {
            Ok(app_engine) => {
                let app = App::load(
                    app_engine.clone(),
                    &tenant.pages(),
                    build.clone(),
                    &mut |step| eprintln!("  building {step}"),
                );
                (app_engine, app)
            }
            Err(error) => {
                let view = engine.with_instance_share(1)?;
                let app = App::not_loaded(view.clone(), &tenant.dir, &tenant.name, &error);
                (view, app)
            }
        };
        for failure in app.failures() {
            eprintln!(
                "  app {}: {} failed to load: {}",
                tenant.name, failure.name, failure.error
            );
        }
        let settings = AppSettings {
            cache_bytes: tenant
                .config
                .cache_mib
                .map_or(defaults.cache_bytes, |mib| mib << 20),
            concurrent_runs: Some(share.runs),
            worker_share: Some(share.workers),
            title: Some(tenant.title()),
            cache_clear_allowed: tenant
                .config
                .cache_clear
                .unwrap_or(defaults.cache_clear_allowed),
            cache_clear_interval: tenant
                .config
                .cache_clear_interval
                .map_or(defaults.cache_clear_interval, Duration::from_secs),
            ..defaults.clone()
        };
        let services = AppServices::shared(
            &tenant.name,
            app_engine,
            settings,
            executor.clone(),
            builds.clone(),
        );
        loaded.push((tenant, app, services));
    }
    let Some((_, _, first)) = loaded.first() else {
        anyhow::bail!("no apps to serve");
    };
    let runner = Arc::new(Runner::with_services(
        engine.clone(),
        script_threads,
        first.clone(),
    )?);
    Ok(loaded
        .into_iter()
        .map(|(tenant, app, services)| {
            let settings = ServerSettings {
                message_bytes: tenant.config.message_bytes.unwrap_or(server.message_bytes),
                session_state_app_bytes: tenant
                    .config
                    .session_state_app_mib
                    .map_or(server.session_state_app_bytes, mib_bytes),
                access: tenant.access.clone(),
                ..server.clone()
            };
            let base = format!("/{}", tenant.name);
            ServerState::for_app(app, runner.clone(), services, settings, &base)
        })
        .collect())
}

/// Serves on `listener` until `stop` resolves, then shuts down gracefully.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: Arc<ServerState>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_all(listener, vec![state], stop).await
}

/// Serves every app in `states` on `listener` until `stop` resolves, then
/// shuts them all down gracefully. Connections are admitted, timed and
/// checked by [`crate::web::http::serve`] with the first app's settings (the
/// admission and HTTP settings are the server's, shared by every app).
pub async fn run_all(
    listener: tokio::net::TcpListener,
    states: Vec<Arc<ServerState>>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let Some(first) = states.first() else {
        anyhow::bail!("no apps to serve");
    };
    let admission = first.settings.admission.clone();
    let http = first.settings.http.clone();
    let router = router(&states);
    let for_shutdown = states.clone();
    let drain = first.settings.drain;
    crate::web::http::serve(listener, router, admission, http, async move {
        stop.await;
        tracing::info!("shutting down: cancelling runs and closing sessions");
        for state in &for_shutdown {
            state.begin_shutdown();
        }
        // Still listening (and refusing new sessions) until the load
        // balancer has seen `/_/ready` fail.
        if !drain.is_zero() {
            tracing::info!("draining: listening {drain:?} more (--drain-seconds)");
            tokio::time::sleep(drain).await;
        }
    })
    .await;
    for state in &states {
        state.sessions.close();
    }
    let all = futures_util::future::join_all(states.iter().map(|s| s.sessions.wait()));
    if tokio::time::timeout(SHUTDOWN_WAIT, all).await.is_err() {
        tracing::warn!("some sessions did not close within {SHUTDOWN_WAIT:?}");
    }
    Ok(())
}

/// Lifts the soft limit on open files to the hard one, so that
/// `max_connections` connections can be open; warns when it cannot.
fn raise_descriptor_limit(max_connections: usize) {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write `limit`.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return;
            }
            if limit.rlim_cur < limit.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: limit.rlim_max,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit = raised;
                }
            }
        }
        // Pages, caches and the listener need descriptors too.
        let wanted = max_connections as u64 + 256;
        if limit.rlim_cur < wanted {
            eprintln!(
                "warning: this process may open {} files, fewer than max_connections ({max_connections}) \
                 needs; lower --max-connections or raise the limit (ulimit -n)",
                limit.rlim_cur
            );
        }
    }
}

/// Keeps this replica's hold on its sessions in the shared store: renews
/// its liveness four times a lease, and touches the stored copies of its
/// connected sessions three times a grace period (so a session connected
/// longer than the grace period is not forgotten by the store).
pub fn spawn_store_keeper(
    states: Vec<Arc<ServerState>>,
    store: Arc<crate::session::store::SharedStore>,
) {
    let Some(grace) = states.first().map(|s| s.settings.session_grace) else {
        return;
    };
    // The heartbeat on its own task: however long touching many sessions
    // takes, the replica's liveness is renewed on time.
    let beating = store.clone();
    tokio::spawn(async move {
        let beat = (beating.replica_lease() / 4).max(Duration::from_millis(25));
        let mut heartbeat = tokio::time::interval(beat);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            heartbeat.tick().await;
            beating.heartbeat().await;
        }
    });
    tokio::spawn(async move {
        let every = (grace / 3).clamp(Duration::from_millis(100), Duration::from_secs(30));
        // Never shorter than three touches, so a key outlives a late one.
        let ttl = grace.max(every * 3);
        let mut touch = tokio::time::interval(every);
        touch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            touch.tick().await;
            for state in &states {
                let ids = state.parked.connected_ids();
                store.touch(&state.services.name, &ids, ttl).await;
            }
        }
    });
}

/// Drops sessions whose tab did not come back within the grace period.
pub fn spawn_sweeper(state: Arc<ServerState>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            state.parked.sweep();
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
