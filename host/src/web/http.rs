//! The HTTP layer under the routes: one task per TCP connection holding an
//! admission ticket from accept to close (WebSockets included), header-read
//! and idle timeouts, the `Host` allow list that closes DNS rebinding, and
//! the security headers every response carries.

use crate::web::admission::{Admission, Refusal, Ticket};
use anyhow::{bail, Context as _};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderName, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse as _;
use axum::Router;
use http_body_util::BodyExt as _;
use hyper_util::rt::TokioIo;
use ipnet::IpNet;
use parking_lot::Mutex;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, Semaphore};
use tokio::time::Instant;
use tokio_util::task::TaskTracker;

/// The HTTP settings of a server, shared by all its apps.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// How long a client may take to send a request's headers, counted from
    /// the request's first byte (from accept for a connection's first
    /// request); past it the connection is closed.
    pub header_read_timeout: Duration,
    /// How long an open connection may wait between requests (keep-alive);
    /// past it the connection is closed.
    pub idle_timeout: Duration,
    /// The host names requests may name in `Host` (`allowed_hosts`).
    pub allowed_hosts: AllowedHosts,
    /// Client addresses that may read `/_/metrics` (`metrics_allow`).
    pub metrics_allow: Vec<IpNet>,
    /// The headers added to every response.
    pub security: SecurityHeaders,
    /// Content-Security-Policy violations browsers reported (counted; shown
    /// in `/_/metrics`).
    pub csp_violations: Arc<AtomicU64>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            allowed_hosts: AllowedHosts::default(),
            metrics_allow: loopback(),
            security: SecurityHeaders::default(),
            csp_violations: Arc::default(),
        }
    }
}

impl HttpSettings {
    /// Whether `client` may read `/_/metrics`.
    pub fn metrics_allowed(&self, client: IpAddr) -> bool {
        let client = client.to_canonical();
        self.metrics_allow.iter().any(|net| net.contains(&client))
    }
}

/// The default `metrics_allow`: the loopback addresses.
pub fn loopback() -> Vec<IpNet> {
    vec![
        IpNet::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8).expect("a valid prefix"),
        IpNet::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 128).expect("a valid prefix"),
    ]
}

/// Parses the entries of `setting` (`--metrics-allow`, `--trusted-proxy`):
/// an address (`10.0.0.7`) or a network (`10.0.0.0/8`, `fd00::/8`).
pub fn parse_networks(setting: &str, entries: &[String]) -> anyhow::Result<Vec<IpNet>> {
    entries
        .iter()
        .map(|entry| {
            let entry = entry.trim();
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    anyhow::anyhow!(
                        "{setting}: {entry:?} is neither an IP address nor a network \
                         such as 10.0.0.0/8"
                    )
                })
        })
        .collect()
}

/// The host names this server answers to. A request naming another host in
/// `Host` (a DNS name an attacker pointed at this machine) is refused.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    any: bool,
    entries: Vec<HostEntry>,
}

#[derive(Debug, Clone, PartialEq)]
struct HostEntry {
    host: Host,
    port: Option<u16>,
}

/// A host name, lowercase without a trailing dot, or an address.
#[derive(Debug, Clone, PartialEq)]
enum Host {
    Name(String),
    Ip(IpAddr),
}

/// The names always allowed: this machine's loopback names.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

impl Default for AllowedHosts {
    fn default() -> Self {
        AllowedHosts::new(&[], None).expect("the loopback names parse")
    }
}

impl AllowedHosts {
    /// `localhost`, `127.0.0.1`, `[::1]`, `bind` when it is one address
    /// (not `0.0.0.0` or `::`), and `extra`: names or addresses, each with
    /// an optional port (without one, any port matches). `*` alone allows
    /// every name (and so no protection against DNS rebinding).
    pub fn new(extra: &[String], bind: Option<IpAddr>) -> anyhow::Result<AllowedHosts> {
        let mut hosts = AllowedHosts {
            any: false,
            entries: Vec::new(),
        };
        for name in LOOPBACK_NAMES {
            hosts.entries.push(parse_authority(name)?);
        }
        if let Some(ip) = bind.filter(|ip| !ip.is_unspecified()) {
            hosts.entries.push(HostEntry {
                host: Host::Ip(ip.to_canonical()),
                port: None,
            });
        }
        for entry in extra {
            let entry = entry.trim();
            if entry == "*" {
                hosts.any = true;
                continue;
            }
            let parsed = parse_authority(entry).with_context(|| {
                format!(
                    "allowed_hosts: {entry:?} is not a host name or address with an optional \
                     port (such as example.com, example.com:8443, 192.0.2.7 or [2001:db8::7])"
                )
            })?;
            hosts.entries.push(parsed);
        }
        Ok(hosts)
    }

