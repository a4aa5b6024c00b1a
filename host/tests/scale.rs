//! Several replicas behind a real load balancer, sharing sessions through
//! a real Redis: `redis-server`, three `host serve` replicas and HAProxy
//! (with `deploy/haproxy.cfg`), each started on free loopback ports and
//! stopped by the test. A hundred sessions click the counter through
//! HAProxy while replicas are killed, stopped, restarted, and Redis
//! itself restarts; no click whose `run_finished` a client received may be
//! lost, and every session must resume where it was.

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;

/// Sessions clicking at once.
const SESSIONS: usize = 100;

/// A child process killed (and reaped) when dropped, also when a test fails.
struct Process {
    child: Child,
    name: String,
}

impl Process {
    fn signal(&mut self, signal: i32) {
        // SAFETY: sends a signal to a child process this test owns.
        let sent = unsafe { libc::kill(self.child.id() as i32, signal) };
        assert_eq!(sent, 0, "signal to {}", self.name);
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().expect("wait for a child")
    }
}

/// Stops `replica` as a rolling deploy does (SIGTERM); it must exit cleanly.
fn drain(replica: &mut Process) {
    replica.signal(libc::SIGTERM);
    let status = replica.wait();
    assert!(
        status.success(),
        "a drained replica exits cleanly: {status:?}"
    );
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until `port` answers a Redis PING (or panics after `within`).
fn wait_for_redis(port: u16, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
            let mut answer = [0u8; 7];
            if s.write_all(b"PING\r\n").is_ok()
                && s.read_exact(&mut answer).is_ok()
                && &answer == b"+PONG\r\n"
            {
                return;
            }
        }
        assert!(Instant::now() < deadline, "redis-server did not answer");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many sessions the store at `port` holds (a Redis `KEYS` over RESP).
fn stored_sessions(port: u16) -> usize {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"KEYS wasmlit:*:s\r\n").is_err() {
        return 0;
    }
    // The answer starts `*<count>\r\n`.
    let mut header = Vec::new();
    let mut byte = [0u8; 1];
    while s.read_exact(&mut byte).is_ok() && byte[0] != b'\n' {
        header.push(byte[0]);
    }
    String::from_utf8_lossy(&header)
        .trim()
        .trim_start_matches('*')
        .parse()
        .unwrap_or(0)
}

/// The value of metric `name` (its first line) in replica `port`'s metrics.
fn metric(port: u16, name: &str) -> Option<f64> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /_/metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    let line = body.lines().find(|l| {
        l.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
    })?;
    line.rsplit(' ').next()?.parse().ok()
}

/// What replica `port`'s metrics say of the store: up (true), down
/// (false), or nothing (no answer).
fn store_up(port: u16) -> Option<bool> {
    metric(port, "wasmlit_session_store_up").map(|v| v == 1.0)
}

