//! Caching: `cache_data` keeps a function's results in the host, shared by
//! every run of the app; `cache_resource` keeps an expensive object built
//! once and queried by every run.

use crate::bindings::wasmlit::page::cache as host;
use crate::error::{expect_ok, CallError};
use crate::Ui;
use serde::{de::DeserializeOwned, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::Duration;

/// How [`Ui::cache_data_with`] keeps a function's results, like the
/// arguments of Streamlit's `@st.cache_data`.
///
/// ```no_run
/// # use std::time::Duration;
/// let options = wasmlit::CacheData::new()
///     .ttl(Duration::from_secs(600))
///     .max_entries(100)
///     .spinner("Loading sales…");
/// ```
#[derive(Debug, Clone, Default)]
pub struct CacheData {
    ttl: Option<Duration>,
    max_entries: Option<u32>,
    session: bool,
    spinner: Option<Option<String>>,
}

impl CacheData {
    /// Results live until evicted (the app's cache is bounded in bytes) or
    /// cleared; shared by every session; a spinner shows while computing.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use std::time::Duration;
    /// use wasmlit::CacheData;
    /// fn load(year: u32) -> Vec<f64> { vec![f64::from(year)] }
    /// let options = CacheData::new().ttl(Duration::from_secs(600)).max_entries(20);
    /// let rows = st.cache_data_with(&options, load, 2026);
    /// # }
    /// ```
    pub fn new() -> CacheData {
        CacheData::default()
    }

    /// Results expire `ttl` after they were computed.
    ///
    /// ```no_run
    /// let hourly = wasmlit::CacheData::new().ttl(std::time::Duration::from_secs(3600));
    /// ```
    pub fn ttl(mut self, ttl: Duration) -> CacheData {
        self.ttl = Some(ttl);
        self
    }

    /// At most `n` results of this function are kept; the oldest goes first.
    ///
    /// ```no_run
    /// let small = wasmlit::CacheData::new().max_entries(10);
    /// ```
    pub fn max_entries(mut self, n: u32) -> CacheData {
        self.max_entries = Some(n);
        self
    }

    /// Results are kept per session and dropped when the session ends,
    /// instead of being shared by every session.
    ///
    /// ```no_run
    /// let mine = wasmlit::CacheData::new().session_scoped();
    /// ```
    pub fn session_scoped(mut self) -> CacheData {
        self.session = true;
        self
    }

    /// The message shown while the value is computed (default: "Running
    /// `name(…)`.").
    ///
    /// ```no_run
    /// let told = wasmlit::CacheData::new().spinner("Loading the sales data…");
    /// ```
    pub fn spinner(mut self, message: impl Into<String>) -> CacheData {
        self.spinner = Some(Some(message.into()));
        self
    }

    /// No spinner while computing.
    ///
    /// ```no_run
    /// let quiet = wasmlit::CacheData::new().no_spinner();
    /// ```
    pub fn no_spinner(mut self) -> CacheData {
        self.spinner = Some(None);
        self
    }
}

impl Ui {
    /// Returns `f(args)`, computing it only if no run of this app has
    /// computed it for equal `args` since the page was built (Streamlit's
    /// `@st.cache_data`). The value is stored in the host as JSON, so every
    /// caller gets its own copy. If another session is computing the same
    /// value right now, this run waits for it instead of computing it twice.
    /// A failure is never stored: when `f` returns a `Result`, an `Err` is
    /// returned to this run only, and the next run calls `f` again (as
    /// Streamlit never caches an exception).
    ///
    /// `f` should be a named function: its path is the cache's identity for
    /// it. A closure works too; its identity is then its enclosing
    /// function and this call's location, so two closures cached from one
    /// helper function share entries, and values a closure captures are not
    /// part of the key: pass them as `args`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn load_sales(year: u32) -> Vec<(String, f64)> {
    ///     vec![("north".into(), 1.0)] // an expensive query
    /// }
    /// let sales = st.cache_data(load_sales, 2026);
    /// # }
    /// ```
    #[track_caller]
    pub fn cache_data<F, A, T>(&self, f: F, args: A) -> T
    where
        F: FnOnce(A) -> T,
        A: Serialize,
        T: Serialize + DeserializeOwned,
    {
        self.cache_data_with(&CacheData::new(), f, args)
    }

    /// [`cache_data`](Self::cache_data) with options: time to live, entry
    /// bound, session scope, spinner text.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # fn page(st: &wasmlit::Ui) {
    /// fn rates(currency: String) -> f64 { 1.0 }
    /// let options = wasmlit::CacheData::new().ttl(Duration::from_secs(60));
    /// let rate = st.cache_data_with(&options, rates, "EUR".to_string());
    /// # }
    /// ```
    #[track_caller]
    pub fn cache_data_with<F, A, T>(&self, options: &CacheData, f: F, args: A) -> T
    where
        F: FnOnce(A) -> T,
        A: Serialize,
        T: Serialize + DeserializeOwned,
    {
        let name = function_identity::<F>(std::panic::Location::caller());
        let key = match serde_json::to_vec(&args) {
            Ok(bytes) => bytes,
            Err(e) => panic!("the arguments of `{name}` do not serialize: {e}"),
        };
        let spinner = match &options.spinner {
            Some(choice) => choice.clone(),
            None => Some(format!("Running `{}(…)`.", short_name(&name))),
        };
        let wit_options = host::CacheOptions {
            ttl_ms: options
                .ttl
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            max_entries: options.max_entries,
            scope: if options.session {
                host::Scope::Session
            } else {
                host::Scope::Global
            },
            spinner,
        };
        let ticket = match expect_ok(host::get(self.container, &name, &key, &wit_options)) {
            host::Lookup::Hit(bytes) => match serde_json::from_slice(&bytes) {
                Ok(value) => return value,
                // Stored by another type under the same name: compute anew.
                Err(_) => None,
            },
            host::Lookup::Miss(ticket) => Some(ticket),
        };
        let value = f(args);
        if let Some(ticket) = ticket {
            match serde_json::to_vec(&value) {
                // An `Err` is returned, never stored: the next run calls
                // the function again, as Streamlit never caches an
                // exception.
                Ok(bytes) if is_failure::<T>(&bytes) => expect_ok(host::abandon(ticket)),
                Ok(bytes) => expect_ok(host::fill(ticket, &bytes)),
                Err(e) => panic!("the result of `{name}` does not serialize: {e}"),
            }
        }
        value
    }

    /// Drops every value `f` cached with [`cache_data`](Self::cache_data),
    /// for every argument and session, like Streamlit's `f.clear()`. `f` is
    /// the named function that was cached (a closure's values are cleared
    /// with [`clear_all_cache_data`](Self::clear_all_cache_data)).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn load_sales(year: u32) -> Vec<f64> { vec![1.0] }
    /// if st.button("Reload sales") {
    ///     st.clear_cache_data(load_sales);
    /// }
    /// let sales = st.cache_data(load_sales, 2026);
    /// # }
    /// ```
    pub fn clear_cache_data<F>(&self, _f: F) {
        expect_ok(host::clear(Some(std::any::type_name::<F>())));
    }

    /// Drops every value any page of the app cached with
    /// [`cache_data`](Self::cache_data), like `st.cache_data.clear()`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Clear all cached data") {
    ///     st.clear_all_cache_data();
    /// }
    /// # }
    /// ```
    pub fn clear_all_cache_data(&self) {
        expect_ok(host::clear(None));
    }

    /// Drops every resource of the app ([`cache_resource`](Self::cache_resource)),
    /// like `st.cache_resource.clear()`: each is built again at its next
    /// query.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Reconnect everything") {
    ///     st.clear_all_resources();
    /// }
    /// # }
    /// ```
    pub fn clear_all_resources(&self) {
        expect_ok(host::clear_resources(None));
    }

    /// The app's instance of resource `R`, built once per app and page
    /// build and shared by every run (Streamlit's `@st.cache_resource`).
    ///
    /// Runs are isolated instances that cannot share memory, so the
    /// resource lives in an instance of its own and runs send it queries:
    /// see [`Resource`].
    ///
    /// ```no_run
    /// # use wasmlit::Resource;
    /// struct Dictionary(Vec<String>);
    /// impl Resource for Dictionary {
    ///     type Query = String;
    ///     type Answer = bool;
    ///     fn build() -> Result<Self, String> {
    ///         Ok(Dictionary(vec!["apple".into(), "pear".into()]))
    ///     }
    ///     fn query(&self, word: String) -> bool {
    ///         self.0.contains(&word)
    ///     }
    /// }
    /// # fn page(st: &wasmlit::Ui) {
    /// let known = st.cache_resource::<Dictionary>().query("pear".into());
    /// # }
    /// ```
    pub fn cache_resource<R: Resource>(&self) -> ResourceHandle<'_, R> {
        ResourceHandle {
            _run: PhantomData,
            _resource: PhantomData,
        }
    }
}

