//! Measures the server's memory per idle session: starts `host serve` (the
//! release binary) on copies of the compiled pages, opens N WebSocket
//! sessions that each render the counter once, and compares the server's
//! resident memory before and after.
//!
//! `cargo build --release -p host && cargo run --release -p tests --example idle_sessions [N]`

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use tests::WsClient;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .expect("VmRSS")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sessions: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = tests::wasm_dir(&["counter"]);
    let binary = tests::workspace().join("target/release/host");
    let mut server = Command::new(&binary)
        .args(["serve", "--port", "0", "--no-cache"])
        .arg(dir.path())
        .env("WASMLIT_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("target/release/host exists (cargo build --release -p host)");
    let stderr = server.stderr.take().unwrap();
    let addr = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split("Open: http://")
                .nth(1)
                .map(|a| a.split('/').next().unwrap().to_owned())
        })
        .expect("server prints its address");
    let url = format!("ws://{addr}/_/ws");

    // Warm up: one session, one run, so the engine and pool are touched.
    let mut warm = WsClient::connect(&url).await;
    warm.rerun("counter", json!({})).await;
    drop(warm);
    let before = rss_kib(server.id());

    let mut clients = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        let mut client = WsClient::connect(&url).await;
        client.rerun("counter", json!({})).await;
        clients.push(client);
    }
    let after = rss_kib(server.id());
    let per = (after.saturating_sub(before)) as f64 / sessions as f64;
    println!(
        "{sessions} idle sessions: server RSS {before} KiB -> {after} KiB, {per:.1} KiB per session"
    );
    drop(clients);
    let _ = server.kill();
    let _ = server.wait();
}