/// Waits until every replica in `ports` says the store is `up` (the
/// degraded mode is visible in the metrics, not only in the log).
async fn until_store_is(ports: &[u16], up: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ports.iter().all(|p| store_up(*p) == Some(up)) {
        assert!(
            Instant::now() < deadline,
            "the replicas' metrics do not say the store is {}",
            if up { "up" } else { "down" }
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn start_redis(port: u16) -> Process {
    start_redis_with(port, &[])
}

fn start_redis_with(port: u16, extra: &[&str]) -> Process {
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server runs (.ci/run installs Debian's redis-server)");
    wait_for_redis(port, Duration::from_secs(10));
    Process {
        child,
        name: "redis-server".into(),
    }
}

/// A replica on `port` as HAProxy's configuration expects it, its log
/// kept for a failure's message.
fn start_replica(dir: &Path, port: u16, redis: u16) -> (Process, Arc<Mutex<String>>) {
    let store = format!("redis://127.0.0.1:{redis}");
    start_replica_with(dir, port, &store, &["--drain-seconds", "3"])
}

/// A replica on `port` with `extra` arguments.
fn start_replica_with(
    dir: &Path,
    port: u16,
    store: &str,
    extra: &[&str],
) -> (Process, Arc<Mutex<String>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_host"))
        .arg("--no-cache")
        .env("WASMLIT_LOG", "warn")
        .arg("serve")
        .arg(dir)
        .args(["--port", &port.to_string()])
        .args(["--session-store", store])
        .args(["--script-threads", "2", "--trusted-proxy", "127.0.0.1"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the host binary starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let log = Arc::new(Mutex::new(String::new()));
    for line in lines.by_ref() {
        let line = line.expect("the replica's log");
        log.lock().unwrap().push_str(&line);
        log.lock().unwrap().push('\n');
        if line.contains("Open: http://") {
            break;
        }
    }
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            kept.lock().unwrap().push_str(&line);
            kept.lock().unwrap().push('\n');
        }
    });
    (
        Process {
            child,
            name: format!("replica on {port}"),
        },
        log,
    )
}

/// HAProxy with the shipped configuration, its ports replaced by ours.
fn start_haproxy(dir: &Path, port: u16, replicas: &[u16]) -> Process {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/haproxy.cfg"),
    )
    .expect("deploy/haproxy.cfg");
    let mut config = String::new();
    let mut server = 0;
    for line in shipped.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("bind ") {
            config.push_str(&format!("    bind 127.0.0.1:{port}\n"));
        } else if trimmed.starts_with("server ") {
            let replica = replicas[server];
            server += 1;
            config.push_str(&format!(
                "    server r{server} 127.0.0.1:{replica} cookie r{server}\n"
            ));
        } else if trimmed.starts_with("maxconn") {
            // The test's own: a socket to ask which replicas are up.
            config.push_str(&format!(
                "    stats socket {}\n",
                dir.join("haproxy.sock").display()
            ));
        } else {
            config.push_str(line);
            config.push('\n');
        }
    }
    assert_eq!(
        server,
        replicas.len(),
        "the shipped file names three replicas"
    );
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).expect("write the configuration");
    let check = Command::new("haproxy")
        .arg("-c")
        .arg("-f")
        .arg(&path)
        .output()
        .expect("haproxy runs (.ci/run installs Debian's haproxy)");
    assert!(
        check.status.success(),
        "the configuration is valid: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let child = Command::new("haproxy")
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("haproxy starts");
    Process {
        child,
        name: "haproxy".into(),
    }
}

/// Waits until HAProxy (through its stats socket in `dir`) counts `up`
/// replicas as running, as a rolling deploy waits for a new replica's
/// readiness before stopping the next.
async fn until_balancer_sees(dir: &Path, up: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let running = std::os::unix::net::UnixStream::connect(dir.join("haproxy.sock"))
            .and_then(|mut s| {
                s.write_all(b"show servers state replicas\n")?;
                let mut answer = String::new();
                s.read_to_string(&mut answer)?;
                Ok(answer)
            })
            .map(|answer| {
                // Per server: be_id be_name srv_id srv_name srv_addr srv_op_state …
                answer
                    .lines()
                    .filter(|l| l.split_whitespace().nth(5) == Some("2"))
                    .count()
            })
            .unwrap_or(0);
        if running == up {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "HAProxy sees {running} replicas up, not {up}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What one session saw.
#[derive(Debug, Default)]
struct Report {
    /// Its count as the last acknowledged click left it.
    acked: u64,
    /// Clicks sent whose `run_finished` never came (the connection broke).
    unacked: u64,
    /// Reconnects: when the connection broke, and how long it took until
    /// the session was resumed.
    resumes: Vec<(Instant, Duration)>,
    /// What went wrong, if anything.
    failures: Vec<String>,
}

/// The count a run drew, from its `count: N` delta.
fn count_in(messages: &[serde_json::Value]) -> Option<u64> {
    texts(messages)
        .iter()
        .find_map(|text| text.strip_prefix("count: ")?.parse().ok())
}

/// The texts the messages' Markdown elements show, without their paragraph.
fn texts(messages: &[serde_json::Value]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m["element"]["html"].as_str())
        .map(|h| {
            h.trim()
                .trim_start_matches("<p>")
                .trim_end_matches("</p>")
                .to_owned()
        })
        .collect()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads messages until a `run_finished`; `None` when the socket broke
/// first, or the run did not end well (with the messages).
async fn until_finished(ws: &mut Socket) -> Result<Vec<serde_json::Value>, Vec<serde_json::Value>> {
    let mut seen = Vec::new();
    loop {
        let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(20), ws.next()).await
        else {
            return Err(seen);
        };
        let Message::Text(text) = message else {
            continue;
        };
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("JSON from the server");
        let batch = match parsed {
            serde_json::Value::Array(all) => all,
            one => vec![one],
        };
        for m in batch {
            let done = m["type"] == "run_finished";
            let ok = m["status"] == "ok";
            seen.push(m);
            if done {
                return if ok { Ok(seen) } else { Err(seen) };
            }
        }
    }
}

/// Reads messages until a `run_finished`, however the run ended (the
/// gallery shows an exception, so its runs end in `error`); `None` when the
/// socket broke first.
async fn until_run_ends(ws: &mut Socket) -> Option<Vec<serde_json::Value>> {
    match until_finished(ws).await {
        Ok(seen) => Some(seen),
        Err(seen) if seen.last().is_some_and(|m| m["type"] == "run_finished") => Some(seen),
        Err(_) => None,
    }
}

/// Connects through the balancer and says hello (naming `session`, if
/// any); answers the socket and the `session` message.
async fn open(lb: u16, session: Option<&str>) -> Option<(Socket, serde_json::Value)> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{lb}/_/ws"))
        .await
        .ok()?;
    let hello = match session {
        Some(id) => serde_json::json!({"type": "hello", "session": id}),
        None => serde_json::json!({"type": "hello"}),
    };
    ws.send(hello.to_string().into()).await.ok()?;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = message {
            let m: serde_json::Value = serde_json::from_str(&text).ok()?;
            if m["type"] == "session" {
                return Some((ws, m));
            }
        }
    }
}

