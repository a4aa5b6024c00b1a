//! Live updates, measured: a 200 KB answer streamed in 4-character pieces
//! (bytes on the wire against the text's, read by a WebSocket client), and
//! in headless Chromium a page that redraws a 96×64 heat map into one
//! placeholder 100 times (how long the browser takes to play it against the
//! run's own time, and how soon a slider moved meanwhile takes effect).
//!
//! `cargo run --release -p tests --example live_updates [ROUNDS]`

use futures_util::{SinkExt, StreamExt};
use tests::chromium::Browser;
use tests::TestServer;
use tokio_tungstenite::tungstenite::Message;

/// Bytes of text frames for one streamed answer: run start to finish.
async fn stream_bytes(server: &TestServer) -> (usize, usize, usize) {
    let (mut ws, _) = tokio_tungstenite::connect_async(server.ws_url(None))
        .await
        .expect("connect");
    ws.send(Message::Text(r#"{"type":"hello"}"#.into()))
        .await
        .expect("hello");
    let _session = ws.next().await;
    let rerun = r#"{"type":"rerun","page":"live","widgets":{},"query":"mode=stream"}"#;
    ws.send(Message::Text(rerun.into())).await.expect("rerun");
    let (mut bytes, mut frames, mut text) = (0, 0, 0);
    while let Some(Ok(message)) = ws.next().await {
        if let Message::Text(t) = message {
            bytes += t.len();
            frames += 1;
            if let Some(at) = t.find("streamed ") {
                text = t[at + 9..]
                    .split(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
            }
            if t.contains("\"run_finished\"") {
                break;
            }
        }
    }
    (bytes, frames, text)
}

/// In the page: when each run started (message arrival), when the last
/// heat map frame's text and chart were drawn, and when `bump` text changed.
const PROBE: &str = r#"
const probe = { started: [], finished: [], bumps: [], keys: [] };
window.__live = probe;
const open = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (!this.__probed) {
    this.__probed = true;
    this.addEventListener("message", (e) => {
      if (e.data.includes('"run_started"')) probe.started.push(e.timeStamp);
      if (e.data.includes('"run_finished"')) probe.finished.push(e.timeStamp);
    });
  }
  return open.call(this, data);
};
addEventListener("keydown", (e) => probe.keys.push(e.timeStamp), { capture: true });
new MutationObserver(() => {
  const text = document.body.innerText;
  const bump = (text.match(/bump: (\d+)/) || [])[1];
  if (bump && bump !== probe.lastBump) { probe.lastBump = bump; probe.bumps.push([Number(bump), performance.now()]); }
}).observe(document.body, { subtree: true, childList: true, characterData: true });
"#;

/// Resolves when frame 100 is shown with its chart drawn and the run is
/// over; returns the time.
const PLAYED: &str = r#"
const [runs, done] = [arguments[0], arguments[arguments.length - 1]];
const probe = window.__live;
const check = () => {
  const text = document.body.innerText;
  const charts = document.querySelectorAll(".chart");
  const drawn = charts.length && Array.from(charts).every((c) => c.dataset.rendered === "true");
  const over = probe.started.length >= runs && probe.finished.length >= runs
    && probe.finished[probe.finished.length - 1] >= probe.started[probe.started.length - 1];
  if (over && text.includes("frame 100") && drawn && !document.body.classList.contains("running")) done(performance.now());
  else requestAnimationFrame(check);
};
check();
"#;

fn quantiles(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!(
        "median {:.1}, min {:.1}, max {:.1}",
        q(0.5),
        v[0],
        v[v.len() - 1]
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let server = TestServer::start(&["live"]).await;

    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let (bytes, frames, text) = stream_bytes(&server).await;
        assert!(text > 0, "the page streamed its answer");
        ratios.push(bytes as f64 / text as f64);
        println!("stream: {text} bytes of text, {bytes} bytes in {frames} frames");
    }
    println!("stream bytes on the wire / text: {}", quantiles(ratios));

    let browser = Browser::start().await;
    let mut playback = Vec::new();
    let mut input = Vec::new();
    for round in 0..rounds {
        let url = format!("http://{}/live?mode=heatmap", server.addr);
        // A new session each round (its slider starts at 0).
        let _ = browser
            .client
            .execute("sessionStorage.clear()", vec![])
            .await;
        browser.client.goto(&url).await.expect("open");
        browser.wait_text("server time").await;
        browser.client.execute(PROBE, vec![]).await.expect("probe");
        // A rerun that plays all 100 frames.
        let slider = browser.css("input[type=range]").await;
        slider
            .send_keys(&fantoccini::key::Key::Right.to_string())
            .await
            .expect("move");
        let end = browser
            .client
            .execute_async(PLAYED, vec![serde_json::json!(1)])
            .await
            .expect("played")
            .as_f64()
            .unwrap_or(0.0);
        let probe = browser
            .client
            .execute("return window.__live", vec![])
            .await
            .expect("probe");
        let started = probe["started"][0].as_f64().unwrap_or(end);
        let text = browser.css("body").await.text().await.unwrap_or_default();
        let server_ms: f64 = text
            .split("server time ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(f64::NAN);
        let played = end - started;
        println!("round {round}: server {server_ms:.0} ms, browser {played:.0} ms");
        playback.push(played / server_ms);

        // Again, and move the slider while it plays.
        slider
            .send_keys(&fantoccini::key::Key::Right.to_string())
            .await
            .expect("move");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        slider
            .send_keys(&fantoccini::key::Key::Right.to_string())
            .await
            .expect("move");
        browser.wait_text("bump: 3").await;
        let probe = browser
            .client
            .execute("return window.__live", vec![])
            .await
            .expect("probe");
        let key = probe["keys"]
            .as_array()
            .and_then(|k| k.last())
            .and_then(|k| k.as_f64())
            .unwrap_or(0.0);
        let shown = probe["bumps"]
            .as_array()
            .and_then(|b| b.iter().find(|b| b[0] == 3))
            .and_then(|b| b[1].as_f64())
            .unwrap_or(key);
        input.push(shown - key);
        let runs = probe["started"].as_array().map_or(0, Vec::len);
        browser
            .client
            .execute_async(PLAYED, vec![serde_json::json!(runs)])
            .await
            .expect("played");
    }
    println!(
        "heat map: browser playback / server time: {}",
        quantiles(playback)
    );
    println!(
        "heat map: a slider moved during playback takes effect in ms: {}",
        quantiles(input)
    );
    browser.close().await;
    server.shutdown().await;
}
