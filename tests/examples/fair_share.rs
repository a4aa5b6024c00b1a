//! Fair sharing between apps: app B's counter click latency, idle and while
//! app A keeps every script thread it may use busy with an endless loop.
//! Latency is from sending the click to its run's `run_finished`, over a
//! WebSocket to a real server with four script threads.
//!
//! `cargo run --release -p tests --example fair_share [A_SHARE] [CLICKS]`
//! (A_SHARE: app A's `concurrent_runs`, default 1; CLICKS default 400)

use serde_json::json;
use std::time::Instant;
use tests::{widget_id, TestApps, WsClient};

async fn clicks(client: &mut WsClient, button: &str, n: usize) -> Vec<f64> {
    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        client.rerun("counter", json!({ button: true })).await;
        latencies.push(started.elapsed().as_secs_f64() * 1e3);
    }
    latencies
}

fn summary(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99), at(1.0))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let share: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(400);
    let config = format!("concurrent_runs = {share}\n");
    let apps = TestApps::start(&[("a", &["spin"], &config), ("b", &["counter"], "")], 4).await;
    let mut b = WsClient::connect(&apps.ws_url("b", None)).await;
    let first = b.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    clicks(&mut b, &button, 50).await; // warm-up
    let idle = summary(clicks(&mut b, &button, n).await);

    // App A: more sessions spinning than it has places, so every place it
    // may use is busy and the rest of its runs wait in its queue.
    let mut spinners = Vec::new();
    for _ in 0..share + 3 {
        let mut client = WsClient::connect(&apps.ws_url("a", None)).await;
        client.send(json!({"type": "rerun", "page": "spin"})).await;
        client.until(|m| m["type"] == "run_started").await;
        spinners.push(client);
    }
    let a = &apps.app("a").services;
    while a.run_share.active() < share {
        tokio::task::yield_now().await;
    }
    let loaded = summary(clicks(&mut b, &button, n).await);
    println!("app A concurrent_runs = {share}, 4 script threads, {n} clicks of app B each");
    println!(
        "B idle:       p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        idle.0, idle.1, idle.2
    );
    println!(
        "B with A busy: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (A running {}, queued {})",
        loaded.0,
        loaded.1,
        loaded.2,
        a.run_share.active(),
        apps.app("a").runner.queued()
    );
    println!("p99 ratio: {:.2}", loaded.1 / idle.1);
    apps.shutdown().await;
}
