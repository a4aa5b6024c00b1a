//! Shared test support: the example pages compiled once per test binary, and
//! engines and servers built from them.

pub mod chromium;

use host::runtime::engine::{EngineSettings, PageEngine};
use host::runtime::limits::Limits;
use host::runtime::page_build::{build_crates, BuildOptions};
use host::runtime::python_build::{self, PythonPage};
use host::Page;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// Every page crate under `pages/` and `tests/pages/`, compiled for wasm32-wasip2 once per test
/// binary; name → `.wasm`.
pub fn compiled_pages() -> &'static HashMap<String, PathBuf> {
    static PAGES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let mut dirs: Vec<PathBuf> = ["pages", "tests/pages"]
            .iter()
            .flat_map(|d| std::fs::read_dir(workspace().join(d)).expect("page directory exists"))
            .map(|e| e.expect("readable page directory entry").path())
            .filter(|p| p.join("Cargo.toml").is_file())
            .collect();
        dirs.sort();
        let built = build_crates(&dirs, &BuildOptions::default())
            .unwrap_or_else(|e| panic!("building the example pages failed: {e:#}"));
        dirs.iter()
            .map(|d| {
                d.file_name()
                    .expect("crate dir name")
                    .to_string_lossy()
                    .into_owned()
            })
            .zip(built)
            .collect()
    })
}

/// Every Python page under `pages/` and `tests/pages/` (a `.py` script, or a folder with
/// one), built with componentize-py once per test binary (and cached by content across
/// binaries); name → `.wasm`.
pub fn python_pages() -> &'static HashMap<String, PathBuf> {
    static PAGES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let mut found: Vec<PythonPage> = ["pages", "tests/pages"]
            .iter()
            .flat_map(|d| std::fs::read_dir(workspace().join(d)).expect("page directory exists"))
            .filter_map(|e| PythonPage::at(&e.expect("readable page directory entry").path()))
            .collect();
        found.sort_by_key(|p| p.name());
        found
            .iter()
            .map(|page| {
                let wasm = python_build::build(page, &BuildOptions::default(), &mut |_| {})
                    .unwrap_or_else(|e| panic!("building {} failed: {e:#}", page.name()));
                (page.name(), wasm)
            })
            .collect()
    })
}

/// The compiled component of page `name`: a page crate, or else a Python page.
pub fn page_wasm(name: &str) -> PathBuf {
    if let Some(wasm) = compiled_pages().get(name) {
        return wasm.clone();
    }
    python_pages()
        .get(name)
        .unwrap_or_else(|| panic!("no page crate or Python page named {name} under pages/"))
        .clone()
}

/// What a counter page (`counter` in Rust, `py_counter` in Python) must do,
/// driven with AppTest from a fresh session: count clicks in session state
/// and square the slider, a click lasting one run.
pub fn assert_counter_counts_clicks_and_squares_the_slider(at: &mut wasmlit_apptest::AppTest) {
    at.run();
    assert_eq!(at.title(), ["Counter"]);
    assert_eq!(at.markdown(), ["count: 0", "square: 0"]);
    at.button("Increment").click().run();
    at.button("Increment").click().run();
    assert_eq!(at.markdown()[0], "count: 2");
    at.slider("n").set(12).run();
    assert_eq!(
        at.markdown(),
        ["count: 2", "square: 144"],
        "a click lasts one run"
    );
    assert_eq!(at.session_state::<i64>("count"), Some(2));
    assert_eq!(at.slider("n").value(), 12);
    assert!(at.exception().is_none());
    let err = at.slider("n").try_set(101).err().unwrap();
    assert_eq!(err, "slider value 101 is outside 0..=100");
}

/// Where test engines keep compiled pages: Python pages take seconds to
/// compile, and each test starts engines of its own.
pub fn test_cache_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
        .join("wasmlit-test-cache");
    std::fs::create_dir_all(&dir).expect("test cache directory");
    dir
}

/// An engine with these limits, caching compiled pages in [`test_cache_dir`].
pub fn engine_with(limits: Limits) -> Arc<PageEngine> {
    PageEngine::new(EngineSettings {
        limits,
        instance_slots: 16,
        cache_dir: Some(test_cache_dir()),
    })
    .expect("engine starts")
}

/// An engine with default limits.
pub fn engine() -> Arc<PageEngine> {
    engine_with(Limits::default())
}

