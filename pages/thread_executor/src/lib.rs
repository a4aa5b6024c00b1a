//! The shared executor: a CPU-bound function mapped over inputs, once in a
//! loop in the run and once with `parallel_map` on the app's worker pool.
//!
//! Streamlit's guide shares one `ThreadPoolExecutor` through
//! `st.cache_resource`; here the pool is the host's own, bounded per app and
//! shared fairly by its sessions.
use std::time::Instant;
use wasmlit::Ui;

/// Deliberately CPU-bound: six million rounds of xorshift.
fn crunch(seed: u64) -> u64 {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    for _ in 0..6_000_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x % 1000
}

#[wasmlit::page]
fn thread_executor(st: &Ui) {
    st.title("Thread executor");
    st.caption("The same CPU-bound work, in a loop and spread over the app's worker pool.");
    let inputs = st.slider("Inputs", 1..=16, 8) as u64;
    let mode = *st
        .selectbox("Run", &["both", "parallel only", "sequential only"], 0)
        .unwrap_or(&"both");

    let mut sequential_ms = None;
    if mode != "parallel only" {
        let started = Instant::now();
        let results: Vec<u64> = (0..inputs).map(crunch).collect();
        let ms = started.elapsed().as_secs_f64() * 1e3;
        st.write(format!("Sequential loop: {ms:.0} ms → {results:?}"));
        sequential_ms = Some(ms);
    }
    if mode != "sequential only" {
        let started = Instant::now();
        let results: Vec<u64> = match st.parallel_map(crunch, 0..inputs).into_iter().collect() {
            Ok(results) => results,
            Err(e) => {
                st.error(e.to_string());
                return;
            }
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        st.write(format!("parallel_map: {ms:.0} ms → {results:?}"));
        if let Some(sequential) = sequential_ms {
            st.success(format!("Speed-up: {:.2}×", sequential / ms));
        }
    }
}
