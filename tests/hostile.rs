//! The hostile-page suite: a page (`tests/pages/hostile`, one behaviour per
//! `?case=`) that floods, exhausts, escapes or crashes, run by the real
//! runner without a server. Each test asserts how the run ends (with a
//! message naming the limit or setting that stopped it, where one applies),
//! that it ended within its limit, and that the same runner then runs a
//! normal page.

use host::model::delta::{Delta, Element};
use host::model::widget::{WidgetId, WidgetInputs};
use host::runtime::engine::PageEngine;
use host::runtime::limits::Limits;
use host::runtime::run::{RunOutcome, RunReport};
use host::runtime::runner::Runner;
use host::runtime::services::session_state::{SessionState, SharedState};
use host::Page;
use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;
use tests::runs::{request, start, texts, Recorded};
use tests::{engine, engine_with, load};

/// Tests take this shared; the memory test takes it alone, so no other
/// test's allocations land in the resident set it measures.
static ALONE: RwLock<()> = RwLock::new(());

fn shared() -> RwLockReadGuard<'static, ()> {
    ALONE.read().unwrap_or_else(|e| e.into_inner())
}

/// A runner with one script thread over `engine`, and the hostile page.
struct Bench {
    engine: Arc<PageEngine>,
    runner: Runner,
    page: Arc<Page>,
}

impl Bench {
    fn new(engine: Arc<PageEngine>) -> Bench {
        let runner = Runner::new(engine.clone(), 1).expect("runner starts");
        let page = load(&engine, "hostile");
        Bench {
            engine,
            runner,
            page,
        }
    }

    fn with(limits: Limits) -> Bench {
        Bench::new(engine_with(limits))
    }

    /// Runs `?case=<query>` with its own session state.
    fn run(&self, query: &str) -> (RunReport, Vec<Delta>) {
        self.run_with_state(query, &SessionState::shared())
    }

    /// Runs the case with these widget values, as a browser reports them.
    fn run_with_inputs(&self, query: &str, inputs: WidgetInputs) -> (RunReport, Vec<Delta>) {
        let recorded = Recorded::default();
        let mut request = request(&self.page, &format!("case={query}"), "hostile", &recorded);
        request.inputs = Arc::new(inputs);
        let report = self.runner.run(request);
        let deltas = recorded.lock().clone();
        (report, deltas)
    }

    /// Runs `?case=<query>` with session state `state`.
    fn run_with_state(&self, query: &str, state: &SharedState) -> (RunReport, Vec<Delta>) {
        let recorded = Recorded::default();
        let mut request = request(&self.page, &format!("case={query}"), "hostile", &recorded);
        request.state = state.clone();
        let report = self.runner.run(request);
        let deltas = recorded.lock().clone();
        (report, deltas)
    }

    /// The same runner still runs a normal page to its end.
    fn assert_counter_runs(&self) {
        let counter = load(&self.engine, "counter");
        let (report, deltas) = tests::runs::run(&self.runner, &counter, "");
        assert_eq!(
            report.outcome,
            RunOutcome::Ok,
            "counter after a hostile run"
        );
        assert_eq!(texts(&deltas), ["Counter", "count: 0", "square: 0"]);
    }
}

