//! Measures jobs and caches through the real runner:
//! - `parallel_map` over 8 CPU-bound inputs against the same loop in the run
//!   (page `thread_executor`);
//! - a rerun of a page that queries a 10 MB resource built in 500 ms, once
//!   it is built (test page `cached`);
//! - how long a spinning job takes to stop once its run is cancelled.
//!
//! `cargo run --release -p tests --example jobs_bench [REPEATS]`

use host::model::delta::Element;
use host::model::widget::WidgetInputs;
use host::runtime::run::CancelReason;
use host::runtime::runner::Runner;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::runs::{request, run, start, Recorded};

fn summary(name: &str, unit: &str, mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name}: median {:.3} {unit}, p10 {:.3}, p90 {:.3}, min {:.3}, max {:.3} (n={})",
        at(0.5),
        at(0.1),
        at(0.9),
        samples[0],
        samples[samples.len() - 1],
        samples.len()
    );
    at(0.5)
}

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let engine = tests::engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    println!("worker threads: {}", runner.services().executor.threads());

    // parallel_map vs the sequential loop, 8 inputs.
    let page = tests::load(&engine, "thread_executor");
    let (_, first) = run(&runner, &page, "");
    let mode_id = first
        .iter()
        .find_map(|d| match &d.element {
            Element::Widget(w) if w.label == "Run" => Some(w.id.clone()),
            _ => None,
        })
        .expect("the Run selectbox");
    let timed = |choice: u32| {
        let recorded = Recorded::default();
        let mut request = request(&page, "", "bench", &recorded);
        request.inputs = Arc::new(WidgetInputs::from([(
            mode_id.clone(),
            serde_json::json!(choice),
        )]));
        runner.run(request).wall_time.as_secs_f64() * 1e3
    };
    let (mut sequential, mut parallel) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        sequential.push(timed(2));
        parallel.push(timed(1));
    }
    let s = summary("sequential loop, 8 inputs", "ms", sequential);
    let p = summary("parallel_map, 8 inputs", "ms", parallel);
    println!("speed-up (median/median): {:.2}x", s / p);

    // Rerun with a built 10 MB resource.
    let page = tests::load(&engine, "cached");
    let built = Instant::now();
    let (report, _) = run(&runner, &page, "resource=4096");
    println!(
        "first run (builds the resource): {:.0} ms, {:?}",
        built.elapsed().as_secs_f64() * 1e3,
        report.outcome
    );
    let reruns: Vec<f64> = (0..repeats.max(1) * 100)
        .map(|i| {
            let (report, _) = run(&runner, &page, &format!("resource={}", i * 4096));
            report.wall_time.as_secs_f64() * 1e3
        })
        .collect();
    summary("rerun querying the built resource", "ms", reruns);
    println!("resource builds: {}", runner.services().resources.builds());

    // A cancelled run's spinning job stops.
    let page = tests::load(&engine, "jobs");
    let executor = &runner.services().executor;
    let mut stops = Vec::new();
    for _ in 0..repeats.max(1) * 5 {
        let (handle, done, _) = start(&runner, &page, "case=spin", "bench");
        while executor.running() == 0 {
            std::hint::spin_loop();
        }
        // Let the job get into its loop.
        std::thread::sleep(Duration::from_millis(5));
        let cancelled = Instant::now();
        handle.cancel(CancelReason::Replaced);
        // Yielding, not spinning: on two cores a spinning waiter would take
        // the CPU the stopping job needs.
        while executor.running() > 0 {
            std::thread::yield_now();
        }
        stops.push(cancelled.elapsed().as_secs_f64() * 1e3);
        done.recv().expect("run ends");
    }
    summary("job stop after cancel", "ms", stops);
}