/// One browser tab: clicks the counter until told to stop, reconnecting
/// (with its session id, as the app shell does) whenever the connection
/// breaks, and checks after every click and resume that the count is
/// exactly what its acknowledged clicks made it.
async fn session(
    lb: u16,
    stop: Arc<AtomicBool>,
    progress: Arc<AtomicU64>,
    tick: Arc<Notify>,
) -> Report {
    let mut report = Report::default();
    let Some((mut ws, hello)) = open(lb, None).await else {
        report.failures.push("could not connect".into());
        return report;
    };
    let id = hello["id"].as_str().unwrap_or_default().to_owned();
    let rerun = |widgets: serde_json::Value| {
        serde_json::json!({"type": "rerun", "page": "counter", "widgets": widgets}).to_string()
    };
    let mut button: Option<String> = None;
    let mut in_flight = false;
    let mut broke: Option<Instant> = None;
    loop {
        if let Some(since) = broke.take() {
            // Reconnect as the app shell does: name the session, rerun the page.
            let mut opened = None;
            for _ in 0..100 {
                if let Some(o) = open(lb, Some(&id)).await {
                    opened = Some(o);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let Some((socket, hello)) = opened else {
                report.failures.push("could not reconnect".into());
                return report;
            };
            ws = socket;
            if hello["resumed"] != true {
                report.failures.push(format!(
                    "session not resumed at {:?} (the connection broke {:?} before): {hello}",
                    std::time::SystemTime::now(),
                    since.elapsed()
                ));
                return report;
            }
            report.resumes.push((since, since.elapsed()));
            if in_flight {
                report.unacked += 1;
                in_flight = false;
            }
            if ws.send(rerun(serde_json::json!({})).into()).await.is_err() {
                broke = Some(since);
                continue;
            }
            match until_finished(&mut ws).await {
                Ok(messages) => {
                    let Some(count) = count_in(&messages) else {
                        report.failures.push("no count after a resume".into());
                        return report;
                    };
                    // A click whose answer never came may or may not have
                    // counted; an acknowledged one always did.
                    if count < report.acked || count > report.acked + report.unacked {
                        report.failures.push(format!(
                            "resumed at {count}, after {} acknowledged clicks and {} unanswered",
                            report.acked, report.unacked
                        ));
                        return report;
                    }
                    report.acked = count;
                    report.unacked = 0;
                }
                Err(_) => {
                    broke = Some(Instant::now());
                    continue;
                }
            }
        }
        if stop.load(Ordering::Relaxed) {
            return report;
        }
        let widgets = match &button {
            Some(button) => serde_json::json!({ button: true }),
            None => serde_json::json!({}),
        };
        if ws.send(rerun(widgets).into()).await.is_err() {
            broke = Some(Instant::now());
            continue;
        }
        in_flight = button.is_some();
        match until_finished(&mut ws).await {
            Ok(messages) => {
                let Some(count) = count_in(&messages) else {
                    report
                        .failures
                        .push(format!("no count drawn: {messages:?}"));
                    return report;
                };
                let expected = report.acked + u64::from(in_flight);
                if count != expected {
                    report
                        .failures
                        .push(format!("count {count} after a click, expected {expected}"));
                    return report;
                }
                if button.is_none() {
                    button = messages
                        .iter()
                        .find(|m| m["element"]["label"] == "Increment")
                        .and_then(|m| m["element"]["id"].as_str())
                        .map(str::to_owned);
                }
                in_flight = false;
                report.acked = count;
                progress.store(count, Ordering::Relaxed);
                tick.notify_waiters();
            }
            Err(_) => broke = Some(Instant::now()),
        }
    }
}

/// Waits until every session's count passed `at_least` (or fails the
/// test, naming how far they got).
async fn until_all_reach(progress: &[Arc<AtomicU64>], tick: &Notify, at_least: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let notified = tick.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let behind = progress
            .iter()
            .filter(|p| p.load(Ordering::Relaxed) < at_least)
            .count();
        if behind == 0 {
            return;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            panic!("{behind} sessions did not reach {at_least} clicks");
        }
    }
}

/// A new build of the pages in `dir`: each component with a custom section
/// naming `build` appended (other bytes, other hash, same behaviour), as
/// a deploy of a new build would bring.
fn new_build(dir: &Path, build: &str) -> tempfile::TempDir {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let next = tempfile::tempdir().expect("a temp dir");
    for entry in std::fs::read_dir(dir).expect("the pages") {
        let path = entry.expect("a page").path();
        let mut bytes = std::fs::read(&path).expect("a component");
        let name = b"wasmlit-build";
        let mut content = Vec::new();
        leb(name.len(), &mut content);
        content.extend_from_slice(name);
        content.extend_from_slice(build.as_bytes());
        bytes.push(0);
        leb(content.len(), &mut bytes);
        bytes.extend_from_slice(&content);
        std::fs::write(next.path().join(path.file_name().expect("a name")), bytes)
            .expect("write the new build");
    }
    next
}

fn page_dir() -> tempfile::TempDir {
    built_page("pages/counter")
}

/// A directory of pages holding the page crate at `path` (from the
/// workspace root), built.
fn built_page(path: &str) -> tempfile::TempDir {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    let wasm = host::runtime::page_build::build_crate(&dir, &Default::default())
        .unwrap_or_else(|e| panic!("{path} builds: {e:#}"));
    let name = dir.file_name().expect("a crate name").to_string_lossy();
    let pages = tempfile::tempdir().expect("a temp dir");
    std::fs::copy(wasm, pages.path().join(format!("{name}.wasm"))).expect("copy the page");
    pages
}

/// Redis and two replicas sharing it, on free ports.
struct Pair {
    _redis: Process,
    ports: [u16; 2],
    first: (Process, Arc<Mutex<String>>),
    _second: (Process, Arc<Mutex<String>>),
}

fn pair(pages: &Path) -> Pair {
    let redis_port = free_port();
    let redis = start_redis(redis_port);
    let store = format!("redis://127.0.0.1:{redis_port}");
    let ports = [free_port(), free_port()];
    let first = start_replica_with(pages, ports[0], &store, &[]);
    let second = start_replica_with(pages, ports[1], &store, &[]);
    Pair {
        _redis: redis,
        ports,
        first,
        _second: second,
    }
}

/// The tests that start several servers run one at a time (the machine's
/// cores are few; their timings would measure each other).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn sessions_survive_killed_stopped_and_restarted_replicas_and_a_redis_restart() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pages = page_dir();
    let work = tempfile::tempdir().expect("a temp dir");
    let redis_port = free_port();
    let mut redis = start_redis(redis_port);
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut replicas: Vec<(Process, Arc<Mutex<String>>)> = ports
        .iter()
        .map(|port| start_replica(pages.path(), *port, redis_port))
        .collect();
    let lb = free_port();
    let _haproxy = start_haproxy(work.path(), lb, &ports);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let stop = Arc::new(AtomicBool::new(false));
    let tick = Arc::new(Notify::new());
    let progress: Vec<Arc<AtomicU64>> = (0..SESSIONS).map(|_| Arc::default()).collect();
    let mut marks: Vec<(&str, Instant)> = Vec::new();
    let reports = runtime.block_on(async {
        // HAProxy is up once it passes a request through.
        until_balancer_sees(work.path(), 3).await;
        let sessions: Vec<_> = progress
            .iter()
            .map(|p| tokio::spawn(session(lb, stop.clone(), p.clone(), tick.clone())))
            .collect();
        let mut target = 3;
        until_all_reach(&progress, &tick, target).await;

        // A replica dies at once: its sessions lose at most the click in flight.
        marks.push(("a replica killed (SIGKILL)", Instant::now()));
        replicas[0].0.signal(libc::SIGKILL);
        replicas[0].0.wait();
        target += 5;
        until_all_reach(&progress, &tick, target).await;

        // A replica is stopped as a rolling deploy does.
        marks.push(("a replica drained (SIGTERM)", Instant::now()));
        drain(&mut replicas[1].0);
        target += 5;
        until_all_reach(&progress, &tick, target).await;

        // Both come back on their ports with a new build of the page, as
        // a deploy brings; the balancer sends new connections to them.
        marks.push(("replicas restarted with a new build", Instant::now()));
        let deployed = new_build(pages.path(), "2");
        replicas[0] = start_replica(deployed.path(), ports[0], redis_port);
        replicas[1] = start_replica(deployed.path(), ports[1], redis_port);
        until_balancer_sees(work.path(), 3).await;
        target += 5;
        until_all_reach(&progress, &tick, target).await;

        // Redis restarts empty: sessions go on in their replicas' memory,
        // then are stored again, and a drained replica's sessions resume
        // from the refilled store.
        marks.push(("Redis restarted empty", Instant::now()));
        redis.signal(libc::SIGKILL);
        redis.wait();
        until_store_is(&ports, false).await;
        target += 5;
        until_all_reach(&progress, &tick, target).await;
        redis = start_redis(redis_port);
        until_store_is(&ports, true).await;
        // Every session is stored again by its next click.
        let deadline = Instant::now() + Duration::from_secs(60);
        while stored_sessions(redis_port) < SESSIONS {
            assert!(Instant::now() < deadline, "sessions were not stored again");
            let notified = tick.notified();
            let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
        }
        target += 5;
        until_all_reach(&progress, &tick, target).await;
        marks.push(("a replica drained after the Redis restart", Instant::now()));
        drain(&mut replicas[2].0);
        target += 5;
        until_all_reach(&progress, &tick, target).await;

        stop.store(true, Ordering::Relaxed);
        let mut reports = Vec::new();
        for s in sessions {
            reports.push(s.await.expect("a session task"));
        }
        reports
    });
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| r.failures.iter().cloned())
        .collect();
    let logs: String = replicas
        .iter()
        .map(|(_, log)| log.lock().unwrap().clone())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}\nreplica logs:\n{logs}");
    let clicks: u64 = reports.iter().map(|r| r.acked).sum();
    eprintln!("{SESSIONS} sessions, {clicks} acknowledged clicks, none lost");
    // How long sessions took to resume after each fault.
    for (n, (what, from)) in marks.iter().enumerate() {
        let until = marks.get(n + 1).map(|(_, at)| *at);
        let mut times: Vec<Duration> = reports
            .iter()
            .flat_map(|r| &r.resumes)
            .filter(|(at, _)| at >= from && until.is_none_or(|until| *at < until))
            .map(|(_, took)| *took)
            .collect();
        times.sort();
        if let (Some(first), Some(last)) = (times.first(), times.last()) {
            let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
            eprintln!(
                "{what}: {} sessions resumed; min {first:?}, p50 {:?}, p99 {:?}, max {last:?}",
                times.len(),
                p(0.5),
                p(0.99)
            );
        }
    }
    let moved = reports.iter().filter(|r| !r.resumes.is_empty()).count();
    assert!(moved > 0, "sessions were moved between replicas");
    drop(redis);
}

