//! The page URL's query parameters: read them, and change them in the
//! browser's address bar.

use crate::bindings::wasmlit::page::query_params as host;
use crate::error::expect_ok;
use std::marker::PhantomData;

/// The query parameters of the page's URL (`/sales?region=eu`), like
/// reading `st.query_params`. Obtained from
/// [`Ui::query_params`](crate::Ui::query_params).
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let region = st.query_params().get("region").unwrap_or_else(|| "all".into());
/// st.write(format!("Region: {region}"));
/// # }
/// ```
pub struct QueryParams<'run> {
    _run: PhantomData<&'run crate::Ui>,
}

impl<'run> QueryParams<'run> {
    pub(crate) fn new() -> Self {
        QueryParams { _run: PhantomData }
    }

    /// The first value of `key`, if the URL has it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let year: u32 = st.query_params().get("year").and_then(|y| y.parse().ok()).unwrap_or(2026);
    /// # }
    /// ```
    pub fn get(&self, key: &str) -> Option<String> {
        expect_ok(host::get(key))
    }

    /// Every parameter, in URL order; a key may repeat.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// for (key, value) in st.query_params().all() {
    ///     st.text(format!("{key} = {value}"));
    /// }
    /// # }
    /// ```
    pub fn all(&self) -> Vec<(String, String)> {
        expect_ok(host::all())
    }

    /// Sets `key` to `value` (replacing every value it had), like
    /// `st.query_params[key] = value`. The browser's address bar shows it
    /// at once, so the URL can be shared or bookmarked.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tab = st.radio("View", &["chart", "table"], 0).copied().unwrap_or("chart");
    /// st.query_params().set("view", tab);
    /// # }
    /// ```
    pub fn set(&self, key: &str, value: impl ToString) {
        expect_ok(host::set(key, &value.to_string()));
    }

    /// Removes `key`; true if the URL had it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.query_params().remove("debug");
    /// # }
    /// ```
    pub fn remove(&self, key: &str) -> bool {
        expect_ok(host::remove(key))
    }
}
