//! Each app's counters: runs by outcome, failures by kind and the time
//! runs took. The web layer renders them (`/_/metrics`).

use crate::runtime::run::{Failure, RunOutcome, RunReport};
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one app's runs. Updated once per run, without locks.
#[derive(Default)]
pub struct AppMetrics {
    outcomes: [AtomicU64; RunOutcome::LABELS.len()],
    failures: [AtomicU64; Failure::ALL.len()],
    cpu_micros: AtomicU64,
    wall_micros: AtomicU64,
}

impl AppMetrics {
    /// Counts a finished run.
    pub fn record(&self, report: &RunReport) {
        if let Some(failure) = report.outcome.failure() {
            self.failures[failure as usize].fetch_add(1, Ordering::Relaxed);
        }
        self.outcomes[report.outcome.slot()].fetch_add(1, Ordering::Relaxed);
        self.cpu_micros
            .fetch_add(report.cpu_time.as_micros() as u64, Ordering::Relaxed);
        self.wall_micros
            .fetch_add(report.wall_time.as_micros() as u64, Ordering::Relaxed);
    }

    /// Runs that ended with the outcome labelled `outcome` (one of
    /// [`RunOutcome::LABELS`]).
    pub fn runs(&self, outcome: &str) -> u64 {
        RunOutcome::LABELS
            .iter()
            .position(|o| *o == outcome)
            .map_or(0, |i| self.outcomes[i].load(Ordering::Relaxed))
    }

    /// Runs by outcome label.
    pub fn runs_by_outcome(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        RunOutcome::LABELS
            .iter()
            .zip(&self.outcomes)
            .map(|(label, n)| (*label, n.load(Ordering::Relaxed)))
    }

    /// Failed runs by kind.
    pub fn failures(&self) -> impl Iterator<Item = (Failure, u64)> + '_ {
        Failure::ALL
            .iter()
            .map(|f| (*f, self.failures[*f as usize].load(Ordering::Relaxed)))
    }

    /// CPU time of the app's runs, in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        self.cpu_micros.load(Ordering::Relaxed) as f64 / 1e6
    }

    /// Wall time of the app's runs, in seconds.
    pub fn wall_seconds(&self) -> f64 {
        self.wall_micros.load(Ordering::Relaxed) as f64 / 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcome: RunOutcome) -> RunReport {
        RunReport::ended(outcome)
    }

    #[test]
    fn failures_are_counted_by_their_kind_not_their_wording() {
        let metrics = AppMetrics::default();
        // A page's own error that reads like a limit is still the page's.
        metrics.record(&report(RunOutcome::failed(
            Failure::Error,
            "exceeded the memory limit (64 MiB)",
        )));
        metrics.record(&report(RunOutcome::failed(Failure::Memory, "anything")));
        let counted: std::collections::HashMap<_, _> = metrics.failures().collect();
        assert_eq!(counted[&Failure::Error], 1);
        assert_eq!(counted[&Failure::Memory], 1);
        assert_eq!(metrics.runs("error"), 2);
    }

    #[test]
    fn every_kind_and_outcome_has_its_own_label() {
        let labels: std::collections::HashSet<_> = Failure::ALL.iter().map(|f| f.label()).collect();
        assert_eq!(labels.len(), Failure::ALL.len());
        for (i, f) in Failure::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "ALL is in declaration order");
        }
        let outcomes = [
            RunOutcome::Ok,
            RunOutcome::failed(Failure::Error, ""),
            RunOutcome::Stopped,
            RunOutcome::Replaced,
            RunOutcome::Rerun,
            RunOutcome::StoppedByPage,
            RunOutcome::Shutdown,
        ];
        let slots: std::collections::HashSet<_> = outcomes.iter().map(|o| o.slot()).collect();
        assert_eq!(slots.len(), RunOutcome::LABELS.len());
    }
}
