//! Outbound HTTP, the capability an operator grants an app: requests reach
//! the hosts on its allow list and nothing else, whatever the page writes in
//! its URL and headers. Each test runs the `outbound` test page against real
//! HTTP servers on 127.0.0.1: an allowed one and a forbidden one whose
//! request log must stay empty.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use host::runtime::engine::{Grants, PageEngine};
use host::runtime::limits::Limits;
use host::runtime::run::{CancelReason, RunOutcome};
use host::runtime::runner::Runner;
use host::runtime::services::outbound::{AllowList, Outbound};
use host::runtime::services::{AppServices, AppSettings};
use parking_lot::Mutex;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tests::runs::{query_string as query, run, start, texts};

/// One request an upstream server received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A real HTTP server on 127.0.0.1:0 that logs every request it gets.
struct Upstream {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    arrived: crossbeam_channel::Receiver<()>,
    _runtime: tokio::runtime::Runtime,
}

impl Upstream {
    fn start() -> Upstream {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (tell, arrived) = crossbeam_channel::unbounded();
        let log = seen.clone();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let app = axum::Router::new().fallback(move |request: Request| {
            let (log, tell) = (log.clone(), tell.clone());
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                let seen = Seen {
                    method: parts.method.to_string(),
                    uri: parts.uri.to_string(),
                    headers: parts
                        .headers
                        .iter()
                        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
                        .collect(),
                    body: body.to_vec(),
                };
                log.lock().push(seen.clone());
                let _ = tell.send(());
                answer(&seen).await
            }
        });
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Upstream {
            addr,
            seen,
            arrived,
            _runtime: runtime,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().clone()
    }
}

/// What the upstream answers, by path.
async fn answer(seen: &Seen) -> Response {
    let (path, query) = seen.uri.split_once('?').unwrap_or((&seen.uri, ""));
    let number = || {
        query
            .split_once('=')
            .and_then(|(_, n)| n.parse::<usize>().ok())
            .unwrap_or(0)
    };
    match path {
        "/hello" => ([("x-upstream", "yes")], "hello").into_response(),
        "/echo" => (StatusCode::CREATED, seen.body.clone()).into_response(),
        "/teapot" => (StatusCode::IM_A_TEAPOT, "short and stout").into_response(),
        "/redirect" => {
            let to = query.strip_prefix("to=").unwrap_or("/hello").to_owned();
            (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
        }
        "/big" => "x".repeat(number()).into_response(),
        "/stream" => {
            // No content-length: the size shows only while reading.
            let chunks = (0..number() / 1000)
                .map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'y'; 1000])));
            Body::from_stream(futures_util::stream::iter(chunks)).into_response()
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            "late".into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Asserts the page's first line is an error of `kind` that says `says`.
fn refused(lines: &[String], kind: &str, says: &str) {
    let first = lines.first().map_or("", String::as_str);
    assert!(
        first.starts_with(&format!("error {kind}:")) && first.contains(says),
        "expected a `{kind}` error saying {says:?}: {lines:?}"
    );
}

/// An app view granted `allow` (none if empty), with its own services and
/// one script thread.
fn app(allow: &[String], limits: Limits) -> (Arc<PageEngine>, Runner) {
    let outbound = if allow.is_empty() {
        None
    } else {
        let list = AllowList::parse(allow).expect("valid allow list");
        Some(Arc::new(Outbound::new(list).expect("client")))
    };
    tests::app_view(
        limits,
        Grants {
            outbound,
            ..Grants::default()
        },
    )
}

/// The page's query string for these parameters.
/// Runs the `outbound` page with `params` and returns the lines it drew.
fn fetch(engine: &Arc<PageEngine>, runner: &Runner, params: &[(&str, &str)]) -> Vec<String> {
    let page = tests::load(engine, "outbound");
    let (report, deltas) = run(runner, &page, &query(params));
    assert_eq!(report.outcome, RunOutcome::Ok, "{:?}", texts(&deltas));
    let lines = texts(&deltas);
    assert_eq!(lines.last().map(String::as_str), Some("done"), "{lines:?}");
    lines
}