/// The identity of a cached function: its path, plus the call site for
/// closures (all closures of one function share a path).
fn function_identity<F>(site: &std::panic::Location<'_>) -> String {
    let name = std::any::type_name::<F>();
    if name.contains("{{closure}}") {
        format!("{name}@{}:{}:{}", site.file(), site.line(), site.column())
    } else {
        name.to_owned()
    }
}

/// Whether `bytes`, the JSON of a `T`, is a failure: `T` is a `Result`
/// and the value its `Err` (which serde writes as `{"Err": …}`).
fn is_failure<T>(bytes: &[u8]) -> bool {
    std::any::type_name::<T>().starts_with("core::result::Result<")
        && bytes.starts_with(b"{\"Err\":")
}

/// `crate::module::load_sales` → `load_sales`.
fn short_name(name: &str) -> &str {
    let path = name.split('@').next().unwrap_or(name);
    path.rsplit("::").next().unwrap_or(path)
}

/// An expensive object built once per app and queried by every run, like
/// a value returned by a Streamlit `@st.cache_resource` function.
///
/// [`build`](Resource::build) runs once, in an instance of the page kept by
/// the host for this purpose (on a thread of its own). Runs call
/// [`ResourceHandle::query`], which sends the query there and returns
/// [`query`](Resource::query)'s answer: the object itself never leaves its
/// instance, so it is never copied per run. Queries to one resource are
/// answered one at a time. If a query crashes the instance, or its run is
/// cancelled mid-query, the next query builds the resource again.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// use wasmlit::Resource;
/// /// A lookup table built once per app, queried by every run.
/// struct Prices(std::collections::HashMap<String, f64>);
/// impl Resource for Prices {
///     type Query = String;
///     type Answer = Option<f64>;
///     fn build() -> Result<Self, String> {
///         Ok(Prices([("apple".to_owned(), 0.5)].into_iter().collect()))
///     }
///     fn query(&self, item: String) -> Option<f64> {
///         self.0.get(&item).copied()
///     }
/// }
/// let price = st.cache_resource::<Prices>().query("apple".to_owned());
/// # }
/// ```
pub trait Resource: Sized + 'static {
    /// What a run asks.
    type Query: Serialize + DeserializeOwned;
    /// What the resource answers.
    type Answer: Serialize + DeserializeOwned;

    /// Builds the resource. An error is shown to the runs waiting for it;
    /// the next query tries again.
    fn build() -> Result<Self, String>;

    /// Answers one query.
    fn query(&self, query: Self::Query) -> Self::Answer;
}

