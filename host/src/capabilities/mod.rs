//! The host side of each interface in `wit/page.wit`, one module per interface,
//! all wired into the linker here.

mod control;
mod query_params;
mod session_state;
mod sleep;
mod ui;
mod widgets;

use crate::bindings::{types, Page};
use crate::run::{LimitError, RunTrap, StoreData};
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