/// nginx with the shipped configuration (`deploy/nginx.conf`, its ports
/// replaced) in front of two replicas: a session opened through it is
/// served, and when its replica is stopped (SIGTERM) it reconnects through
/// nginx, lands on the other replica and goes on from its count.
#[test]
fn nginx_moves_a_session_off_a_stopped_replica() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pages = page_dir();
    let work = tempfile::tempdir().expect("a temp dir");
    let redis_port = free_port();
    let _redis = start_redis(redis_port);
    let store = format!("redis://127.0.0.1:{redis_port}");
    let ports = [free_port(), free_port()];
    let mut first = start_replica_with(pages.path(), ports[0], &store, &[]);
    let lb = free_port();
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf"))
            .expect("deploy/nginx.conf");
    let mut servers = ports.iter();
    let http: String = shipped
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("server 10.") {
                match servers.next() {
                    Some(port) => {
                        format!("    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;\n")
                    }
                    None => String::new(),
                }
            } else if trimmed.starts_with("listen ") {
                format!("    listen 127.0.0.1:{lb};\n")
            } else if trimmed.starts_with("server_name") {
                String::new()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let dir = work.path();
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\nerror_log {dir}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\naccess_log off;\nclient_body_temp_path {dir};\nproxy_temp_path {dir};\n{http}}}\n",
        pid = dir.join("nginx.pid").display(),
        dir = dir.display(),
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, config).expect("write the configuration");
    let check = Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&path)
        .output()
        .expect("nginx runs (.ci/run installs Debian's nginx-light)");
    assert!(
        check.status.success(),
        "the configuration is valid: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let _nginx = Process {
        child: Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts"),
        name: "nginx".into(),
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(10);
        let (mut ws, hello) = loop {
            if let Some(opened) = open(lb, None).await {
                break opened;
            }
            assert!(Instant::now() < deadline, "nginx does not pass WebSockets");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let id = hello["id"].as_str().expect("a session id").to_owned();
        let rerun = |widgets: serde_json::Value| {
            serde_json::json!({"type": "rerun", "page": "counter", "widgets": widgets}).to_string()
        };
        ws.send(rerun(serde_json::json!({})).into()).await.unwrap();
        let drawn = until_finished(&mut ws).await.expect("the counter runs");
        let button = drawn
            .iter()
            .find(|m| m["element"]["label"] == "Increment")
            .and_then(|m| m["element"]["id"].as_str())
            .expect("the button")
            .to_owned();
        for n in 1..=2 {
            ws.send(rerun(serde_json::json!({ &button: true })).into())
                .await
                .unwrap();
            let done = until_finished(&mut ws).await.expect("a click's run");
            assert_eq!(count_in(&done), Some(n));
        }
        // The other replica comes up; the first is stopped: its session is
        // stored and its browser told to reconnect.
        let _second = start_replica_with(pages.path(), ports[1], &store, &[]);
        first.0.signal(libc::SIGTERM);
        let mut told = Vec::new();
        while let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout(Duration::from_secs(10), ws.next()).await
        {
            told.push(text.to_string());
        }
        assert!(
            told.iter().any(|t| t.contains(r#""type":"reconnect""#)),
            "{told:?}"
        );
        let (mut ws, hello) = open(lb, Some(&id)).await.expect("reconnects through nginx");
        assert_eq!(hello["resumed"], true, "{hello}");
        ws.send(rerun(serde_json::json!({ &button: true })).into())
            .await
            .unwrap();
        let done = until_finished(&mut ws).await.expect("a click's run");
        assert_eq!(count_in(&done), Some(3), "the count goes on");
    });
    assert!(
        first.0.wait().success(),
        "the stopped replica exits cleanly"
    );
}

/// The shipped Kubernetes manifests parse, hold the objects the README
/// names, and start the server with arguments it accepts. (No cluster
/// runs here: `kubectl` and the API server's own validation are not
/// exercised.)
#[test]
fn kubernetes_manifests_parse_and_pass_the_server_arguments_it_accepts() {
    use clap::Parser;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/kubernetes");
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("deploy/kubernetes") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a manifest");
        let docs = yaml_rust2::YamlLoader::load_from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for doc in docs {
            let kind = doc["kind"].as_str().expect("a kind").to_owned();
            let name = doc["metadata"]["name"].as_str().expect("a name").to_owned();
            assert!(doc["apiVersion"].as_str().is_some(), "{name}: apiVersion");
            if kind == "Deployment" && name == "wasmlit" {
                let container = &doc["spec"]["template"]["spec"]["containers"][0];
                let args: Vec<String> = container["args"]
                    .as_vec()
                    .expect("the server's arguments")
                    .iter()
                    .map(|a| a.as_str().expect("an argument").to_owned())
                    .collect();
                let cli = host::cli::Cli::try_parse_from(
                    std::iter::once("host".to_owned()).chain(args.iter().cloned()),
                )
                .unwrap_or_else(|e| panic!("the server refuses {args:?}: {e}"));
                let host::cli::Command::Serve(serve) = cli.command else {
                    panic!("the container runs `host serve`");
                };
                let from_secret = container["env"]
                    .as_vec()
                    .into_iter()
                    .flatten()
                    .any(|e| e["name"].as_str() == Some("WASMLIT_SESSION_STORE"));
                assert!(from_secret, "the store's URL comes from a Secret");
                assert!(
                    serve.session_store.is_none(),
                    "no password on the command line"
                );
                assert!(serve.drain_seconds > 0, "a drain");
                assert_eq!(
                    container["readinessProbe"]["httpGet"]["path"].as_str(),
                    Some("/_/ready")
                );
            }
            kinds.push(format!("{kind}/{name}"));
        }
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "Deployment/wasmlit",
            "Deployment/wasmlit-redis",
            "Ingress/wasmlit",
            "NetworkPolicy/wasmlit-redis",
            "Secret/wasmlit-redis",
            "Service/wasmlit",
            "Service/wasmlit-redis"
        ]
    );
}