/// A run's access to resource `R`. See [`Ui::cache_resource`].
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// # use wasmlit::Resource;
/// # struct Model;
/// # impl Resource for Model {
/// #     type Query = f64; type Answer = f64;
/// #     fn build() -> Result<Self, String> { Ok(Model) }
/// #     fn query(&self, x: f64) -> f64 { 2.0 * x }
/// # }
/// let model = st.cache_resource::<Model>();
/// let (a, b) = (model.query(1.0), model.query(2.0));
/// # }
/// ```
pub struct ResourceHandle<'run, R> {
    _run: PhantomData<&'run Ui>,
    _resource: PhantomData<fn() -> R>,
}

impl<R: Resource> ResourceHandle<'_, R> {
    /// Sends `query` to the resource and returns its answer, building the
    /// resource first if this app has not yet. Ends the run with the error
    /// if the resource cannot be built or the query fails.
    ///
    /// ```no_run
    /// # use wasmlit::Resource;
    /// # struct Model;
    /// # impl Resource for Model {
    /// #     type Query = f64; type Answer = f64;
    /// #     fn build() -> Result<Self, String> { Ok(Model) }
    /// #     fn query(&self, x: f64) -> f64 { 2.0 * x }
    /// # }
    /// # fn page(st: &wasmlit::Ui) {
    /// let y = st.cache_resource::<Model>().query(3.0);
    /// # }
    /// ```
    pub fn query(&self, query: R::Query) -> R::Answer {
        match self.try_query(query) {
            Ok(answer) => answer,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`query`](Self::query), but returns the failure.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// # use wasmlit::Resource;
    /// # struct Model;
    /// # impl Resource for Model {
    /// #     type Query = f64; type Answer = f64;
    /// #     fn build() -> Result<Self, String> { Ok(Model) }
    /// #     fn query(&self, x: f64) -> f64 { 2.0 * x }
    /// # }
    /// match st.cache_resource::<Model>().try_query(3.0) {
    ///     Ok(y) => st.write(y),
    ///     Err(e) => st.warning(format!("the model is not available: {e}")),
    /// }
    /// # }
    /// ```
    pub fn try_query(&self, query: R::Query) -> Result<R::Answer, CallError> {
        query_resource::<R>(query)
    }

    /// Drops this resource, like Streamlit's `f.clear()` on a
    /// `cache_resource` function: the next query builds it again.
    ///
    /// ```no_run
    /// # use wasmlit::Resource;
    /// # struct Pool;
    /// # impl Resource for Pool {
    /// #     type Query = (); type Answer = ();
    /// #     fn build() -> Result<Self, String> { Ok(Pool) }
    /// #     fn query(&self, _: ()) {}
    /// # }
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Reconnect") {
    ///     st.cache_resource::<Pool>().clear();
    /// }
    /// # }
    /// ```
    pub fn clear(&self) {
        let entry: ResourceEntry = resource_entry::<R>;
        expect_ok(host::clear_resources(Some(entry as usize as u64)));
    }
}

