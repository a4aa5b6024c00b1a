//! Jobs through the real runner and worker pool: results, the rules a job
//! lives by, drawing into a container, and cancellation with the run.

use host::model::delta::{BlockSpec, Element};
use host::runtime::run::{CancelReason, RunOutcome};
use host::runtime::runner::Runner;
use std::time::{Duration, Instant};
use tests::runs::{run, start, texts};
use tests::{engine, load};

/// The rule a job breaks when it calls a run-only import.
const RULE: &str = "calls are only allowed in the page's run; return data from the job and \
                    render it in the run";

fn jobs_page() -> (Runner, std::sync::Arc<host::Page>) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 2).expect("runner");
    let page = load(&engine, "jobs");
    (runner, page)
}

/// Waits until `done()` holds, at most 10 s.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn parallel_map_returns_results_in_input_order() {
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=map");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["[0, 1, 4, 9, 16, 25, 36, 49]"]);
}

#[test]
fn a_panic_in_a_job_comes_back_as_an_error_at_join() {
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=panic");
    assert_eq!(report.outcome, RunOutcome::Ok, "the run itself goes on");
    let text = texts(&deltas).join("\n");
    assert!(text.contains("job `jobs::boom`"), "{text}");
    assert!(text.contains("panicked: boom in a job"), "{text}");
    assert!(
        text.contains("src/lib.rs"),
        "the panic's location is kept: {text}"
    );
}

#[test]
fn a_jobs_ui_call_fails_with_the_rule() {
    let (runner, page) = jobs_page();
    let (_, deltas) = run(&runner, &page, "case=raw_draw");
    let text = texts(&deltas).join("\n");
    assert!(
        text.contains("`ui.emit` was called from job `jobs::raw_draw`"),
        "{text}"
    );
    assert!(text.contains(RULE), "{text}");
    assert!(
        !deltas
            .iter()
            .any(|d| matches!(&d.element, Element::Text { body } if body == "from a job")),
        "nothing the job tried to draw was drawn"
    );
}

#[test]
fn widget_session_state_and_cache_calls_from_a_job_fail_with_the_rule() {
    let (runner, page) = jobs_page();
    for (case, call) in [
        ("widget", "widgets.show"),
        ("session_state", "session_state.set"),
        ("cache", "cache.get"),
    ] {
        let (report, deltas) = run(&runner, &page, &format!("case={case}"));
        assert_eq!(report.outcome, RunOutcome::Ok);
        let text = texts(&deltas).join("\n");
        assert!(
            text.contains(&format!("`{call}` was called from job")),
            "{case}: {text}"
        );
        assert!(text.contains(RULE), "{case}: {text}");
    }
}

#[test]
fn a_job_started_in_a_container_draws_only_there() {
    let (runner, page) = jobs_page();
    let (_, deltas) = run(&runner, &page, "case=wander");
    let text = texts(&deltas).join("\n");
    assert!(
        text.contains("may draw only into container 2, the one it was started in"),
        "{text}"
    );
    assert!(
        !deltas.iter().any(|d| d.path[0] == 1),
        "nothing reached the sidebar"
    );
}

#[test]
fn spawn_in_output_lands_in_its_container_in_order() {
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=spawn_in");
    assert_eq!(report.outcome, RunOutcome::Ok);
    // The container is the run's first element; the job's lines are in it
    // (block [0, 0], its container 0), in order, whatever the run drew
    // meanwhile.
    assert_eq!(deltas[0].path, [0, 0]);
    assert!(matches!(
        deltas[0].element,
        Element::Block(BlockSpec::Container { border: true, .. })
    ));
    let inside: Vec<(Vec<u32>, String)> = deltas
        .iter()
        .filter(|d| d.path.len() == 4)
        .map(|d| (d.path.clone(), texts(std::slice::from_ref(d)).join("")))
        .collect();
    let expected: Vec<(Vec<u32>, String)> = (0..5u32)
        .map(|i| (vec![0, 0, 0, i], format!("line {i}")))
        .collect();
    assert_eq!(inside, expected);
    let main: Vec<String> = texts(
        &deltas
            .iter()
            .filter(|d| d.path.len() == 2)
            .cloned()
            .collect::<Vec<_>>(),
    );
    assert_eq!(main, ["after the container", "joined 5"]);
}

