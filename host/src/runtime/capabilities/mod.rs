//! The host side of each interface in `wit/page.wit`, one module per interface,
//! all wired into the linker here.

mod cache;
mod context;
mod control;
mod http;
mod jobs;
mod query_params;
mod secrets;
mod session_state;
mod sleep;
mod sql;
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

/// How a host call fails: with an error the page gets back (`call-error`),
/// or with a trap that ends its instance (cancellation, a limit). Every
/// import returns it, so each guard is one `?`.
#[derive(Debug)]
pub enum HostError {
    /// Returned to the page.
    Guest(types::CallError),
    /// Ends the instance.
    Trap(wasmtime::Error),
}

impl HostError {
    /// The trap this error becomes in an import that cannot return an
    /// error to the page (`control.rerun`, `control.stop`).
    pub fn into_trap(self) -> wasmtime::Error {
        use types::CallError as E;
        match self {
            HostError::Trap(trap) => trap,
            HostError::Guest(
                E::OutsideRun(m)
                | E::InvalidArgument(m)
                | E::DuplicateWidgetId(m)
                | E::LimitExceeded(m)
                | E::Failed(m)
                | E::Denied(m),
            ) => wasmtime::Error::msg(m),
        }
    }
}

/// What an import returns.
pub type HostResult<T> = Result<T, HostError>;

impl From<types::CallError> for HostError {
    fn from(error: types::CallError) -> Self {
        HostError::Guest(error)
    }
}

impl From<wasmtime::Error> for HostError {
    fn from(error: wasmtime::Error) -> Self {
        HostError::Trap(error)
    }
}

impl From<RunTrap> for HostError {
    fn from(trap: RunTrap) -> Self {
        HostError::Trap(wasmtime::Error::new(trap))
    }
}

impl types::Host for StoreData {
    fn convert_call_error(&mut self, error: HostError) -> wasmtime::Result<types::CallError> {
        match error {
            HostError::Guest(error) => Ok(error),
            HostError::Trap(trap) => Err(trap),
        }
    }
}

/// What a host call returns when an element could not be placed: a
/// guest-visible error, or a trap if the run was cancelled meanwhile.
fn place_result<T>(placed: Result<T, LimitError>) -> HostResult<T> {
    match placed {
        Ok(value) => Ok(value),
        Err(LimitError::Container(c)) => Err(HostError::from(types::CallError::InvalidArgument(
            format!("container {c} does not exist (0 is main, 1 is the sidebar)"),
        ))),
        Err(LimitError::Limit(m)) => Err(HostError::from(types::CallError::LimitExceeded(m))),
        Err(LimitError::Invalid(m)) => Err(HostError::from(types::CallError::InvalidArgument(m))),
        Err(LimitError::Cancelled(reason)) => Err(HostError::from(RunTrap::Cancelled(reason))),
    }
}

impl StoreData {
    /// The output `call` may draw into at container `at`: the run's, or, for
    /// a job started with `spawn-in`, its run's when `at` is its container.
    pub(crate) fn drawing(&mut self, call: &str, at: u32) -> HostResult<Arc<RunOutput>> {
        if let Some((output, granted)) = self.role.job().and_then(|job| job.draw.as_ref()) {
            if let Some(reason) = self.control.cancelled() {
                return Err(HostError::from(RunTrap::Cancelled(reason)));
            }
            if at != *granted {
                return Err(HostError::from(types::CallError::InvalidArgument(format!(
                    "`{call}`: this job may draw only into container {granted}, the one it was \
                     started in (`spawn_in`); it asked for container {at}"
                ))));
            }
            return Ok(output.clone());
        }
        Ok(self.live(call)?.output.clone())
    }
}
