//! `wasmlit:page/control`: `rerun` and `stop` end the instance with a trap the runner reads back.

use crate::runtime::bindings::control;
use crate::runtime::capabilities::HostError;
use crate::runtime::run::{RunTrap, StoreData};

impl control::Host for StoreData {
    fn rerun(&mut self) -> wasmtime::Result<()> {
        self.live("control.rerun").map_err(HostError::into_trap)?;
        Err(wasmtime::Error::new(RunTrap::Rerun))
    }

    fn stop(&mut self) -> wasmtime::Result<()> {
        self.live("control.stop").map_err(HostError::into_trap)?;
        Err(wasmtime::Error::new(RunTrap::Stop))
    }
}
