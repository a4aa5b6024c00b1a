//! Every limit a page or a browser can run into, with its default, in one place.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Limits applied to each run of a page and to each session.
///
/// Each field is a setting an operator may change; the doc says which error a
/// page or client sees when it is reached.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Linear memory one page instance may grow to, in bytes. Growing past it
    /// ends the run with "exceeded the memory limit (64 MiB)".
    pub memory_bytes: u64,
    /// CPU time one run may use (measured on its script thread). Past it the
    /// run ends with "exceeded the CPU time limit (30 s)".
    #[serde(with = "duration_secs")]
    pub cpu_time: Duration,
    /// Wall time one run may take, sleeping included. Past it the run ends
    /// with "exceeded the wall time limit (5 min)" (a sleeping page is woken
    /// for it).
    #[serde(with = "duration_secs")]
    pub wall_time: Duration,
    /// WebAssembly stack one run may use, in bytes. Past it the run ends with
    /// "stack overflow".
    pub wasm_stack_bytes: usize,
    /// Elements (including widgets) one run may draw. Past it the draw call
    /// fails with `limit-exceeded`.
    pub elements_per_run: u32,
    /// Bytes of text one element may carry. Past it the draw call fails with
    /// `limit-exceeded`.
    pub element_bytes: usize,
    /// Bytes of data one table or dataframe may carry (text as is, numbers
    /// at 8 bytes). Past it the draw call fails with `limit-exceeded`.
    pub table_bytes: usize,
    /// Bytes of output (all elements' text and data) one run may produce.
    pub run_output_bytes: usize,
    /// Cells (rows times columns) one static table (`table`) may show. The
    /// browser builds every cell of a static table at once; a dataframe
    /// shows only the rows in view and is bounded by `table_bytes` alone.
    /// Past it the draw call fails with `limit-exceeded`.
    pub table_cells: usize,
    /// Bytes the session state of one session may hold (keys plus JSON
    /// values). A `set` past it fails with `limit-exceeded`.
    pub session_state_bytes: usize,
    /// Bytes of stdout and of stderr kept per run (the rest is dropped and
    /// counted); the tail of stderr is attached to a failed run's error.
    pub captured_output_bytes: usize,
    /// Jobs one run may start (`spawn`, `spawn_in`, `parallel_map`). Past it
    /// the call fails with `limit-exceeded`.
    pub jobs_per_run: u32,
    /// Bytes of job inputs and results one run may hold at once (inputs
    /// of jobs not yet joined, results not yet taken). A `spawn` past it
    /// fails with `limit-exceeded`; a result past it comes back from `join`
    /// as an error.
    pub job_bytes_per_run: usize,
    /// Cache computations (`cache_data` misses) one run may have open at
    /// once. Past it the lookup fails with `limit-exceeded`.
    pub open_cache_tickets: u32,
    /// Bytes one uploaded file may have (`file_uploader`). A larger upload
    /// is refused with HTTP 413 and a message naming this setting; the
    /// browser checks it first.
    pub upload_file_bytes: usize,
    /// Bytes of uploaded files one session may hold at once. Past it an
    /// upload is refused until the user removes a file.
    pub upload_session_bytes: usize,
    /// Bytes of uploaded files the whole app may hold at once, over all
    /// sessions. Past it uploads are refused until some are released.
    pub upload_total_bytes: usize,
    /// Uploads one session may send at once. One more is refused with
    /// HTTP 429 naming this setting until one of them ends.
    pub upload_concurrent_per_session: u32,
    /// Time, in seconds, an upload's body may take to arrive, from the
    /// request's start to its last byte. A slower or stalled body is
    /// refused with HTTP 408 naming this setting, and what it had sent is
    /// released.
    #[serde(with = "duration_secs")]
    pub upload_body_timeout: Duration,
    /// Shortest interval, in milliseconds, at which a fragment may ask to
    /// rerun on its own (`run_every`). A shorter one fails with
    /// `invalid-argument`.
    pub run_every_min_ms: u32,
    /// Consecutive `rerun()` calls before the runner refuses to rerun again
    /// ("rerun loop").
    pub consecutive_reruns: u32,
    /// Outbound HTTP requests one instance (a run, a job, a resource call)
    /// may send, redirects not counted. Past it `http.fetch` fails with
    /// `limit-exceeded`. Only apps granted outbound hosts can send any.
    pub outbound_requests_per_run: u32,
    /// Bytes one outbound request may carry: URL, headers and body. A
    /// larger one fails with `limit-exceeded` before anything is sent.
    pub outbound_request_bytes: usize,
    /// Bytes of body one outbound response may have. The host stops
    /// reading past it and the fetch fails with `limit-exceeded`.
    pub outbound_response_bytes: usize,
    /// Time one outbound request may take, from sending to the last byte of
    /// the body, redirects included (and never past the run's wall time).
    /// Past it the fetch fails with `limit-exceeded`.
    #[serde(with = "duration_secs")]
    pub outbound_timeout: Duration,
    /// Bytes one image, sound, video, PDF or HTML frame may have. Past it
    /// the draw call fails with `limit-exceeded` naming this setting.
    pub media_item_bytes: usize,
    /// Bytes of media one session's page may show at once. Past it the
    /// draw call fails with `limit-exceeded` naming this setting.
    pub media_session_bytes: usize,
    /// Bytes of media the whole app may hold at once, over all sessions.
    /// Past it the draw call fails with `limit-exceeded` naming this setting.
    pub media_app_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 64 << 20,
            cpu_time: Duration::from_secs(30),
            wall_time: Duration::from_secs(300),
            wasm_stack_bytes: 1 << 20,
            elements_per_run: 10_000,
            element_bytes: 1 << 20,
            table_bytes: 16 << 20,
            run_output_bytes: 32 << 20,
            table_cells: 100_000,
            session_state_bytes: 8 << 20,
            captured_output_bytes: 64 << 10,
            jobs_per_run: 1_000,
            job_bytes_per_run: 64 << 20,
            open_cache_tickets: 64,
            consecutive_reruns: 100,
            run_every_min_ms: 100,
            upload_file_bytes: 16 << 20,
            upload_session_bytes: 64 << 20,
            upload_total_bytes: 1 << 30,
            upload_concurrent_per_session: 4,
            upload_body_timeout: Duration::from_secs(120),
            outbound_requests_per_run: 100,
            outbound_request_bytes: 1 << 20,
            outbound_response_bytes: 16 << 20,
            outbound_timeout: Duration::from_secs(30),
            media_item_bytes: 16 << 20,
            media_session_bytes: 64 << 20,
            media_app_bytes: 1 << 30,
        }
    }
}

impl Limits {
    /// The memory limit as people read it, e.g. "64 MiB".
    pub fn memory_display(&self) -> String {
        human_bytes(self.memory_bytes)
    }
}

/// `64 MiB`, `512 KiB`, `100 B`.
pub fn human_bytes(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} B")
    }
}

/// `30 s`, `1.5 s`, `250 ms`.
pub fn human_duration(d: Duration) -> String {
    if d >= Duration::from_secs(60) && d.as_secs().is_multiple_of(60) && d.subsec_nanos() == 0 {
        format!("{} min", d.as_secs() / 60)
    } else if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else if d >= Duration::from_secs(1) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

mod duration_secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(human_bytes(64 << 20), "64 MiB");
        assert_eq!(human_bytes(1000), "1000 B");
        assert_eq!(human_duration(Duration::from_secs(30)), "30 s");
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
    }
}