#[test]
fn a_granted_host_gets_the_pages_method_headers_and_body() {
    let allowed = Upstream::start();
    let (engine, runner) = app(&[allowed.origin()], Limits::default());
    let lines = fetch(
        &engine,
        &runner,
        &[
            ("url", &allowed.url("/echo")),
            ("method", "POST"),
            ("header", "x-token: abc"),
            ("body", "ping"),
        ],
    );
    assert_eq!(lines[0], "status 201");
    assert_eq!(lines[2], "body ping");
    let seen = allowed.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].body, b"ping");
    assert_eq!(seen[0].header("x-token"), Some("abc"));
    // The Host header is the checked URL's, set by the host.
    assert_eq!(
        seen[0].header("host"),
        Some(allowed.addr.to_string().as_str())
    );

    // Response headers and error statuses come back as they are.
    let lines = fetch(&engine, &runner, &[("url", &allowed.url("/hello"))]);
    assert_eq!(lines[0], "status 200");
    assert!(
        lines.contains(&"header x-upstream: yes".to_owned()),
        "{lines:?}"
    );
    let lines = fetch(&engine, &runner, &[("url", &allowed.url("/teapot"))]);
    assert_eq!(lines[0], "status 418");
    assert_eq!(lines[2], "body short and stout");
}

#[test]
fn an_app_without_the_grant_sends_nothing() {
    let upstream = Upstream::start();
    let (engine, runner) = app(&[], Limits::default());
    let lines = fetch(&engine, &runner, &[("url", &upstream.url("/hello"))]);
    refused(&lines, "denied", "allowed_outbound_hosts");
    assert!(upstream.seen().is_empty());
}

#[test]
fn hosts_and_ports_off_the_list_are_denied_and_never_contacted() {
    let allowed = Upstream::start();
    let forbidden = Upstream::start();
    let (engine, runner) = app(&[allowed.origin()], Limits::default());
    for url in [
        forbidden.url("/hello"),
        // The same machine under another name is another host.
        format!("http://localhost:{}/hello", allowed.addr.port()),
        format!("https://{}/hello", allowed.addr),
    ] {
        let lines = fetch(&engine, &runner, &[("url", &url)]);
        refused(&lines, "denied", "not on this app's allow list");
    }
    assert!(forbidden.seen().is_empty());
    assert!(allowed.seen().is_empty());
}

/// The family of Spin's CVE-2024-32980: a request whose target is not
/// where its URL's host says (no host at all, a user-info prefix, a Host or
/// forwarding header naming another server) must not reach that server.
#[test]
fn tricks_that_hide_the_real_target_are_refused_before_sending() {
    let allowed = Upstream::start();
    let forbidden = Upstream::start();
    let (engine, runner) = app(&[allowed.origin()], Limits::default());
    let evil = forbidden.addr.to_string();
    let cases: Vec<(String, Vec<(&str, String)>)> = vec![
        ("/hello".into(), vec![]),
        (format!("//{evil}/hello"), vec![]),
        (format!("{evil}/hello"), vec![]),
        (format!("http://{}@{evil}/hello", allowed.addr), vec![]),
        (
            allowed.url("/hello"),
            vec![("header", format!("Host: {evil}"))],
        ),
        (
            allowed.url("/hello"),
            vec![("header", format!("X-Forwarded-Host: {evil}"))],
        ),
        (
            allowed.url("/hello"),
            vec![("header", format!("Forwarded: host={evil}"))],
        ),
        (allowed.url("/hello"), vec![("method", "CONNECT".into())]),
        ("file:///etc/passwd".into(), vec![]),
    ];
    for (url, extra) in &cases {
        let mut params = vec![("url", url.as_str())];
        params.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
        let lines = fetch(&engine, &runner, &params);
        assert!(
            lines[0].starts_with("error invalid:"),
            "{url} {extra:?}: {lines:?}"
        );
    }
    // A relative URL is never completed from anything (Spin's bug took the
    // host from the incoming request): it names what is missing.
    let lines = fetch(&engine, &runner, &[("url", "/hello")]);
    assert!(lines[0].contains("not an absolute URL"), "{lines:?}");
    assert!(forbidden.seen().is_empty(), "{:?}", forbidden.seen());
    assert!(allowed.seen().is_empty(), "{:?}", allowed.seen());
}