    /// Whether a request with this `Host` value may be served. An address
    /// equal to the one the client connected to (`local`) is always
    /// allowed: an address is not a name a DNS rebinding can bring.
    pub fn allows(&self, host: &str, local: Option<IpAddr>) -> bool {
        if self.any {
            return true;
        }
        let Ok(asked) = parse_authority(host) else {
            return false;
        };
        if let (Host::Ip(ip), Some(local)) = (&asked.host, local) {
            if *ip == local.to_canonical() {
                return true;
            }
        }
        self.entries.iter().any(|allowed| {
            allowed.host == asked.host
                && match (allowed.port, asked.port) {
                    (None, _) => true,
                    (Some(want), Some(got)) => want == got,
                    // No port in `Host`: the scheme's default.
                    (Some(want), None) => want == 80 || want == 443,
                }
        })
    }

    /// Whether every name is allowed (`*`).
    pub fn allows_any(&self) -> bool {
        self.any
    }
}

/// Reads `name[:port]`, `address[:port]` or `[v6 address][:port]`.
fn parse_authority(text: &str) -> anyhow::Result<HostEntry> {
    if text.is_empty() || text.contains(['@', '/', '?', '#', '*', ' ']) {
        bail!("not a host name");
    }
    let authority: axum::http::uri::Authority = text.parse().context("not a host name")?;
    let host = authority.host();
    let port = authority.port_u16();
    if authority.as_str().ends_with(':') {
        bail!("an empty port");
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let host = match bare.parse::<IpAddr>() {
        Ok(ip) => Host::Ip(ip.to_canonical()),
        Err(_) if host.starts_with('[') => bail!("not an IPv6 address"),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            if name.is_empty() {
                bail!("an empty name");
            }
            Host::Name(name)
        }
    };
    Ok(HostEntry { host, port })
}

/// The headers every response carries: a Content-Security-Policy under
/// which the app shell reaches only its own origin, framing refused, no
/// content sniffing and no referrer.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        SecurityHeaders::new(&[], &[]).expect("the default policy is valid")
    }
}

/// Where browsers report violations of the policy.
pub const CSP_REPORT_PATH: &str = "/_/csp-report";

impl SecurityHeaders {
    /// The policy with `extra_origins` (`https://cdn.example.com`) allowed
    /// besides the server's own origin for scripts, styles, images, fonts
    /// and connections (`csp_allow_origins`), and pages framed only by
    /// `frame_ancestors` (origins or `'self'`; none by default).
    pub fn new(extra_origins: &[String], frame_ancestors: &[String]) -> anyhow::Result<Self> {
        Self::with_sources(extra_origins, frame_ancestors, &[], &[])
    }

