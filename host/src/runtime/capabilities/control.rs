//! `wasmlit:page/control`: `rerun` and `stop` end the instance with a trap the runner reads back.

use crate::runtime::bindings::control;
use crate::runtime::run::{RunTrap, StoreData};

impl control::Host for StoreData {
    fn rerun(&mut self) -> wasmtime::Result<()> {
        match self.live("control.rerun")? {
            Ok(_) => Err(wasmtime::Error::new(RunTrap::Rerun)),
            Err(message) => Err(wasmtime::Error::msg(message)),
        }
    }

    fn stop(&mut self) -> wasmtime::Result<()> {
        match self.live("control.stop")? {
            Ok(_) => Err(wasmtime::Error::new(RunTrap::Stop)),
            Err(message) => Err(wasmtime::Error::msg(message)),
        }
    }
}