#[test]
fn redirects_are_followed_within_an_origin_and_never_off_the_list() {
    let allowed = Upstream::start();
    let also_allowed = Upstream::start();
    let forbidden = Upstream::start();
    let (engine, runner) = app(
        &[allowed.origin(), also_allowed.origin()],
        Limits::default(),
    );
    let inside = allowed.url(&format!("/redirect?to={}", allowed.url("/hello")));
    let lines = fetch(
        &engine,
        &runner,
        &[("url", &inside), ("header", "x-key: secret")],
    );
    assert_eq!(lines[0], "status 200");
    assert_eq!(lines[1], format!("url {}", allowed.url("/hello")));
    assert_eq!(lines[2], "body hello");

    // To another allowed origin, the page gets the redirect itself: its
    // headers (an API key) never travel to a host it did not name.
    let across = allowed.url(&format!("/redirect?to={}", also_allowed.url("/hello")));
    let lines = fetch(
        &engine,
        &runner,
        &[("url", &across), ("header", "x-key: secret")],
    );
    assert_eq!(lines[0], "status 302");
    assert!(
        lines.contains(&format!("header location: {}", also_allowed.url("/hello"))),
        "{lines:?}"
    );
    assert!(also_allowed.seen().is_empty());

    let outside = allowed.url(&format!("/redirect?to={}", forbidden.url("/hello")));
    let lines = fetch(&engine, &runner, &[("url", &outside)]);
    refused(&lines, "denied", "a redirect was refused");
    assert!(forbidden.seen().is_empty());
}

#[test]
fn responses_past_outbound_response_bytes_are_refused_by_name() {
    let allowed = Upstream::start();
    let limits = Limits {
        outbound_response_bytes: 4000,
        ..Limits::default()
    };
    let (engine, runner) = app(&[allowed.origin()], limits);
    let lines = fetch(
        &engine,
        &runner,
        &[("url", &allowed.url("/big?bytes=4000"))],
    );
    assert_eq!(lines[0], "status 200");
    for path in ["/big?bytes=4001", "/stream?bytes=9000"] {
        let lines = fetch(&engine, &runner, &[("url", &allowed.url(path))]);
        refused(&lines, "limit", "outbound_response_bytes");
    }
}

#[test]
fn requests_past_their_limits_are_refused_by_name() {
    let allowed = Upstream::start();
    let limits = Limits {
        outbound_requests_per_run: 3,
        outbound_request_bytes: 2000,
        ..Limits::default()
    };
    let (engine, runner) = app(&[allowed.origin()], limits);
    let url = allowed.url("/hello");
    let lines = fetch(&engine, &runner, &[("url", &url), ("times", "5")]);
    let statuses = lines.iter().filter(|l| *l == "status 200").count();
    let refused: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("error limit:"))
        .collect();
    assert_eq!(statuses, 3, "{lines:?}");
    assert_eq!(refused.len(), 2, "{lines:?}");
    assert!(refused[0].contains("outbound_requests_per_run"));
    assert_eq!(allowed.seen().len(), 3);

    let body = "b".repeat(3000);
    let lines = fetch(
        &engine,
        &runner,
        &[("url", &url), ("method", "POST"), ("body", &body)],
    );
    assert!(lines[0].contains("outbound_request_bytes"), "{lines:?}");
    assert_eq!(allowed.seen().len(), 3);
    // What `/_/metrics` reports as wasmlit_outbound_requests_total.
    let counts: std::collections::HashMap<_, _> =
        engine.outbound().expect("granted").counts().collect();
    assert_eq!((counts["ok"], counts["limit"], counts["denied"]), (3, 3, 0));
}