/// Loads page `name` into `engine`.
pub fn load(engine: &Arc<PageEngine>, name: &str) -> Arc<Page> {
    Arc::new(
        Page::load(engine, &page_wasm(name)).unwrap_or_else(|e| panic!("loading {name}: {e:#}")),
    )
}

/// A directory holding copies of the compiled pages named, as `host serve` would get.
pub fn wasm_dir(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in names {
        std::fs::copy(page_wasm(name), dir.path().join(format!("{name}.wasm"))).expect("copy page");
    }
    dir
}

/// A real server on 127.0.0.1:0 serving copies of the named pages.
pub struct TestServer {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    /// Its shared state (sessions, runner, app).
    pub state: Arc<host::web::server::ServerState>,
    /// The directory of `.wasm` pages it serves (watched for changes).
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _watcher: notify::RecommendedWatcher,
}

impl TestServer {
    /// Starts a server with default settings.
    pub async fn start(pages: &[&str]) -> TestServer {
        Self::start_with(
            pages,
            Limits::default(),
            host::web::server::ServerSettings::default(),
        )
        .await
    }

    /// Starts a server with default settings except the per-session message
    /// rate, lifted: for load generators that click as fast as the server
    /// answers.
    pub async fn start_unthrottled(pages: &[&str]) -> TestServer {
        Self::start_with(pages, Limits::default(), unthrottled()).await
    }

    /// Starts a server with these limits and settings.
    pub async fn start_with(
        pages: &[&str],
        limits: Limits,
        settings: host::web::server::ServerSettings,
    ) -> TestServer {
        Self::start_in(wasm_dir(pages), limits, settings).await
    }