    /// The policy of [`new`](Self::new), with images also allowed from
    /// `image_origins` (the map tile source), and frames (`iframe`) from
    /// `frame_origins` besides the server's own pages (`frame-src`).
    pub fn with_sources(
        extra_origins: &[String],
        frame_ancestors: &[String],
        image_origins: &[String],
        frame_origins: &[String],
    ) -> anyhow::Result<Self> {
        for origin in frame_origins {
            check_source(origin, false).with_context(|| format!("frame_origins: {origin:?}"))?;
        }
        let frames = frame_origins
            .iter()
            .map(|o| format!(" {o}"))
            .collect::<String>();
        for origin in image_origins {
            check_source(origin, false).with_context(|| format!("map tiles: {origin:?}"))?;
        }
        let images = image_origins
            .iter()
            .map(|o| format!(" {o}"))
            .collect::<String>();
        for origin in extra_origins {
            check_source(origin, false)
                .with_context(|| format!("csp_allow_origins: {origin:?}"))?;
        }
        for origin in frame_ancestors {
            check_source(origin, true).with_context(|| format!("frame_ancestors: {origin:?}"))?;
        }
        let extra = extra_origins
            .iter()
            .map(|o| format!(" {o}"))
            .collect::<String>();
        let ancestors = if frame_ancestors.is_empty() {
            "'none'".to_owned()
        } else {
            frame_ancestors.join(" ")
        };
        // Charts run Vega with its expression interpreter (`ast: true` in
        // `elements.js`), so no 'unsafe-eval'; 'wasm-unsafe-eval' lets the
        // vendored Graphviz compile its WebAssembly (it cannot evaluate
        // JavaScript). Styles allow 'unsafe-inline': Markdown tables align
        // cells with `style` attributes and Vega sets styles; CSS can load
        // only what img-src and font-src allow.
        let policy = format!(
            "default-src 'self'{extra}; script-src 'self' 'wasm-unsafe-eval'{extra}; \
             style-src 'self' 'unsafe-inline'{extra}; img-src 'self' data:{extra}{images}; \
             font-src 'self'{extra}; connect-src 'self'{extra}; media-src 'self'{extra}; \
             frame-src 'self'{frames}; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors {ancestors}; report-uri {CSP_REPORT_PATH}"
        );
        let mut headers = vec![
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&policy).context("the Content-Security-Policy")?,
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ];
        // X-Frame-Options cannot name origins: only with no ancestors or
        // the server's own.
        if frame_ancestors.is_empty() {
            headers.push((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")));
        } else if frame_ancestors == ["'self'"] {
            headers.push((
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            ));
        }
        Ok(SecurityHeaders { headers })
    }

    /// Adds the headers to `response`, replacing any of the same name,
    /// except that a response that set its own Content-Security-Policy (a
    /// media item, sandboxed or framed by the app's pages) keeps it and its
    /// framing rule.
    pub fn apply(&self, headers: &mut axum::http::HeaderMap) {
        let own_policy = headers.contains_key(header::CONTENT_SECURITY_POLICY);
        for (name, value) in &self.headers {
            if own_policy
                && (name == header::CONTENT_SECURITY_POLICY || name == header::X_FRAME_OPTIONS)
            {
                continue;
            }
            headers.insert(name.clone(), value.clone());
        }
    }

    /// The headers as HTTP/1.1 header lines.
    fn lines(&self) -> String {
        self.headers
            .iter()
            .map(|(name, value)| format!("{name}: {}\r\n", value.to_str().unwrap_or_default()))
            .collect()
    }
}

/// The origin (`scheme://host[:port]`) of a URL template such as a tile
/// source's `https://tile.example.org/{z}/{x}/{y}.png`.
pub fn origin_of(url: &str) -> anyhow::Result<String> {
    let parsed = url::Url::parse(url).with_context(|| format!("--map-tiles {url:?}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        anyhow::bail!("--map-tiles {url:?}: give an http or https URL with {{z}}, {{x}} and {{y}}");
    }
    Ok(parsed.origin().ascii_serialization())
}

/// An origin as a CSP source: `scheme://host[:port]` (`*.` allowed at the
/// start of the host), or `'self'` where allowed. Nothing that could end
/// the directive or add another.
fn check_source(origin: &str, self_allowed: bool) -> anyhow::Result<()> {
    if self_allowed && origin == "'self'" {
        return Ok(());
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        bail!("expected an origin such as https://example.com");
    };
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '*'))
        && !rest.trim_start_matches("*.").contains('*');
    if !scheme_ok || !rest_ok {
        bail!("expected an origin such as https://example.com (no path, quotes, spaces or ';')");
    }
    Ok(())
}

/// Most refused connections being answered at once; past it they are
/// closed without an answer.
const MAX_REFUSING: usize = 256;

/// How long a refused connection is kept to deliver its answer.
const REFUSAL_WAIT: Duration = Duration::from_secs(2);