/// An HTTP POST of `body` to `path` on `port`; the status code and body.
fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request = format!(
        "POST {path} HTTP/1.0\r\nHost: localhost\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    s.write_all(request.as_bytes()).expect("send");
    s.write_all(body).expect("send");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

/// A file uploaded to a session moves with it: after its replica is
/// stopped, the replica that resumes the session gives the page the same
/// file under the same id.
#[test]
fn an_uploaded_file_moves_with_its_session() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pages = built_page("pages/gallery");
    let Pair {
        _redis,
        ports,
        mut first,
        _second,
    } = pair(pages.path());
    const CSV: &[u8] = b"region,orders\nnorth,120\nsouth,87\n";
    let shown = format!("orders.csv: {} bytes, 3 rows", CSV.len());
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let (mut ws, hello) = open(ports[0], None).await.expect("the first replica");
        let id = hello["id"].as_str().expect("a session id").to_owned();
        let rerun = |widgets: serde_json::Value| {
            serde_json::json!({"type": "rerun", "page": "gallery", "widgets": widgets}).to_string()
        };
        ws.send(rerun(serde_json::json!({})).into()).await.unwrap();
        let drawn = until_run_ends(&mut ws).await.expect("the gallery runs");
        let uploader = drawn
            .iter()
            .find(|m| m["element"]["label"] == "A CSV file")
            .and_then(|m| m["element"]["id"].as_str())
            .expect("the uploader")
            .to_owned();
        let (status, body) = post(
            ports[0],
            &format!("/_/upload?widget={uploader}&name=orders.csv"),
            &[("Content-Type", "text/csv"), ("x-wasmlit-session", &id)],
            CSV,
        );
        assert_eq!(status, 200, "{body}");
        let info: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        let file = info["id"].as_str().expect("an upload id").to_owned();
        ws.send(rerun(serde_json::json!({ &uploader: [&file] })).into())
            .await
            .unwrap();
        let read = until_run_ends(&mut ws).await.expect("a run");
        assert!(texts(&read).contains(&shown), "the page read the file");

        first.0.signal(libc::SIGTERM);
        while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        }
        let (mut ws, hello) = open(ports[1], Some(&id)).await.expect("the second replica");
        assert_eq!(hello["resumed"], true, "{hello}");
        ws.send(rerun(serde_json::json!({})).into()).await.unwrap();
        let again = until_run_ends(&mut ws).await.expect("a run");
        assert!(
            texts(&again).contains(&shown),
            "the resumed session's page reads the same file: {:?}",
            texts(&again)
        );
        let listed = again
            .iter()
            .find(|m| m["element"]["label"] == "A CSV file")
            .expect("the uploader");
        assert_eq!(listed["element"]["files"][0]["id"], file.as_str());
    });
    assert!(
        first.0.wait().success(),
        "the stopped replica exits cleanly"
    );
}

