//! `wasmlit:page/session-state`: the session's JSON values, bounded in bytes.

use crate::runtime::bindings::session_state;
use crate::runtime::bindings::types::CallError;
use crate::runtime::run::StoreData;

impl session_state::Host for StoreData {
    fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<String>, CallError>> {
        Ok(match self.live("session_state.get")? {
            Ok(run) => Ok(run.state.lock().get(&key).map(str::to_owned)),
            Err(message) => Err(CallError::OutsideRun(message)),
        })
    }

    fn set(&mut self, key: String, value: String) -> wasmtime::Result<Result<(), CallError>> {
        let limit = self.limits.session_state_bytes;
        let run = match self.live("session_state.set")? {
            Ok(run) => run,
            Err(message) => return Ok(Err(CallError::OutsideRun(message))),
        };
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&value) {
            return Ok(Err(CallError::InvalidArgument(format!(
                "session_state.set(`{key}`): the value is not valid JSON: {e}"
            ))));
        }
        Ok(run
            .state
            .lock()
            .set(&key, value, limit)
            .map_err(CallError::LimitExceeded))
    }

    fn remove(&mut self, key: String) -> wasmtime::Result<Result<bool, CallError>> {
        Ok(match self.live("session_state.remove")? {
            Ok(run) => Ok(run.state.lock().remove(&key)),
            Err(message) => Err(CallError::OutsideRun(message)),
        })
    }

    fn keys(&mut self) -> wasmtime::Result<Result<Vec<String>, CallError>> {
        Ok(match self.live("session_state.keys")? {
            Ok(run) => Ok(run.state.lock().keys()),
            Err(message) => Err(CallError::OutsideRun(message)),
        })
    }
}
