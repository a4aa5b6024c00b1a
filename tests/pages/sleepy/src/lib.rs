//! Test page: sleeps for `?ms=` milliseconds (default a minute) in
//! `std::thread::sleep`, a blocking WASI call, then says so.
use std::time::{Duration, Instant};
use wasmlit::Ui;

#[wasmlit::page]
fn sleepy(st: &Ui) {
    let ms: u64 = st
        .query_params()
        .get("ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(60_000);
    st.title("Sleepy");
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(ms));
    st.text(format!("slept {} ms", started.elapsed().as_millis()));
}
