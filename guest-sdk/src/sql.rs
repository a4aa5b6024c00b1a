//! SQL databases an operator connected the app to: Streamlit's
//! `st.connection("name").query(...)`.
//!
//! An operator adds a connection to the app's `app.toml`; the page names it
//! and never sees its URL or password:
//!
//! ```toml
//! [connections.shop]
//! url = "sqlite:data/shop.db"      # or postgres://user:password@host/db
//! read_only = true                 # pages may only read
//! ```
//!
//! Values go in as parameters (`$1`, `$2`, … in order), never spliced into
//! the statement's text, and rows come back as a typed [`Table`]:
//!
//! ```no_run
//! # fn page(st: &wasmlit::Ui) {
//! use std::time::Duration;
//! let shop = st.connection("shop");
//! match shop.query_ttl(
//!     "SELECT region, SUM(total) AS revenue FROM orders WHERE day >= $1 GROUP BY region",
//!     &["2026-01-01".into()],
//!     Duration::from_secs(600),
//! ) {
//!     Ok(revenue) => {
//!         st.dataframe(&revenue);
//!     }
//!     Err(e) => st.error(e.to_string()),
//! }
//! # }
//! ```
//!
//! A query is held to the connection's limits on rows, bytes, time and
//! queries at once; a run that is stopped or replaced stops its query on the
//! database server too.

use crate::bindings::wasmlit::page::sql as host;
use crate::{CallError, Date, DateTime, Table};
use std::time::Duration;

/// A parameter of a statement: made from integers, floats, text, booleans,
/// bytes, [`Date`]s and [`DateTime`]s (as ISO 8601 text, which the database
/// reads as its date and timestamp types), or `None` for NULL.
///
/// ```no_run
/// use wasmlit::sql::Param;
/// let params: Vec<Param> = vec![7i64.into(), "north".into(), None::<i64>.into()];
/// ```
#[derive(Debug, Clone)]
pub struct Param(host::SqlValue);

macro_rules! param_from {
    ($($t:ty => $conv:expr),* $(,)?) => {
        $(impl From<$t> for Param {
            fn from(value: $t) -> Param {
                Param($conv(value))
            }
        }
        impl From<Option<$t>> for Param {
            fn from(value: Option<$t>) -> Param {
                value.map_or(Param(host::SqlValue::Null), Param::from)
            }
        })*
    };
}

param_from! {
    i64 => host::SqlValue::Integer,
    i32 => |v: i32| host::SqlValue::Integer(v.into()),
    u32 => |v: u32| host::SqlValue::Integer(v.into()),
    f64 => host::SqlValue::Float,
    f32 => |v: f32| host::SqlValue::Float(v.into()),
    bool => host::SqlValue::Boolean,
    String => host::SqlValue::Text,
    &str => |v: &str| host::SqlValue::Text(v.to_owned()),
    Vec<u8> => host::SqlValue::Bytes,
    Date => |v: Date| host::SqlValue::Text(v.to_string()),
    DateTime => |v: DateTime| host::SqlValue::Text(v.to_string()),
}

/// A connection of the app, by the name the operator gave it.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let db = st.connection("analytics");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Connection {
    name: String,
}

/// The app's connection called `name` (any instance may query: a run, a
/// job, a resource). Nothing is checked until the first query.
///
/// ```no_run
/// let db = wasmlit::sql::connection("analytics");
/// ```
pub fn connection(name: &str) -> Connection {
    Connection {
        name: name.to_owned(),
    }
}

fn wit(params: &[Param]) -> Vec<host::SqlValue> {
    params.iter().map(|p| p.0.clone()).collect()
}

impl Connection {
    /// Runs one statement with `params` and returns its rows. An unknown
    /// connection is [`CallError::Denied`]; a statement the database
    /// refuses is [`CallError::Failed`] with its message; a limit is
    /// [`CallError::LimitExceeded`].
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) -> Result<(), wasmlit::CallError> {
    /// let rows = st.connection("shop").query("SELECT * FROM orders WHERE id = $1", &[42i64.into()])?;
    /// # Ok(()) }
    /// ```
    pub fn query(&self, statement: &str, params: &[Param]) -> Result<Table, CallError> {
        host::query(&self.name, statement, &wit(params), None)
            .map(Table::from_wit)
            .map_err(CallError::from)
    }

    /// [`Connection::query`], answered from the app's data cache when the
    /// same statement with the same parameters ran within `ttl` (Streamlit's
    /// `ttl=`). "Clear cache" clears these too.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) -> Result<(), wasmlit::CallError> {
    /// let regions = st
    ///     .connection("shop")
    ///     .query_ttl("SELECT DISTINCT region FROM orders", &[], std::time::Duration::from_secs(3600))?;
    /// # Ok(()) }
    /// ```
    pub fn query_ttl(
        &self,
        statement: &str,
        params: &[Param],
        ttl: Duration,
    ) -> Result<Table, CallError> {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        host::query(&self.name, statement, &wit(params), Some(ms))
            .map(Table::from_wit)
            .map_err(CallError::from)
    }

    /// Runs one statement that changes data and returns how many rows it
    /// changed; [`CallError::Denied`] on a connection the operator made
    /// `read_only`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) -> Result<(), wasmlit::CallError> {
    /// let changed = st
    ///     .connection("shop")
    ///     .execute("UPDATE orders SET paid = $1 WHERE id = $2", &[true.into(), 42i64.into()])?;
    /// # Ok(()) }
    /// ```
    pub fn execute(&self, statement: &str, params: &[Param]) -> Result<u64, CallError> {
        host::execute(&self.name, statement, &wit(params)).map_err(CallError::from)
    }
}