fn error_message(report: &RunReport) -> String {
    match &report.outcome {
        RunOutcome::Error(_, m) => m.clone(),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Asserts the run ended well within `bound` (its limit, or a generous
/// bound for a shared test machine where no time limit applies).
fn assert_ended_within(report: &RunReport, bound: Duration) {
    assert!(
        report.wall_time < bound,
        "the run took {:?}, more than {bound:?}",
        report.wall_time
    );
}

/// Each drawn text, and none of them may say a forbidden thing happened.
fn refusals(deltas: &[Delta]) -> Vec<String> {
    let lines = texts(deltas);
    for line in &lines {
        assert!(!line.contains("ALLOWED"), "a page was allowed: {line}");
    }
    lines
}

#[test]
fn an_element_flood_ends_at_elements_per_run() {
    let _shared = shared();
    let bench = Bench::with(Limits {
        elements_per_run: 1_000,
        ..Limits::default()
    });
    let (report, deltas) = bench.run("element_flood");
    let message = error_message(&report);
    assert!(
        message.contains("a run may draw at most 1000 elements (elements_per_run)"),
        "{message}"
    );
    assert_eq!(deltas.len(), 1_000, "exactly the limit was drawn");
    assert_eq!(report.elements, 1_000);
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

#[test]
fn an_output_flood_ends_at_run_output_bytes() {
    let _shared = shared();
    let bench = Bench::with(Limits {
        run_output_bytes: 4 << 20,
        ..Limits::default()
    });
    let (report, deltas) = bench.run("output_flood");
    let message = error_message(&report);
    assert!(
        message.contains("a run may produce at most 4 MiB of output (run_output_bytes)"),
        "{message}"
    );
    // Elements of 1,000,000 bytes: four fit in 4 MiB, the fifth does not.
    assert_eq!(deltas.len(), 4);
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

#[test]
fn a_50_mib_string_is_refused_naming_element_bytes() {
    let _shared = shared();
    let bench = Bench::new(engine());
    for kind in ["markdown", "text", "code", "title"] {
        let (report, deltas) = bench.run(&format!("giant_string&kind={kind}&mib=50"));
        let message = error_message(&report);
        assert!(message.contains("(element_bytes)"), "{kind}: {message}");
        assert!(
            message.contains("1 MiB") || message.contains("1048576 bytes"),
            "{kind}: the limit's value is named: {message}"
        );
        assert_eq!(
            texts(&deltas),
            [format!("drawing 50 MiB of {kind}")],
            "nothing of the giant element was drawn"
        );
        assert_ended_within(&report, Duration::from_secs(10));
    }
    bench.assert_counter_runs();
}

#[test]
fn a_giant_json_value_is_refused_naming_element_bytes() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let (report, deltas) = bench.run("giant_json");
    let message = error_message(&report);
    assert!(message.contains("(element_bytes)"), "{message}");
    assert_eq!(texts(&deltas), ["drawing the JSON"]);
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

#[test]
fn a_giant_download_is_refused_naming_table_bytes() {
    let _shared = shared();
    let bench = Bench::new(engine());
    // A download's data is counted as a table's: 16 MiB is 21 MiB in base64.
    let (report, deltas) = bench.run("giant_download&mib=16");
    let message = error_message(&report);
    assert!(message.contains("(table_bytes)"), "{message}");
    assert_eq!(texts(&deltas), ["drawing the download button"]);
    assert!(
        report.widgets.is_empty(),
        "the refused button was not drawn"
    );
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

#[test]
fn a_file_a_page_offers_is_bounded_and_checked_like_a_download_buttons() {
    let _shared = shared();
    let bench = Bench::new(engine());
    // No click: no file, whatever the page asks.
    let (report, deltas) = bench.run("giant_offer&mib=16");
    let lines = texts(&deltas);
    assert!(
        lines[0].starts_with("offer refused: ") && lines[0].contains("no such click"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("path refused: "), "{lines:?}");
    assert!(lines[2].starts_with("type refused: "), "{lines:?}");
    assert_eq!(lines[3], "not offered");
    let offered = |deltas: &[Delta]| {
        deltas
            .iter()
            .any(|d| matches!(d.element, host::model::delta::Element::Download { .. }))
    };
    assert!(!offered(&deltas), "nothing was offered");
    assert_ended_within(&report, Duration::from_secs(10));
    // A click: the file made is bounded by table_bytes.
    let clicked = WidgetInputs::from([(WidgetId::keyed("offer"), serde_json::json!(true))]);
    let (report, deltas) = bench.run_with_inputs("giant_offer&mib=16", clicked);
    let message = error_message(&report);
    assert!(message.contains("in base64 (table_bytes)"), "{message}");
    assert!(!offered(&deltas), "nothing was offered");
    bench.assert_counter_runs();
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_hosts_stack() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let state = SessionState::shared();
    // 100,000 levels: far past the nesting serde_json parses recursively
    // (128), and deep enough to overflow a 16 MiB native stack if the host
    // parsed, printed or dropped it recursively.
    let (report, deltas) = bench.run_with_state("deep_json&depth=100000", &state);
    assert_eq!(report.outcome, RunOutcome::Ok, "the page survives");
    let lines = texts(&deltas);
    assert!(
        lines[0].starts_with("json depth 100000: refused: invalid argument: json: not valid JSON")
            && lines[0].contains("recursion limit exceeded"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("vega-lite depth 100000: refused: invalid argument")
            && lines[1].contains("recursion limit exceeded"),
        "{}",
        lines[1]
    );
    // Session state only checks that a value is JSON (without building it),
    // so the deep value may be stored; either way the host survives reading
    // it back and turning the state into JSON.
    assert!(
        lines[2] == "session state depth 100000: accepted"
            || lines[2].contains("recursion limit exceeded"),
        "{}",
        lines[2]
    );
    let _ = state.lock().to_json();
    assert!(
        matches!(
            deltas.last().map(|d| &d.element),
            Some(Element::Json { .. })
        ),
        "shallow JSON is still drawn after the refusals"
    );
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

/// Markdown patterns (1023 KiB each, just under `element_bytes`) that the
/// renderer and the sanitizer behind it handle in about linear time.
const LINEAR_MARKDOWN: [&str; 16] = [
    "blockquotes",
    "lists",
    "ordered_lists",
    "emphasis",
    "strong",
    "brackets",
    "links",
    "backticks",
    "entities",
    "autolinks",
    "footnotes",
    "spans",
    "formatting",
    "anchors",
    "table_cells",
    "table",
];

/// Runs `markdown_bomb` with `pattern`; returns the report, how long the
/// page says the render call took, and what became of the element.
fn markdown_bomb(bench: &Bench, pattern: &str) -> (RunReport, u64, String) {
    let (report, deltas) = bench.run(&format!("markdown_bomb&pattern={pattern}&kib=1023"));
    let lines = texts(&deltas);
    assert_eq!(
        lines[0],
        format!("rendering {pattern}"),
        "{:?}",
        report.outcome
    );
    // The element itself (a Markdown source is among the texts) is skipped.
    let prefix = format!("{pattern}: ");
    let line = lines
        .iter()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{pattern}: no result drawn; {:?}", report.outcome));
    let (result, ms) = line[prefix.len()..]
        .rsplit_once(" in ")
        .unwrap_or_else(|| panic!("{line}"));
    let ms = ms.trim_end_matches(" ms").parse().expect("a time in ms");
    (report, ms, result.to_owned())
}

#[test]
fn pathological_markdown_renders_quickly_or_is_refused() {
    let _shared = shared();
    let bench = Bench::new(engine());
    for pattern in LINEAR_MARKDOWN {
        let (report, ms, result) = markdown_bomb(&bench, pattern);
        eprintln!("{pattern}: {result} in {ms} ms");
        assert_eq!(report.outcome, RunOutcome::Ok, "{pattern}");
        // The host renders Markdown inside the call, where neither the CPU
        // limit nor a cancel can stop it: each render must be short. (These
        // take at most about half a second alone; the bound is for slow,
        // shared test machines.)
        assert!(ms < 3_000, "{pattern}: the render took {ms} ms");
        assert!(
            result == "drawn" || result.contains("(element_bytes)"),
            "{pattern}: neither drawn nor refused for its size: {result}"
        );
    }
    bench.assert_counter_runs();
}

/// Markdown sources under `element_bytes` whose HTML is several times
/// larger: rendering stops as soon as the HTML passes the limit, and the
/// call returns promptly, naming it.
const EXPANDING_MARKDOWN: [&str; 6] = [
    "short_rows",
    "wide_tables",
    "empty_list_items",
    "link_references",
    "emphasis_runs",
    "table",
];

/// The process's peak resident set so far, in MiB (Linux), for the log.
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib >> 10)
}

#[test]
fn markdown_that_expands_past_element_bytes_is_refused_while_rendering() {
    let _shared = shared();
    let bench = Bench::new(engine());
    for pattern in EXPANDING_MARKDOWN {
        let (report, ms, result) = markdown_bomb(&bench, pattern);
        eprintln!(
            "{pattern}: {result} in {ms} ms (peak RSS so far {} MiB)",
            peak_rss_mib()
        );
        assert_eq!(report.outcome, RunOutcome::Ok, "{pattern}");
        assert!(
            result.starts_with("refused: limit exceeded")
                && result.contains("at most 1 MiB")
                && result.contains("(element_bytes)"),
            "{pattern}: {result}"
        );
        // Unbounded, the wide tables took 13 s and 5 GB; bounded, each
        // call takes milliseconds. The bound only catches a hang.
        assert!(ms < 3_000, "{pattern}: the call took {ms} ms");
    }
    bench.assert_counter_runs();
}

#[test]
fn markdown_that_expands_past_what_the_run_has_left_is_refused_naming_run_output_bytes() {
    let _shared = shared();
    let bench = Bench::with(Limits {
        run_output_bytes: 1 << 20,
        element_bytes: 4 << 20,
        ..Limits::default()
    });
    for pattern in ["short_rows", "link_references"] {
        let (report, ms, result) = markdown_bomb(&bench, pattern);
        assert_eq!(report.outcome, RunOutcome::Ok, "{pattern}");
        assert!(
            result.starts_with("refused: limit exceeded")
                && result.contains("a run may produce at most 1 MiB of output (run_output_bytes)"),
            "{pattern}: {result}"
        );
        assert!(ms < 3_000, "{pattern}: the call took {ms} ms");
    }
    bench.assert_counter_runs();
}

#[test]
fn a_static_table_past_table_cells_is_refused_and_a_dataframe_of_it_is_drawn() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let (report, deltas) = bench.run("many_cells&rows=1000000");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = texts(&deltas);
    assert_eq!(lines[0], "drawing 1000000 rows");
    assert!(
        lines[1].starts_with("table refused: limit exceeded: a table may show at most 100000 cells (table_cells); this one has 2000000"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.last().map(String::as_str), Some("dataframe drawn"));
    let (report, deltas) = bench.run("many_cells&rows=50000");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas)[1], "table drawn");
    bench.assert_counter_runs();
}

#[test]
fn rows_added_with_a_forged_handle_or_other_columns_are_refused_and_a_flood_ends_at_a_limit() {
    let _shared = shared();
    let bench = Bench::with(Limits {
        table_cells: 1_000,
        ..Limits::default()
    });
    let (report, deltas) = bench.run("forged_rows");
    assert_eq!(report.outcome, RunOutcome::Ok, "{}", error_message(&report));
    let lines = refusals(&deltas);
    let line = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix:?} in {lines:?}"))
            .clone()
    };
    assert!(
        line("forged handle:").contains("is not a table, dataframe or chart of this run"),
        "{lines:?}"
    );
    assert!(line("other column:").contains("no column `n`"), "{lines:?}");
    assert!(
        line("other type:").contains("holds integer values"),
        "{lines:?}"
    );
    assert!(line("ragged:").contains("one value per row"), "{lines:?}");
    assert_eq!(line("fitting rows:"), "fitting rows: added");
    assert!(
        line("replaced:").contains("something else was drawn in the element's place"),
        "{lines:?}"
    );
    assert_eq!(line("text handle:"), "text handle: None");
    // 2 + 3 cells drawn; one at a time up to table_cells (1000).
    assert_eq!(
        line("flood:"),
        "flood: 995 added, then limit exceeded: a table may show at most 1000 cells \
         (table_cells); with these rows it would show 1001: draw it as a dataframe, which \
         shows only the rows in view"
    );
    // Only the new rows travelled: one delta per addition, each a row.
    let added: Vec<&Delta> = deltas
        .iter()
        .filter(|d| matches!(d.element, Element::AddRows { .. }))
        .collect();
    assert_eq!(added.len(), 996);
    assert!(added.iter().skip(1).all(|d| matches!(
        &d.element,
        Element::AddRows { columns } if columns[0].values.len() == 1
    )));
    bench.assert_counter_runs();
}

/// Deeply nested `<div>`s or `<li>`s in Markdown make the sanitizer's HTML
/// parse quadratic: 256 KiB of `<ul><li>` takes about 30 s, and 1023 KiB
/// (under `element_bytes`) several minutes, inside one host call that
/// neither `cpu_time`, `wall_time` nor a cancel can interrupt.
#[test]
fn markdown_of_deeply_nested_html_renders_in_bounded_time() {
    let _shared = shared();
    // Leaked: when this fails, the script thread is still rendering, and
    // dropping the runner would wait for it.
    let bench: &'static Bench = Box::leak(Box::new(Bench::new(engine())));
    for pattern in ["divs", "list_items"] {
        let (_, done, recorded) = start(
            &bench.runner,
            &bench.page,
            &format!("case=markdown_bomb&pattern={pattern}&kib=1023"),
            "hostile",
        );
        let report = done
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("{pattern}: the run is still rendering after 10 s"));
        assert_eq!(report.outcome, RunOutcome::Ok, "{pattern}");
        let lines = texts(&recorded.lock());
        let result = lines.last().expect("a result");
        assert!(
            result.starts_with(&format!("{pattern}: drawn in "))
                || result.contains("(element_bytes)"),
            "{result}"
        );
    }
    bench.assert_counter_runs();
}

#[test]
fn tens_of_mib_of_stdout_and_stderr_are_capped_and_the_run_succeeds() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let cap = Limits::default().captured_output_bytes;
    let (report, deltas) = bench.run("stdout_spam&mib=20");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["done"]);
    for (name, kept) in [("stdout", &report.stdout), ("stderr", &report.stderr)] {
        // The head and tail are kept, with a marker counting what was
        // dropped in between.
        assert!(kept.len() <= cap + 64, "{name} kept {} bytes", kept.len());
        assert!(kept.starts_with("spam spam"), "{name}");
        assert!(kept.contains(" bytes dropped ...]"), "{name}");
        assert!(
            kept.ends_with(&format!("the last line of {name}\n")),
            "{name} keeps its end: {:?}",
            &kept[kept.len().saturating_sub(80)..]
        );
    }
    assert_ended_within(&report, Duration::from_secs(30));
    bench.assert_counter_runs();
}

