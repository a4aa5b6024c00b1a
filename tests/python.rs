//! Python pages: the example scripts and the features page driven with
//! AppTest, build errors, the hostile Python page run by the real runner,
//! and a Python counter clicked in headless Chromium.

use host::model::delta::{Delta, Element};
use host::runtime::limits::Limits;
use host::runtime::page_build::BuildOptions;
use host::runtime::python_build::{self, PythonPage};
use host::runtime::run::{CancelReason, RunOutcome, RunReport};
use host::runtime::runner::Runner;
use std::path::PathBuf;
use std::time::Duration;
use tests::chromium::Browser;
use tests::runs::{request, texts, Recorded};
use tests::{engine, engine_with, load, workspace, TestServer};
use wasmlit_apptest::AppTest;

fn app(name: &str) -> AppTest {
    AppTest::from_wasm(tests::page_wasm(name)).expect("page loads")
}

fn features(query: &str) -> AppTest {
    let mut at = app("python_features");
    at.set_query(&format!("case={query}"));
    at
}

#[test]
fn python_counter_counts_clicks_and_squares_the_slider() {
    // The Python counter behaves as the Rust one (`apptest.rs` runs both).
    let mut at = AppTest::from_script(workspace().join("pages/py_counter.py")).expect("builds");
    tests::assert_counter_counts_clicks_and_squares_the_slider(&mut at);
}

#[test]
fn callbacks_run_before_the_script_with_their_arguments() {
    let mut at = features("");
    at.run();
    assert!(
        at.markdown().contains(&"clicks: 0".to_owned()),
        "{:?}",
        at.markdown()
    );
    at.button("Add 5").click().run();
    at.button("Add 5").click().run();
    assert!(
        at.markdown().contains(&"clicks: 10".to_owned()),
        "{:?}",
        at.markdown()
    );
    assert!(at.exception().is_none(), "{:?}", at.exception());
}

#[test]
fn cache_data_computes_once_per_argument() {
    let mut at = features("");
    at.run();
    assert!(at
        .markdown()
        .contains(&"square: 16, computed 1 times".to_owned()));
    at.run();
    at.run();
    assert!(
        at.markdown()
            .contains(&"square: 16, computed 1 times".to_owned()),
        "a cached value is not computed again: {:?}",
        at.markdown()
    );
    at.number_input("n").set(5).run();
    assert!(
        at.markdown()
            .contains(&"square: 25, computed 2 times".to_owned()),
        "{:?}",
        at.markdown()
    );
}

#[test]
fn widgets_return_streamlits_values() {
    let mut at = features("");
    at.run();
    assert!(
        at.markdown().contains(&"Hello Ada, chocolate".to_owned()),
        "{:?}",
        at.markdown()
    );
    at.text_input("Name").set("Grace").run();
    at.selectbox("Flavour").select("mint").run();
    at.checkbox("Loud").set(true).run();
    assert!(
        at.markdown().contains(&"HELLO GRACE, MINT".to_owned()),
        "{:?}",
        at.markdown()
    );
}

#[test]
fn with_blocks_columns_tabs_and_the_sidebar_hold_their_elements() {
    let mut at = features("");
    at.run();
    for text in [
        "in left",
        "in right",
        "inside expander",
        "in tab B",
        "in sidebar",
    ] {
        assert!(
            at.text().contains(&text.to_owned()),
            "{text}: {:?}",
            at.text()
        );
    }
    // Where each landed: the sidebar is container 1; a column's element
    // is nested in its block (main, block, column, position).
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner starts");
    let page = load(&engine, "python_features");
    let (_, deltas) = tests::runs::run(&runner, &page, "");
    let path_of = |text: &str| {
        deltas
            .iter()
            .find(|d| matches!(&d.element, Element::Text { body } if body == text))
            .map(|d| d.path.clone())
            .unwrap_or_else(|| panic!("{text} was not drawn"))
    };
    assert_eq!(path_of("in sidebar")[0], 1);
    assert_eq!(path_of("in left").len(), 4);
    assert_eq!(path_of("in left")[2], 0);
    assert_eq!(path_of("in right")[2], 1);
}

#[test]
fn a_fragment_reruns_alone_with_its_arguments() {
    let mut at = features("");
    at.run();
    assert!(at.text().contains(&"tally: 0".to_owned()));
    at.button("Tally").click().run();
    at.button("Tally").click().run();
    assert!(
        at.text().contains(&"tally: 4".to_owned()),
        "step 2 each: {:?}",
        at.text()
    );
    // The rest of the page was not rerun: its cached function count and
    // its other elements are as they were.
    assert!(
        at.markdown().contains(&"clicks: 0".to_owned()),
        "{:?}",
        at.markdown()
    );
    assert!(at.exception().is_none(), "{:?}", at.exception());
}

