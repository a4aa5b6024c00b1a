//! The host side of each interface in `wit/page.wit`, one module per interface,
//! all wired into the linker here.

mod cache;
mod control;
mod http;
mod jobs;
mod query_params;
mod session_state;
mod sleep;
mod ui;
mod widgets;

use crate::runtime::bindings::{types, Page};
use crate::runtime::run::{RunTrap, StoreData};
use crate::runtime::run_output::{LimitError, RunOutput};
use std::sync::Arc;
use wasmtime::component::{HasSelf, Linker};

/// Adds WASI (no ambient authority is granted per store) and the page
/// world's imports to `linker`.
pub fn add_to_linker(linker: &mut Linker<StoreData>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_sync(linker)?;
    linker.allow_shadowing(true);
    sleep::add_to_linker(linker)?;
    linker.allow_shadowing(false);
    Page::add_to_linker::<StoreData, HasSelf<StoreData>>(linker, |data| data)?;
    Ok(())
}

impl types::Host for StoreData {}

/// What a host call returns when an element could not be placed: a
/// guest-visible error, or a trap if the run was cancelled meanwhile.
fn place_result<T>(placed: Result<T, LimitError>) -> wasmtime::Result<Result<T, types::CallError>> {
    match placed {
        Ok(value) => Ok(Ok(value)),
        Err(LimitError::Container(c)) => Ok(Err(types::CallError::InvalidArgument(format!(
            "container {c} does not exist (0 is main, 1 is the sidebar)"
        )))),
        Err(LimitError::Limit(m)) => Ok(Err(types::CallError::LimitExceeded(m))),
        Err(LimitError::Cancelled(reason)) => Err(wasmtime::Error::new(RunTrap::Cancelled(reason))),
    }
}

impl StoreData {
    /// The output `call` may draw into at container `at`: the run's, or, for
    /// a job started with `spawn-in`, its run's when `at` is its container.
    pub(crate) fn drawing(
        &mut self,
        call: &str,
        at: u32,
    ) -> wasmtime::Result<Result<Arc<RunOutput>, types::CallError>> {
        if let Some((output, granted)) = self.job.as_ref().and_then(|job| job.draw.as_ref()) {
            if let Some(reason) = self.control.cancelled() {
                return Err(wasmtime::Error::new(RunTrap::Cancelled(reason)));
            }
            if at != *granted {
                return Ok(Err(types::CallError::InvalidArgument(format!(
                    "`{call}`: this job may draw only into container {granted}, the one it was \
                     started in (`spawn_in`); it asked for container {at}"
                ))));
            }
            return Ok(Ok(output.clone()));
        }
        Ok(match self.live(call)? {
            Ok(run) => Ok(run.output.clone()),
            Err(message) => Err(types::CallError::OutsideRun(message)),
        })
    }
}