#[test]
fn the_file_system_is_out_of_reach() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret"), "the host's secret").unwrap();
    let (report, deltas) = bench.run(&format!("read_file&dir={}", dir.path().display()));
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = refusals(&deltas);
    assert_eq!(lines.len(), 12, "{lines:#?}");
    for line in &lines[..11] {
        assert!(line.contains(": refused: "), "{line}");
    }
    // The working directory is `/`, which names nothing: no directory is
    // opened to the page.
    assert_eq!(lines[11], "current_dir: Ok(\"/\")");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["secret"], "the page wrote nothing on the host");
    assert!(!Path::new("written.txt").exists());
    bench.assert_counter_runs();
}

#[test]
fn the_environment_arguments_and_stdin_are_empty() {
    let _shared = shared();
    let bench = Bench::new(engine());
    assert!(std::env::var_os("PATH").is_some(), "the host has a PATH");
    let (report, deltas) = bench.run("read_env");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = texts(&deltas);
    assert_eq!(lines[0], "vars: 0", "{lines:#?}");
    assert_eq!(lines[1], "args: 0");
    assert!(lines[2].starts_with("var PATH: refused: "), "{}", lines[2]);
    assert!(lines[3].starts_with("var HOME: refused: "), "{}", lines[3]);
    assert_eq!(
        lines[4], "stdin: Ok(0), 0 bytes",
        "stdin is empty, not blocking"
    );
    bench.assert_counter_runs();
}

