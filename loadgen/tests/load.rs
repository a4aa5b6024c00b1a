//! The load generator against a real in-process server: every click checked.

use loadgen::session::load;
use std::time::Duration;
use tests::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_loop_clicks_all_count_up_by_one() {
    let server = TestServer::start_unthrottled(&["counter"]).await;
    let result = load(
        &server.addr.to_string(),
        "counter",
        4,
        Duration::from_millis(500),
        None,
        false,
    )
    .await
    .expect("load runs");
    assert_eq!(result.errors, 0);
    assert!(
        result.micros.len() >= 4,
        "each session clicked: {}",
        result.summary()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_counter_counts_up_by_one_under_load() {
    let server = TestServer::start_unthrottled(&["py_counter"]).await;
    let result = load(
        &server.addr.to_string(),
        "py_counter",
        2,
        Duration::from_millis(500),
        None,
        false,
    )
    .await
    .expect("load runs");
    assert_eq!(result.errors, 0);
    assert!(result.micros.len() >= 2, "{}", result.summary());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_rate_sessions_click_at_their_rate() {
    let server = TestServer::start_unthrottled(&["counter"]).await;
    let result = load(
        &server.addr.to_string(),
        "counter",
        5,
        Duration::from_millis(1000),
        Some(10.0),
        false,
    )
    .await
    .expect("load runs");
    assert_eq!(result.errors, 0);
    // 5 sessions at 10/s for 1 s: about 50 clicks, never far more.
    assert!(
        (20..=60).contains(&result.micros.len()),
        "{}",
        result.summary()
    );
    server.shutdown().await;
}
