//! Measures, in headless Chromium, the time from a real mouse click on the
//! counter's button to the DOM showing the new count, beside the floor: a
//! bare page whose button sends one WebSocket message to a server that
//! answers at once, and writes the count. Also the time from navigation
//! start to the first complete render of a new session.
//!
//! Clicks are WebDriver element clicks, which chromedriver dispatches as
//! input events (`Input.dispatchMouseEvent`), not `element.click()` in the
//! page. Each sample runs from the `pointerup` event's timestamp to the
//! mutation that shows the new count, split at the socket: click handling
//! until the page sends, the first message back, the message that carried
//! the count, and the DOM work after it.
//!
//! `cargo run --release -p tests --example click_latency [CLICKS] [LOADS] [PAGES]`
//! (`PAGES`: counter pages to measure, comma-separated; default `counter`)

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Html;
use axum::routing::get;
use tests::chromium::Browser;
use tests::TestServer;

/// The floor's page: a button, a count and a socket; nothing else.
const BARE_PAGE: &str = r#"<!doctype html>
<meta charset="utf-8"><title>floor</title>
<button id="b">Increment</button><p id="c">count: 0</p>
<script>
const ws = new WebSocket(`ws://${location.host}/ws`);
const c = document.getElementById("c");
ws.onmessage = (e) => { c.textContent = `count: ${e.data}`; };
document.getElementById("b").addEventListener("click", () => ws.send("c"));
</script>"#;