#[test]
fn rerun_and_stop_end_the_run_as_in_streamlit() {
    let mut at = features("rerun");
    at.run();
    assert!(
        at.text().contains(&"reruns: 2".to_owned()),
        "{:?}",
        at.text()
    );
    let mut at = features("stop");
    at.run();
    assert!(at.text().contains(&"before stop".to_owned()));
    assert!(!at.text().contains(&"after stop".to_owned()));
    assert!(at.exception().is_none());
}

#[test]
fn an_exception_is_the_runs_error_with_the_scripts_line() {
    let mut at = features("error");
    at.run();
    let message = at.exception().expect("the run failed");
    assert!(
        message.starts_with("ZeroDivisionError: division by zero"),
        "{message}"
    );
    assert!(message.contains("python_features.py\", line"), "{message}");
    assert!(
        !message.contains("_page.py"),
        "the SDK's own frames are left out: {message}"
    );
}

#[test]
fn a_job_must_be_a_top_level_function_and_says_so() {
    let mut at = features("nested_job");
    at.run();
    let message = at.exception().expect("the run failed");
    assert!(
        message.contains("`inner` cannot run in a fresh instance"),
        "{message}"
    );
    assert!(message.contains("top level of the script"), "{message}");
}

#[test]
fn the_scripts_own_classes_pickle_into_the_cache_and_through_jobs() {
    let mut at = features("classes");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    assert!(
        at.text()
            .contains(&"classes: Point(x=3, y=0) True Point(x=2, y=1)".to_owned()),
        "{:?}",
        at.text()
    );
}

#[test]
fn widgets_without_bounds_take_streamlits_defaults() {
    let mut at = features("defaults");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    assert!(
        at.text().contains(&"defaults: 0.0 0.25 None".to_owned()),
        "{:?}",
        at.text()
    );
    at.float_slider("Fraction").set(0.75).run();
    assert!(
        at.text().contains(&"defaults: 0.0 0.75 None".to_owned()),
        "{:?}",
        at.text()
    );
    let err = at.float_slider("Fraction").try_set(1.5).err().unwrap();
    assert!(err.contains("outside"), "{err}");
}

#[test]
fn pickled_data_that_would_call_a_function_is_refused() {
    let (report, deltas) = hostile(Limits::default(), "unpickle");
    assert_eq!(report.outcome, RunOutcome::Ok, "{report:?}");
    let lines = texts(&deltas);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    for line in &lines[..2] {
        assert!(line.contains(": refused: UnpicklingError: "), "{line}");
    }
    assert_eq!(lines[2], "plain: {'a': [1, 2.5, None]}");
}

#[test]
fn standard_modules_loaded_on_demand_are_there_at_run_time() {
    let mut at = features("strptime");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    assert!(
        at.text().contains(&"02.12.2026".to_owned()),
        "{:?}",
        at.text()
    );
}

#[test]
fn python_jobs_return_data_and_a_spawn_in_job_draws_into_its_container() {
    let mut at = app("py_multithread_example");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let alerts = at.alerts();
    assert_eq!(alerts.len(), 4, "{alerts:?}");
    for table in ["orders", "customers", "invoices", "shipments"] {
        assert!(
            alerts.iter().any(|a| a.starts_with(&format!("{table}: "))),
            "{alerts:?}"
        );
    }
    let markdown = at.markdown();
    assert!(
        markdown.iter().any(|m| m.contains("All 4 queries took")),
        "{markdown:?}"
    );
    let steps: Vec<&String> = markdown.iter().filter(|m| m.starts_with("step ")).collect();
    assert_eq!(steps, ["step 0 done", "step 1 done", "step 2 done"]);
    assert!(
        markdown.contains(&"the job reported 3 steps".to_owned()),
        "{markdown:?}"
    );
}

