//! `wasmlit:page/session-state`: the session's JSON values, bounded in bytes.

use crate::runtime::bindings::session_state;
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::StoreData;

impl session_state::Host for StoreData {
    fn get(&mut self, key: String) -> HostResult<Option<String>> {
        let run = self.live("session_state.get")?;
        Ok(run.state.lock().get(&key).map(str::to_owned))
    }

    fn set(&mut self, key: String, value: String) -> HostResult<()> {
        let limit = self.limits.session_state_bytes;
        let run = self.live("session_state.set")?;
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&value) {
            return Err(HostError::from(CallError::InvalidArgument(format!(
                "session_state.set(`{key}`): the value is not valid JSON: {e}"
            ))));
        }
        run.state
            .lock()
            .set(&key, value, limit)
            .map_err(|m| CallError::LimitExceeded(m).into())
    }

    fn remove(&mut self, key: String) -> HostResult<bool> {
        let run = self.live("session_state.remove")?;
        Ok(run.state.lock().remove(&key))
    }

    fn keys(&mut self) -> HostResult<Vec<String>> {
        let run = self.live("session_state.keys")?;
        Ok(run.state.lock().keys())
    }
}