/// Sends `query` to the app's resource `R` from anywhere a run's [`Ui`]
/// is not at hand: in a job, or in a helper function. Runs usually write
/// `st.cache_resource::<R>().query(q)`.
///
/// ```no_run
/// # use wasmlit::Resource;
/// # struct Rates;
/// # impl Resource for Rates {
/// #     type Query = String; type Answer = f64;
/// #     fn build() -> Result<Self, String> { Ok(Rates) }
/// #     fn query(&self, _: String) -> f64 { 1.0 }
/// # }
/// fn convert(amount: f64) -> f64 {
///     // Runs in a job: no `Ui`, but resources are reachable.
///     amount * wasmlit::query_resource::<Rates>("EUR".into()).unwrap_or(1.0)
/// }
/// ```
pub fn query_resource<R: Resource>(query: R::Query) -> Result<R::Answer, CallError> {
    let name = std::any::type_name::<R>();
    let request = serde_json::to_vec(&query).map_err(|e| {
        CallError::InvalidArgument(format!("the query to `{name}` does not serialize: {e}"))
    })?;
    let entry: ResourceEntry = resource_entry::<R>;
    let bytes =
        host::resource_query(entry as usize as u64, name, &request).map_err(CallError::from)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| CallError::Failed(format!("the answer of `{name}` does not decode: {e}")))
}

/// What the host calls back in a resource's instance.
type ResourceEntry = fn(Option<&[u8]>) -> Result<Vec<u8>, String>;

thread_local! {
    /// Resources built in this instance, by id.
    static BUILT: RefCell<HashMap<u64, Box<dyn std::any::Any>>> = RefCell::new(HashMap::new());
}

/// Builds (`None`) or queries (`Some(request)`) resource `R` in this instance.
fn resource_entry<R: Resource>(request: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let id = resource_entry::<R> as ResourceEntry as usize as u64;
    match request {
        None => {
            let built = R::build()?;
            BUILT.with(|b| b.borrow_mut().insert(id, Box::new(built)));
            Ok(Vec::new())
        }
        Some(request) => {
            let query: R::Query = serde_json::from_slice(request)
                .map_err(|e| format!("the query does not decode: {e}"))?;
            BUILT.with(|b| {
                let built = b.borrow();
                let resource = built
                    .get(&id)
                    .and_then(|r| r.downcast_ref::<R>())
                    .ok_or_else(|| "the resource is not built in this instance".to_string())?;
                serde_json::to_vec(&resource.query(query))
                    .map_err(|e| format!("the answer does not serialize: {e}"))
            })
        }
    }
}

/// The `build-resource` and `query-resource` exports.
pub(crate) fn resource_call(id: u64, request: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let Ok(address) = usize::try_from(id) else {
        return Err(format!("resource id {id} is not one this page gave out"));
    };
    // SAFETY: the SDK only ever gives the host addresses of `ResourceEntry`
    // functions of this component, and the host hands them back unchanged;
    // every instance has the same function table. An id forged by code that
    // goes around the SDK can only hit this page's own instance, where a
    // bad table index traps instead of calling anything.
    let entry: ResourceEntry = unsafe { std::mem::transmute::<usize, ResourceEntry>(address) };
    entry(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_err_of_a_result_is_a_failure() {
        let failed: Result<u8, String> = Err("x".into());
        let fine: Result<u8, String> = Ok(1);
        let bytes = |v: &Result<u8, String>| serde_json::to_vec(v).unwrap_or_default();
        assert!(is_failure::<Result<u8, String>>(&bytes(&failed)));
        assert!(!is_failure::<Result<u8, String>>(&bytes(&fine)));
        // Another type that happens to look like one is stored.
        assert!(!is_failure::<std::collections::HashMap<String, u8>>(
            b"{\"Err\":1}"
        ));
    }
}
