//! `wasmlit:page/query-params`: the URL's query parameters, read-only.

use crate::bindings::query_params;
use crate::bindings::types::CallError;
use crate::run::StoreData;

impl query_params::Host for StoreData {
    fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<String>, CallError>> {
        Ok(match self.live("query_params.get")? {
            Ok(run) => Ok(run
                .query
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())),
            Err(message) => Err(CallError::OutsideRun(message)),
        })
    }

    fn all(&mut self) -> wasmtime::Result<Result<Vec<(String, String)>, CallError>> {
        Ok(match self.live("query_params.all")? {
            Ok(run) => Ok(run.query.as_ref().clone()),
            Err(message) => Err(CallError::OutsideRun(message)),
        })
    }
}
