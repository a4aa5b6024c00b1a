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

    /// Every value of `key`, in URL order (`?tag=a&tag=b` gives both),
    /// like `st.query_params.get_all(key)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tags = st.query_params().get_all("tag");
    /// # }
    /// ```
    pub fn get_all(&self, key: &str) -> Vec<String> {
        self.all()
            .into_iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect()
    }

    /// Every key with its last value, like `st.query_params.to_dict()`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let params = st.query_params().to_dict();
    /// st.json(&params);
    /// # }
    /// ```
    pub fn to_dict(&self) -> std::collections::BTreeMap<String, String> {
        self.all().into_iter().collect()
    }

    /// Sets `key` to each of `values` (a repeated key, `?tag=a&tag=b`),
    /// replacing every value it had, like `st.query_params[key] = [..]`;
    /// no values removes it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.query_params().set_all("tag", ["red", "blue"]);
    /// # }
    /// ```
    pub fn set_all<V: ToString>(&self, key: &str, values: impl IntoIterator<Item = V>) {
        let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
        expect_ok(host::set_all(key, &values));
    }

    /// Replaces every parameter with `params`, in order, like
    /// `st.query_params.from_dict(..)`; a key given twice repeats.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.query_params().from_dict([("region", "eu"), ("year", "2026")]);
    /// # }
    /// ```
    pub fn from_dict<K: ToString, V: ToString>(&self, params: impl IntoIterator<Item = (K, V)>) {
        let params: Vec<(String, String)> = params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        expect_ok(host::replace(&params));
    }

    /// Removes every parameter, like `st.query_params.clear()`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Reset filters") {
    ///     st.query_params().clear();
    /// }
    /// # }
    /// ```
    pub fn clear(&self) {
        expect_ok(host::replace(&[]));
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
