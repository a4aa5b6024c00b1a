//! The HTTP layer against a real server on port 0 and raw sockets: every
//! connection counts against the limits, slow and idle connections are
//! closed, foreign `Host` names are refused (DNS rebinding), every response
//! carries the security headers, and metrics go only to listed addresses.

use host::runtime::limits::Limits;
use host::web::admission::{Admission, AdmissionSettings};
use host::web::http::{parse_networks, AllowedHosts, HttpSettings};
use host::web::server::ServerSettings;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::{TestServer, WsClient, WAIT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn with_http(http: HttpSettings) -> ServerSettings {
    ServerSettings {
        http: Arc::new(http),
        ..ServerSettings::default()
    }
}

fn with_admission(admission: AdmissionSettings) -> ServerSettings {
    ServerSettings {
        admission: Arc::new(Admission::new(admission)),
        ..ServerSettings::default()
    }
}

/// A response read whole: status, header lines (lowercase names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as written on a new connection and reads the answer
/// until the server closes.
async fn exchange(addr: SocketAddr, request: &str) -> Answer {
    let text = tests::http_exchange(addr, request, b"").await;
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line in {text:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// `GET path` naming `host` in `Host`.
async fn get_as(addr: SocketAddr, host: &str, path: &str) -> Answer {
    exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

async fn get(addr: SocketAddr, path: &str) -> Answer {
    get_as(addr, &addr.to_string(), path).await
}

/// Waits (bounded) until the server counts `n` open connections.
async fn until_open(server: &TestServer, n: usize) {
    let deadline = Instant::now() + WAIT;
    while server.state.settings.admission.open() != n {
        assert!(
            Instant::now() < deadline,
            "open connections stayed at {}, not {n}",
            server.state.settings.admission.open()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Reads until the server closes `stream`; returns how long that took.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let start = Instant::now();
    let mut sink = [0u8; 1024];
    loop {
        match tokio::time::timeout(WAIT, stream.read(&mut sink)).await {
            Err(_) => panic!("the server kept the connection open past {WAIT:?}"),
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_connections_are_closed_after_the_header_timeout_and_others_are_served() {
    let timeout = Duration::from_millis(800);
    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        with_http(HttpSettings {
            header_read_timeout: timeout,
            ..HttpSettings::default()
        }),
    )
    .await;
    // Fifty clients start a request and never finish its headers; half of
    // them keep sending a byte now and then.
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(server.addr).await.expect("connects");
        stream
            .write_all(b"GET /counter HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .expect("write");
        slow.push(stream);
    }
    until_open(&server, 50).await;
    // Others are served meanwhile.
    let live = get(server.addr, "/_/live").await;
    assert_eq!((live.status, live.body.as_str()), (200, "ok"));
    for stream in slow.iter_mut().step_by(2) {
        stream.write_all(b"a").await.expect("write");
    }
    for stream in &mut slow {
        let waited = closed_after(stream).await;
        assert!(waited < timeout * 10, "closed after {waited:?}");
    }
    until_open(&server, 0).await;
    let live = get(server.addr, "/_/live").await;
    assert_eq!(live.status, 200);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let idle = Duration::from_millis(600);
    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        with_http(HttpSettings {
            header_read_timeout: Duration::from_secs(60),
            idle_timeout: idle,
            ..HttpSettings::default()
        }),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connects");
    let request = format!("GET /_/live HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream.write_all(request.as_bytes()).await.expect("write");
    // The answer to a keep-alive request, then nothing until the server
    // closes: the idle timeout, not the (far longer) header timeout.
    let mut answer = Vec::new();
    let mut sink = [0u8; 1024];
    while !String::from_utf8_lossy(&answer).ends_with("ok") {
        let n = tokio::time::timeout(WAIT, stream.read(&mut sink))
            .await
            .expect("an answer")
            .expect("readable");
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&sink[..n]);
    }
    let waited = closed_after(&mut stream).await;
    assert!(
        waited >= idle / 2 && waited < Duration::from_secs(30),
        "closed after {waited:?}"
    );
    until_open(&server, 0).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_connections_past_the_limits_are_refused_by_name() {
    for (settings, name) in [
        (
            AdmissionSettings {
                max_connections_per_ip: 3,
                ..AdmissionSettings::default()
            },
            "max_connections_per_ip",
        ),
        (
            AdmissionSettings {
                max_connections: 3,
                ..AdmissionSettings::default()
            },
            "(3, max_connections)",
        ),
    ] {
        let server =
            TestServer::start_with(&["counter"], Limits::default(), with_admission(settings)).await;
        // Three connections that send nothing take every place.
        let mut idle = Vec::new();
        for _ in 0..3 {
            idle.push(TcpStream::connect(server.addr).await.expect("connects"));
        }
        until_open(&server, 3).await;
        let refused = get(server.addr, "/_/live").await;
        assert_eq!(refused.status, 503, "{}", refused.body);
        assert!(refused.body.contains(name), "{}", refused.body);
        assert_eq!(refused.header("x-content-type-options"), Some("nosniff"));
        // A WebSocket is one of those connections too.
        let ws = tokio_tungstenite::connect_async(server.ws_url(None))
            .await
            .expect_err("refused");
        assert!(ws.to_string().contains("503"), "{ws}");
        // A closed connection frees its place.
        drop(idle.pop());
        until_open(&server, 2).await;
        assert_eq!(get(server.addr, "/_/live").await.status, 200);
        let client = WsClient::connect(&server.ws_url(None)).await;
        until_open(&server, 3).await;
        drop(client);
        until_open(&server, 2).await;
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_is_refused_for_http_and_websocket() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let server = TestServer::start(&["counter"]).await;
    let port = server.addr.port();
    let foreign = format!("rebound.example:{port}");
    for path in ["/counter", "/_/live", "/_/app.js", "/_/metrics", "/_/ws"] {
        let answer = get_as(server.addr, &foreign, path).await;
        assert_eq!(answer.status, 421, "{path}: {}", answer.body);
        assert!(answer.body.contains("allowed_hosts"), "{}", answer.body);
    }
    // No Host at all (HTTP/1.0) names no allowed host either.
    let bare = exchange(server.addr, "GET /counter HTTP/1.0\r\n\r\n").await;
    assert_eq!(bare.status, 421);
    // A DNS rebinding page: Origin and Host both name the attacker's name.
    let mut request = server.ws_url(None).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Host", foreign.parse().unwrap());
    request
        .headers_mut()
        .insert("Origin", format!("http://{foreign}").parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request)
        .await
        .expect_err("refused");
    assert!(refused.to_string().contains("421"), "{refused}");
    // The names the server answers to by default.
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_owned(),
    ] {
        assert_eq!(
            get_as(server.addr, &host, "/counter").await.status,
            200,
            "{host}"
        );
    }
    let mut request = server.ws_url(None).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Host", format!("localhost:{port}").parse().unwrap());
    request.headers_mut().insert(
        "Origin",
        format!("http://localhost:{port}").parse().unwrap(),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("a same-origin WebSocket on an allowed name");
    server.shutdown().await;

    // An operator names the host clients use.
    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        with_http(HttpSettings {
            allowed_hosts: AllowedHosts::new(&["apps.example".into()], None).unwrap(),
            ..HttpSettings::default()
        }),
    )
    .await;
    let port = server.addr.port();
    let named = get_as(server.addr, &format!("apps.example:{port}"), "/counter").await;
    assert_eq!(named.status, 200);
    let other = get_as(server.addr, &format!("evil.example:{port}"), "/counter").await;
    assert_eq!(other.status, 421);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::start(&["counter"]).await;
    let foreign = format!("evil.example:{}", server.addr.port());
    let answers = [
        ("shell", get(server.addr, "/counter").await),
        ("script", get(server.addr, "/_/app.js").await),
        ("style", get(server.addr, "/_/app.css").await),
        ("vendored", get(server.addr, "/_/vendor/vega.min.js").await),
        ("missing", get(server.addr, "/_/vendor/nothing.js").await),
        ("unrouted", get(server.addr, "/a/b/c").await),
        ("live", get(server.addr, "/_/live").await),
        ("refused", get_as(server.addr, &foreign, "/counter").await),
    ];
    for (what, answer) in &answers {
        let csp = answer
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{what} ({}) has no CSP", answer.status));
        for directive in [
            "default-src 'self';",
            "script-src 'self' 'wasm-unsafe-eval';",
            "connect-src 'self';",
            "img-src 'self' data:;",
            "object-src 'none';",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{what}: {csp}");
        }
        assert!(!csp.contains("'unsafe-eval'"), "{what}: {csp}");
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
    }
    assert_eq!(answers[0].1.status, 200);
    assert_eq!(answers[4].1.status, 404);
    server.shutdown().await;

    // Operators who embed the apps name who may frame them.
    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        with_http(HttpSettings {
            security: host::web::http::SecurityHeaders::new(
                &["https://cdn.example".into()],
                &["https://portal.example".into()],
            )
            .unwrap(),
            ..HttpSettings::default()
        }),
    )
    .await;
    let shell = get(server.addr, "/counter").await;
    let csp = shell.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("frame-ancestors https://portal.example"),
        "{csp}"
    );
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' https://cdn.example;"),
        "{csp}"
    );
    assert_eq!(shell.header("x-frame-options"), None);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_only_to_listed_addresses() {
    let server = TestServer::start(&["counter"]).await;
    let open = get(server.addr, "/_/metrics").await;
    assert_eq!(open.status, 200, "loopback is listed by default");
    assert!(open.body.contains("wasmlit_runs_total"), "{}", open.body);
    // The server's memory: resident, and (with glibc 2.33 or newer) its
    // heap in use.
    let gauge = |name: &str| -> f64 {
        open.body
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {}", open.body))
    };
    assert!(gauge("wasmlit_process_resident_bytes") > 0.0);
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        assert!(gauge("wasmlit_process_heap_bytes") > 0.0);
    }
    server.shutdown().await;

    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        with_http(HttpSettings {
            metrics_allow: parse_networks("metrics_allow", &["10.0.0.0/8".into()]).unwrap(),
            ..HttpSettings::default()
        }),
    )
    .await;
    let refused = get(server.addr, "/_/metrics").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("metrics_allow"), "{}", refused.body);
    assert!(!refused.body.contains("wasmlit_"), "{}", refused.body);
    // Health stays open to all.
    assert_eq!(get(server.addr, "/_/live").await.status, 200);
    server.shutdown().await;
}
