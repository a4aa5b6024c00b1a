//! `cache_data` and `cache_resource` through the real runner and server:
//! single flight across sessions, time to live, session scope, clearing,
//! and a resource built once.

use host::model::delta::Element;
use host::runtime::limits::Limits;
use host::runtime::run::{CancelReason, RunOutcome};
use host::runtime::runner::Runner;
use host::web::server::ServerSettings;
use serde_json::json;
use std::time::Duration;
use tests::runs::{run, start, texts};
use tests::{engine, load, TestServer, WsClient};

fn cached_page(threads: usize) -> (Runner, std::sync::Arc<host::Page>) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), threads).expect("runner");
    let page = load(&engine, "cached");
    (runner, page)
}

fn drew_spinner(deltas: &[host::model::delta::Delta]) -> bool {
    deltas
        .iter()
        .any(|d| matches!(d.element, Element::Spinner { .. }))
}

#[test]
fn two_sessions_missing_the_same_key_compute_it_once() {
    let (runner, page) = cached_page(2);
    let query = "key=shared&delay_ms=300";
    let (_, first_done, first) = start(&runner, &page, query, "session-a");
    let (_, second_done, second) = start(&runner, &page, query, "session-b");
    for done in [&first_done, &second_done] {
        let report = done
            .recv_timeout(Duration::from_secs(20))
            .expect("run ends");
        assert_eq!(report.outcome, RunOutcome::Ok);
    }
    let (first, second) = (first.lock().clone(), second.lock().clone());
    // Both found nothing stored when they asked (each drew the spinner) ...
    assert!(drew_spinner(&first) && drew_spinner(&second));
    // ... yet the value was computed once, and both got it.
    assert_eq!(runner.services().data.computed(), 1);
    for deltas in [&first, &second] {
        assert_eq!(
            texts(deltas).last().map(String::as_str),
            Some("value of shared")
        );
    }
}

#[test]
fn the_spinner_is_replaced_once_the_value_is_there() {
    let (runner, page) = cached_page(1);
    let (_, deltas) = run(&runner, &page, "key=s");
    assert!(matches!(&deltas[0].element, Element::Spinner { body } if body == "computing"));
    assert_eq!(deltas[1].path, deltas[0].path);
    assert_eq!(deltas[1].element, Element::Empty);
    // A hit draws no spinner.
    let (_, again) = run(&runner, &page, "key=s");
    assert!(!drew_spinner(&again));
    assert_eq!(texts(&again), ["value of s"]);
}

#[test]
fn entries_expire_after_their_ttl() {
    let (runner, page) = cached_page(1);
    let data = &runner.services().data;
    let query = "key=t&ttl_ms=300";
    run(&runner, &page, query);
    run(&runner, &page, query);
    assert_eq!(data.computed(), 1, "a second run within the ttl is a hit");
    // The event here is time passing: the entry lives 300 ms.
    std::thread::sleep(Duration::from_millis(400));
    let (_, deltas) = run(&runner, &page, query);
    assert!(drew_spinner(&deltas));
    assert_eq!(
        data.computed(),
        2,
        "after the ttl the value is computed again"
    );
}

#[test]
fn a_cancelled_computation_is_taken_over_by_a_waiting_run() {
    let (runner, page) = cached_page(2);
    let query = "key=slow&delay_ms=60000";
    let (computing, computing_done, computing_deltas) = start(&runner, &page, query, "a");
    // Session a is computing once its spinner is drawn.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !drew_spinner(&computing_deltas.lock()) {
        assert!(std::time::Instant::now() < deadline, "no spinner");
        std::thread::yield_now();
    }
    let (_, waiting_done, waiting) = start(&runner, &page, "key=slow&delay_ms=50", "b");
    while !drew_spinner(&waiting.lock()) {
        assert!(std::time::Instant::now() < deadline, "no spinner in b");
        std::thread::yield_now();
    }
    computing.cancel(CancelReason::Replaced);
    let report = computing_done
        .recv_timeout(Duration::from_secs(10))
        .expect("a ends");
    assert_eq!(report.outcome, RunOutcome::Replaced);
    // b stops waiting for a and computes the value itself (in 50 ms).
    let report = waiting_done
        .recv_timeout(Duration::from_secs(10))
        .expect("b ends");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert_eq!(
        texts(&waiting.lock()).last().map(String::as_str),
        Some("value of slow")
    );
    assert_eq!(runner.services().data.computed(), 1);
}