/// Answers each message at once with the next count.
async fn echo(mut socket: WebSocket) {
    let mut count = 0u64;
    while let Some(Ok(message)) = socket.recv().await {
        if let Message::Text(_) = message {
            count += 1;
            if socket
                .send(Message::Text(count.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

async fn floor_server() -> std::net::SocketAddr {
    let app = axum::Router::new()
        .route("/", get(|| async { Html(BARE_PAGE) }))
        .route(
            "/ws",
            get(|upgrade: WebSocketUpgrade| async move { upgrade.on_upgrade(echo) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the floor server");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Installs the probes: the click's `pointerup` time, every send and
/// message time after it, and the mutation that changed the count.
const PROBE: &str = r#"
const [countCss] = arguments;
const lat = { samples: [], current: null };
window.__lat = lat;
const countText = () => { const n = document.querySelector(countCss); return n ? n.textContent : null; };
let shown = countText();
addEventListener("pointerup", (e) => {
  lat.current = { down: e.timeStamp, send: null, messages: [], handled: [], types: [], dom: null };
}, { capture: true });
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (lat.current && lat.current.send === null) lat.current.send = performance.now();
  if (!this.__probed) {
    this.__probed = true;
    this.addEventListener("message", (e) => {
      if (!lat.current) return;
      lat.current.messages.push(e.timeStamp);
      lat.current.handled.push(performance.now());
      let type = "text";
      try { const m = JSON.parse(e.data); type = m.type + (m.element ? `:${m.element.kind}` : ""); } catch (_) {}
      lat.current.types.push(type);
    });
  }
  return send.call(this, data);
};
new MutationObserver(() => {
  const now = countText();
  if (now === shown || !lat.current || lat.current.dom !== null) return;
  shown = now;
  lat.current.dom = performance.now();
  lat.samples.push(lat.current);
}).observe(document.body, { subtree: true, childList: true, characterData: true });
"#;

/// Waits until `n` samples are in, frame by frame.
const WAIT_SAMPLES: &str = r#"
const [n, done] = [arguments[0], arguments[arguments.length - 1]];
const end = performance.now() + 10000;
const check = () => {
  if (window.__lat.samples.length >= n || performance.now() > end) done(window.__lat.samples.length);
  else requestAnimationFrame(check);
};
check();
"#;

/// Waits until the page has settled after a click: no run in flight and
/// two frames drawn.
const SETTLE: &str = r#"
const done = arguments[arguments.length - 1];
const idle = () => !document.body.classList.contains("running");
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
(async () => {
  const end = performance.now() + 10000;
  while (!idle() && performance.now() < end) await frame();
  await frame(); await frame();
  done(true);
})();
"#;

/// One click's times, relative to its `pointerup`, in ms.
struct Sample {
    total: f64,
    to_send: f64,
    to_first_message: f64,
    to_count_message: f64,
    messages: usize,
    /// Each message after the click: its type, when it arrived and when the
    /// page had handled it.
    timeline: Vec<(String, f64, f64)>,
}

fn quantiles(mut ms: Vec<f64>) -> (f64, f64, f64, f64) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    (q(0.5), q(0.9), q(0.99), ms[ms.len() - 1])
}

async fn measure(
    browser: &Browser,
    url: &str,
    button_css: &str,
    count_css: &str,
    clicks: u32,
) -> Vec<Sample> {
    browser.client.goto(url).await.expect("open the page");
    browser.css(button_css).await;
    browser.wait_text("count: 0").await;
    browser
        .client
        .execute(PROBE, vec![count_css.into()])
        .await
        .expect("install the probes");
    // Warm up: the first clicks compile code paths in the page and server.
    let warmup = 20;
    for i in 0..clicks + warmup {
        let button = browser.css(button_css).await;
        button.click().await.expect("click");
        browser
            .client
            .execute_async(WAIT_SAMPLES, vec![serde_json::json!(i + 1)])
            .await
            .expect("the count changes");
        browser
            .client
            .execute_async(SETTLE, vec![])
            .await
            .expect("settle");
    }
    let raw = browser
        .client
        .execute("return window.__lat.samples", vec![])
        .await
        .expect("samples");
    raw.as_array()
        .expect("a list")
        .iter()
        .skip(warmup as usize)
        .map(|s| {
            let down = s["down"].as_f64().unwrap_or(0.0);
            let dom = s["dom"].as_f64().unwrap_or(down);
            let send = s["send"].as_f64().unwrap_or(down);
            let messages: Vec<f64> = s["messages"]
                .as_array()
                .map(|m| m.iter().filter_map(|t| t.as_f64()).collect())
                .unwrap_or_default();
            let first = messages.first().copied().unwrap_or(dom);
            // The message that carried the count: the last one before the
            // mutation.
            let count = messages
                .iter()
                .copied()
                .rfind(|t| *t <= dom)
                .unwrap_or(first);
            let handled: Vec<f64> = s["handled"]
                .as_array()
                .map(|m| m.iter().filter_map(|t| t.as_f64()).collect())
                .unwrap_or_default();
            let types: Vec<String> = s["types"]
                .as_array()
                .map(|m| {
                    m.iter()
                        .map(|t| t.as_str().unwrap_or("?").to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let timeline = types
                .into_iter()
                .zip(messages.iter().zip(&handled))
                .map(|(t, (at, done))| (t, at - down, done - down))
                .collect();
            Sample {
                timeline,
                total: dom - down,
                to_send: send - down,
                to_first_message: first - down,
                to_count_message: count - down,
                messages: messages.iter().filter(|t| **t <= dom).count(),
            }
        })
        .collect()
}

fn report(name: &str, samples: &[Sample]) -> (f64, f64) {
    let (p50, p90, p99, max) = quantiles(samples.iter().map(|s| s.total).collect());
    let median = |f: &dyn Fn(&Sample) -> f64| quantiles(samples.iter().map(f).collect()).0;
    println!(
        "{name}: n={} click→DOM p50={p50:.2} p90={p90:.2} p99={p99:.2} max={max:.2} ms",
        samples.len()
    );
    println!(
        "  medians: pointerup→send {:.2}, →first message {:.2}, →message with the count {:.2}, \
         →DOM {:.2} ms; messages before the DOM change: {:.0}",
        median(&|s| s.to_send),
        median(&|s| s.to_first_message),
        median(&|s| s.to_count_message),
        p50,
        median(&|s| s.messages as f64),
    );
    let longest = samples.iter().map(|s| s.timeline.len()).max().unwrap_or(0);
    for i in 0..longest {
        let at: Vec<&(String, f64, f64)> =
            samples.iter().filter_map(|s| s.timeline.get(i)).collect();
        println!(
            "    message {i} ({}, in {} clicks): arrives {:.2}, handled {:.2} ms",
            at[0].0,
            at.len(),
            quantiles(at.iter().map(|m| m.1).collect()).0,
            quantiles(at.iter().map(|m| m.2).collect()).0,
        );
    }
    (p50, p99)
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name}: n={} min={:.2} p50={:.2} p90={:.2} p99={:.2} max={:.2} (ms)",
        ms.len(),
        ms[0],
        q(0.5),
        q(0.9),
        q(0.99),
        ms[ms.len() - 1]
    );
}

/// Opens `url` and forgets the tab's stored session id, so the next
/// navigation starts a new session.
async fn forget_session(browser: &Browser, url: &str) {
    browser.client.goto(url).await.expect("open the page");
    browser
        .client
        .execute("sessionStorage.clear()", vec![])
        .await
        .expect("clear the session id");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let clicks: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let loads: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    // Counter pages to measure (`counter`, `py_counter`), comma-separated.
    let pages: Vec<String> = args
        .next()
        .map(|a| a.split(',').map(str::to_owned).collect())
        .unwrap_or_else(|| vec!["counter".to_owned()]);
    let names: Vec<&str> = pages.iter().map(String::as_str).collect();
    let server = TestServer::start_unthrottled(&names).await;
    let floor = floor_server().await;
    let browser = Browser::start().await;

    for page in &pages {
        let url = format!("http://{}/{page}", server.addr);
        let mut first = Vec::new();
        for _ in 0..loads {
            // A new tab session each time.
            forget_session(&browser, &url).await;
            browser.client.goto(&format!("{url}?fresh")).await.unwrap();
            browser.wait_text("square: 0").await;
            let mark = browser
                .client
                .execute(
                    "return performance.getEntriesByName('wasmlit:first-render')[0].startTime",
                    vec![],
                )
                .await
                .unwrap();
            first.push(mark.as_f64().unwrap());
        }
        summary(
            &format!("{page}: first render (navigation start to first run finished)"),
            first,
        );
    }

    // Interleaved rounds, so every page and the floor see the same machine.
    let rounds = 4;
    let per_round = clicks.div_ceil(rounds);
    let mut ours: Vec<Vec<Sample>> = pages.iter().map(|_| Vec::new()).collect();
    let mut bare = Vec::new();
    for _ in 0..rounds {
        for (page, samples) in pages.iter().zip(&mut ours) {
            let url = format!("http://{}/{page}", server.addr);
            // The session id is kept per tab: a fresh one per round.
            forget_session(&browser, &url).await;
            samples.extend(
                measure(
                    &browser,
                    &format!("{url}?r"),
                    "[data-widget-id^='button:'] button",
                    "#c0 > :nth-child(3)",
                    per_round,
                )
                .await,
            );
        }
        bare.extend(measure(&browser, &format!("http://{floor}/"), "#b", "#c", per_round).await);
    }
    let (floor50, floor99) = report("floor (bare page, echo server)", &bare);
    for (page, samples) in pages.iter().zip(&ours) {
        let (p50, p99) = report(page, samples);
        println!(
            "{page} / floor: p50 {:.2}×, p99 {:.2}×",
            p50 / floor50,
            p99 / floor99
        );
    }
    browser.close().await;
    server.shutdown().await;
}