/// The same store on a Redis Cluster of three masters (`redis+cluster://`):
/// sessions on a killed replica resume on another with their counts, the
/// keys of one session living on whichever node owns its slot.
#[test]
fn sessions_resume_through_a_redis_cluster() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pages = page_dir();
    let work = tempfile::tempdir().expect("a temp dir");
    let nodes: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let _cluster: Vec<Process> = nodes
        .iter()
        .map(|port| {
            let config = work.path().join(format!("nodes-{port}.conf"));
            let config = config.to_str().expect("a path").to_owned();
            start_redis_with(
                *port,
                &["--cluster-enabled", "yes", "--cluster-config-file", &config],
            )
        })
        .collect();
    let addresses: Vec<String> = nodes.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let created = Command::new("redis-cli")
        .args(["--cluster", "create"])
        .args(&addresses)
        .args(["--cluster-replicas", "0", "--cluster-yes"])
        .output()
        .expect("redis-cli runs");
    assert!(
        created.status.success(),
        "the cluster is made: {}",
        String::from_utf8_lossy(&created.stdout)
    );
    // Every node agrees the cluster is up.
    let deadline = Instant::now() + Duration::from_secs(20);
    for port in &nodes {
        loop {
            let info = Command::new("redis-cli")
                .args(["-p", &port.to_string(), "cluster", "info"])
                .output()
                .expect("redis-cli runs");
            if String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok") {
                break;
            }
            assert!(Instant::now() < deadline, "the cluster did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let store = format!("redis+cluster://{}", addresses.join(","));
    let ports = [free_port(), free_port()];
    let mut first = start_replica_with(pages.path(), ports[0], &store, &[]);
    let _second = start_replica_with(pages.path(), ports[1], &store, &[]);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let rerun = |widgets: serde_json::Value| {
            serde_json::json!({"type": "rerun", "page": "counter", "widgets": widgets}).to_string()
        };
        let mut sessions = Vec::new();
        for n in 1..=12u64 {
            let (mut ws, hello) = open(ports[0], None).await.expect("the first replica");
            let id = hello["id"].as_str().expect("an id").to_owned();
            ws.send(rerun(serde_json::json!({})).into()).await.unwrap();
            let drawn = until_finished(&mut ws).await.expect("the counter runs");
            let button = drawn
                .iter()
                .find(|m| m["element"]["label"] == "Increment")
                .and_then(|m| m["element"]["id"].as_str())
                .expect("the button")
                .to_owned();
            // Session n clicks n times: each ends with a count of its own.
            for _ in 0..n {
                ws.send(rerun(serde_json::json!({ &button: true })).into())
                    .await
                    .unwrap();
                until_finished(&mut ws).await.expect("a click");
            }
            sessions.push((id, button, n, ws));
        }
        first.0.signal(libc::SIGKILL);
        first.0.wait();
        for (id, button, n, _gone) in sessions {
            let (mut ws, hello) = open(ports[1], Some(&id)).await.expect("the second replica");
            assert_eq!(hello["resumed"], true, "{hello}");
            ws.send(rerun(serde_json::json!({ &button: true })).into())
                .await
                .unwrap();
            let done = until_finished(&mut ws).await.expect("a click");
            assert_eq!(
                count_in(&done),
                Some(n + 1),
                "session {n} goes on from its count"
            );
        }
    });
}

