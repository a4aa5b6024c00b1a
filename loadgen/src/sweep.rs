//! The published load numbers: closed-loop runs over several K, written as a
//! CSV, an SVG plot and a Markdown table.

use crate::server::Server;
use crate::session::{load, LoadResult};
use plotters::prelude::*;
use std::fmt::Write as _;
use std::time::Duration;

/// Sessions in the fixed-rate measurement (each clicking once a second).
const FIXED_RATE_SESSIONS: usize = 1000;

/// Sessions in the idle-memory measurement.
const IDLE_SESSIONS: usize = 1000;

/// Runs each K against a fresh server and writes `<out>.csv` and `<out>.svg`,
/// then the fixed-rate and idle-memory measurements: every load number in
/// `docs/benchmarks.md` from one command.
pub async fn sweep(ks: &[usize], seconds: Duration, out: &str) -> anyhow::Result<()> {
    let mut results: Vec<LoadResult> = Vec::new();
    for &k in ks {
        let server = Server::start()?;
        let result = load(&server.addr, "counter", k, seconds, None, true).await?;
        eprintln!("{}", result.summary());
        results.push(result);
    }
    let mut csv = String::from("sessions,reruns_per_s,p50_ms,p90_ms,p99_ms,errors\n");
    let mut table =
        String::from("| K | reruns/s | p50 | p90 | p99 | errors |\n|---|---|---|---|---|---|\n");
    for r in &results {
        let _ = writeln!(
            csv,
            "{},{:.0},{:.3},{:.3},{:.3},{}",
            r.sessions,
            r.rate(),
            r.quantile_ms(0.5),
            r.quantile_ms(0.9),
            r.quantile_ms(0.99),
            r.errors
        );
        let _ = writeln!(
            table,
            "| {} | {:.0} | {:.2} ms | {:.2} ms | {:.2} ms | {} |",
            r.sessions,
            r.rate(),
            r.quantile_ms(0.5),
            r.quantile_ms(0.9),
            r.quantile_ms(0.99),
            r.errors
        );
    }
    std::fs::write(format!("{out}.csv"), csv)?;
    plot(&results, &format!("{out}.svg"))?;
    println!("{table}");

    // The two other published numbers, each on a fresh server.
    let server = Server::start()?;
    let paced = load(
        &server.addr,
        "counter",
        FIXED_RATE_SESSIONS,
        seconds,
        Some(1.0),
        true,
    )
    .await?;
    println!(
        "Fixed rate, {FIXED_RATE_SESSIONS} sessions at 1 click/s: {}",
        paced.summary()
    );
    drop(server);
    let server = Server::start()?;
    crate::server::idle(&server, IDLE_SESSIONS, "counter").await?;
    Ok(())
}

fn plot(results: &[LoadResult], path: &str) -> anyhow::Result<()> {
    let root = SVGBackend::new(path, (900, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (left, right) = root.split_horizontally(450);
    let max_k = results.iter().map(|r| r.sessions).max().unwrap_or(1) as f64;
    let max_rate = results.iter().map(LoadResult::rate).fold(1.0, f64::max);
    let max_ms = results
        .iter()
        .map(|r| r.quantile_ms(0.99))
        .fold(1.0, f64::max);
    let draw = |e: plotters::drawing::DrawingAreaErrorKind<_>| anyhow::anyhow!("{e:?}");

    let mut chart = ChartBuilder::on(&left)
        .caption(
            "Throughput (counter clicks, closed loop)",
            ("sans-serif", 16),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..max_k * 1.05, 0.0..max_rate * 1.15)
        .map_err(draw)?;
    chart
        .configure_mesh()
        .x_desc("sessions (K)")
        .y_desc("reruns / s")
        .draw()
        .map_err(draw)?;
    let points: Vec<(f64, f64)> = results
        .iter()
        .map(|r| (r.sessions as f64, r.rate()))
        .collect();
    chart
        .draw_series(LineSeries::new(points.clone(), &BLUE))
        .map_err(draw)?;
    chart
        .draw_series(points.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))
        .map_err(draw)?;

    let mut chart = ChartBuilder::on(&right)
        .caption("Click latency", ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..max_k * 1.05, 0.0..max_ms * 1.15)
        .map_err(draw)?;
    chart
        .configure_mesh()
        .x_desc("sessions (K)")
        .y_desc("ms")
        .draw()
        .map_err(draw)?;
    for (q, color, label) in [(0.5, &GREEN, "p50"), (0.99, &RED, "p99")] {
        let points: Vec<(f64, f64)> = results
            .iter()
            .map(|r| (r.sessions as f64, r.quantile_ms(q)))
            .collect();
        chart
            .draw_series(LineSeries::new(points, color))
            .map_err(draw)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(draw)?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
