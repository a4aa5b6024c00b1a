//! Operations: liveness (`/_/live`), readiness (`/_/ready`) and a
//! Prometheus-format metrics endpoint (`/_/metrics`) for the whole server,
//! every app labelled by name.

use crate::web::server::ServerState;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

type States = Arc<Vec<Arc<ServerState>>>;

/// The server-wide operations routes, and where browsers report
/// Content-Security-Policy violations.
pub fn routes(states: Vec<Arc<ServerState>>) -> Router {
    let http = states
        .first()
        .map(|s| s.settings.http.clone())
        .unwrap_or_default();
    let report = Router::new()
        .route(
            crate::web::http::CSP_REPORT_PATH,
            post(crate::web::http::csp_report).layer(DefaultBodyLimit::max(CSP_REPORT_BYTES)),
        )
        .with_state(http);
    Router::new()
        .route("/_/live", get(|| async { "ok" }))
        .route("/_/ready", get(ready))
        .route("/_/metrics", get(metrics))
        .with_state(Arc::new(states))
        .merge(report)
}

/// Largest violation report read.
const CSP_REPORT_BYTES: usize = 16 * 1024;

/// Ready while no app is shutting down: a load balancer stops sending new
/// sessions once this answers 503. Pages or apps that failed to load are
/// named after the first line (without the reasons, which are in the log
/// and may name the server's paths); the rest serve, so it stays 200.
async fn ready(State(states): State<States>) -> impl IntoResponse {
    if states.iter().any(|s| *s.shutdown.borrow()) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down".to_owned());
    }
    let mut body = String::from("ready\n");
    for state in states.iter() {
        for failure in state.app.failures() {
            let _ = writeln!(
                body,
                "failed to load: app {} {} (see the server log)",
                state.services.name, failure.name
            );
        }
    }
    (StatusCode::OK, body)
}

/// The metrics, for the addresses in `metrics_allow` only.
async fn metrics(
    State(states): State<States>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
) -> Response {
    let allowed = states
        .first()
        .is_none_or(|s| s.settings.http.metrics_allowed(client.ip()));
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served only to the addresses in metrics_allow (--metrics-allow); \
             this client's address is not one of them\n",
        )
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&states),
    )
        .into_response()
}

