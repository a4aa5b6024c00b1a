//! The runtime, without a server: real pages from `pages/`, compiled once,
//! run by the real runner on script threads.

use crossbeam_channel::Receiver;
use host::model::delta::{Delta, Element};
use host::model::widget::{WidgetId, WidgetInputs};
use host::runtime::limits::Limits;
use host::runtime::run::{CancelReason, RunOutcome, RunReport};
use host::runtime::runner::{call_outside_run, RunRequest, Runner};
use host::runtime::services::session_state::{SessionState, SharedState};
use host::Page;
use parking_lot::Mutex;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::{engine, engine_with, load};

/// Deltas a run produced, shared with the test.
type Recorded = Arc<Mutex<Vec<Delta>>>;

fn request(
    page: &Arc<Page>,
    inputs: WidgetInputs,
    state: &SharedState,
    recorded: &Recorded,
) -> RunRequest {
    request_with_query(page, inputs, state, recorded, "")
}

fn request_with_query(
    page: &Arc<Page>,
    inputs: WidgetInputs,
    state: &SharedState,
    recorded: &Recorded,
    query: &str,
) -> RunRequest {
    let sink = recorded.clone();
    RunRequest {
        app: None,
        session: None,
        callbacks: Vec::new(),
        fragment: None,
        page: page.clone(),
        inputs: Arc::new(inputs),
        state: state.clone(),
        query: Arc::new(host::runtime::run::parse_query(query)),
        context: Default::default(),
        sink: Box::new(move |d: Delta| sink.lock().push(d)),
    }
}

fn run(
    runner: &Runner,
    page: &Arc<Page>,
    inputs: WidgetInputs,
    state: &SharedState,
) -> (RunReport, Vec<Delta>) {
    let recorded = Recorded::default();
    let report = runner.run(request(page, inputs, state, &recorded));
    let deltas = recorded.lock().clone();
    (report, deltas)
}

