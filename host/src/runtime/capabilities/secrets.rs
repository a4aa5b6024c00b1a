//! `wasmlit:page/secrets`: the app's secrets file, read by any of its
//! instances (a run, a job, a resource).

use crate::runtime::bindings::secrets;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::{RunTrap, StoreData};

/// Longest key a page may ask for, in bytes.
const MAX_KEY_BYTES: usize = 1024;

impl StoreData {
    /// The app's secrets, or the trap of a cancelled run.
    fn secrets(&self) -> HostResult<Option<&crate::runtime::services::secrets::Secrets>> {
        if let Some(reason) = self.control.cancelled() {
            return Err(HostError::from(RunTrap::Cancelled(reason)));
        }
        Ok(self.secrets.as_deref())
    }
}

impl secrets::Host for StoreData {
    fn get(&mut self, key: String) -> HostResult<Option<String>> {
        if key.len() > MAX_KEY_BYTES {
            return Err(HostError::from(
                crate::runtime::bindings::types::CallError::InvalidArgument(format!(
                    "secrets.get: a key may have at most {MAX_KEY_BYTES} bytes"
                )),
            ));
        }
        Ok(self.secrets()?.and_then(|s| s.page_get(&key)))
    }

    fn keys(&mut self) -> HostResult<Vec<String>> {
        Ok(self.secrets()?.map(|s| s.page_keys()).unwrap_or_default())
    }
}