/// The metrics in Prometheus' text format.
pub fn render(states: &[Arc<ServerState>]) -> String {
    let mut out = String::with_capacity(4096);
    let mut family = |name: &str, kind: &str, help: &str, rows: Vec<(String, f64)>| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in rows {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let app = |s: &ServerState| escape(&s.services.name);
    family(
        "wasmlit_runs_total",
        "counter",
        "Runs finished, by app and outcome.",
        states
            .iter()
            .flat_map(|s| {
                s.services.metrics.runs_by_outcome().map(move |(o, n)| {
                    (format!("{{app=\"{}\",outcome=\"{o}\"}}", app(s)), n as f64)
                })
            })
            .collect(),
    );
    family(
        "wasmlit_run_failures_total",
        "counter",
        "Runs that failed, by app and cause (memory, cpu_time, wall_time, stack, panic, crash, app_at_limit, error).",
        states
            .iter()
            .flat_map(|s| {
                s.services.metrics.failures().map(move |(f, n)| {
                    let kind = f.label();
                    (format!("{{app=\"{}\",kind=\"{kind}\"}}", app(s)), n as f64)
                })
            })
            .collect(),
    );
    let per_app = |f: &dyn Fn(&ServerState) -> f64| -> Vec<(String, f64)> {
        states
            .iter()
            .map(|s| (format!("{{app=\"{}\"}}", app(s)), f(s)))
            .collect()
    };
    family(
        "wasmlit_run_cpu_seconds_total",
        "counter",
        "CPU time of the app's runs on script threads.",
        per_app(&|s| s.services.metrics.cpu_seconds()),
    );
    family(
        "wasmlit_run_wall_seconds_total",
        "counter",
        "Wall time of the app's runs.",
        per_app(&|s| s.services.metrics.wall_seconds()),
    );
    family(
        "wasmlit_instances",
        "gauge",
        "Instances the app holds now (runs, jobs, resources, builds), of its instance_share.",
        per_app(&|s| s.services.engine.instance_share().live() as f64),
    );
    family(
        "wasmlit_session_state_bytes",
        "gauge",
        "Session state held by the app's sessions, connected and parked (session_state_app_bytes).",
        per_app(&|s| s.parked.budget.app().used() as f64),
    );
    family(
        "wasmlit_load_failures",
        "gauge",
        "Pages (or the whole app, or its wasmlit.toml) that failed to load and are not served.",
        per_app(&|s| s.app.failures().len() as f64),
    );
    family(
        "wasmlit_instance_memory_bytes",
        "gauge",
        "Linear memory held by the app's live instances (runs, jobs, resources).",
        per_app(&|s| s.services.engine.memory_in_use() as f64),
    );
    family(
        "wasmlit_outbound_requests_total",
        "counter",
        "Outbound HTTP requests of apps granted hosts, by app and outcome (ok, denied, invalid, limit, failed).",
        states
            .iter()
            .filter_map(|s| s.services.engine.outbound().map(|o| (s, o)))
            .flat_map(|(s, outbound)| {
                outbound
                    .counts()
                    .map(|(o, n)| (format!("{{app=\"{}\",outcome=\"{o}\"}}", app(s)), n as f64))
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    family(
        "wasmlit_runs_active",
        "gauge",
        "The app's runs on script threads now.",
        per_app(&|s| s.services.run_share.active() as f64),
    );
    family(
        "wasmlit_jobs_active",
        "gauge",
        "The app's jobs on worker threads now.",
        per_app(&|s| s.services.job_share.active() as f64),
    );
    family(
        "wasmlit_sessions",
        "gauge",
        "Sessions, by app and state (connected, or parked waiting for their tab).",
        states
            .iter()
            .flat_map(|s| {
                [
                    (
                        format!("{{app=\"{}\",state=\"connected\"}}", app(s)),
                        s.parked.connected() as f64,
                    ),
                    (
                        format!("{{app=\"{}\",state=\"parked\"}}", app(s)),
                        s.parked.parked() as f64,
                    ),
                ]
            })
            .collect(),
    );
    family(
        "wasmlit_cache_bytes",
        "gauge",
        "Bytes of the app's cache_data values.",
        per_app(&|s| s.services.data.bytes() as f64),
    );
    family(
        "wasmlit_cache_computed_total",
        "counter",
        "cache_data values this replica computed (not those it read from another replica \
         through the session store).",
        per_app(&|s| s.services.data.computed() as f64),
    );
    family(
        "wasmlit_upload_bytes",
        "gauge",
        "Bytes of files uploaded to the app's sessions.",
        per_app(&|s| s.services.uploads.bytes() as f64),
    );
    if let Some(store) = states.first().and_then(|s| s.store.as_ref()) {
        family(
            "wasmlit_session_store_up",
            "gauge",
            "1 while the shared session store answers; 0 while sessions live in this replica's \
             memory only (--session-store).",
            vec![(String::new(), if store.up() { 1.0 } else { 0.0 })],
        );
    }
    if let Some(first) = states.first() {
        let runner = &first.runner;
        let executor = &first.services.executor;
        family(
            "wasmlit_queue_depth",
            "gauge",
            "Tasks waiting for a thread, by pool (script: runs; worker: jobs).",
            vec![
                ("{pool=\"script\"}".into(), runner.queued() as f64),
                ("{pool=\"worker\"}".into(), executor.queued() as f64),
            ],
        );
        family(
            "wasmlit_threads_busy",
            "gauge",
            "Threads running a task now, by pool.",
            vec![
                ("{pool=\"script\"}".into(), runner.running() as f64),
                ("{pool=\"worker\"}".into(), executor.running() as f64),
            ],
        );
    }
    if let Some(first) = states.first() {
        family(
            "wasmlit_connections_open",
            "gauge",
            "TCP connections open now (plain HTTP and WebSocket).",
            vec![(String::new(), first.settings.admission.open() as f64)],
        );
        family(
            "wasmlit_csp_violations_total",
            "counter",
            "Content-Security-Policy violations reported by browsers.",
            vec![(
                String::new(),
                first.settings.http.csp_violations.load(Ordering::Relaxed) as f64,
            )],
        );
    }
    family(
        "wasmlit_process_resident_bytes",
        "gauge",
        "Resident memory of the server process.",
        vec![(String::new(), resident_bytes() as f64)],
    );
    if let Some(bytes) = heap_bytes() {
        family(
            "wasmlit_process_heap_bytes",
            "gauge",
            "Heap memory the server's allocator has handed out and not had back: the server's \
             own data, without the free space its arenas keep (Linux with glibc 2.33 or newer).",
            vec![(String::new(), bytes as f64)],
        );
    }
    out
}

/// Label values are app names (letters, digits, `-`, `_`), escaped anyway.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The process's resident set size, from `/proc/self/statm`.
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Bytes glibc's allocator has handed out and not had back, over all its
/// arenas (`mallinfo2`: small blocks in use plus blocks mapped on their
/// own); `None` where the allocator is not glibc's or is older than 2.33.
/// Looked up when called, so the server still starts on an older glibc.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_bytes() -> Option<u64> {
    type MallInfo2 = unsafe extern "C" fn() -> libc::mallinfo2;
    // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only looks
    // the symbol up.
    let symbol = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"mallinfo2".as_ptr()) };
    if symbol.is_null() {
        return None;
    }
    // SAFETY: the symbol is glibc's mallinfo2, whose signature this is; it
    // takes no arguments and only reads the allocator's statistics.
    let info = unsafe { std::mem::transmute::<*mut libc::c_void, MallInfo2>(symbol)() };
    Some((info.uordblks + info.hblkhd) as u64)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_bytes() -> Option<u64> {
    None
}
