//! Parallel queries: several slow queries run as jobs on the app's worker
//! pool; each result is shown as soon as it arrives, then the total time.
//!
//! This is Streamlit's "run no Streamlit code in custom threads" pattern:
//! the jobs only fetch data and return it; the run draws everything.
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use wasmlit::Ui;

/// One query to a (simulated) slow database.
#[derive(Serialize, Deserialize)]
struct Query {
    table: String,
    latency_ms: u64,
}

/// What a query returns.
#[derive(Serialize, Deserialize)]
struct Answer {
    table: String,
    rows: u64,
    took_ms: u64,
}

/// Runs in a job: waits like a network call would, then "counts rows".
fn run_query(query: Query) -> Answer {
    let started = Instant::now();
    wasmlit::sleep(Duration::from_millis(query.latency_ms));
    let rows = query
        .table
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 10_000;
    Answer {
        table: query.table,
        rows,
        took_ms: started.elapsed().as_millis() as u64,
    }
}

const TABLES: [&str; 6] = [
    "orders",
    "customers",
    "invoices",
    "shipments",
    "returns",
    "reviews",
];

#[wasmlit::page]
fn multithread_example(st: &Ui) {
    st.title("Parallel queries");
    st.caption(
        "Each query runs as a job on the app's worker pool. Results appear as they arrive; \
         the jobs never touch the page, they return data and this run draws it.",
    );
    let count = st.slider("Queries", 1..=TABLES.len() as i64, 4) as usize;
    let started = Instant::now();
    let queries: Vec<Query> = TABLES
        .iter()
        .take(count)
        .enumerate()
        .map(|(i, table)| Query {
            table: table.to_string(),
            // Different latencies, so results arrive out of order.
            latency_ms: 300 + ((i as u64 * 370) % 900),
        })
        .collect();
    let one_after_another: u64 = queries.iter().map(|q| q.latency_ms).sum();
    let mut pending: Vec<_> = queries
        .into_iter()
        .map(|query| st.spawn(run_query, query))
        .collect();
    while !pending.is_empty() {
        let job = pending.swap_remove(st.wait_any(&pending));
        match job.join() {
            Ok(answer) => st.success(format!(
                "{}: {} rows in {} ms",
                answer.table, answer.rows, answer.took_ms
            )),
            Err(e) => st.error(e.to_string()),
        }
    }
    st.markdown(format!(
        "**All {count} queries took {} ms** (one after another: {one_after_another} ms).",
        started.elapsed().as_millis()
    ));
}
