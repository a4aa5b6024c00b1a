//! The app's secrets (Streamlit's `st.secrets`): values an operator wrote to
//! the app's `secrets.toml`, beside its `app.toml`. Any instance may read
//! them (a run, a job, a resource). The host never lets one reach a
//! browser: a secret the page draws, prints or fails with is shown as
//! `[secret]`.
//!
//! ```no_run
//! # fn page(st: &wasmlit::Ui) {
//! let key: Option<String> = st.secrets().get("weather.api_key");
//! if key.is_none() {
//!     st.warning("ask the operator for a weather API key");
//! }
//! # }
//! ```

use crate::bindings::wasmlit::page::secrets as host;
use serde::de::DeserializeOwned;

/// The app's secrets; from [`Ui::secrets`](crate::Ui::secrets) or
/// [`secrets()`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Secrets;

/// The app's secrets, from anywhere (a job or a resource too).
///
/// ```no_run
/// let token: Option<String> = wasmlit::secrets::secrets().get("token");
/// ```
pub fn secrets() -> Secrets {
    Secrets
}

impl Secrets {
    /// The value at dotted `key` (`database.password` reaches into the
    /// `[database]` table) as `T`; `None` when it is missing or is not a `T`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let port: Option<u16> = st.secrets().get("database.port");
    /// # }
    /// ```
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let json = crate::error::expect_ok(host::get(key))?;
        serde_json::from_str(&json).ok()
    }

    /// Whether there is a value at dotted `key`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if !st.secrets().contains("token") { st.stop(); }
    /// # }
    /// ```
    pub fn contains(&self, key: &str) -> bool {
        crate::error::expect_ok(host::get(key)).is_some()
    }

    /// Every key, dotted, sorted (values are not listed).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.write(st.secrets().keys().join(", "));
    /// # }
    /// ```
    pub fn keys(&self) -> Vec<String> {
        crate::error::expect_ok(host::keys())
    }
}
