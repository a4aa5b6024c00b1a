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
    fn finds_the_panic_message_and_location() {
        let stderr = "\nthread '<unnamed>' panicked at src/lib.rs:10:9:\nthe data set is empty\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            rust_panic(stderr).as_deref(),
            Some("the data set is empty (at src/lib.rs:10:9)")
        );
    }
}