    /// Starts a server on the pages in `dir` (as [`wasm_dir`] makes it,
    /// perhaps with a `wasmlit.toml` added).
    pub async fn start_in(
        dir: tempfile::TempDir,
        limits: Limits,
        settings: host::web::server::ServerSettings,
    ) -> TestServer {
        let engine = engine_with(limits);
        let app = host::app::catalog::App::load(
            engine.clone(),
            dir.path(),
            BuildOptions::default(),
            &mut |_| {},
        );
        assert!(app.failures().is_empty(), "app loads: {:?}", app.failures());
        let runner = host::Runner::new(engine, 4).expect("runner starts");
        let services = runner.services().clone();
        let state = host::web::server::ServerState::new(app, runner, services, settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local addr");
        let watcher = host::web::reload::watch(state.clone(), false).expect("watcher starts");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(host::web::server::run(
            listener,
            state.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            addr,
            state,
            dir,
            stop: Some(stop),
            task: Some(task),
            _watcher: watcher,
        }
    }

    /// The WebSocket URL. With `session`, the URL as clients once named a
    /// session to resume, in the query, which the server now ignores:
    /// resume with [`WsClient::resume`] instead.
    pub fn ws_url(&self, session: Option<&str>) -> String {
        match session {
            Some(id) => format!("ws://{}/_/ws?session={id}", self.addr),
            None => format!("ws://{}/_/ws", self.addr),
        }
    }

    /// Shuts the server down gracefully and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
    }
}

/// Server settings whose per-session message rate is lifted (benchmarks
/// and load generators click as fast as the server answers).
pub fn unthrottled() -> host::web::server::ServerSettings {
    host::web::server::ServerSettings {
        admission: Arc::new(host::web::admission::Admission::new(
            host::web::admission::AdmissionSettings {
                session_messages_per_second: 1e9,
                session_messages_burst: 1e9,
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// An HTTP/1.1 `POST` of `body` to `path` on `addr` with `headers`; returns
/// the status code and the response body.
pub async fn http_post(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    http(addr, "POST", path, headers, body).await
}

/// An HTTP/1.1 `GET` of `path` on `addr`; returns the status code and the
/// response body.
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    http(addr, "GET", path, &[], &[]).await
}

async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut head = format!("Content-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    http_raw(addr, &format!("{method} {path}"), &head, body).await
}

/// Writes `head` and then `body` on a new connection to `addr` and returns
/// everything the server answers until it closes (an error writing the body
/// is ignored: the server may answer, and close, before reading all of it).
pub async fn http_exchange(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    stream.write_all(head.as_bytes()).await.expect("write");
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut response))
        .await
        .expect("an answer within the wait")
        .expect("readable answer");
    String::from_utf8_lossy(&response).into_owned()
}

/// An HTTP/1.1 request written as given: `line` is the method and path,
/// `head` the header lines besides `Host` and `Connection` (each ending in
/// CRLF), then `body` as it is (chunked or even malformed). Returns the
/// status code and the response body.
pub async fn http_raw(
    addr: std::net::SocketAddr,
    line: &str,
    head: &str,
    body: &[u8],
) -> (u16, String) {
    let request = format!("{line} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{head}\r\n");
    let text = http_exchange(addr, &request, body).await;
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A real server on 127.0.0.1:0 hosting several apps, each under `/<name>`,
/// as `host serve` does for an apps root.
pub struct TestApps {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    /// Each app's state, in name order.
    pub states: Vec<Arc<host::web::server::ServerState>>,
    /// The apps root.
    pub root: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// Reload watchers of the apps' pages, as `host serve` runs them.
    _watchers: Vec<notify::RecommendedWatcher>,
}

impl TestApps {
    /// Starts a server on an apps root holding, for each `(name, pages,
    /// app.toml)`, an app with copies of those compiled pages, sharing
    /// `script_threads` script threads.
    pub async fn start(apps: &[(&str, &[&str], &str)], script_threads: usize) -> TestApps {
        let root = tempfile::tempdir().expect("temp dir");
        for (name, pages, config) in apps {
            let pages_dir = root.path().join(name).join("pages");
            std::fs::create_dir_all(&pages_dir).expect("app dir");
            for page in *pages {
                std::fs::copy(page_wasm(page), pages_dir.join(format!("{page}.wasm")))
                    .expect("copy page");
            }
            std::fs::write(root.path().join(name).join("app.toml"), config).expect("app.toml");
        }
        Self::serve(root, script_threads).await
    }

    /// Starts a server on the apps root `root` as `host serve` would: an
    /// app that fails to load is reported and the others are served.
    pub async fn serve(root: tempfile::TempDir, script_threads: usize) -> TestApps {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        Self::serve_on(root, script_threads, listener).await
    }

    /// [`TestApps::serve`] on `listener` (bound first, when the apps'
    /// settings must name the server's own address).
    pub async fn serve_on(
        root: tempfile::TempDir,
        script_threads: usize,
        listener: tokio::net::TcpListener,
    ) -> TestApps {
        let limits = Limits::default();
        let tenants = host::app::tenant::discover_all(root.path(), &limits, script_threads)
            .unwrap_or_else(|e| panic!("apps load: {e:#}"));
        let engine = PageEngine::new(EngineSettings {
            limits,
            instance_slots: 64,
            cache_dir: None,
        })
        .expect("engine starts");
        let states = host::web::server::load_apps(
            &engine,
            &tenants,
            script_threads,
            &host::runtime::services::AppSettings {
                worker_threads: 4,
                ..Default::default()
            },
            // Benchmarks click as fast as the server answers.
            &unthrottled(),
            &BuildOptions::default(),
        )
        .expect("apps load");
        let watchers = states
            .iter()
            .map(|state| host::web::reload::watch(state.clone(), false).expect("watcher starts"))
            .collect();
        let addr = listener.local_addr().expect("local addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(host::web::server::run_all(
            listener,
            states.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        TestApps {
            addr,
            states,
            root,
            stop: Some(stop),
            task: Some(task),
            _watchers: watchers,
        }
    }

    /// The WebSocket URL of app `app`; with `session`, the old way of
    /// naming a session in the query, which the server ignores (see
    /// [`TestServer::ws_url`]).
    pub fn ws_url(&self, app: &str, session: Option<&str>) -> String {
        match session {
            Some(id) => format!("ws://{}/{app}/_/ws?session={id}", self.addr),
            None => format!("ws://{}/{app}/_/ws", self.addr),
        }
    }

    /// The state of app `name`.
    pub fn app(&self, name: &str) -> &Arc<host::web::server::ServerState> {
        self.states
            .iter()
            .find(|s| &*s.services.name == name)
            .unwrap_or_else(|| panic!("no app {name}"))
    }

    /// Shuts the server down gracefully and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
    }
}

/// An app view of the shared test engine with `limits` and `grants`, its
/// own services and one script thread, as an app of an apps root gets.
pub fn app_view(
    limits: Limits,
    grants: host::runtime::engine::Grants,
) -> (Arc<PageEngine>, host::runtime::runner::Runner) {
    let view = engine().for_app(limits, grants).expect("app view");
    let services = host::runtime::services::AppServices::new(
        view.clone(),
        host::runtime::services::AppSettings::default(),
    )
    .expect("services");
    let runner =
        host::runtime::runner::Runner::with_services(view.clone(), 1, services).expect("runner");
    (view, runner)
}

/// A PostgreSQL server of its own for a test: Debian's `postgresql`
/// binaries, a fresh cluster in a temporary directory, listening on a free
/// port of 127.0.0.1 with trust authentication; stopped (fast shutdown)
/// when dropped. Run as the `postgres` user when the test runs as root
/// (PostgreSQL refuses root).
pub struct Postgres {
    /// Its port on 127.0.0.1.
    pub port: u16,
    bin: PathBuf,
    as_root: bool,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Postgres {
    /// The directory of PostgreSQL's programs: `WASMLIT_PG_BIN`, or the
    /// newest `/usr/lib/postgresql/<version>/bin`.
    fn bin() -> PathBuf {
        if let Some(dir) = std::env::var_os("WASMLIT_PG_BIN") {
            return PathBuf::from(dir);
        }
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (apt-get install postgresql)")
            .flatten()
            .filter_map(|e| {
                let version = e.file_name().to_string_lossy().parse().ok()?;
                Some((version, e.path().join("bin")))
            })
            .collect();
        versions.sort();
        versions
            .pop()
            .expect("a PostgreSQL version under /usr/lib/postgresql")
            .1
    }

    fn command(&self, program: &str) -> std::process::Command {
        command(&self.bin, self.as_root, program)
    }

    /// Starts a cluster and waits until it accepts connections.
    pub fn start() -> Postgres {
        use std::io::BufRead;
        let bin = Self::bin();
        let as_root = is_root();
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        if as_root {
            let status = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown the cluster's directory");
        }
        let out = command(&bin, as_root, "initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(&data)
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = command(&bin, as_root, "postgres")
            .arg("-D")
            .arg(&data)
            .args([
                "-p",
                &port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
            ])
            .arg("-k")
            .arg(dir.path())
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("postgres starts");
        // Its log says when it is ready; the rest of the log is drained
        // by a thread so the server never blocks on a full pipe.
        let stderr = child.stderr.take().expect("stderr");
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        std::thread::spawn(move || {
            let mut log = String::new();
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                log.push_str(&line);
                log.push('\n');
                if line.contains("ready to accept connections") {
                    let _ = ready_tx.send(Ok(()));
                }
            }
            let _ = ready_tx.send(Err(log));
        });
        match ready_rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(Ok(())) => {}
            other => panic!("PostgreSQL did not start: {other:?}"),
        }
        Postgres {
            port,
            bin,
            as_root,
            child,
            _dir: dir,
        }
    }

    /// A URL of database `database` for user `postgres`.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs `sql` with `psql` on `database` and returns its output
    /// (unaligned, tuples only); panics if it fails.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = self
            .command("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-X",
                "-q",
                "-A",
                "-t",
            ])
            .args(["-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT to the postmaster (not to `runuser` in front of it):
        // PostgreSQL's fast shutdown.
        let pid = std::fs::read_to_string(self._dir.path().join("data/postmaster.pid"))
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse::<u32>().ok())
            .unwrap_or(self.child.id());
        send_signal(pid, 2);
        let _ = self.child.wait();
    }
}

fn command(bin: &std::path::Path, as_root: bool, program: &str) -> std::process::Command {
    if as_root {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(program));
        c
    } else {
        std::process::Command::new(bin.join(program))
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn send_signal(pid: u32, signal: i32) {
    let _ = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status();
}

/// The OpenID provider of the login tests (`tests/oidc/provider.mjs`:
/// `oidc-provider` from npm under Node), on a free port of 127.0.0.1, with
/// client `wasmlit` (secret [`OidcProvider::CLIENT_SECRET`]) allowed to
/// return to `redirect_uris`; with `tamper`, its token endpoint answers
/// with a bad ID token of that kind. Stopped when dropped. Its npm
/// packages are installed (`npm ci`) the first time if missing.
pub struct OidcProvider {
    /// Its issuer URL.
    pub issuer: String,
    child: std::process::Child,
}

impl OidcProvider {
    /// The client secret of client `wasmlit`.
    pub const CLIENT_SECRET: &'static str = "the-secret-of-client-wasmlit";

    /// A free port for a provider to be started on later.
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port()
    }

    /// Starts it on `port` and waits until it listens.
    pub fn start(port: u16, redirect_uris: &[String], tamper: Option<&str>) -> OidcProvider {
        use std::io::BufRead;
        static INSTALLED: OnceLock<()> = OnceLock::new();
        let dir = workspace().join("tests/oidc");
        INSTALLED.get_or_init(|| {
            if !dir.join("node_modules/oidc-provider").is_dir() {
                let status = std::process::Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--silent"])
                    .current_dir(&dir)
                    .status()
                    .expect("npm runs (apt-get install nodejs npm)");
                assert!(status.success(), "npm ci in tests/oidc");
            }
        });
        let mut command = std::process::Command::new("node");
        command
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .env("REDIRECT_URIS", redirect_uris.join(","))
            .env("CLIENT_SECRET", Self::CLIENT_SECRET)
            .stdout(std::process::Stdio::piped());
        if let Some(tamper) = tamper {
            command.env("TAMPER", tamper);
        }
        let mut child = command.spawn().expect("node runs");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = crossbeam_channel::bounded(1);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(issuer) = line.strip_prefix("listening ") {
                    let _ = tx.send(issuer.to_owned());
                }
            }
        });
        let issuer = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the OpenID provider starts");
        OidcProvider { issuer, child }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebSocket client speaking the session protocol, with bounded waits.
pub struct WsClient {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    /// The session id from the first message.
    pub session: String,
    /// The first message (`session`).
    pub hello: serde_json::Value,
    /// Messages of a frame read but not yet returned.
    pending: std::collections::VecDeque<serde_json::Value>,
    /// Arrow streams (binary frames) read since the last text frame.
    streams: Vec<Vec<u8>>,
    /// Every binary frame read, in order.
    pub binary: Vec<Vec<u8>>,
    /// Bytes of every frame read (text and binary payloads).
    pub bytes_read: usize,
}

/// How long any single expected message may take.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl WsClient {
    /// Connects for a new session (`hello` naming none) and reads the
    /// `session` message.
    pub async fn connect(url: &str) -> WsClient {
        Self::open(url, serde_json::json!({"type": "hello"})).await
    }

    /// Connects asking to resume session `id` (in the first message,
    /// `hello`) and reads the `session` message.
    pub async fn resume(url: &str, id: &str) -> WsClient {
        Self::open(url, serde_json::json!({"type": "hello", "session": id})).await
    }

    async fn open(url: &str, hello: serde_json::Value) -> WsClient {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let request = url.into_client_request().expect("a WebSocket URL");
        Self::open_request(request, hello).await
    }

    /// Connects with `request` (its own headers) and sends `hello` first.
    pub async fn open_request(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
        hello: serde_json::Value,
    ) -> WsClient {
        // Frames as large as a benchmark's million-row table.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(Some(256 << 20))
            .max_frame_size(Some(256 << 20));
        let (ws, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), false)
            .await
            .expect("websocket connects");
        let mut client = WsClient {
            ws,
            session: String::new(),
            hello: serde_json::Value::Null,
            pending: std::collections::VecDeque::new(),
            streams: Vec::new(),
            binary: Vec::new(),
            bytes_read: 0,
        };
        client.send(hello).await;
        let hello = client.recv().await;
        assert_eq!(hello["type"], "session", "{hello}");
        client.session = hello["id"].as_str().expect("session id").to_owned();
        client.hello = hello;
        client
    }

