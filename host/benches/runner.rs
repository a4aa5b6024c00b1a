//! Runner benchmarks on real pages: a counter rerun in a fresh instance, the
//! cost of one host call, and how fast a tight loop is cancelled; the same
//! for the Python counter and a Python tight loop.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use host::model::delta::Delta;
use host::model::widget::WidgetInputs;
use host::runtime::engine::{EngineSettings, PageEngine};
use host::runtime::page_build::{build_crate, BuildOptions};
use host::runtime::python_build::{self, PythonPage};
use host::runtime::run::CancelReason;
use host::runtime::runner::{RunRequest, Runner};
use host::runtime::services::session_state::{SessionState, SharedState};
use host::Page;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn load(engine: &Arc<PageEngine>, crate_dir: &str) -> Arc<Page> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir);
    let wasm = build_crate(&dir, &BuildOptions::default()).expect("page builds");
    Arc::new(Page::load(engine, &wasm).expect("page loads"))
}

fn load_python(engine: &Arc<PageEngine>, script: &str) -> Arc<Page> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(script);
    let page = PythonPage::at(&path).expect("a Python page");
    let wasm =
        python_build::build(&page, &BuildOptions::default(), &mut |_| {}).expect("page builds");
    Arc::new(Page::load(engine, &wasm).expect("page loads"))
}

fn request(
    page: &Arc<Page>,
    state: &SharedState,
    sink: impl FnMut(Delta) + Send + 'static,
) -> RunRequest {
    RunRequest {
        app: None,
        session: None,
        callbacks: Vec::new(),
        fragment: None,
        page: page.clone(),
        inputs: Arc::new(WidgetInputs::new()),
        state: state.clone(),
        query: Arc::default(),
        context: Default::default(),
        sink: Box::new(sink),
    }
}

fn engine() -> Arc<PageEngine> {
    PageEngine::new(EngineSettings {
        cache_dir: None,
        ..EngineSettings::default()
    })
    .expect("engine")
}

fn counter_rerun(c: &mut Criterion) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "pages/counter");
    let state = SessionState::shared();
    c.bench_function("counter rerun (fresh instance, request to report)", |b| {
        b.iter(|| {
            let report = runner.run(request(&page, &state, |d| {
                std::hint::black_box(d);
            }));
            assert_eq!(report.elements, 5);
        })
    });
}

fn python_counter_rerun(c: &mut Criterion) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load_python(&engine, "pages/py_counter.py");
    let state = SessionState::shared();
    c.bench_function(
        "py_counter rerun (fresh instance, request to report)",
        |b| {
            b.iter(|| {
                let report = runner.run(request(&page, &state, |d| {
                    std::hint::black_box(d);
                }));
                assert_eq!(report.elements, 5);
            })
        },
    );
}

fn host_call(c: &mut Criterion) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "tests/pages/host_calls");
    let mut group = c.benchmark_group("host call");
    for calls in [0u32, 10_000] {
        let state = SessionState::shared();
        state
            .lock()
            .set("calls", calls.to_string(), 1 << 20)
            .unwrap();
        group.bench_with_input(
            BenchmarkId::new("run with session_state.get calls", calls),
            &calls,
            |b, _| b.iter(|| runner.run(request(&page, &state, |_| {}))),
        );
    }
    group.finish();
}

fn cancel_spin(c: &mut Criterion) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let rust = load(&engine, "pages/spin");
    let python = load_python(&engine, "tests/pages/hostile_py.py");
    let state = SessionState::shared();
    let mut group = c.benchmark_group("cancel");
    group.sample_size(50);
    // Each page draws before it loops: two elements (Rust), one (Python).
    for (name, page, query, drawn_before) in [
        ("tight loop, cancel to report", &rust, "", 2),
        (
            "python tight loop, cancel to report",
            &python,
            "case=spin",
            1,
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let drawn = Arc::new(AtomicUsize::new(0));
                    let seen = drawn.clone();
                    let mut request = request(page, &state, move |_| {
                        seen.fetch_add(1, Ordering::Release);
                    });
                    request.query = Arc::new(host::runtime::run::parse_query(query));
                    let (handle, done) = runner.spawn(request);
                    while drawn.load(Ordering::Acquire) < drawn_before {
                        std::hint::spin_loop();
                    }
                    let started = Instant::now();
                    handle.cancel(CancelReason::Replaced);
                    done.recv().expect("report");
                    total += started.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    counter_rerun,
    python_counter_rerun,
    host_call,
    cancel_spin
);
criterion_main!(benches);