/// How long shutdown waits for open HTTP exchanges to finish.
const DRAIN_WAIT: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `stop` resolves: each accepted
/// connection first gets an admission ticket (refused with 503 or 429 and
/// the setting's name past the limits), then is served by hyper's HTTP/1
/// with upgrades (WebSockets keep the ticket until they close), within
/// `settings`' timeouts. On `stop`, accepting ends and open connections
/// finish their exchange and close.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    admission: Arc<Admission>,
    settings: Arc<HttpSettings>,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    let (closing, closed) = watch::channel(false);
    let connections = TaskTracker::new();
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors or memory: the connection waits in the
                // backlog; try again shortly.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::select! {
                    _ = &mut stop => break,
                    _ = tokio::time::sleep(Duration::from_millis(50)) => continue,
                }
            }
        };
        match admission.connect(remote.ip().to_canonical()) {
            Ok(ticket) => {
                connections.spawn(serve_connection(
                    stream,
                    remote,
                    ticket,
                    router.clone(),
                    settings.clone(),
                    closed.clone(),
                ));
            }
            Err(refusal) => {
                if let Ok(permit) = refusing.clone().try_acquire_owned() {
                    let security = settings.security.clone();
                    tokio::spawn(async move {
                        refuse(stream, refusal, &security).await;
                        drop(permit);
                    });
                }
            }
        }
    }
    drop(listener);
    let _ = closing.send(true);
    connections.close();
    if tokio::time::timeout(DRAIN_WAIT, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish within {DRAIN_WAIT:?}");
    }
}

/// Answers a connection past the limits with the refusal and closes it,
/// reading what the client sent meanwhile so the answer is not lost to a
/// reset.
async fn refuse(mut stream: TcpStream, refusal: Refusal, security: &SecurityHeaders) {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let body = format!("{}\n", refusal.message);
    let answer = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\nretry-after: 1\r\n{}\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Refused"),
        body.len(),
        security.lines(),
    );
    let _ = tokio::time::timeout(REFUSAL_WAIT, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        let mut left: usize = 64 * 1024;
        while left > 0 {
            let n = stream.read(&mut sink).await?;
            if n == 0 {
                break;
            }
            left = left.saturating_sub(n);
        }
        Ok::<_, io::Error>(())
    })
    .await;
}

/// Where a connection is between requests, for its timeouts.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for a request: since when, and whether one came before.
    Waiting { since: Instant, first: bool },
    /// A request's head is arriving: since its first byte.
    Head { since: Instant },
    /// Requests being answered (their responses not yet sent).
    Busy(usize),
}

/// A connection's phase, moved by its reads and its requests.
struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Activity {
    fn new() -> Arc<Activity> {
        Arc::new(Activity {
            phase: Mutex::new(Phase::Waiting {
                since: Instant::now(),
                first: true,
            }),
            changed: Notify::new(),
        })
    }

    fn bytes_arrived(&self) {
        let mut phase = self.phase.lock();
        if let Phase::Waiting { .. } = *phase {
            *phase = Phase::Head {
                since: Instant::now(),
            };
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request's head arrived; the guard marks its response sent.
    fn begin(self: &Arc<Self>) -> Exchange {
        let mut phase = self.phase.lock();
        *phase = match *phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            _ => Phase::Busy(1),
        };
        drop(phase);
        self.changed.notify_one();
        Exchange {
            activity: self.clone(),
        }
    }

    /// When the connection is to be closed, if nothing happens before.
    fn deadline(&self, settings: &HttpSettings) -> Option<Instant> {
        match *self.phase.lock() {
            Phase::Waiting { since, first: true } | Phase::Head { since } => {
                Some(since + settings.header_read_timeout)
            }
            Phase::Waiting {
                since,
                first: false,
            } => Some(since + settings.idle_timeout),
            Phase::Busy(_) => None,
        }
    }
}

/// One request being answered.
struct Exchange {
    activity: Arc<Activity>,
}

impl Drop for Exchange {
    fn drop(&mut self) {
        let mut phase = self.activity.phase.lock();
        *phase = match *phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Waiting {
                since: Instant::now(),
                first: false,
            },
        };
        drop(phase);
        self.activity.changed.notify_one();
    }
}