#[test]
fn a_resource_is_built_once_and_queried_by_every_run() {
    let (runner, page) = cached_page(1);
    let mut answers = Vec::new();
    for _ in 0..3 {
        let (report, deltas) = run(&runner, &page, "resource=4096");
        assert_eq!(report.outcome, RunOutcome::Ok, "{:?}", report.stderr);
        answers.push(texts(&deltas));
    }
    assert_eq!(runner.services().resources.builds(), 1);
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert!(answers[0][0].starts_with("sum "));
}

#[test]
fn a_failure_is_never_cached_so_the_data_shows_once_its_source_is_back() {
    let (runner, page) = cached_page(1);
    let last = |query: &str| {
        let (report, deltas) = run(&runner, &page, query);
        assert_eq!(report.outcome, RunOutcome::Ok, "{:?}", report.stderr);
        texts(&deltas).last().cloned().unwrap_or_default()
    };
    assert_eq!(last("source=down&key=k"), "failed: source down for k");
    assert_eq!(runner.services().data.computed(), 0, "nothing stored");
    assert_eq!(last("source=up&key=k"), "loaded k");
    // Once loaded, it is cached: a source down again is not asked.
    assert_eq!(last("source=down&key=k"), "loaded k");
    assert_eq!(runner.services().data.computed(), 1);
}

#[test]
fn cached_data_and_resources_are_cleared_from_code() {
    let (runner, page) = cached_page(1);
    let computed = || runner.services().data.computed();
    let last = |query: &str| {
        let (report, deltas) = run(&runner, &page, query);
        assert_eq!(report.outcome, RunOutcome::Ok, "{:?}", report.stderr);
        texts(&deltas).last().cloned().unwrap_or_default()
    };
    assert_eq!(last("named=a"), "named a");
    last("named=b");
    last("key=other");
    assert_eq!(computed(), 3);
    last("named=a");
    assert_eq!(computed(), 3, "a hit");
    // One function: both its entries go, the other function's stay.
    last("named=a&clear=one");
    assert_eq!(computed(), 4, "named=a computed again");
    last("named=b");
    assert_eq!(computed(), 5, "named=b was cleared too");
    last("key=other");
    assert_eq!(computed(), 5, "another function's entry stays");
    // Everything.
    last("named=a&clear=all");
    assert_eq!(computed(), 6);
    last("key=other");
    assert_eq!(computed(), 7, "cleared by clear_all_cache_data");
    // Resources: this one, then all; each is built again at its next query.
    // (`builds` counts the builds of the resources held now.)
    let builds = || runner.services().resources.builds();
    last("resource=0");
    assert_eq!(builds(), 1);
    last("named=a&clear=resource");
    assert_eq!(builds(), 0, "dropped");
    last("resource=0");
    assert_eq!(builds(), 1, "built again");
    last("named=a&clear=resources");
    assert_eq!(builds(), 0, "dropped");
    last("resource=0");
    assert_eq!(builds(), 1, "built again");
}

fn rerun_message(query: &str) -> serde_json::Value {
    json!({"type": "rerun", "page": "cached", "query": query})
}

async fn finished(client: &mut WsClient) -> Vec<serde_json::Value> {
    client.until(|m| m["type"] == "run_finished").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_scoped_entries_end_with_their_session() {
    let settings = ServerSettings {
        session_grace: Duration::ZERO,
        ..ServerSettings::default()
    };
    let server = TestServer::start_with(&["cached"], Limits::default(), settings).await;
    let data = &server.state.services.data;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    client.send(rerun_message("key=global")).await;
    finished(&mut client).await;
    client.send(rerun_message("key=mine&scope=session")).await;
    let messages = finished(&mut client).await;
    assert!(messages.iter().any(|m| m["status"] == "ok"), "{messages:?}");
    assert_eq!(data.entries(), 2);
    drop(client);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server.state.parked.parked() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "session never parked"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.state.parked.sweep();
    assert_eq!(
        data.entries(),
        1,
        "the session's entry went, the global one stayed"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clear_cache_from_the_protocol_drops_everything() {
    let server = TestServer::start(&["cached"]).await;
    let services = &server.state.services;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    client.send(rerun_message("key=x")).await;
    finished(&mut client).await;
    client.send(rerun_message("resource=0")).await;
    finished(&mut client).await;
    assert_eq!(services.data.entries(), 1);
    assert_eq!(services.resources.builds(), 1);
    client.send(json!({"type": "clear_cache"})).await;
    client.until(|m| m["type"] == "cache_cleared").await;
    assert_eq!(services.data.entries(), 0);
    client.send(rerun_message("resource=0")).await;
    finished(&mut client).await;
    assert_eq!(
        services.resources.builds(),
        1,
        "a fresh resource cell built once"
    );
    server.shutdown().await;
}
