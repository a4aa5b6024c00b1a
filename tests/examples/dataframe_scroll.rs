//! Measures a 100,000-row dataframe in headless Chromium: how long until its
//! first rows are drawn, the frame intervals while it is scrolled from top to
//! bottom one step per frame, and how long a click on a header takes to sort
//! and redraw it.
//!
//! `cargo run --release -p tests --example dataframe_scroll [ROWS]`

use fantoccini::Locator;
use std::time::Instant;
use tests::chromium::Browser;
use tests::TestServer;

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
    let server = TestServer::start(&["big_table"]).await;
    let browser = Browser::start().await;
    let started = Instant::now();
    browser
        .client
        .goto(&format!("http://{}/big_table?rows={rows}", server.addr))
        .await
        .expect("navigate");
    browser.css(".df-rows .df-row").await;
    println!(
        "{rows} rows: first rows drawn {:.0} ms after navigation",
        started.elapsed().as_secs_f64() * 1e3
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
    server.shutdown().await;
}