    /// Sends a JSON message.
    pub async fn send(&mut self, message: serde_json::Value) {
        self.send_text(message.to_string()).await;
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: String) {
        use futures_util::SinkExt;
        self.ws
            .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// The next JSON message (panics after [`WAIT`]).
    pub async fn recv(&mut self) -> serde_json::Value {
        use futures_util::StreamExt;
        loop {
            if let Some(message) = self.pending.pop_front() {
                return message;
            }
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message within the wait")
                .expect("socket open")
                .expect("readable message");
            self.bytes_read += message.len();
            match message {
                tokio_tungstenite::tungstenite::Message::Text(text) => {
                    let mut messages = frame_messages(text.as_str()).expect("server sends JSON");
                    let streams = std::mem::take(&mut self.streams);
                    if !streams.is_empty() {
                        messages
                            .iter_mut()
                            .for_each(|m| arrow::inline_columns(m, &streams));
                    }
                    self.pending.extend(messages);
                }
                tokio_tungstenite::tungstenite::Message::Binary(bytes) => {
                    self.streams.push(bytes.to_vec());
                    self.binary.push(bytes.to_vec());
                }
                _ => {}
            }
        }
    }

    /// Reads messages until one satisfies `done`; returns all read, last included.
    pub async fn until(
        &mut self,
        mut done: impl FnMut(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let mut seen = Vec::new();
        loop {
            let message = self.recv().await;
            let stop = done(&message);
            seen.push(message);
            if stop {
                return seen;
            }
        }
    }

    /// Requests a rerun of `page` with `widgets` and returns every message up
    /// to and including that run's `run_finished`.
    pub async fn rerun(
        &mut self,
        page: &str,
        widgets: serde_json::Value,
    ) -> Vec<serde_json::Value> {
        self.rerun_query(page, widgets, "").await
    }

    /// [`rerun`](Self::rerun) with the URL query `query`.
    pub async fn rerun_query(
        &mut self,
        page: &str,
        widgets: serde_json::Value,
        query: &str,
    ) -> Vec<serde_json::Value> {
        self.send(
            serde_json::json!({"type": "rerun", "page": page, "widgets": widgets, "query": query}),
        )
        .await;
        let started = self
            .until(|m| m["type"] == "run_started" || m["type"] == "page_not_found")
            .await;
        let last = started.last().expect("a message").clone();
        if last["type"] == "page_not_found" {
            return started;
        }
        let run = last["run"].clone();
        let mut all = started;
        all.extend(
            self.until(|m| m["type"] == "run_finished" && m["run"] == run)
                .await,
        );
        all
    }
}

/// The last `run_finished` message in `messages`.
pub fn finished(messages: &[serde_json::Value]) -> &serde_json::Value {
    messages
        .iter()
        .rev()
        .find(|m| m["type"] == "run_finished")
        .expect("a run_finished message")
}

/// The text of markdown deltas (without the paragraph tags) in `messages`.
pub fn markdown_texts(messages: &[serde_json::Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["type"] == "delta" && m["element"]["kind"] == "markdown")
        .filter_map(|m| m["element"]["html"].as_str())
        .map(|h| {
            h.trim()
                .trim_start_matches("<p>")
                .trim_end_matches("</p>")
                .to_owned()
        })
        .collect()
}

/// The id of the widget labelled `label` among the deltas in `messages`.
pub fn widget_id(messages: &[serde_json::Value], label: &str) -> String {
    messages
        .iter()
        .find(|m| {
            m["type"] == "delta"
                && m["element"]["kind"] == "widget"
                && m["element"]["label"] == label
        })
        .and_then(|m| m["element"]["id"].as_str())
        .unwrap_or_else(|| panic!("no widget labelled {label}"))
        .to_owned()
}

/// Running pages without a server: a run's deltas, recorded.
pub mod runs {
    use host::model::delta::{Delta, Element};
    use host::runtime::run::RunReport;
    use host::runtime::runner::{RunHandle, RunRequest, Runner};
    use host::Page;
    use parking_lot::Mutex;
    use std::sync::Arc;

    /// Deltas a run produced, shared with the test.
    pub type Recorded = Arc<Mutex<Vec<Delta>>>;

    /// A request for `page` with URL query `query`, as session `session`,
    /// recording into `recorded`.
    pub fn request(
        page: &Arc<Page>,
        query: &str,
        session: &str,
        recorded: &Recorded,
    ) -> RunRequest {
        let sink = recorded.clone();
        RunRequest {
            page: page.clone(),
            inputs: Arc::default(),
            state: host::runtime::services::session_state::SessionState::shared(),
            query: Arc::new(host::runtime::run::parse_query(query)),
            context: Default::default(),
            sink: Box::new(move |d: Delta| sink.lock().push(d)),
            app: None,
            session: Some(Arc::from(session)),
            callbacks: Vec::new(),
            fragment: None,
        }
    }

    /// A URL query string of `params`, encoded.
    pub fn query_string(params: &[(&str, &str)]) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in params {
            out.append_pair(k, v);
        }
        out.finish()
    }

    /// Runs `page` with `query` to its end.
    pub fn run(runner: &Runner, page: &Arc<Page>, query: &str) -> (RunReport, Vec<Delta>) {
        let recorded = Recorded::default();
        let report = runner.run(request(page, query, "test", &recorded));
        let deltas = recorded.lock().clone();
        (report, deltas)
    }

    /// Starts `page` with `query`; returns its handle, report receiver and deltas.
    pub fn start(
        runner: &Runner,
        page: &Arc<Page>,
        query: &str,
        session: &str,
    ) -> (RunHandle, crossbeam_channel::Receiver<RunReport>, Recorded) {
        let recorded = Recorded::default();
        let (handle, done) = runner.spawn(request(page, query, session, &recorded));
        (handle, done, recorded)
    }

    /// The text of each element that has some, in order.
    pub fn texts(deltas: &[Delta]) -> Vec<String> {
        deltas
            .iter()
            .filter_map(|d| match &d.element {
                Element::Markdown { source, .. } => Some(source.clone()),
                Element::Title(h) => Some(h.body.clone()),
                Element::Text { body }
                | Element::Alert { body, .. }
                | Element::Spinner { body } => Some(body.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The messages of one frame from the server: one JSON object, or an array
/// of them.
pub fn frame_messages(text: &str) -> serde_json::Result<Vec<serde_json::Value>> {
    Ok(match serde_json::from_str(text)? {
        serde_json::Value::Array(all) => all,
        one => vec![one],
    })
}

/// Tables' columns as a browser that reads Arrow receives them.
pub mod arrow {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        Date32Type, Float64Type, Int64Type, Time64MicrosecondType, TimestampMicrosecondType,
    };
    use arrow_array::{Array, ArrayRef};
    use arrow_schema::DataType;
    use serde_json::{json, Value};

    /// The one column of an Arrow IPC stream.
    pub fn decode(stream: &[u8]) -> ArrayRef {
        let mut reader =
            arrow_ipc::reader::StreamReader::try_new(stream, None).expect("an Arrow stream");
        let batch = reader.next().expect("a record batch").expect("readable");
        assert!(reader.next().is_none(), "one record batch per column");
        assert_eq!(batch.num_columns(), 1, "one column per stream");
        batch.column(0).clone()
    }

    /// Row `r` of `array` as the JSON form of a column holds it (at a
    /// null, the value the column holds there).
    fn value(array: &ArrayRef, r: usize) -> Value {
        match array.data_type() {
            DataType::Utf8 => json!(array.as_string::<i32>().value(r)),
            DataType::Int64 => json!(array.as_primitive::<Int64Type>().value(r)),
            DataType::Float64 => {
                let f = array.as_primitive::<Float64Type>().value(r);
                if f.is_finite() {
                    json!(f)
                } else {
                    Value::Null
                }
            }
            DataType::Boolean => json!(array.as_boolean().value(r)),
            DataType::Date32 => json!(array.as_primitive::<Date32Type>().value(r)),
            DataType::Timestamp(..) => {
                json!(array.as_primitive::<TimestampMicrosecondType>().value(r))
            }
            DataType::Time64(_) => json!(array.as_primitive::<Time64MicrosecondType>().value(r)),
            DataType::List(_) => {
                let list = array.as_list::<i32>().value(r);
                Value::Array((0..list.len()).map(|i| value(&list, i)).collect())
            }
            other => panic!("a column type the protocol does not send: {other}"),
        }
    }

    /// `message` with each column that names an Arrow stream (`"arrow":
    /// k`) given that stream's `values` and `nulls`, as in the JSON form.
    pub fn inline_columns(message: &mut Value, streams: &[Vec<u8>]) {
        match message {
            Value::Array(items) => items.iter_mut().for_each(|m| inline_columns(m, streams)),
            Value::Object(map) => {
                let k = map.get("arrow").and_then(Value::as_u64);
                if let (Some(k), true) = (k, map.contains_key("type")) {
                    let stream = streams.get(k as usize).expect("the stream a column names");
                    let array = decode(stream);
                    let values: Vec<Value> = (0..array.len()).map(|r| value(&array, r)).collect();
                    let nulls: Vec<usize> =
                        (0..array.len()).filter(|r| array.is_null(*r)).collect();
                    map.insert("values".into(), Value::Array(values));
                    if !nulls.is_empty() {
                        map.insert("nulls".into(), json!(nulls));
                    }
                    return;
                }
                map.values_mut().for_each(|v| inline_columns(v, streams));
            }
            _ => {}
        }
    }
}