#[test]
fn a_host_that_does_not_answer_times_out_by_name() {
    let allowed = Upstream::start();
    let limits = Limits {
        outbound_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let (engine, runner) = app(&[allowed.origin()], limits);
    let lines = fetch(&engine, &runner, &[("url", &allowed.url("/slow"))]);
    refused(&lines, "limit", "outbound_timeout (300 ms)");
}

#[test]
fn a_cancelled_run_drops_its_request_at_once() {
    let allowed = Upstream::start();
    let (engine, runner) = app(&[allowed.origin()], Limits::default());
    let page = tests::load(&engine, "outbound");
    let (handle, done, _) = start(
        &runner,
        &page,
        &query(&[("url", &allowed.url("/slow"))]),
        "s",
    );
    allowed
        .arrived
        .recv_timeout(Duration::from_secs(30))
        .expect("the request reached the upstream");
    handle.cancel(CancelReason::Replaced);
    // The upstream would answer in 120 s and outbound_timeout is 30 s; the
    // run ends long before either.
    let report = done
        .recv_timeout(Duration::from_secs(10))
        .expect("the run ended after its cancel");
    assert_eq!(report.outcome, RunOutcome::Replaced);
}

#[test]
fn jobs_may_fetch_within_the_same_grant() {
    let allowed = Upstream::start();
    let forbidden = Upstream::start();
    let (engine, runner) = app(&[allowed.origin()], Limits::default());
    let lines = fetch(
        &engine,
        &runner,
        &[("url", &allowed.url("/hello")), ("in", "job")],
    );
    assert_eq!(lines[0], "status 200");
    let lines = fetch(
        &engine,
        &runner,
        &[("url", &forbidden.url("/hello")), ("in", "job")],
    );
    refused(&lines, "denied", "");
    assert!(forbidden.seen().is_empty());
}

/// The `fetch` example page, tested as its author would with AppTest.
#[test]
fn the_fetch_example_shows_a_response_or_the_refusal() {
    let upstream = Upstream::start();
    let wasm = tests::page_wasm("fetch");
    let mut at = wasmlit_apptest::AppTest::from_wasm(&wasm).expect("page loads");
    at.run();
    at.text_input("URL").set(upstream.url("/hello")).run();
    at.button("Send").click().run();
    let alerts = at.alerts();
    assert!(
        alerts.len() == 1 && alerts[0].starts_with("Not allowed:"),
        "{alerts:?}"
    );
    assert!(upstream.seen().is_empty());

    let origin = upstream.origin();
    let mut at =
        wasmlit_apptest::AppTest::with_outbound_hosts(&wasm, &[&origin]).expect("page loads");
    at.run();
    at.text_input("URL").set(upstream.url("/hello")).run();
    at.button("Send").click().run();
    assert_eq!(
        at.alerts(),
        [format!("200 from {}", upstream.url("/hello"))]
    );
    assert!(at.exception().is_none());
    assert_eq!(upstream.seen().len(), 1);
}

#[test]
fn an_apps_grant_comes_from_its_app_toml_and_only_its_own() {
    let allowed = Upstream::start();
    let root = tempfile::tempdir().expect("temp dir");
    let granted = format!(
        "[capabilities]\nallowed_outbound_hosts = [\"{}\"]\n",
        allowed.origin()
    );
    let engine = tests::engine();
    for (name, text, expect_ok) in [("sales", granted.as_str(), true), ("hr", "", false)] {
        let dir = root.path().join(name);
        std::fs::create_dir_all(&dir).expect("app dir");
        let tenant =
            host::app::tenant::parse(name, &dir, text, &Limits::default(), 8).expect("app.toml");
        let view = engine
            .for_app(tenant.limits.clone(), tenant.grants.clone())
            .expect("app view");
        let services = AppServices::new(view.clone(), AppSettings::default()).expect("services");
        let runner = Runner::with_services(view.clone(), 1, services).expect("runner");
        let lines = fetch(&view, &runner, &[("url", &allowed.url("/hello"))]);
        assert_eq!(lines[0] == "status 200", expect_ok, "{name}: {lines:?}");
    }
    assert_eq!(allowed.seen().len(), 1);
}