fn texts(deltas: &[Delta]) -> Vec<String> {
    deltas
        .iter()
        .filter_map(|d| match &d.element {
            Element::Markdown { html, .. } => Some(
                html.trim()
                    .trim_start_matches("<p>")
                    .trim_end_matches("</p>")
                    .to_owned(),
            ),
            Element::Title(h) => Some(h.body.clone()),
            Element::Text { body } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

fn widget_id(deltas: &[Delta], label: &str) -> WidgetId {
    deltas
        .iter()
        .find_map(|d| match &d.element {
            Element::Widget(w) if w.label == label => Some(w.id.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no widget labelled {label}"))
}

fn error_message(report: &RunReport) -> String {
    match &report.outcome {
        RunOutcome::Error(_, m) => m.clone(),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Waits (bounded) until the sink has recorded at least `n` deltas.
fn wait_for_deltas(recorded: &Recorded, n: usize, done: &Receiver<RunReport>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while recorded.lock().len() < n {
        assert!(
            done.try_recv().is_err(),
            "the run ended before drawing {n} elements"
        );
        assert!(Instant::now() < deadline, "no {n} deltas within 20 s");
        std::thread::yield_now();
    }
}

#[test]
fn counter_draws_title_button_count_and_slider() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "counter");
    let (report, deltas) = run(&runner, &page, WidgetInputs::new(), &SessionState::shared());
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["Counter", "count: 0", "square: 0"]);
    let paths: Vec<Vec<u32>> = deltas.iter().map(|d| d.path.clone()).collect();
    assert_eq!(paths, [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]]);
    assert_eq!(report.widgets.len(), 2);
}

#[test]
fn button_click_increments_session_state_and_slider_value_is_used() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "counter");
    let state = SessionState::shared();
    let (_, first) = run(&runner, &page, WidgetInputs::new(), &state);
    let button = widget_id(&first, "Increment");
    let slider = widget_id(&first, "n");
    for expected in 1..=3 {
        let inputs =
            WidgetInputs::from([(button.clone(), json!(true)), (slider.clone(), json!(7))]);
        let (report, deltas) = run(&runner, &page, inputs, &state);
        assert_eq!(report.outcome, RunOutcome::Ok);
        assert_eq!(
            texts(&deltas)[1..],
            [format!("count: {expected}"), "square: 49".to_owned()]
        );
    }
    assert_eq!(state.lock().get("count"), Some("3"));
}

#[test]
fn spin_is_cancelled_and_the_runner_is_free_again() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let spin = load(&engine, "spin");
    let recorded = Recorded::default();
    let (handle, done) = runner.spawn(request(
        &spin,
        WidgetInputs::new(),
        &SessionState::shared(),
        &recorded,
    ));
    // The page draws two elements, then loops without calling the host.
    wait_for_deltas(&recorded, 2, &done);
    let cancelled_at = Instant::now();
    handle.cancel(CancelReason::Replaced);
    let report = done
        .recv_timeout(Duration::from_secs(5))
        .expect("spin stops");
    let latency = cancelled_at.elapsed();
    assert_eq!(report.outcome, RunOutcome::Replaced);
    assert!(
        latency < Duration::from_millis(500),
        "cancel took {latency:?}"
    );
    // The single script thread is free: the next run completes.
    let hello = load(&engine, "hello");
    let (report, _) = run(
        &runner,
        &hello,
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    assert_eq!(report.outcome, RunOutcome::Ok);
}

#[test]
fn no_delta_of_a_cancelled_run_is_forwarded() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let chatter = load(&engine, "chatter");
    let recorded = Recorded::default();
    let (handle, done) = runner.spawn(request(
        &chatter,
        WidgetInputs::new(),
        &SessionState::shared(),
        &recorded,
    ));
    wait_for_deltas(&recorded, 5, &done);
    handle.cancel(CancelReason::Replaced);
    let at_cancel = recorded.lock().len();
    let report = done
        .recv_timeout(Duration::from_secs(5))
        .expect("chatter stops");
    assert_eq!(report.outcome, RunOutcome::Replaced);
    assert_eq!(
        recorded.lock().len(),
        at_cancel,
        "a delta arrived after cancel returned"
    );
}

#[test]
fn an_import_called_outside_a_live_run_is_an_explicit_error() {
    let engine = engine();
    let hello = load(&engine, "hello");
    let outcome = call_outside_run(&engine, &hello);
    let RunOutcome::Error(_, message) = outcome else {
        panic!("expected an error, got {outcome:?}");
    };
    // The SDK's first call at the start of a run (asking for widget
    // callbacks) is already refused, naming the call.
    assert!(
        message.contains("`widgets.callbacks` was called outside a script run"),
        "{message}"
    );
}

#[test]
fn pages_built_by_the_host_carry_no_build_machine_paths() {
    // Panic locations are compiled into a page: what its dependencies
    // (serde_json's parser, the SDK) would show a browser.
    let home = std::env::var("HOME").expect("HOME");
    let cargo_home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    let workspace = tests::workspace().display().to_string();
    for page in ["gallery", "panic"] {
        let wasm = std::fs::read(tests::page_wasm(page)).expect("the page's component");
        let text = String::from_utf8_lossy(&wasm);
        for dir in [&cargo_home, &workspace, &home] {
            assert!(
                !text.contains(&format!("{dir}/")),
                "{page}.wasm names {dir}"
            );
        }
    }
    // What remains of a dependency's path is its crate-relative part.
    let gallery = std::fs::read(tests::page_wasm("gallery")).expect("component");
    assert!(String::from_utf8_lossy(&gallery).contains("serde_json-"));
}

#[test]
fn panic_ends_only_that_run_with_its_message_and_location() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let (report, deltas) = run(
        &runner,
        &load(&engine, "panic"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    let message = error_message(&report);
    assert!(message.contains("the data set is empty"), "{message}");
    assert!(message.contains("src/lib.rs:"), "{message}");
    assert!(!message.contains(" /"), "no absolute path: {message}");
    assert_eq!(texts(&deltas), ["Panic", "About to panic."]);
    let (report, _) = run(
        &runner,
        &load(&engine, "counter"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    assert_eq!(report.outcome, RunOutcome::Ok);
}

#[test]
fn memory_bomb_ends_only_that_run_with_the_limit_in_the_message() {
    let engine = engine_with(Limits {
        memory_bytes: 32 << 20,
        ..Limits::default()
    });
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let (report, _) = run(
        &runner,
        &load(&engine, "memory_hog"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    assert_eq!(error_message(&report), "exceeded the memory limit (32 MiB)");
    let (report, _) = run(
        &runner,
        &load(&engine, "counter"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    assert_eq!(report.outcome, RunOutcome::Ok);
}

#[test]
fn stack_overflow_ends_only_that_run() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let (report, _) = run(
        &runner,
        &load(&engine, "deep_recursion"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    let message = error_message(&report);
    assert!(message.starts_with("stack overflow"), "{message}");
    let (report, _) = run(
        &runner,
        &load(&engine, "counter"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    assert_eq!(report.outcome, RunOutcome::Ok);
}

#[test]
fn cpu_time_limit_ends_a_tight_loop() {
    let engine = engine_with(Limits {
        cpu_time: Duration::from_millis(200),
        ..Limits::default()
    });
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let (report, _) = run(
        &runner,
        &load(&engine, "spin"),
        WidgetInputs::new(),
        &SessionState::shared(),
    );
    assert_eq!(
        error_message(&report),
        "exceeded the CPU time limit (200 ms)"
    );
}

#[test]
fn slider_value_out_of_range_or_of_the_wrong_type_is_refused() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "counter");
    let state = SessionState::shared();
    let (_, first) = run(&runner, &page, WidgetInputs::new(), &state);
    let slider = widget_id(&first, "n");
    for (value, expected) in [
        (json!(101), "slider value 101 is outside 0..=100"),
        (json!("7"), "slider expects an integer, got a string"),
        (json!(2.5), "slider expects an integer, got a number"),
    ] {
        let (report, deltas) = run(
            &runner,
            &page,
            WidgetInputs::from([(slider.clone(), value)]),
            &state,
        );
        assert_eq!(report.outcome, RunOutcome::Ok);
        assert_eq!(report.rejected.len(), 1);
        // Refused by id, so the browser can put the widget back.
        assert_eq!(report.rejected[0].widget, slider);
        assert!(
            report.rejected[0].message.contains(expected),
            "{:?}",
            report.rejected
        );
        // The widget fell back to its default.
        assert_eq!(texts(&deltas).last().map(String::as_str), Some("square: 0"));
    }
}

#[test]
fn widgets_page_returns_each_widgets_value() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "widgets");
    let state = SessionState::shared();
    let (report, first) = run(&runner, &page, WidgetInputs::new(), &state);
    assert_eq!(report.outcome, RunOutcome::Ok);
    let inputs = WidgetInputs::from([
        (widget_id(&first, "Click me"), json!(true)),
        (widget_id(&first, "Check me"), json!(true)),
        (widget_id(&first, "Level"), json!(9)),
        (widget_id(&first, "Ratio"), json!(0.75)),
        (widget_id(&first, "Text"), json!("typed")),
        (widget_id(&first, "Amount"), json!(42.5)),
        (widget_id(&first, "Fruit"), json!(2)),
    ]);
    let (report, deltas) = run(&runner, &page, inputs, &state);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let texts = texts(&deltas);
    for expected in [
        "button: true",
        "checkbox: true",
        "slider: 9",
        "float slider: 0.75",
        "text input: typed",
        "number input: 42.5",
        "selectbox: cherry",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "{expected} not in {texts:?}"
        );
    }
}

#[test]
fn a_compiled_page_is_cached_on_disk_and_reused() {
    let cache = tempfile::tempdir().unwrap();
    let settings = || host::EngineSettings {
        cache_dir: Some(cache.path().to_owned()),
        ..host::EngineSettings::default()
    };
    let path = tests::page_wasm("hello");
    let first = Page::load(&host::PageEngine::new(settings()).unwrap(), &path).unwrap();
    assert!(!first.from_cache);
    let second = Page::load(&host::PageEngine::new(settings()).unwrap(), &path).unwrap();
    assert!(second.from_cache);
}

/// Runs `control_flow` in `mode` (an index into its Mode selectbox).
fn control_flow(mode: u32, state: &SharedState) -> (RunReport, Vec<Delta>) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "control_flow");
    let (_, first) = run(&runner, &page, WidgetInputs::new(), state);
    let inputs = WidgetInputs::from([(widget_id(&first, "Mode"), json!(mode))]);
    run(&runner, &page, inputs, state)
}

#[test]
fn rerun_ends_the_run_and_asks_for_another() {
    let state = SessionState::shared();
    let (report, deltas) = control_flow(1, &state);
    assert_eq!(report.outcome, RunOutcome::Rerun);
    assert_eq!(deltas.len(), 1, "only the selectbox, drawn before rerun()");
    assert_eq!(state.lock().get("runs"), Some("1"));
}

#[test]
fn stop_ends_the_run_keeping_what_it_drew() {
    let (report, deltas) = control_flow(2, &SessionState::shared());
    assert_eq!(report.outcome, RunOutcome::StoppedByPage);
    assert_eq!(report.outcome.status().as_str(), "ok");
    assert_eq!(texts(&deltas), ["before stop"]);
}

#[test]
fn duplicate_widget_ids_are_an_error_naming_the_fix() {
    let (report, deltas) = control_flow(3, &SessionState::shared());
    let message = error_message(&report);
    assert!(
        message.contains("multiple widgets with the id"),
        "{message}"
    );
    assert!(message.contains("unique key"), "{message}");
    assert_eq!(
        deltas.len(),
        2,
        "the selectbox and the first button were drawn"
    );
}

#[test]
fn a_sleeping_page_sleeps_as_long_as_asked() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "sleepy");
    let recorded = Recorded::default();
    let report = runner.run(request_with_query(
        &page,
        WidgetInputs::new(),
        &SessionState::shared(),
        &recorded,
        "ms=30",
    ));
    assert_eq!(report.outcome, RunOutcome::Ok);
    let slept: u64 = texts(&recorded.lock())[1]
        .trim_start_matches("slept ")
        .trim_end_matches(" ms")
        .parse()
        .unwrap();
    assert!(slept >= 30, "slept {slept} ms");
}

#[test]
fn a_page_blocked_in_sleep_is_cancelled_at_once() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "sleepy");
    let recorded = Recorded::default();
    let (handle, done) = runner.spawn(request_with_query(
        &page,
        WidgetInputs::new(),
        &SessionState::shared(),
        &recorded,
        "ms=60000",
    ));
    wait_for_deltas(&recorded, 1, &done);
    let cancelled_at = Instant::now();
    handle.cancel(CancelReason::Replaced);
    let report = done
        .recv_timeout(Duration::from_secs(10))
        .expect("the sleeping run stops");
    assert_eq!(report.outcome, RunOutcome::Replaced);
    let latency = cancelled_at.elapsed();
    assert!(
        latency < Duration::from_millis(500),
        "cancel took {latency:?}"
    );
    assert_eq!(recorded.lock().len(), 1, "nothing drawn after the cancel");
}

#[test]
fn a_page_sleeping_past_the_wall_time_limit_is_stopped() {
    let engine = engine_with(Limits {
        wall_time: Duration::from_millis(200),
        ..Limits::default()
    });
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "sleepy");
    let recorded = Recorded::default();
    let started = Instant::now();
    let report = runner.run(request_with_query(
        &page,
        WidgetInputs::new(),
        &SessionState::shared(),
        &recorded,
        "ms=60000",
    ));
    assert_eq!(
        error_message(&report),
        "exceeded the wall time limit (200 ms)"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}
