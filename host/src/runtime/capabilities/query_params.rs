//! `wasmlit:page/query-params`: the URL's query parameters; changes go to
//! the browser's address bar.

use crate::runtime::bindings::query_params;
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::StoreData;

impl query_params::Host for StoreData {
    fn get(&mut self, key: String) -> HostResult<Option<String>> {
        let run = self.live("query_params.get")?;
        Ok(run
            .query
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone()))
    }

    fn set(&mut self, key: String, value: String) -> HostResult<()> {
        self.change_query("query_params.set", |query| {
            let at = query.iter().position(|(k, _)| *k == key);
            query.retain(|(k, _)| *k != key);
            let at = at.unwrap_or(query.len()).min(query.len());
            query.insert(at, (key, value));
            true
        })
    }

    fn remove(&mut self, key: String) -> HostResult<bool> {
        let mut found = false;
        self.change_query("query_params.remove", |query| {
            let before = query.len();
            query.retain(|(k, _)| *k != key);
            found = query.len() != before;
            found
        })
        .map(|()| found)
    }

    fn set_all(&mut self, key: String, values: Vec<String>) -> HostResult<()> {
        self.change_query("query_params.set_all", |query| {
            let at = query.iter().position(|(k, _)| *k == key);
            let before = query.clone();
            query.retain(|(k, _)| *k != key);
            let at = at.unwrap_or(query.len()).min(query.len());
            let added = values.into_iter().map(|v| (key.clone(), v));
            query.splice(at..at, added);
            *query != before
        })
    }

    fn replace(&mut self, params: Vec<(String, String)>) -> HostResult<()> {
        self.change_query("query_params.replace", |query| {
            if *query == params {
                return false;
            }
            *query = params;
            true
        })
    }

    fn all(&mut self) -> HostResult<Vec<(String, String)>> {
        let run = self.live("query_params.all")?;
        Ok(run.query.as_ref().clone())
    }
}

/// Longest query string a page may set, in bytes.
const MAX_QUERY_BYTES: usize = 8 * 1024;

impl StoreData {
    /// Applies `change` to this run's query parameters; if it changed them,
    /// tells the browser the new query.
    fn change_query(
        &mut self,
        call: &str,
        change: impl FnOnce(&mut crate::runtime::run::QueryParams) -> bool,
    ) -> HostResult<()> {
        let limits = self.limits.clone();
        let run = self.live(call)?;
        let mut query = run.query.as_ref().clone();
        if !change(&mut query) {
            return Ok(());
        }
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query.iter())
            .finish();
        if encoded.len() > MAX_QUERY_BYTES {
            return Err(HostError::from(CallError::LimitExceeded(format!(
                "{call}: the query string would be longer than {MAX_QUERY_BYTES} bytes"
            ))));
        }
        run.query = std::sync::Arc::new(query);
        let element = crate::model::delta::Element::QueryParams { query: encoded };
        let output = run.output.clone();
        super::place_result(output.place(&limits, 0, element).map(drop))
    }
}