#[test]
fn sockets_and_name_lookups_are_refused() {
    let _shared = shared();
    let bench = Bench::new(engine());
    // A listener the page is told about: nothing may reach it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (report, deltas) = bench.run(&format!("open_socket&port={port}"));
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = refusals(&deltas);
    assert_eq!(lines.len(), 5, "{lines:#?}");
    for line in &lines {
        assert!(line.contains(": refused: "), "{line}");
    }
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the page reached the host's listener: {other:?}"),
    }
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

/// The clock policy: a page reads the real wall clock and a monotonic clock
/// that advances with real time at full resolution (nothing is frozen or
/// coarsened); sleeping is real and counts against the wall time limit.
#[test]
fn clocks_work_and_are_the_hosts() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let (report, deltas) = bench.run("clocks");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = texts(&deltas);
    let number = |line: &str, prefix: &str, suffix: &str| -> u128 {
        line.strip_prefix(prefix)
            .and_then(|l| l.strip_suffix(suffix))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line:?} is not {prefix}N{suffix}"))
    };
    let page_now = number(&lines[0], "system time: ", " s");
    let host_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as u128;
    assert!(
        host_now.abs_diff(page_now) < 60,
        "page {page_now}, host {host_now}"
    );
    let slept = number(&lines[1], "slept: ", " ms");
    assert!((20..10_000).contains(&slept), "slept {slept} ms");
    let step = number(&lines[2], "smallest step: ", " ns");
    assert!(step > 0 && step < 1_000_000, "smallest step {step} ns");
    bench.assert_counter_runs();
}

