//! Measures, in headless Chromium against a real server, the time from a
//! click on the counter's button to the DOM showing the new count, and the
//! time from navigation start to the first complete render.
//!
//! `cargo run --release -p tests --example click_latency [CLICKS] [LOADS]`

use std::time::Duration;
use tests::chromium::Browser;
use tests::TestServer;

const CLICK_SCRIPT: &str = r#"
const [clicks, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const main = document.getElementById("c0");
  const samples = [];
  for (let i = 0; i < clicks; i++) {
    const button = document.querySelector("[data-widget-id^='button:'] button");
    const count = main.children[2];
    const before = count.textContent;
    const t0 = performance.now();
    await new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        if (main.children[2].textContent !== before) { mo.disconnect(); resolve(); }
      });
      mo.observe(main, { subtree: true, childList: true, characterData: true });
      button.click();
    });
    samples.push(performance.now() - t0);
    // Let the run finish before the next click.
    await new Promise((r) => setTimeout(r, 5));
  }
  done(samples);
})();
"#;

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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let clicks: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let loads: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let server = TestServer::start_unthrottled(&["counter"]).await;
    let browser = Browser::start().await;
    let url = format!("http://{}/counter", server.addr);

    let mut first = Vec::new();
    for _ in 0..loads {
        // A new tab session each time: clear the stored session id first.
        browser.client.goto(&url).await.unwrap();
        browser
            .client
            .execute("sessionStorage.clear()", vec![])
            .await
            .unwrap();
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
        "first render (navigation start to first run finished)",
        first,
    );

    browser.client.goto(&url).await.unwrap();
    browser.wait_text("count: 0").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let samples = browser
        .client
        .execute_async(CLICK_SCRIPT, vec![serde_json::json!(clicks)])
        .await
        .unwrap();
    let samples: Vec<f64> = samples
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    summary("click to DOM update", samples);
    browser.close().await;
    server.shutdown().await;
}
