//! Measures a dataframe of ROWS rows in five columns (the `big_table`
//! page) sent as Arrow or as JSON (MODE `arrow` or `json`): in headless
//! Chromium, how long from navigation until its first rows are drawn, the
//! JS heap, the host's memory (this process: server and browser driver),
//! the frame intervals while it is scrolled from top to bottom one step per
//! frame, and how long a click on a header takes to sort and redraw it;
//! then, over a plain WebSocket, the bytes on the wire and the time from
//! the rerun to its end.
//!
//! `cargo run --release -p tests --example dataframe_scroll [ROWS] [MODE]`

use fantoccini::Locator;
use std::time::Instant;
use tests::chromium::Browser;
use tests::{TestServer, WsClient};

/// Waits for the table's first rows; answers milliseconds since the
/// navigation started and the JS heap in use.
const FIRST_ROWS: &str = r#"
const [done] = arguments;
function look() {
  const error = document.querySelector('#run-error, .exception, .error');
  if (document.querySelector('.df-rows .df-row')) {
    done([performance.now(), performance.memory ? performance.memory.usedJSHeapSize : 0]);
  } else if (error && error.textContent.trim()) done([0, 0, error.textContent]);
  else requestAnimationFrame(look);
}
look();
"#;

/// This process's resident memory now and at its peak, in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Scrolls the table over `steps` animation frames and answers the frame
/// intervals in milliseconds.
const SCROLL: &str = r#"
const [steps, done] = arguments;
const scroller = document.querySelector('.df-scroll');
const total = scroller.scrollHeight - scroller.clientHeight;
const intervals = [];
let last = null, i = 0;
function frame(now) {
  if (last !== null) intervals.push(now - last);
  last = now;
  scroller.scrollTop = (i / steps) * total;
  i += 1;
  if (i <= steps) requestAnimationFrame(frame); else done(intervals);
}
requestAnimationFrame(frame);
"#;

/// Sorts by `price` (descending after two clicks) and answers the time each
/// click took, sort and redraw included, in milliseconds.
const SORT: &str = r#"
const button = [...document.querySelectorAll('.df-sort')].find((b) => b.textContent === 'price');
const times = [];
for (let k = 0; k < 2; k++) {
  const t0 = performance.now();
  button.click();
  document.querySelector('.df-rows').getBoundingClientRect();
  times.push(performance.now() - t0);
}
return times;
"#;

fn stats(name: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name}: n={} median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        values.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let arrow = std::env::args().nth(2).as_deref() != Some("json");
    let mode = if arrow { "arrow" } else { "json" };
    // A million rows in five columns cost about 35 MB against the run's
    // output and table limits (32 and 16 MiB by default), and the page
    // builds them in more than its default 64 MiB: room for them.
    let limits = host::runtime::limits::Limits {
        run_output_bytes: 256 << 20,
        table_bytes: 256 << 20,
        memory_bytes: 1 << 30,
        ..host::runtime::limits::Limits::default()
    };
    let server = TestServer::start_with(
        &["big_table"],
        limits,
        host::web::server::ServerSettings::default(),
    )
    .await;
    let browser = Browser::start().await;
    // The browser asks for JSON tables when its storage says so.
    browser
        .client
        .goto(&format!("http://{}/_/app.css", server.addr))
        .await
        .expect("navigate");
    browser
        .client
        .execute(
            "if (arguments[0]) localStorage.removeItem('wasmlit-tables'); \
             else localStorage.setItem('wasmlit-tables', 'json');",
            vec![serde_json::json!(arrow)],
        )
        .await
        .expect("storage");
    let (rss_before, _) = memory();
    browser
        .client
        .goto(&format!("http://{}/big_table?rows={rows}", server.addr))
        .await
        .expect("navigate");
    let first = browser
        .client
        .execute_async(FIRST_ROWS, vec![])
        .await
        .expect("first rows");
    if let Some(error) = first.get(2) {
        panic!("the page failed: {error}");
    }
    let (rss_after, peak) = memory();
    println!(
        "{rows} rows as {mode}: first rows drawn {:.0} ms after navigation; JS heap {:.0} MiB; \
         host memory {rss_before:.0} MiB before, {rss_after:.0} MiB after, peak {peak:.0} MiB",
        first[0].as_f64().unwrap_or(0.0),
        first[1].as_f64().unwrap_or(0.0) / (1 << 20) as f64,
    );
    for round in 1..=3 {
        let intervals = browser
            .client
            .execute_async(SCROLL, vec![serde_json::json!(600)])
            .await
            .expect("scroll script");
        let intervals: Vec<f64> = intervals
            .as_array()
            .expect("an array")
            .iter()
            .filter_map(|v| v.as_f64())
            .collect();
        let long = intervals.iter().filter(|ms| **ms > 20.0).count();
        stats(&format!("scroll round {round}, frame interval"), intervals);
        println!("  frames longer than 20 ms: {long}");
    }
    let sorts = browser
        .client
        .execute(SORT, vec![])
        .await
        .expect("sort script");
    println!("sort by price, ascending then descending: {sorts} ms");
    let first = browser
        .client
        .find(Locator::Css(".df-rows .df-row .df-cell"))
        .await
        .expect("a cell")
        .text()
        .await
        .unwrap_or_default();
    println!("first id after sorting by price descending: {first}");
    browser.close().await;

    // The same run over a plain WebSocket: what crosses the wire.
    let url = server.ws_url(None);
    let mut client = if arrow {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let request = url.as_str().into_client_request().expect("a WebSocket URL");
        WsClient::open_request(
            request,
            serde_json::json!({"type": "hello", "tables": "arrow"}),
        )
        .await
    } else {
        WsClient::connect(&url).await
    };
    let before = client.bytes_read;
    let started = Instant::now();
    client
        .rerun_query("big_table", serde_json::json!({}), &format!("rows={rows}"))
        .await;
    println!(
        "wire: {:.1} MB in {} binary frames, rerun to run_finished read {:.0} ms (decoding included)",
        (client.bytes_read - before) as f64 / 1e6,
        client.binary.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    server.shutdown().await;
}