#[test]
fn threads_cannot_be_spawned() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let (report, deltas) = bench.run("threads");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = refusals(&deltas);
    assert!(lines[0].starts_with("thread spawn: refused: "), "{lines:?}");
    bench.assert_counter_runs();
}

#[test]
fn process_exit_and_abort_end_only_the_run() {
    let _shared = shared();
    let bench = Bench::new(engine());
    // `exit(0)` ends the run cleanly, like `st.stop()`; another status is
    // an error.
    let (report, deltas) = bench.run("exit&code=0");
    assert_eq!(report.outcome, RunOutcome::StoppedByPage);
    assert_eq!(texts(&deltas), ["exiting"]);
    let (report, deltas) = bench.run("exit&code=3");
    error_message(&report);
    assert_eq!(texts(&deltas), ["exiting"]);
    assert_ended_within(&report, Duration::from_secs(10));
    let (report, deltas) = bench.run("abort");
    assert_eq!(
        error_message(&report),
        "the page crashed: wasm trap: wasm `unreachable` instruction executed"
    );
    assert_eq!(texts(&deltas), ["aborting"]);
    bench.assert_counter_runs();
}

/// A page calling `std::process::exit` with a failure status is told so
/// (from wasmtime's `I32Exit`, not its backtrace).
#[test]
fn process_exit_with_a_failure_status_ends_the_run_with_a_message_saying_so() {
    let _shared = shared();
    let bench = Bench::new(engine());
    // WASI 0.2's `exit` carries success or failure only, so that is what
    // the message can say.
    for code in [3, 42] {
        let (report, _) = bench.run(&format!("exit&code={code}"));
        let message = error_message(&report);
        assert_eq!(message, "the page called exit with a failure status");
    }
}

