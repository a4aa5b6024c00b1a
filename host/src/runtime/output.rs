//! Captured stdout and stderr of one run: bounded, never failing the page's writes.

use bytes::Bytes;
use parking_lot::Mutex;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// A bounded capture of one output stream. Keeps the first half of its
/// capacity and the most recent half (a panic message is at the end), and
/// counts what it dropped in between. Writes never fail, so a page that
/// prints too much is not broken by it.
#[derive(Clone)]
pub struct CapturedOutput {
    inner: Arc<Mutex<Capture>>,
}

struct Capture {
    head: Vec<u8>,
    /// Ring buffer of the most recent bytes once `head` is full.
    tail: Vec<u8>,
    tail_start: usize,
    half: usize,
    dropped: u64,
}

impl CapturedOutput {
    /// A capture keeping at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        let half = (capacity / 2).max(1);
        CapturedOutput {
            inner: Arc::new(Mutex::new(Capture {
                head: Vec::new(),
                tail: Vec::new(),
                tail_start: 0,
                half,
                dropped: 0,
            })),
        }
    }

    fn push(&self, mut bytes: &[u8]) {
        let mut c = self.inner.lock();
        let room = c.half - c.head.len();
        if room > 0 {
            let n = room.min(bytes.len());
            c.head.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
        for &b in bytes {
            if c.tail.len() < c.half {
                c.tail.push(b);
            } else {
                let at = c.tail_start;
                c.tail[at] = b;
                c.tail_start = (at + 1) % c.half;
                c.dropped += 1;
            }
        }
    }

    /// What was kept, with a marker where bytes were dropped.
    pub fn text(&self) -> String {
        let c = self.inner.lock();
        let mut out = String::from_utf8_lossy(&c.head).into_owned();
        if c.dropped > 0 {
            out.push_str(&format!("\n[... {} bytes dropped ...]\n", c.dropped));
        }
        let (newer, older) = c.tail.split_at(c.tail_start);
        out.push_str(&String::from_utf8_lossy(&[older, newer].concat()));
        out
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        let c = self.inner.lock();
        c.head.is_empty()
    }
}

impl IsTerminal for CapturedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CapturedOutput {
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for CapturedOutput {
    async fn ready(&mut self) {}
}

impl OutputStream for CapturedOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

impl tokio::io::AsyncWrite for CapturedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// `text` with every absolute file path cut to its crate-relative part:
/// from the directory before the last `src` segment (`/root/.cargo/registry/
/// src/index…/serde-1.0.0/src/de.rs:12:5` becomes `serde-1.0.0/src/de.rs:12:5`),
/// or the file name alone when there is no `src`. What a page prints or
/// panics with is shown to browsers, and a component built elsewhere keeps
/// its build machine's paths (user names, directory layout); this is
/// applied to all of it, whoever built the page.
pub fn relative_paths(text: &str) -> String {
    let delimiter = |c: char| c.is_whitespace() || "'\"`()<>[]{},;=".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !delimiter(c)).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(delimiter).unwrap_or(rest.len());
        let token = &rest[..end];
        match shorten(token) {
            Some(short) => out.push_str(&short),
            None => out.push_str(token),
        }
        rest = &rest[end..];
    }
    out
}

/// The crate-relative part of `token` if it is an absolute path with at
/// least two directories (`/a/b/c`, `C:\a\b\c`, `\\host\a\b`).
fn shorten(token: &str) -> Option<String> {
    let bytes = token.as_bytes();
    let windows_drive = bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    if !(token.starts_with('/') || token.starts_with('\\') || windows_drive) {
        return None;
    }
    let segments: Vec<&str> = token.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    if segments.len() < 3 {
        return None;
    }
    let last = segments.len() - 1;
    let keep_from = match segments[..last].iter().rposition(|s| *s == "src") {
        // The crate's directory, unless that is the root or a drive.
        Some(src) if src >= 2 => src - 1,
        Some(src) => src,
        None => last,
    };
    Some(segments[keep_from..].join("/"))
}

/// Finds a Rust panic in captured stderr: "message (at src/lib.rs:10:5)".
pub fn rust_panic(stderr: &str) -> Option<String> {
    let start = stderr.rfind("panicked at ")?;
    let rest = &stderr[start + "panicked at ".len()..];
    let (location, message) = rest.split_once(":\n")?;
    let message: Vec<&str> = message
        .lines()
        .take_while(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    Some(format!(
        "{} (at {})",
        message.join("\n").trim_end(),
        location.trim()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_head_and_tail_and_counts_the_rest() {
        let out = CapturedOutput::new(8);
        out.push(b"abcdefghijkl");
        assert_eq!(out.text(), "abcd\n[... 4 bytes dropped ...]\nijkl");
    }

    #[test]
    fn absolute_paths_become_crate_relative() {
        let stderr = "\nthread '<unnamed>' panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/serde_json-1.0.1/src/de.rs:12:5:\nboom\n";
        assert_eq!(
            rust_panic(&relative_paths(stderr)).as_deref(),
            Some("boom (at serde_json-1.0.1/src/de.rs:12:5)")
        );
        for (text, expected) in [
            (
                "panicked at /home/me/pages/x/src/lib.rs:12:5:",
                "panicked at x/src/lib.rs:12:5:",
            ),
            (
                "(at /home/me/pages/x/src/bin/a.rs:1:2)",
                "(at x/src/bin/a.rs:1:2)",
            ),
            ("'/src/lib.rs:1:1'", "'/src/lib.rs:1:1'"),
            ("/a/b/src/lib.rs", "b/src/lib.rs"),
            ("/opt/build/gen/out.rs:3:4", "out.rs:3:4"),
            ("C:\\Users\\me\\x\\src\\lib.rs:1:2", "x/src/lib.rs:1:2"),
            (
                "at /rustc/0123abc/library/std/src/panicking.rs:9",
                "at std/src/panicking.rs:9",
            ),
            // Relative paths, URLs and plain text stay.
            ("src/lib.rs:10:9 and a/b/c", "src/lib.rs:10:9 and a/b/c"),
            (
                "see https://example.com/a/b/c",
                "see https://example.com/a/b/c",
            ),
        ] {
            assert_eq!(relative_paths(text), expected, "{text}");
        }
    }

    #[test]
    fn finds_the_panic_message_and_location() {
        let stderr = "\nthread '<unnamed>' panicked at src/lib.rs:10:9:\nthe data set is empty\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            rust_panic(stderr).as_deref(),
            Some("the data set is empty (at src/lib.rs:10:9)")
        );
    }
}
