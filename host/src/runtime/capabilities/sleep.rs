//! Sleeping pages wake on cancel: the host's own `wasi:clocks/monotonic-clock`
//! timers, shadowing WASI's, so a run blocked in `std::thread::sleep` (or any
//! poll with a timeout) is stopped as promptly as one in a loop.

use crate::runtime::run::{RunControl, StoreData};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::{Linker, Resource};
use wasmtime::StoreContextMut;
use wasmtime_wasi::p2::{subscribe, DynPollable, Pollable};

/// The WASI clocks interface as this wasmtime-wasi names it.
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

/// A timer that also fires when its run is cancelled.
struct Timer {
    deadline: tokio::time::Instant,
    /// `None` outside a page run (nothing can cancel it).
    control: Option<Arc<RunControl>>,
}

#[wasmtime_wasi::async_trait]
impl Pollable for Timer {
    async fn ready(&mut self) {
        match &self.control {
            None => tokio::time::sleep_until(self.deadline).await,
            Some(control) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(self.deadline) => {}
                    _ = control.cancelled_wait() => {}
                }
            }
        }
    }
}

/// Nanoseconds since the store was created: the page's monotonic clock.
fn now_nanos(data: &StoreData) -> u64 {
    u64::try_from(data.clock_origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

fn timer(
    mut store: StoreContextMut<'_, StoreData>,
    after: Duration,
) -> wasmtime::Result<(Resource<DynPollable>,)> {
    let data = store.data_mut();
    let control = Some(data.control.clone());
    // Never past the run's wall time limit: the page is woken for it and
    // then stopped by its next epoch check.
    let left = data.limits.wall_time.saturating_sub(data.started.elapsed());
    let deadline = tokio::time::Instant::now() + after.min(left + Duration::from_millis(1));
    let resource = data.table.push(Timer { deadline, control })?;
    Ok((subscribe(&mut data.table, resource)?,))
}

/// Replaces WASI's `subscribe-duration` and `subscribe-instant` with timers
/// that wake on cancel. Call after WASI is added, with shadowing allowed.
pub(crate) fn add_to_linker(linker: &mut Linker<StoreData>) -> wasmtime::Result<()> {
    let mut clock = linker.instance(MONOTONIC_CLOCK)?;
    clock.func_wrap(
        "subscribe-duration",
        |store: StoreContextMut<'_, StoreData>, (nanos,): (u64,)| {
            timer(store, Duration::from_nanos(nanos))
        },
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |store: StoreContextMut<'_, StoreData>, (when,): (u64,)| {
            let now = now_nanos(store.data());
            timer(store, Duration::from_nanos(when.saturating_sub(now)))
        },
    )?;
    // `now` is shadowed too, so instants and timers share one clock.
    clock.func_wrap("now", |store: StoreContextMut<'_, StoreData>, (): ()| {
        Ok((now_nanos(store.data()),))
    })?;
    Ok(())
}