#[test]
fn a_panicking_job_is_an_error_at_join_and_the_run_goes_on() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let (report, deltas) = bench.run("job_panic");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = refusals(&deltas);
    assert!(
        lines[0].starts_with("job error: job `hostile::boom`"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("hostile job panicked"), "{}", lines[0]);
    assert_eq!(lines[1], "the run goes on");
    bench.assert_counter_runs();
}

#[test]
fn a_job_exhausting_memory_is_an_error_naming_the_limit() {
    let _shared = shared();
    let bench = Bench::with(Limits {
        memory_bytes: 32 << 20,
        ..Limits::default()
    });
    let (report, deltas) = bench.run("job_alloc");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = refusals(&deltas);
    assert!(
        lines[0].starts_with("job error: job `hostile::hog`"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("exceeded the memory limit (32 MiB)"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "the run goes on");
    bench.assert_counter_runs();
}

#[test]
fn ten_thousand_keyed_widgets_fit_and_one_more_is_refused() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let limit = Limits::default().elements_per_run as usize;
    // One element is the closing text: every widget before it fits.
    let n = limit - 1;
    let (report, deltas) = bench.run(&format!("many_widgets&n={n}"));
    assert_eq!(report.outcome, RunOutcome::Ok, "{:?}", report.outcome);
    assert_eq!(report.widgets.len(), n);
    assert_eq!(texts(&deltas), [format!("{n} widgets, 5000 checked")]);
    assert_ended_within(&report, Duration::from_secs(20));

    let (report, deltas) = bench.run(&format!("many_widgets&n={}", limit + 1));
    let message = error_message(&report);
    assert!(message.contains("(elements_per_run)"), "{message}");
    assert_eq!(deltas.len(), limit);
    assert_ended_within(&report, Duration::from_secs(20));
    bench.assert_counter_runs();
}

#[test]
fn session_state_past_session_state_bytes_is_refused_and_keeps_what_it_had() {
    let _shared = shared();
    let limit = 1 << 20;
    let bench = Bench::with(Limits {
        session_state_bytes: limit,
        ..Limits::default()
    });
    let state = SessionState::shared();
    let (report, deltas) = bench.run_with_state("huge_session_state&chunk_kib=256", &state);
    assert_eq!(report.outcome, RunOutcome::Ok);
    let lines = refusals(&deltas);
    // Each chunk is a 256 KiB JSON string plus its quotes and key: three fit
    // in 1 MiB, the fourth does not.
    assert_eq!(lines[0], "stored 3 chunks");
    assert!(
        lines[1].starts_with("refused: limit exceeded: "),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("(session_state_bytes)"), "{}", lines[1]);
    assert_eq!(lines[2], "last chunk kept: true");
    assert!(state.lock().bytes() <= limit);
    assert_eq!(state.lock().keys(), ["chunk0", "chunk1", "chunk2"]);
    bench.assert_counter_runs();
}

#[test]
fn an_allocation_loop_ends_at_the_memory_limit() {
    let _shared = shared();
    let bench = Bench::with(Limits {
        memory_bytes: 32 << 20,
        ..Limits::default()
    });
    let (report, deltas) = bench.run("alloc_loop");
    assert_eq!(error_message(&report), "exceeded the memory limit (32 MiB)");
    assert_eq!(texts(&deltas), ["allocating"]);
    assert_ended_within(&report, Duration::from_secs(10));
    bench.assert_counter_runs();
}

#[test]
fn leaking_wasi_handles_ends_the_run_at_the_handle_limit() {
    let _shared = shared();
    let bench = Bench::new(engine());
    // Below wasmtime's limit of 100,000 live handles per store, leaked
    // handles are only the page's own business.
    let (report, deltas) = bench.run("handle_flood&n=90000");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(
        texts(&deltas),
        ["creating handles", "created 90000 handles"]
    );
    // Past it, the run ends (and the host's tables are dropped with it).
    let (report, deltas) = bench.run("handle_flood&n=110000");
    error_message(&report);
    assert_eq!(texts(&deltas), ["creating handles"]);
    assert_ended_within(&report, Duration::from_secs(20));
    bench.assert_counter_runs();
}

/// What the message should say when a page leaks handles; today it is only
/// "the page failed: error while executing at wasm backtrace: …", because
/// the runner prints the error without its causes.
#[test]
fn leaking_wasi_handles_ends_with_a_message_naming_the_handle_limit() {
    let _shared = shared();
    let bench = Bench::new(engine());
    let (report, _) = bench.run("handle_flood&n=110000");
    let message = error_message(&report);
    assert!(message.contains("handle limit"), "{message}");
}

/// Writes `bytes` to a temporary `.wasm` file and loads it.
fn load_bytes(engine: &Arc<PageEngine>, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.wasm");
    std::fs::write(&path, bytes).unwrap();
    match Page::load(engine, &path) {
        Ok(_) => panic!("{} bytes loaded as a page", bytes.len()),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn malformed_components_fail_to_load_with_clear_errors() {
    let _shared = shared();
    let engine = engine();
    let real = std::fs::read(tests::page_wasm("counter")).unwrap();

    let message = load_bytes(&engine, b"this is not WebAssembly at all");
    assert!(message.contains("is not a WebAssembly file"), "{message}");
    let message = load_bytes(&engine, b"");
    assert!(message.contains("is not a WebAssembly file"), "{message}");

    // `(module)`: a valid core module, not a component.
    let message = load_bytes(&engine, b"\0asm\x01\0\0\0");
    assert!(
        message.contains("is a core WebAssembly module, not a component")
            && message.contains("wasm32-wasip2"),
        "{message}"
    );

    // A component cut short, and one with garbage after a valid header.
    let message = load_bytes(&engine, &real[..real.len() / 2]);
    assert!(message.contains("compiling"), "{message}");
    let mut garbage = real[..8].to_vec();
    garbage.extend(std::iter::repeat_n(0xff, 4096));
    let message = load_bytes(&engine, &garbage);
    assert!(message.contains("compiling"), "{message}");

    // A real page whose import is renamed to one outside the contract.
    let from = b"wasi:cli/environment@";
    let to = b"evil:cli/environment@";
    let mut renamed = real.clone();
    let mut count = 0;
    for i in 0..renamed.len().saturating_sub(from.len()) {
        if &renamed[i..i + from.len()] == from {
            renamed[i..i + from.len()].copy_from_slice(to);
            count += 1;
        }
    }
    assert!(count > 0, "the page imports wasi:cli/environment");
    let message = load_bytes(&engine, &renamed);
    assert!(message.contains("cannot run here"), "{message}");
    assert!(
        message.contains("evil:cli/environment@"),
        "the import is named: {message}"
    );

    // A missing file.
    let message = match Page::load(&engine, Path::new("/nonexistent/page.wasm")) {
        Ok(_) => panic!("a missing file loaded"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        message.contains("reading page /nonexistent/page.wasm"),
        "{message}"
    );

    // The engine still loads and runs real pages.
    Bench::new(engine).assert_counter_runs();
}

/// Resident set size of this process, from `/proc/self/status`.
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line");
    kib << 10
}

#[test]
fn host_memory_returns_to_baseline_after_memory_bombs() {
    // Alone: other tests' allocations would count in this process's RSS.
    let _alone = ALONE.write().unwrap_or_else(|e| e.into_inner());
    const MIB: u64 = 1 << 20;
    let memory = 32 * MIB;
    let engine = engine_with(Limits {
        memory_bytes: memory,
        ..Limits::default()
    });
    let bench = Bench::new(engine.clone());
    let hog = load(&engine, "memory_hog");
    bench.assert_counter_runs();
    let baseline = rss_bytes();

    // Each run touches its whole 32 MiB before the limit stops it.
    let round = |label: &str| -> u64 {
        let mut peak = 0;
        for _ in 0..20 {
            let (report, _) = tests::runs::run(&bench.runner, &hog, "");
            assert_eq!(error_message(&report), "exceeded the memory limit (32 MiB)");
            peak = peak.max(rss_bytes());
            let (report, _) = bench.run("alloc_loop");
            assert_eq!(error_message(&report), "exceeded the memory limit (32 MiB)");
            peak = peak.max(rss_bytes());
        }
        eprintln!(
            "{label}: baseline {} MiB, peak {} MiB, now {} MiB",
            baseline / MIB,
            peak / MIB,
            rss_bytes() / MIB
        );
        peak
    };
    let first = round("first 40 runs");
    let second = round("next 40 runs");

    // The pooling allocator returns a finished instance's memory to the
    // kernel in batches (host/src/engine.rs, DECOMMIT_BATCH = 16 slots), so
    // up to 16 slots' worth of touched memory may be resident between
    // batches: that much, plus 64 MiB for the runner, compiled code and
    // allocator noise, is the most the runs may hold at their peak.
    let in_flight = 16 * memory + 64 * MIB;
    assert!(
        first.saturating_sub(baseline) < in_flight,
        "peak {} MiB over a baseline of {} MiB",
        first / MIB,
        baseline / MIB
    );
    // Steady state: another 40 runs must not raise the peak. Keeping even
    // 2 MiB per run would raise it by 80 MiB; 64 MiB leaves room for
    // allocator noise only.
    assert!(
        second.saturating_sub(first) < 64 * MIB,
        "the peak grew from {} MiB to {} MiB",
        first / MIB,
        second / MIB
    );
    bench.assert_counter_runs();

    // With the engine gone, every slot is unmapped: the process is back to
    // (at most 64 MiB above) where it was before the runs.
    drop(hog);
    drop(bench);
    drop(engine);
    let after = rss_bytes();
    assert!(
        after.saturating_sub(baseline) < 64 * MIB,
        "{} MiB after, {} MiB before",
        after / MIB,
        baseline / MIB
    );
}
