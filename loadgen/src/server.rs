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
    /// The server's heap in use (its `wasmlit_process_heap_bytes` metric),
    /// in KiB; `None` where the server's allocator does not report it.
    pub async fn heap_kib(&self) -> anyhow::Result<Option<f64>> {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let read = async {
            let mut stream = tokio::net::TcpStream::connect(&self.addr).await?;
            let request = format!(
                "GET /_/metrics HTTP/1.0\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            );
            stream.write_all(request.as_bytes()).await?;
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await?;
            anyhow::Ok(answer)
        };
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), read)
            .await
            .context("/_/metrics did not answer within 10 s")??;
        anyhow::ensure!(
            answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
            "/_/metrics answered {}",
            answer.lines().next().unwrap_or("nothing")
        );
        Ok(answer
            .lines()
            .find_map(|l| l.strip_prefix("wasmlit_process_heap_bytes "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|bytes| bytes / 1024.0))
    }

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
    let before = Memory::of(server).await?;
    let mut open = Vec::with_capacity(sessions);
    let mut half = before;
    for i in 0..sessions {
        if i == sessions / 2 {
            half = Memory::of(server).await?;
        }
        let mut clicker = crate::session::Clicker::connect(&url, page).await?;
        clicker.first_run().await?;
        open.push(clicker);
    }
    let after = Memory::of(server).await?;
    let second_half = sessions - sessions / 2;
    let per = |from: f64, to: f64, n: usize| (to - from).max(0.0) / n.max(1) as f64;
    println!(
        "{sessions} idle sessions on {page}: server RSS {:.0} KiB -> {:.0} KiB, {:.1} KiB \
         per session; the last {second_half}: {:.1} KiB per session",
        before.rss,
        after.rss,
        per(before.rss, after.rss, sessions),
        per(half.rss, after.rss, second_half)
    );
    if let (Some(b), Some(h), Some(a)) = (before.heap, half.heap, after.heap) {
        println!(
            "  heap in use (the sessions' own allocations, without the allocator's free space): \
             {b:.0} KiB -> {a:.0} KiB, {:.1} KiB per session; the last {second_half}: {:.1} KiB \
             per session",
            per(b, a, sessions),
            per(h, a, second_half)
        );
    }
    Ok(())
}

/// The server's resident memory and heap in use, in KiB.
#[derive(Clone, Copy)]
struct Memory {
    rss: f64,
    heap: Option<f64>,
}

impl Memory {
    async fn of(server: &Server) -> anyhow::Result<Memory> {
        Ok(Memory {
            rss: server.rss_kib()? as f64,
            heap: server.heap_kib().await?,
        })
    }
}
