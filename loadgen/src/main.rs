//! `loadgen`: drives a wasmlit server with K WebSocket sessions clicking the
//! `counter` page, on loopback only, bounded in time.
//!
//! Each click is checked: the page must answer `count: N+1`. Modes:
//! closed loop (each session clicks again as soon as its run finished) or a
//! fixed rate per session. `sweep` runs several K and writes a CSV, an SVG
//! plot and a Markdown table; `idle` measures server memory per idle session.

use clap::{Parser, Subcommand};
use loadgen::{server, session, sweep};
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "loadgen")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// K sessions clicking for a while; prints reruns/s and latency.
    Run {
        /// Concurrent sessions.
        #[arg(long, default_value_t = 10)]
        sessions: usize,
        /// How long to click, in seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Clicks per second per session; closed loop when absent.
        #[arg(long)]
        rate: Option<f64>,
        /// A running server's address (host:port); by default one is started.
        #[arg(long)]
        server: Option<String>,
        /// The counter page to click: `counter` (Rust) or `py_counter` (Python).
        #[arg(long, default_value = "counter")]
        page: String,
    },
    /// Runs closed-loop loads for several K; writes CSV, SVG and a table.
    Sweep {
        /// The K values.
        #[arg(long, value_delimiter = ',', default_value = "1,10,50,100,200")]
        sessions: Vec<usize>,
        /// Seconds per K.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Output prefix: writes PREFIX.csv and PREFIX.svg.
        #[arg(long, default_value = "docs/load")]
        out: String,
    },
    /// Opens N sessions that render the counter once and stay idle; prints
    /// the server's memory per session.
    Idle {
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// The counter page the sessions render: `counter` or `py_counter`.
        #[arg(long, default_value = "counter")]
        page: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Run {
                sessions,
                seconds,
                rate,
                server,
                page,
            } => {
                let spawned = match server {
                    Some(_) => None,
                    None => Some(server::Server::start()?),
                };
                let addr = server.unwrap_or_else(|| {
                    spawned.as_ref().map(|s| s.addr.clone()).unwrap_or_default()
                });
                let cpu_before = spawned.as_ref().map(server::Server::cpu_time).transpose()?;
                let result = session::load(
                    &addr,
                    &page,
                    sessions,
                    Duration::from_secs_f64(seconds),
                    rate,
                    true,
                )
                .await?;
                println!("{}", result.summary());
                if let (Some(server), Some(before)) = (&spawned, cpu_before) {
                    let used = server.cpu_time()?.saturating_sub(before);
                    println!(
                        "server CPU: {:.2} s, {:.0} µs per rerun",
                        used.as_secs_f64(),
                        used.as_secs_f64() * 1e6 / result.micros.len().max(1) as f64
                    );
                }
                anyhow::ensure!(result.errors == 0, "{} clicks went wrong", result.errors);
                Ok(())
            }
            Command::Sweep {
                sessions,
                seconds,
                out,
            } => sweep::sweep(&sessions, Duration::from_secs_f64(seconds), &out).await,
            Command::Idle { sessions, page } => {
                let server = server::Server::start()?;
                server::idle(&server, sessions, &page).await
            }
        }
    })
}
