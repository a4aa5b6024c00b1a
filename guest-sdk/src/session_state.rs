//! Session state: typed values that survive reruns, stored by the host as JSON.

use crate::bindings::wasmlit::page::session_state as host;
use crate::error::{expect_ok, CallError};
use serde::{de::DeserializeOwned, Serialize};
use std::marker::PhantomData;

/// The session's state, like `st.session_state`: values that belong to one
/// browser session and survive every rerun. Obtained from
/// [`Ui::session_state`](crate::Ui::session_state).
///
/// Values are stored as JSON, so any `serde` type works.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let state = st.session_state();
/// let visits: u32 = state.get("visits").unwrap_or(0) + 1;
/// state.set("visits", &visits);
/// # }
/// ```
pub struct SessionState<'run> {
    _run: PhantomData<&'run crate::Ui>,
}

impl<'run> SessionState<'run> {
    pub(crate) fn new() -> Self {
        SessionState { _run: PhantomData }
    }

    /// The value stored under `key`, or `None` if there is none or it does
    /// not deserialize as `T`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let count: i64 = st.session_state().get("count").unwrap_or(0);
    /// # }
    /// ```
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let json = expect_ok(host::get(key))?;
        serde_json::from_str(&json).ok()
    }

    /// Stores `value` under `key`, replacing what was there. Ends the run
    /// with an error if the session's state limit is exceeded.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.session_state().set("name", &"Ada");
    /// # }
    /// ```
    pub fn set<T: Serialize + ?Sized>(&self, key: &str, value: &T) {
        if let Err(e) = self.try_set(key, value) {
            panic!("{e}");
        }
    }

    /// Like [`set`](Self::set), but returns the host's refusal instead of
    /// ending the run.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Err(e) = st.session_state().try_set("big", &vec![0u8; 1 << 20]) {
    ///     st.warning(format!("not saved: {e}"));
    /// }
    /// # }
    /// ```
    pub fn try_set<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), CallError> {
        let json = serde_json::to_string(value)
            .map_err(|e| CallError::InvalidArgument(format!("value for `{key}`: {e}")))?;
        host::set(key, &json).map_err(CallError::from)
    }

    /// Removes `key`; returns whether it was present.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.session_state().remove("count");
    /// # }
    /// ```
    pub fn remove(&self, key: &str) -> bool {
        expect_ok(host::remove(key))
    }

    /// Whether a value is stored under `key`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if !st.session_state().contains("started") {
    ///     st.session_state().set("started", &true);
    /// }
    /// # }
    /// ```
    pub fn contains(&self, key: &str) -> bool {
        expect_ok(host::get(key)).is_some()
    }

    /// All keys, sorted.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// for key in st.session_state().keys() {
    ///     st.text(key);
    /// }
    /// # }
    /// ```
    pub fn keys(&self) -> Vec<String> {
        expect_ok(host::keys())
    }
}