#[test]
fn parallel_map_returns_what_the_loop_returns() {
    let mut at = app("py_thread_executor");
    at.run();
    at.slider("Inputs").set(3).run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let markdown = at.markdown();
    let results = |prefix: &str| {
        let line = markdown
            .iter()
            .find(|m| m.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {markdown:?}"));
        line.rsplit('→').next().unwrap().trim().to_owned()
    };
    assert_eq!(results("Sequential loop"), results("parallel_map"));
}

#[test]
fn the_dashboard_filters_charts_and_reruns_its_fragment() {
    let mut at = app("py_dashboard");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    assert_eq!(at.elements_of("metric").len(), 2);
    assert_eq!(at.charts().len(), 1);
    assert_eq!(at.tables().len(), 1);
    at.multiselect("Regions")
        .set(serde_json::json!([0, 1, 2]))
        .run();
    assert_eq!(at.elements_of("metric").len(), 3);
    at.radio("Best day of").select("west").run();
    assert!(
        at.markdown().iter().any(|m| m.starts_with("west: day ")),
        "{:?}",
        at.markdown()
    );
    at.multiselect("Regions").set(serde_json::json!([])).run();
    assert_eq!(at.alerts(), ["Pick at least one region."]);
}

// Building -----------------------------------------------------------------

fn build_error(source: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("broken.py");
    std::fs::write(&script, source).unwrap();
    let page = PythonPage::at(&script).unwrap();
    let options = BuildOptions {
        target_dir: Some(dir.path().join("cache")),
        ..BuildOptions::default()
    };
    let error = python_build::build(&page, &options, &mut |_| {}).expect_err("the build fails");
    format!("{error:#}")
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let message = build_error("import wasmlit as st\n\nst.title('x'\nst.write(1)\n");
    assert!(
        message.starts_with("broken.py, line 3: SyntaxError:"),
        "{message}"
    );
    assert!(!message.contains("Stack backtrace"), "{message}");
}

#[test]
fn an_unsupported_import_names_the_module_and_line() {
    let message = build_error("import wasmlit as st\nimport numpy_that_is_not_here\n");
    assert!(
        message.starts_with("broken.py, line 2: `numpy_that_is_not_here` cannot be imported"),
        "{message}"
    );
    assert!(
        message.contains("pure-Python modules in its own folder"),
        "{message}"
    );
}

#[test]
fn a_build_is_cached_by_content_and_a_change_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("page.py");
    std::fs::write(&script, "import wasmlit as st\nst.text('one')\n").unwrap();
    let page = PythonPage::at(&script).unwrap();
    let options = BuildOptions {
        target_dir: Some(dir.path().join("cache")),
        ..BuildOptions::default()
    };
    let mut builds = 0;
    let first = python_build::build(&page, &options, &mut |_| builds += 1).unwrap();
    let again = python_build::build(&page, &options, &mut |_| builds += 1).unwrap();
    assert_eq!(first, again);
    assert_eq!(builds, 1, "the second build came from the cache");
    std::fs::write(&script, "import wasmlit as st\nst.text('two')\n").unwrap();
    let changed = python_build::build(&page, &options, &mut |_| builds += 1).unwrap();
    assert_ne!(first, changed);
    assert_eq!(builds, 2);
    let mut at = AppTest::from_wasm(&changed).unwrap();
    at.run();
    assert_eq!(at.text(), ["two"]);
}

#[test]
fn a_folder_page_imports_its_own_modules() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("report");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("helpers.py"),
        "def shout(s):\n    return s.upper() + '!'\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("app.py"),
        "import wasmlit as st\nfrom helpers import shout\nst.text(shout('hi'))\n",
    )
    .unwrap();
    let page = PythonPage::at(&folder).unwrap();
    assert_eq!(page.name(), "report");
    let options = BuildOptions {
        target_dir: Some(dir.path().join("cache")),
        ..BuildOptions::default()
    };
    let wasm = python_build::build(&page, &options, &mut |_| {}).unwrap();
    let mut at = AppTest::from_wasm(&wasm).unwrap();
    at.run();
    assert_eq!(at.text(), ["HI!"]);
}

// The hostile Python page ---------------------------------------------------

fn hostile(limits: Limits, case: &str) -> (RunReport, Vec<Delta>) {
    let engine = engine_with(limits);
    let runner = Runner::new(engine.clone(), 1).expect("runner starts");
    let page = load(&engine, "hostile_py");
    tests::runs::run(&runner, &page, &format!("case={case}"))
}

