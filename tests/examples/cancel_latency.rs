//! Measures how long a run in a tight loop (the `spin` page, or with
//! `python` the hostile Python page's `while True: pass`) takes to stop:
//! from `cancel()` to the runner's report, over many runs.
//!
//! `cargo run --release -p tests --example cancel_latency [RUNS] [python]`

use host::model::widget::WidgetInputs;
use host::runtime::run::CancelReason;
use host::runtime::runner::{RunRequest, Runner};
use host::runtime::services::session_state::SessionState;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let python = std::env::args().nth(2).as_deref() == Some("python");
    let engine = tests::engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    // What each page draws before its loop, and the query that starts it.
    let (spin, drawn_before, query) = if python {
        (tests::load(&engine, "hostile_py"), 1, "case=spin")
    } else {
        (tests::load(&engine, "spin"), 2, "")
    };
    let mut micros = Vec::with_capacity(runs);
    for _ in 0..runs {
        let drawn = Arc::new(AtomicUsize::new(0));
        let seen = drawn.clone();
        let (handle, done) = runner.spawn(RunRequest {
            app: None,
            session: None,
            callbacks: Vec::new(),
            fragment: None,
            page: spin.clone(),
            inputs: Arc::new(WidgetInputs::new()),
            state: SessionState::shared(),
            query: Arc::new(host::runtime::run::parse_query(query)),
            context: Default::default(),
            sink: Box::new(move |_| {
                seen.fetch_add(1, Ordering::Release);
            }),
        });
        // Everything drawn: the page is in its loop.
        while drawn.load(Ordering::Acquire) < drawn_before {
            std::hint::spin_loop();
        }
        let started = Instant::now();
        handle.cancel(CancelReason::Replaced);
        done.recv().expect("report");
        micros.push(started.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    println!(
        "cancel to report, {} tight loop: n={} p50={:.1} p90={:.1} p99={:.1} max={:.1} (µs)",
        if python { "Python" } else { "Rust" },
        micros.len(),
        q(0.5),
        q(0.9),
        q(0.99),
        micros[micros.len() - 1]
    );
}
