//! One clicking session, and K of them under load.

use anyhow::{bail, Context as _};
use futures_util::{SinkExt, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long one expected message may take before the session counts an error.
const MESSAGE_WAIT: Duration = Duration::from_secs(10);

/// A session on a counter page (`counter`, or `py_counter`: any page with an
/// Increment button that writes `count: N`) that knows its button and its count.
pub struct Clicker {
    ws: Socket,
    page: String,
    button: String,
    count: i64,
    /// Messages of a frame read but not yet returned.
    pending: std::collections::VecDeque<Value>,
}

impl Clicker {
    /// Connects and reads the `session` message; clicks will rerun `page`.
    pub async fn connect(url: &str, page: &str) -> anyhow::Result<Clicker> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .context("connecting")?;
        let mut clicker = Clicker {
            ws,
            page: page.to_owned(),
            button: String::new(),
            count: 0,
            pending: std::collections::VecDeque::new(),
        };
        // The first message names no session to resume: a new one.
        clicker
            .ws
            .send(Message::Text(json!({"type": "hello"}).to_string().into()))
            .await
            .context("sending hello")?;
        let hello = clicker.recv().await?;
        if hello["type"] != "session" {
            bail!("expected a session message, got {hello}");
        }
        Ok(clicker)
    }

    async fn recv(&mut self) -> anyhow::Result<Value> {
        loop {
            if let Some(message) = self.pending.pop_front() {
                return Ok(message);
            }
            let message = tokio::time::timeout(MESSAGE_WAIT, self.ws.next())
                .await
                .context("no message within 10 s")?
                .context("socket closed")??;
            if let Message::Text(text) = message {
                // A frame holds one message or an array of them.
                match serde_json::from_str(text.as_str())? {
                    Value::Array(all) => self.pending.extend(all),
                    one => self.pending.push_back(one),
                }
            }
        }
    }

    /// Sends a rerun and returns the count the run drew.
    async fn rerun(&mut self, widgets: Value) -> anyhow::Result<i64> {
        let request = json!({"type": "rerun", "page": self.page, "widgets": widgets});
        self.ws
            .send(Message::Text(request.to_string().into()))
            .await?;
        let mut count = None;
        loop {
            let m = self.recv().await?;
            match m["type"].as_str() {
                Some("delta") => {
                    let element = &m["element"];
                    if element["kind"] == "widget" && element["label"] == "Increment" {
                        self.button = element["id"].as_str().unwrap_or_default().to_owned();
                    }
                    if let Some(n) = element["html"]
                        .as_str()
                        .and_then(|h| h.strip_prefix("<p>count: "))
                        .and_then(|h| h.split('<').next())
                        .and_then(|n| n.parse().ok())
                    {
                        count = Some(n);
                    }
                }
                Some("run_finished") if m["status"] == "ok" => break,
                Some("run_finished") | Some("error") | Some("page_not_found") => bail!("{m}"),
                _ => {}
            }
        }
        count.context("the run drew no count")
    }

    /// Renders the page once (learning the button's id and the count).
    pub async fn first_run(&mut self) -> anyhow::Result<()> {
        self.count = self.rerun(json!({})).await?;
        Ok(())
    }

    /// Clicks Increment; checks the count went up by exactly one.
    pub async fn click(&mut self) -> anyhow::Result<()> {
        let count = self.rerun(json!({ self.button.clone(): true })).await?;
        if count != self.count + 1 {
            bail!("count went from {} to {count}", self.count);
        }
        self.count = count;
        Ok(())
    }
}

/// What a load run measured.
pub struct LoadResult {
    pub sessions: usize,
    pub elapsed: Duration,
    /// Click latencies (send to `run_finished`), in microseconds, sorted.
    pub micros: Vec<u64>,
    pub errors: u64,
}

impl LoadResult {
    /// Completed clicks per second.
    pub fn rate(&self) -> f64 {
        self.micros.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at quantile `q`, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.micros.is_empty() {
            return f64::NAN;
        }
        self.micros[((self.micros.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "K={} reruns={} in {:.1} s: {:.0} reruns/s, latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, errors {}",
            self.sessions,
            self.micros.len(),
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.quantile_ms(0.5),
            self.quantile_ms(0.9),
            self.quantile_ms(0.99),
            self.errors
        )
    }
}

/// Runs `sessions` clickers on `page` against `addr` for `duration`: closed
/// loop, or `rate` clicks per second each.
pub async fn load(
    addr: &str,
    page: &str,
    sessions: usize,
    duration: Duration,
    rate: Option<f64>,
    progress: bool,
) -> anyhow::Result<LoadResult> {
    let url = format!("ws://{addr}/_/ws");
    let mut clickers = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        let mut clicker = Clicker::connect(&url, page).await?;
        clicker.first_run().await?;
        clickers.push(clicker);
    }
    let done = Arc::new(AtomicU64::new(0));
    let bar = if progress {
        let bar = ProgressBar::new(duration.as_secs());
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} s  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + duration;
    let mut tasks = Vec::with_capacity(sessions);
    for (i, mut clicker) in clickers.into_iter().enumerate() {
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let mut micros = Vec::new();
            let mut errors = 0u64;
            let mut ticker = rate.map(|r| {
                let period = Duration::from_secs_f64(1.0 / r);
                // Spread the sessions over one period.
                let offset = period.mul_f64(i as f64 / sessions as f64);
                let mut t = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                t
            });
            while tokio::time::Instant::now() < deadline {
                if let Some(t) = ticker.as_mut() {
                    if tokio::time::timeout_at(deadline, t.tick()).await.is_err() {
                        break;
                    }
                }
                let t0 = Instant::now();
                match clicker.click().await {
                    Ok(()) => {
                        micros.push(t0.elapsed().as_micros() as u64);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (micros, errors)
        }));
    }
    if let Some(bar) = &bar {
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let secs = started.elapsed().as_secs_f64();
            bar.set_position(secs as u64);
            bar.set_message(format!(
                "{:.0} reruns/s",
                done.load(Ordering::Relaxed) as f64 / secs
            ));
        }
        bar.finish_and_clear();
    }
    let mut micros = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (m, e) = task.await?;
        micros.extend(m);
        errors += e;
    }
    let elapsed = started.elapsed();
    micros.sort_unstable();
    Ok(LoadResult {
        sessions,
        elapsed,
        micros,
        errors,
    })
}