fn error_message(report: &RunReport) -> String {
    match &report.outcome {
        RunOutcome::Error(_, m) => m.clone(),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn a_python_tight_loop_ends_at_the_cpu_limit() {
    let limits = Limits {
        cpu_time: Duration::from_millis(500),
        ..Limits::default()
    };
    let (report, _) = hostile(limits, "spin");
    assert!(
        error_message(&report).contains("CPU time limit"),
        "{report:?}"
    );
    assert!(
        report.wall_time < Duration::from_secs(5),
        "{:?}",
        report.wall_time
    );
}

#[test]
fn a_python_tight_loop_is_cancelled_at_once() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = load(&engine, "hostile_py");
    let recorded = Recorded::default();
    let (handle, done) = runner.spawn(request(&page, "case=spin", "test", &recorded));
    // The page draws one element, then loops without calling the host.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while recorded.lock().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the page never drew");
        if let Ok(report) = done.recv_timeout(Duration::from_millis(5)) {
            panic!("the run ended before it was cancelled: {report:?}");
        }
    }
    let cancelled_at = std::time::Instant::now();
    handle.cancel(CancelReason::Replaced);
    let report = done
        .recv_timeout(Duration::from_secs(5))
        .expect("the loop stops");
    assert_eq!(report.outcome, RunOutcome::Replaced);
    let latency = cancelled_at.elapsed();
    assert!(
        latency < Duration::from_millis(500),
        "cancel took {latency:?}"
    );
}

#[test]
fn a_python_memory_bomb_and_unbounded_recursion_end_at_the_memory_limit() {
    for case in ["memory", "recursion", "big_string"] {
        let (report, _) = hostile(Limits::default(), case);
        let message = error_message(&report);
        assert!(message.contains("memory limit"), "{case}: {message}");
    }
    // With Python's own recursion limit, a RecursionError with the line.
    let (report, _) = hostile(Limits::default(), "recursion_default");
    let message = error_message(&report);
    assert!(message.starts_with("RecursionError"), "{message}");
    assert!(message.contains("hostile_py.py\", line"), "{message}");
}

#[test]
fn a_python_flood_ends_at_the_output_limits() {
    let (report, deltas) = hostile(Limits::default(), "elements");
    let message = error_message(&report);
    assert!(message.contains("elements_per_run"), "{message}");
    assert_eq!(deltas.len(), Limits::default().elements_per_run as usize);
    let (report, _) = hostile(
        Limits {
            cpu_time: Duration::from_secs(2),
            ..Limits::default()
        },
        "stdout",
    );
    // Printing forever is capped, then stopped by the CPU limit.
    assert!(
        error_message(&report).contains("CPU time limit"),
        "{report:?}"
    );
    assert!(
        report.stdout.len() <= Limits::default().captured_output_bytes + 4096,
        "{}",
        report.stdout.len()
    );
}

#[test]
fn a_python_page_reaches_no_file_environment_socket_process_or_thread() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "the host's secret").unwrap();
    let (report, deltas) = hostile(
        Limits::default(),
        &format!("escape&port={port}&secret={}", secret.path().display()),
    );
    assert_eq!(report.outcome, RunOutcome::Ok, "{report:?}");
    let lines = texts(&deltas);
    assert_eq!(lines.len(), 12, "{lines:#?}");
    for line in &lines {
        assert!(
            line.contains(": refused: ") || line == "environ: 0 variables",
            "{line}"
        );
        assert!(!line.contains("ALLOWED"), "{line}");
    }
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the page reached the host's listener: {other:?}"),
    }
    assert!(!PathBuf::from("/tmp/written.txt").exists());
}

#[test]
fn sys_exit_ends_only_the_run_with_its_status() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner starts");
    let page = load(&engine, "hostile_py");
    let (report, _) = tests::runs::run(&runner, &page, "case=exit");
    assert!(
        error_message(&report).starts_with("SystemExit: 3"),
        "{report:?}"
    );
    // The same runner runs the page again, unharmed.
    let (report, deltas) = tests::runs::run(&runner, &page, "");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["no case"]);
}

#[test]
fn a_session_state_value_that_is_not_json_like_is_refused_naming_its_key() {
    let (report, _) = hostile(Limits::default(), "state");
    let message = error_message(&report);
    assert!(
        message.contains("st.session_state[\"bad\"] cannot keep set"),
        "{message}"
    );
}

// In the browser -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_counter_is_clicked_in_the_browser() {
    let server = TestServer::start(&["py_counter"]).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/py_counter", server.addr))
        .await
        .expect("navigate");
    browser.wait_text("count: 0").await;
    for n in 1..=3 {
        browser.click("[data-widget-id^='button:'] button").await;
        browser.wait_text(&format!("count: {n}")).await;
    }
    browser.client.refresh().await.unwrap();
    browser.wait_text("count: 3").await;
    browser.close().await;
    server.shutdown().await;
}
