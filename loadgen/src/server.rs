//! Starting the release `host` binary on the counter page, and reading its memory.

use anyhow::Context as _;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A `host serve` process on 127.0.0.1:0, killed on drop.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Server {
    /// Serves `pages/` with `target/release/host` (which builds the page crates).
    pub fn start() -> anyhow::Result<Server> {
        let root = workspace();
        let binary = root.join("target/release/host");
        anyhow::ensure!(
            binary.exists(),
            "build the host first: cargo build --release -p host"
        );
        let mut child = Command::new(&binary)
            .args(["serve", "--port", "0", "--script-threads", "2"])
            // One address opens every session, as fast as it can: lift the
            // per-address limits meant for real clients.
            .args([
                "--max-connections",
                "1000000",
                "--max-connections-per-ip",
                "1000000",
            ])
            .args(["--connects-per-ip-per-second", "1000000"])
            .args(["--session-messages-per-second", "1000000"])
            .arg(root.join("pages"))
            .env("WASMLIT_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .context("starting host serve")?;
        let stderr = child.stderr.take().context("server stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let addr = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                l.split("Open: http://")
                    .nth(1)
                    .map(|a| a.split('/').next().unwrap_or("").to_owned())
            })
            .context("the server did not print its address")?;
        // Keep reading what the server writes after that: with the pipe
        // closed, its next line to stderr would fail (and a print panic).
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        Ok(Server { child, addr })
    }

    /// The server's resident memory, in KiB.
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS")
    }
}

impl Server {
    /// CPU time the server process has used so far (user + system).
    pub fn cpu_time(&self) -> anyhow::Result<std::time::Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // Fields after the parenthesised command name; utime and stime are
        // the 12th and 13th of them, in clock ticks.
        let rest = stat
            .rsplit_once(')')
            .map(|(_, r)| r)
            .context("malformed stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields.get(11).context("no utime")?.parse::<u64>()?
            + fields.get(12).context("no stime")?.parse::<u64>()?;
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Ok(std::time::Duration::from_micros(ticks * 1_000_000 / hz))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Memory per idle session: N sessions that rendered `page` (a counter) once.
/// Prints the growth over all N, and over the second half alone: the
/// marginal cost of a session, without what the first sessions warm up once
/// (instance slots whose memory waits for a batched decommit, a larger
/// page's first runs).
pub async fn idle(server: &Server, sessions: usize, page: &str) -> anyhow::Result<()> {
    let url = format!("ws://{}/_/ws", server.addr);
    let mut warm = crate::session::Clicker::connect(&url, page).await?;
    warm.first_run().await?;
    drop(warm);
    let before = server.rss_kib()?;
    let mut open = Vec::with_capacity(sessions);
    let mut half = before;
    for i in 0..sessions {
        if i == sessions / 2 {
            half = server.rss_kib()?;
        }
        let mut clicker = crate::session::Clicker::connect(&url, page).await?;
        clicker.first_run().await?;
        open.push(clicker);
    }
    let after = server.rss_kib()?;
    let second_half = sessions - sessions / 2;
    println!(
        "{sessions} idle sessions on {page}: server RSS {before} KiB -> {after} KiB, {:.1} KiB \
         per session; the last {second_half}: {:.1} KiB per session",
        after.saturating_sub(before) as f64 / sessions as f64,
        after.saturating_sub(half) as f64 / second_half.max(1) as f64
    );
    Ok(())
}