/// `cache_data` values are shared by the replicas through the store: a
/// value one replica is computing is waited for, not computed again, by
/// another; and when the computing replica dies, another takes the
/// computation over once its lock lapses.
#[test]
fn cached_values_are_computed_once_across_replicas() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let pages = built_page("tests/pages/cached");
    let Pair {
        _redis,
        ports,
        mut first,
        _second,
    } = pair(pages.path());
    let computed = |port: u16| metric(port, "wasmlit_cache_computed_total").unwrap_or(-1.0);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let ask = |query: &str| {
            serde_json::json!({"type": "rerun", "page": "cached", "query": query}).to_string()
        };
        // One replica starts computing; the other asks for the same value
        // meanwhile and gets it from the first.
        let (mut a, _) = open(ports[0], None).await.expect("the first replica");
        a.send(ask("key=x&delay_ms=1500").into()).await.unwrap();
        loop {
            let Some(Ok(Message::Text(text))) = a.next().await else {
                panic!("the first replica's run ended early");
            };
            if text.contains("computing") {
                break;
            }
        }
        let (mut b, _) = open(ports[1], None).await.expect("the second replica");
        b.send(ask("key=x&delay_ms=1500").into()).await.unwrap();
        let from_a = until_finished(&mut a).await.expect("a run");
        let from_b = until_finished(&mut b).await.expect("a run");
        assert!(texts(&from_a).contains(&"value of x".to_owned()));
        assert!(texts(&from_b).contains(&"value of x".to_owned()));
        assert_eq!((computed(ports[0]), computed(ports[1])), (1.0, 0.0));

        // Clearing a function's values from a page clears the shared ones
        // too: the other replica computes it again.
        a.send(ask("named=k").into()).await.unwrap();
        until_finished(&mut a).await.expect("a run");
        b.send(ask("named=k").into()).await.unwrap();
        let shared = until_finished(&mut b).await.expect("a run");
        assert!(texts(&shared).contains(&"named k".to_owned()));
        assert_eq!((computed(ports[0]), computed(ports[1])), (2.0, 0.0));
        b.send(ask("named=k&clear=one").into()).await.unwrap();
        until_finished(&mut b).await.expect("a run");
        assert_eq!(computed(ports[1]), 1.0, "cleared, so computed again");

        // The computing replica dies: the other computes the value once
        // the dead one's lock lapses.
        a.send(ask("key=y&delay_ms=60000").into()).await.unwrap();
        loop {
            let Some(Ok(Message::Text(text))) = a.next().await else {
                panic!("the first replica's run ended early");
            };
            if text.contains("computing") {
                break;
            }
        }
        b.send(ask("key=y&delay_ms=10").into()).await.unwrap();
        first.0.signal(libc::SIGKILL);
        first.0.wait();
        let taken_over = until_finished(&mut b).await.expect("a run");
        assert!(texts(&taken_over).contains(&"value of y".to_owned()));
        assert_eq!(computed(ports[1]), 2.0);
    });
}