#[test]
fn cancelling_a_run_cancels_its_jobs() {
    let (runner, page) = jobs_page();
    let executor = &runner.services().executor;
    let (handle, done, _) = start(&runner, &page, "case=spin", "s");
    eventually("the spinning job to start", || executor.running() == 1);
    let cancelled = Instant::now();
    handle.cancel(CancelReason::Replaced);
    eventually("the job to stop", || executor.running() == 0);
    let latency = cancelled.elapsed();
    let report = done
        .recv_timeout(Duration::from_secs(10))
        .expect("run ends");
    assert_eq!(report.outcome, RunOutcome::Replaced);
    // Generous bound for a shared machine; docs/benchmarks.md has the numbers.
    assert!(latency < Duration::from_millis(500), "took {latency:?}");
}

#[test]
fn jobs_left_running_stop_when_their_run_ends() {
    let (runner, page) = jobs_page();
    let executor = &runner.services().executor;
    let (report, deltas) = run(&runner, &page, "case=unjoined");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["started a job and ended"]);
    // The job sleeps for a minute unless cancelled.
    eventually("the unjoined job to stop", || {
        executor.running() == 0 && executor.queued() == 0
    });
}

#[test]
fn wait_any_returns_the_first_job_to_finish() {
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=any");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["first: 49"]);
}

#[test]
fn bad_arguments_to_job_and_cache_calls_get_clear_errors() {
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=bad_calls");
    assert_eq!(report.outcome, RunOutcome::Ok, "the run survives every one");
    let lines = texts(&deltas);
    assert!(
        lines[0].contains("no job with handle 999 in this run"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("the list of handles is empty"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("container 77 does not exist"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("no computation with ticket 12345"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("Ok(Ok(Err(\"job `forged`: the page crashed"),
        "a forged job id crashes only the job's instance: {}",
        lines[4]
    );
}

#[test]
fn a_run_may_start_only_jobs_per_run_jobs() {
    let engine = tests::engine_with(host::runtime::limits::Limits {
        jobs_per_run: 3,
        ..host::runtime::limits::Limits::default()
    });
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    let page = load(&engine, "jobs");
    let (report, _) = run(&runner, &page, "case=many");
    match report.outcome {
        RunOutcome::Error(_, message) => assert!(
            message.contains("a run may start at most 3 jobs (jobs_per_run)"),
            "{message}"
        ),
        other => panic!("expected the limit, got {other:?}"),
    }
}

#[test]
fn jobs_waiting_for_a_resource_build_do_not_starve_it() {
    // Twelve jobs on six workers all query a resource that is not built
    // yet: the build runs outside the pool, so every worker may wait for it.
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=resource_jobs");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let expected: Vec<u64> = (0..12u64).map(|n| n * n).collect();
    assert_eq!(texts(&deltas), [format!("{expected:?}")]);
    assert_eq!(runner.services().resources.builds(), 1);
}

#[test]
fn job_inputs_count_against_job_bytes_per_run() {
    let engine = tests::engine_with(host::runtime::limits::Limits {
        job_bytes_per_run: 1000,
        ..host::runtime::limits::Limits::default()
    });
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    let page = load(&engine, "jobs");
    let (report, _) = run(&runner, &page, "case=big_input");
    match report.outcome {
        RunOutcome::Error(_, message) => assert!(
            message.contains("more than the run may hold of job data (job_bytes_per_run)"),
            "{message}"
        ),
        other => panic!("expected the limit, got {other:?}"),
    }
    // Within the budget the same job runs (4,000 bytes as JSON: ~8 KiB).
    let (runner, page) = jobs_page();
    let (report, deltas) = run(&runner, &page, "case=big_input");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(texts(&deltas), ["Ok(4000)"]);
}