/// A client's TCP stream, holding its admission ticket (so an upgraded
/// WebSocket, which takes the stream, holds it too) and telling its
/// activity when bytes arrive.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
    _ticket: Ticket,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_arrived();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// What each request of one connection needs.
struct Connection {
    router: Router,
    remote: SocketAddr,
    local: Option<IpAddr>,
    settings: Arc<HttpSettings>,
    activity: Arc<Activity>,
}

async fn serve_connection(
    stream: TcpStream,
    remote: SocketAddr,
    ticket: Ticket,
    router: Router,
    settings: Arc<HttpSettings>,
    mut closing: watch::Receiver<bool>,
) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "could not set TCP_NODELAY");
    }
    let activity = Activity::new();
    let connection = Arc::new(Connection {
        router,
        remote,
        local: stream.local_addr().ok().map(|a| a.ip()),
        settings: settings.clone(),
        activity: activity.clone(),
    });
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
        _ticket: ticket,
    });
    let service = hyper::service::service_fn(move |request| answer(connection.clone(), request));
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        let deadline = activity.deadline(&settings);
        let expired = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "a connection ended with an error");
                }
                return;
            }
            _ = expired => {
                if activity.deadline(&settings).is_some_and(|at| at <= Instant::now()) {
                    // Dropping the connection closes it.
                    tracing::debug!(%remote, "closing a connection past its header or idle timeout");
                    return;
                }
            }
            _ = activity.changed.notified() => {}
            _ = closing.changed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// One request: refused unless its `Host` is allowed, else routed; the
/// security headers added either way.
async fn answer(
    connection: Arc<Connection>,
    mut request: Request<hyper::body::Incoming>,
) -> Result<Response<Body>, Infallible> {
    let exchange = connection.activity.begin();
    let settings = &connection.settings;
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    let allowed = host
        .as_deref()
        .is_some_and(|h| settings.allowed_hosts.allows(h, connection.local));
    let mut response = if allowed {
        request
            .extensions_mut()
            .insert(ConnectInfo(connection.remote));
        let mut router = connection.router.clone();
        match tower_service::Service::call(&mut router, request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    } else {
        let named = host.as_deref().unwrap_or("");
        let named: String = named.chars().take(100).collect();
        (
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server does not answer to the host name {named:?}: it is not one of its \
                 allowed_hosts (the operator adds names with --allowed-host)\n"
            ),
        )
            .into_response()
    };
    settings.security.apply(response.headers_mut());
    // The exchange ends when hyper drops the body: sent, or the client gone.
    let (parts, body) = response.into_parts();
    let body = body.map_frame(move |frame| {
        let _keep = &exchange;
        frame
    });
    Ok(Response::from_parts(parts, Body::new(body)))
}

/// Counts a violation report a browser sent to [`CSP_REPORT_PATH`].
pub async fn csp_report(
    axum::extract::State(settings): axum::extract::State<Arc<HttpSettings>>,
    body: axum::body::Bytes,
) -> StatusCode {
    settings.csp_violations.fetch_add(1, Ordering::Relaxed);
    let text = String::from_utf8_lossy(&body[..body.len().min(2048)]);
    tracing::info!(report = %text, "a browser reported a Content-Security-Policy violation");
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn hosts_are_matched_by_name_and_port() {
        let hosts = AllowedHosts::new(
            &["Example.COM".into(), "pinned.example:8443".into()],
            ip("192.0.2.1"),
        )
        .unwrap();
        let local = ip("127.0.0.1");
        for ok in [
            "localhost",
            "localhost:8501",
            "LOCALHOST.:1",
            "127.0.0.1:8501",
            "[::1]:8501",
            "192.0.2.1:80",
            "example.com",
            "example.com.:8501",
            "pinned.example:8443",
        ] {
            assert!(hosts.allows(ok, local), "{ok} is allowed");
        }
        for refused in [
            "evil.example",
            "evil.example:8501",
            "localhost.evil.example",
            "pinned.example:8501",
            "user@localhost",
            "",
            "127.0.0.2",
            "[::2]",
            "localhost/x",
            "*",
        ] {
            assert!(!hosts.allows(refused, local), "{refused} is refused");
        }
        // The address the client connected to is no DNS name.
        assert!(hosts.allows("10.1.2.3:8501", ip("10.1.2.3")));
        assert!(!hosts.allows("10.1.2.4:8501", ip("10.1.2.3")));
        let any = AllowedHosts::new(&["*".into()], None).unwrap();
        assert!(any.allows("evil.example", None));
    }

    #[test]
    fn bad_entries_are_refused_by_name() {
        for bad in [
            "http://example.com",
            "example.com/x",
            "a@b",
            "*.example.com",
            "[zz]",
        ] {
            let error = AllowedHosts::new(&[bad.into()], None).unwrap_err();
            assert!(format!("{error:#}").contains("allowed_hosts"), "{error:#}");
        }
        for bad in [
            "https://x.example; script-src *",
            "'unsafe-eval'",
            "x.example",
        ] {
            let error = SecurityHeaders::new(&[bad.into()], &[]).unwrap_err();
            assert!(
                format!("{error:#}").contains("csp_allow_origins"),
                "{error:#}"
            );
        }
        assert!(SecurityHeaders::new(&[], &["'none'".into()]).is_err());
        assert!(
            SecurityHeaders::new(&["https://*.cdn.example".into()], &["'self'".into()]).is_ok()
        );
        let error = parse_networks("metrics_allow", &["10.0.0.0/33".into()]).unwrap_err();
        assert!(error.to_string().contains("metrics_allow"), "{error}");
    }

    #[test]
    fn metrics_addresses_are_matched_by_network() {
        let settings = HttpSettings {
            metrics_allow: parse_networks(
                "metrics_allow",
                &["10.0.0.0/8".into(), "fd00::7".into()],
            )
            .unwrap(),
            ..HttpSettings::default()
        };
        assert!(settings.metrics_allowed("10.9.9.9".parse().unwrap()));
        assert!(settings.metrics_allowed("::ffff:10.9.9.9".parse().unwrap()));
        assert!(settings.metrics_allowed("fd00::7".parse().unwrap()));
        assert!(!settings.metrics_allowed("127.0.0.1".parse().unwrap()));
        assert!(HttpSettings::default().metrics_allowed("127.0.0.1".parse().unwrap()));
        assert!(HttpSettings::default().metrics_allowed("::1".parse().unwrap()));
        assert!(!HttpSettings::default().metrics_allowed("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn only_the_operators_tile_origin_joins_the_image_sources() {
        let origin = origin_of("https://tile.example.org/{z}/{x}/{y}.png").unwrap();
        assert_eq!(origin, "https://tile.example.org");
        let mut headers = axum::http::HeaderMap::new();
        SecurityHeaders::with_sources(&[], &[], &[origin], &[])
            .unwrap()
            .apply(&mut headers);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("img-src 'self' data: https://tile.example.org;"),
            "{csp}"
        );
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        for bad in [
            "javascript:alert(1)",
            "ftp://x.y/{z}",
            "/relative/{z}/{x}/{y}",
        ] {
            assert!(origin_of(bad).is_err(), "{bad}");
        }
        // A response with a policy of its own (a media item) keeps it.
        let mut own = axum::http::HeaderMap::new();
        own.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        );
        SecurityHeaders::default().apply(&mut own);
        assert_eq!(
            own[header::CONTENT_SECURITY_POLICY],
            "sandbox; default-src 'none'"
        );
        assert_eq!(own[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn the_policy_keeps_pages_on_their_origin() {
        let mut headers = axum::http::HeaderMap::new();
        SecurityHeaders::default().apply(&mut headers);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'self';"), "{csp}");
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("frame-src 'self';"), "{csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{csp}");
        // Frames come from the frame origins, not from the other origins.
        let cdn = "https://cdn.example.com".to_owned();
        let maps = "https://maps.example.com".to_owned();
        let mut headers = axum::http::HeaderMap::new();
        SecurityHeaders::with_sources(std::slice::from_ref(&cdn), &[], &[], &[maps])
            .unwrap()
            .apply(&mut headers);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("frame-src 'self' https://maps.example.com;"),
            "{csp}"
        );
        assert!(
            SecurityHeaders::with_sources(&[], &[], &[], &["https://x; script-src *".into()])
                .is_err()
        );
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    }
}
