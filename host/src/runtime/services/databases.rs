//! An app's SQL connections (`[connections.<name>]` in its app.toml):
//! SQLite files in the app's directory and PostgreSQL pools; the limits on
//! rows, bytes, time and queries at once; results as typed tables; and
//! cancellation of a stopped query on the database server.

use crate::model::table::{days_of, Column, ColumnValues, DAY_MICROS};
use anyhow::{bail, Context as _};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A parameter of a statement, bound by the database.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Float(f64),
    Text(String),
    Boolean(bool),
    Bytes(Vec<u8>),
}

/// One connection as an operator writes it in app.toml.
#[derive(Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConnectionConfig {
    /// `sqlite:<file>` (relative to the app's directory) or
    /// `postgres://user:password@host:port/database`; when missing, the
    /// `url` under `[connections.<name>]` in the app's secrets file.
    pub url: Option<String>,
    /// Pages may only read (`execute` is denied, and the database is
    /// opened read-only); default false.
    #[serde(default)]
    pub read_only: bool,
    /// Most rows one query may return; default 1,000,000.
    pub max_rows: Option<u64>,
    /// Most bytes one query's result may hold, in MiB; default 64.
    pub max_result_mib: Option<u64>,
    /// Longest a query may take (waiting for its turn included), in
    /// seconds; default 30.
    pub timeout: Option<u64>,
    /// Most of the app's queries on this connection at once (the pool's
    /// size); default 4.
    pub concurrent_queries: Option<usize>,
}

impl std::fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it holds the password.
        f.debug_struct("ConnectionConfig")
            .field("read_only", &self.read_only)
            .field("max_rows", &self.max_rows)
            .field("max_result_mib", &self.max_result_mib)
            .field("timeout", &self.timeout)
            .field("concurrent_queries", &self.concurrent_queries)
            .finish_non_exhaustive()
    }
}

/// Longest `timeout`, in seconds (a day).
pub const MAX_QUERY_TIMEOUT: u64 = 86_400;

/// The limits of one connection.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub max_rows: u64,
    pub max_result_bytes: u64,
    pub timeout: Duration,
    pub concurrent_queries: usize,
}

/// Default `max_rows`.
pub const DEFAULT_MAX_ROWS: u64 = 1_000_000;
/// Default `max_result_mib`.
pub const DEFAULT_MAX_RESULT_MIB: u64 = 64;
/// Default `timeout`, in seconds.
pub const DEFAULT_QUERY_TIMEOUT: u64 = 30;
/// Default `concurrent_queries`.
pub const DEFAULT_CONCURRENT_QUERIES: usize = 4;

/// Why a query did not return rows.
#[derive(Debug)]
pub enum QueryError {
    /// The app may not do this (a write on a read-only connection).
    Denied(String),
    /// A bad parameter or statement the host refuses before sending.
    Invalid(String),
    /// A limit: rows, bytes, time, or the run's cancel.
    Limit(String),
    /// The database refused or failed; its message.
    Failed(String),
    /// The run was cancelled or ran out of time meanwhile.
    Stopped,
}

/// What a query's caller may be stopped by.
pub trait Stop: Sync {
    /// Whether the caller was stopped (its run cancelled, its time up).
    fn stopped(&self) -> bool;
    /// Resolves when the caller is stopped.
    fn wait(&self) -> impl std::future::Future<Output = ()> + Send;
    /// A check of [`Stop::stopped`] another thread or a callback may keep.
    fn checker(&self) -> Box<dyn Fn() -> bool + Send + 'static>;
}

enum Backend {
    Sqlite {
        path: PathBuf,
        idle: parking_lot::Mutex<Vec<rusqlite::Connection>>,
    },
    Postgres(deadpool_postgres::Pool),
}

/// One named connection.
pub struct Connection {
    name: String,
    backend: Backend,
    read_only: bool,
    limits: QueryLimits,
    permits: Arc<tokio::sync::Semaphore>,
}

/// Every connection of an app, by name.
#[derive(Default)]
pub struct Databases {
    connections: BTreeMap<String, Arc<Connection>>,
}

impl std::fmt::Debug for Databases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: the URLs hold credentials.
        f.debug_list().entries(self.connections.keys()).finish()
    }
}

impl Databases {
    /// The connections of `configs`, for the app in `dir`; `secret_url`
    /// finds a connection's URL in the secrets file when app.toml has none.
    /// Nothing connects yet. Errors name the connection, never its URL.
    pub fn new(
        dir: &Path,
        configs: &BTreeMap<String, ConnectionConfig>,
        secret_url: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Databases> {
        let mut connections = BTreeMap::new();
        for (name, config) in configs {
            let connection = Connection::new(dir, name, config, &secret_url)
                .with_context(|| format!("[connections.{name}]"))?;
            connections.insert(name.clone(), Arc::new(connection));
        }
        Ok(Databases { connections })
    }

    /// Whether the app has no connection.
    pub fn is_empty(&self) -> bool {
        self.connections.is_empty()
    }

    /// The connection called `name`, or what the page is told.
    pub fn get(&self, name: &str) -> Result<Arc<Connection>, QueryError> {
        self.connections.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = self.connections.keys().map(String::as_str).collect();
            QueryError::Denied(if known.is_empty() {
                format!(
                    "this app has no SQL connection `{name}`: an operator adds one as \
                     [connections.{name}] with its url in the app's app.toml"
                )
            } else {
                format!(
                    "this app has no SQL connection `{name}` (it has: {})",
                    known.join(", ")
                )
            })
        })
    }
}

impl Connection {
    fn new(
        dir: &Path,
        name: &str,
        config: &ConnectionConfig,
        secret_url: &impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Connection> {
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            bail!("a connection name is 1 to 64 letters, digits, `_` and `-`");
        }
        let url = match &config.url {
            Some(url) => url.clone(),
            None => secret_url(name).with_context(|| {
                format!("no url: set `url` here or under [connections.{name}] in the app's secrets file")
            })?,
        };
        let limits = QueryLimits {
            max_rows: positive("max_rows", config.max_rows, DEFAULT_MAX_ROWS)?,
            max_result_bytes: positive(
                "max_result_mib",
                config.max_result_mib,
                DEFAULT_MAX_RESULT_MIB,
            )?
            .saturating_mul(1 << 20),
            timeout: Duration::from_secs({
                let seconds = positive("timeout", config.timeout, DEFAULT_QUERY_TIMEOUT)?;
                if seconds > MAX_QUERY_TIMEOUT {
                    bail!("timeout must be at most {MAX_QUERY_TIMEOUT} seconds");
                }
                seconds
            }),
            concurrent_queries: positive(
                "concurrent_queries",
                config.concurrent_queries.map(|n| n as u64),
                DEFAULT_CONCURRENT_QUERIES as u64,
            )?
            .min(256) as usize,
        };
        let backend = if let Some(file) = url.strip_prefix("sqlite:") {
            let file = Path::new(file.trim_start_matches("//"));
            if file.is_absolute()
                || file
                    .components()
                    .any(|c| c == std::path::Component::ParentDir)
            {
                bail!("a SQLite file is a path inside the app's directory, without `..`");
            }
            // Its directory, resolved, must be inside the app's (no link
            // out); the file itself is opened without following a link.
            let path = dir.join(file);
            let parent = path.parent().unwrap_or(dir);
            if let (Ok(app), Ok(resolved)) = (dir.canonicalize(), parent.canonicalize()) {
                if !resolved.starts_with(&app) {
                    bail!("the SQLite file's directory leads out of the app's directory");
                }
            }
            Backend::Sqlite {
                path,
                idle: parking_lot::Mutex::new(Vec::new()),
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut pg: tokio_postgres::Config = url
                .parse()
                .map_err(|_| anyhow::anyhow!("the url is not a valid PostgreSQL URL"))?;
            pg.connect_timeout(limits.timeout)
                .application_name("wasmlit");
            // The server stops a statement past the timeout on its own too;
            // the operator's own options are kept.
            let mut options = pg.get_options().unwrap_or("").to_owned();
            // (a second later than the host's own, which comes first and
            // says which setting it was)
            options.push_str(&format!(
                " -c statement_timeout={}",
                limits.timeout.as_millis() + 1000
            ));
            if config.read_only {
                options.push_str(" -c default_transaction_read_only=on");
            }
            pg.options(options.trim());
            // `Clean` resets what a statement may have changed of the
            // session (settings, role, temporary tables) before a
            // connection serves the next query; one left in a transaction
            // is closed instead.
            let manager = deadpool_postgres::Manager::from_config(
                pg,
                tokio_postgres::NoTls,
                deadpool_postgres::ManagerConfig {
                    recycling_method: deadpool_postgres::RecyclingMethod::Clean,
                },
            );
            let pool = deadpool_postgres::Pool::builder(manager)
                .max_size(limits.concurrent_queries)
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .create_timeout(Some(limits.timeout))
                .build()
                .context("the connection pool")?;
            Backend::Postgres(pool)
        } else {
            bail!("the url must start with `sqlite:` or `postgres://`");
        };
        Ok(Connection {
            name: name.to_owned(),
            backend,
            read_only: config.read_only,
            permits: Arc::new(tokio::sync::Semaphore::new(limits.concurrent_queries)),
            limits,
        })
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `statement` with `params` and returns its rows as columns, or
    /// with `write`, the number of rows it changed (as the only value of
    /// the only column). Blocks the calling (script) thread in the tokio
    /// runtime of wasmtime-wasi; stops, and cancels the query on the server,
    /// when `stop` says so or the connection's timeout passes.
    pub fn run(
        &self,
        statement: &str,
        params: &[SqlValue],
        write: bool,
        stop: &impl Stop,
    ) -> Result<Outcome, QueryError> {
        if write && self.read_only {
            return Err(QueryError::Denied(format!(
                "connection `{}` is read_only in the app's app.toml",
                self.name
            )));
        }
        let deadline = Instant::now() + self.limits.timeout;
        let permits = self.permits.clone();
        let timeout = self.timeout_message();
        let permit = wasmtime_wasi::runtime::in_tokio(async {
            tokio::select! {
                permit = permits.acquire_owned() => permit.map_err(|_| QueryError::Stopped),
                () = stop.wait() => Err(QueryError::Stopped),
                () = tokio::time::sleep_until(deadline.into()) => Err(QueryError::Limit(timeout.clone())),
            }
        })?;
        let outcome = match &self.backend {
            Backend::Sqlite { path, idle } => {
                let connection = match idle.lock().pop() {
                    Some(c) => c,
                    None => self.open_sqlite(path)?,
                };
                let result = self.sqlite(&connection, statement, params, write, stop, deadline);
                if result.is_ok() {
                    idle.lock().push(connection);
                }
                result
            }
            Backend::Postgres(pool) => {
                return wasmtime_wasi::runtime::in_tokio(
                    self.postgres(pool, statement, params, write, stop, deadline, permit),
                )
            }
        };
        drop(permit);
        outcome
    }

    fn timeout_message(&self) -> String {
        format!(
            "the query on `{}` took longer than {} s (its timeout)",
            self.name,
            self.limits.timeout.as_secs()
        )
    }

    fn open_sqlite(&self, path: &Path) -> Result<rusqlite::Connection, QueryError> {
        use rusqlite::OpenFlags as F;
        // No URI file names: a page's ATTACH could otherwise name options.
        let mut flags = F::SQLITE_OPEN_NO_MUTEX;
        flags |= if self.read_only {
            F::SQLITE_OPEN_READ_ONLY
        } else {
            F::SQLITE_OPEN_READ_WRITE | F::SQLITE_OPEN_CREATE
        };
        flags |= F::SQLITE_OPEN_NOFOLLOW;
        let connection = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| {
            // The page is not told where the file is.
            tracing::warn!(connection = %self.name, error = %e, "could not open a SQLite database");
            QueryError::Failed(format!(
                "could not open the database of connection `{}` (the server's log says why)",
                self.name
            ))
        })?;
        // A write lock is held only for one statement (a page cannot keep
        // a transaction open), so waits are short.
        let _ = connection.busy_timeout(self.limits.timeout.min(Duration::from_secs(5)));
        // No value may be larger than a whole result may be.
        let most = i32::try_from(self.limits.max_result_bytes).unwrap_or(i32::MAX);
        let _ = connection.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH, most);
        confine_sqlite(&connection).map_err(|e| {
            QueryError::Failed(format!("could not confine connection `{}`: {e}", self.name))
        })?;
        Ok(connection)
    }

    fn sqlite(
        &self,
        connection: &rusqlite::Connection,
        statement: &str,
        params: &[SqlValue],
        write: bool,
        stop: &impl Stop,
        deadline: Instant,
    ) -> Result<Outcome, QueryError> {
        // Checked every thousand steps of SQLite's machine: a stopped run or
        // a query past its time is interrupted.
        let stopped = stop.checker();
        connection.progress_handler(1000, Some(move || stopped() || Instant::now() >= deadline));
        let result = self.sqlite_statement(connection, statement, params, write, stop, deadline);
        connection.progress_handler(0, None::<fn() -> bool>);
        result
    }

    fn sqlite_statement(
        &self,
        connection: &rusqlite::Connection,
        statement: &str,
        params: &[SqlValue],
        write: bool,
        stop: &impl Stop,
        deadline: Instant,
    ) -> Result<Outcome, QueryError> {
        use rusqlite::types::{Value, ValueRef};
        {
            let mut stmt = connection
                .prepare(statement)
                .map_err(|e| QueryError::Failed(format!("`{}`: {e}", self.name)))?;
            if !write && !stmt.readonly() && self.read_only {
                return Err(QueryError::Denied(format!(
                    "connection `{}` is read_only in the app's app.toml",
                    self.name
                )));
            }
            let expected = stmt.parameter_count();
            if params.len() != expected {
                return Err(QueryError::Invalid(format!(
                    "the statement takes {expected} parameter(s); {} were given",
                    params.len()
                )));
            }
            for (i, value) in params.iter().enumerate() {
                // `$1` binds by its name wherever it stands; `?` by place.
                let at = stmt
                    .parameter_index(&format!("${}", i + 1))
                    .ok()
                    .flatten()
                    .unwrap_or(i + 1);
                let value = match value {
                    SqlValue::Null => Value::Null,
                    SqlValue::Integer(i) => Value::Integer(*i),
                    SqlValue::Float(f) => Value::Real(*f),
                    SqlValue::Text(t) => Value::Text(t.clone()),
                    SqlValue::Boolean(b) => Value::Integer(i64::from(*b)),
                    SqlValue::Bytes(b) => Value::Blob(b.clone()),
                };
                stmt.raw_bind_parameter(at, value)
                    .map_err(|e| QueryError::Invalid(format!("parameter {}: {e}", i + 1)))?;
            }
            if write {
                let changed = stmt
                    .raw_execute()
                    .map_err(|e| self.sqlite_error(e, stop, deadline))?;
                return Ok(Outcome::Changed(changed as u64));
            }
            let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
            let declared: Vec<Option<String>> = stmt
                .columns()
                .iter()
                .map(|c| c.decl_type().map(str::to_ascii_uppercase))
                .collect();
            let mut builders: Vec<Builder> = declared
                .iter()
                .map(|d| Builder::sqlite(d.as_deref()))
                .collect();
            let mut rows = stmt.raw_query();
            let mut count = 0u64;
            let mut bytes = 0u64;
            while let Some(row) = rows
                .next()
                .map_err(|e| self.sqlite_error(e, stop, deadline))?
            {
                count += 1;
                if count > self.limits.max_rows {
                    return Err(self.too_many_rows());
                }
                for (i, builder) in builders.iter_mut().enumerate() {
                    let value = row.get_ref(i).unwrap_or(ValueRef::Null);
                    bytes += builder.push_sqlite(value);
                }
                if bytes > self.limits.max_result_bytes {
                    return Err(self.too_many_bytes());
                }
            }
            Ok(Outcome::Rows(
                names
                    .into_iter()
                    .zip(builders)
                    .map(|(name, b)| b.finish(name))
                    .collect(),
            ))
        }
    }

    fn sqlite_error(
        &self,
        error: rusqlite::Error,
        stop: &impl Stop,
        deadline: Instant,
    ) -> QueryError {
        if matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::OperationInterrupted)
        ) {
            if stop.stopped() {
                return QueryError::Stopped;
            }
            if Instant::now() >= deadline {
                return QueryError::Limit(self.timeout_message());
            }
        }
        QueryError::Failed(format!("`{}`: {error}", self.name))
    }

    fn too_many_rows(&self) -> QueryError {
        QueryError::Limit(format!(
            "the query on `{}` returned more than {} rows (its max_rows); add a LIMIT or filter",
            self.name, self.limits.max_rows
        ))
    }

    fn too_many_bytes(&self) -> QueryError {
        QueryError::Limit(format!(
            "the result of the query on `{}` is larger than {} MiB (its max_result_mib)",
            self.name,
            self.limits.max_result_bytes >> 20
        ))
    }

    #[allow(clippy::too_many_arguments)]
    async fn postgres(
        &self,
        pool: &deadpool_postgres::Pool,
        statement: &str,
        params: &[SqlValue],
        write: bool,
        stop: &impl Stop,
        deadline: Instant,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> Result<Outcome, QueryError> {
        let client = tokio::select! {
            client = pool.get() => client.map_err(|e| QueryError::Failed(format!(
                "could not connect to `{}`: {}", self.name, pg_message(&e.to_string())
            )))?,
            () = stop.wait() => return Err(QueryError::Stopped),
            () = tokio::time::sleep_until(deadline.into()) => return Err(QueryError::Limit(self.timeout_message())),
        };
        let cancel = client.cancel_token();
        let work = self.postgres_query(&client, statement, params, write);
        let ended = tokio::select! {
            result = work => result,
            () = stop.wait() => Err(QueryError::Stopped),
            () = tokio::time::sleep_until(deadline.into()) => Err(QueryError::Limit(self.timeout_message())),
        };
        match ended {
            Ok(outcome) => {
                drop(permit);
                Ok(outcome)
            }
            Err(error) => {
                // Stopped, past a limit or failed part way: the server may
                // still be working on it. Ask it to stop, count the query
                // against `concurrent_queries` until it has, and never hand
                // this connection to another query.
                drop(deadpool_postgres::Object::take(client));
                tokio::spawn(async move {
                    if let Err(e) = cancel.cancel_query(tokio_postgres::NoTls).await {
                        tracing::warn!(error = %e, "could not cancel a query");
                    }
                    drop(permit);
                });
                Err(error)
            }
        }
    }

    async fn postgres_query(
        &self,
        client: &tokio_postgres::Client,
        statement: &str,
        params: &[SqlValue],
        write: bool,
    ) -> Result<Outcome, QueryError> {
        let failed = |e: tokio_postgres::Error| {
            QueryError::Failed(format!("`{}`: {}", self.name, pg_error(&e)))
        };
        let prepared = client.prepare(statement).await.map_err(failed)?;
        let expected = prepared.params().len();
        if params.len() != expected {
            return Err(QueryError::Invalid(format!(
                "the statement takes {expected} parameter(s); {} were given",
                params.len()
            )));
        }
        let bound: Vec<PgParam<'_>> = params.iter().map(PgParam).collect();
        if self.read_only {
            // Whatever the statement does to the session, it runs in a
            // read-only transaction that is rolled back (a database role
            // that may only read is the operator's surest guard).
            client
                .batch_execute("BEGIN TRANSACTION READ ONLY")
                .await
                .map_err(failed)?;
            let outcome = self.postgres_rows(client, &prepared, &bound).await;
            client.batch_execute("ROLLBACK").await.map_err(failed)?;
            return outcome;
        }
        if write {
            let changed = client
                .execute_raw(&prepared, bound.iter())
                .await
                .map_err(failed)?;
            return Ok(Outcome::Changed(changed));
        }
        self.postgres_rows(client, &prepared, &bound).await
    }

    /// The rows of `prepared` with `bound`, within the connection's limits.
    async fn postgres_rows(
        &self,
        client: &tokio_postgres::Client,
        prepared: &tokio_postgres::Statement,
        bound: &[PgParam<'_>],
    ) -> Result<Outcome, QueryError> {
        use futures_util::StreamExt as _;
        let failed = |e: tokio_postgres::Error| {
            QueryError::Failed(format!("`{}`: {}", self.name, pg_error(&e)))
        };
        let mut builders = Vec::with_capacity(prepared.columns().len());
        for column in prepared.columns() {
            builders.push(Builder::postgres(column.name(), column.type_())?);
        }
        let rows = client
            .query_raw(prepared, bound.iter())
            .await
            .map_err(failed)?;
        let mut rows = std::pin::pin!(rows);
        let mut count = 0u64;
        let mut bytes = 0u64;
        while let Some(row) = rows.next().await {
            let row = row.map_err(failed)?;
            count += 1;
            if count > self.limits.max_rows {
                return Err(self.too_many_rows());
            }
            for (i, builder) in builders.iter_mut().enumerate() {
                bytes += builder
                    .push_postgres(&row, i)
                    .map_err(|e| QueryError::Failed(format!("`{}`: {e}", self.name)))?;
            }
            if bytes > self.limits.max_result_bytes {
                return Err(self.too_many_bytes());
            }
        }
        let names = prepared.columns().iter().map(|c| c.name().to_owned());
        Ok(Outcome::Rows(
            names.zip(builders).map(|(n, b)| b.finish(n)).collect(),
        ))
    }
}

/// What a statement gave back.
#[derive(Debug)]
pub enum Outcome {
    /// Its rows.
    Rows(Vec<Column>),
    /// How many rows it changed.
    Changed(u64),
}

fn positive(name: &str, value: Option<u64>, default: u64) -> anyhow::Result<u64> {
    match value {
        Some(0) => bail!("{name} must be more than 0"),
        Some(v) => Ok(v),
        None => Ok(default),
    }
}

/// A PostgreSQL error's own message (its severity, code and text), not the
/// driver's wrapping, which may quote the connection's settings.
fn pg_error(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        ),
        None => pg_message(&error.to_string()),
    }
}

/// A driver message with anything after `password=` cut, should the driver
/// ever echo its configuration.
fn pg_message(text: &str) -> String {
    match text.find("password") {
        Some(at) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A page's parameter, converted to whatever type the statement declares
/// for it (an integer binds to `int2`, `int4`, `int8`, `float`, `numeric`
/// text; a text to `date`, `timestamp`, `json`, …).
#[derive(Debug)]
struct PgParam<'a>(&'a SqlValue);

impl tokio_postgres::types::ToSql for PgParam<'_> {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::Type;
        let mismatch = |what: &str| -> Box<dyn std::error::Error + Sync + Send> {
            format!(
                "a {what} cannot be bound to a parameter of type {ty}; cast the parameter in the \
                 statement (`$1::float8`, `$1::text`)"
            )
            .into()
        };
        match self.0 {
            SqlValue::Null => Ok(tokio_postgres::types::IsNull::Yes),
            SqlValue::Boolean(b) => match *ty {
                Type::BOOL => b.to_sql(ty, out),
                _ => Err(mismatch("boolean")),
            },
            SqlValue::Integer(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT8 => i.to_sql(ty, out),
                Type::OID => u32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().to_sql(&Type::TEXT, out)
                }
                _ => Err(mismatch("integer")),
            },
            SqlValue::Float(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::FLOAT8 => f.to_sql(ty, out),
                _ => Err(mismatch("float")),
            },
            SqlValue::Text(t) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    t.as_str().to_sql(&Type::TEXT, out)
                }
                Type::JSON | Type::JSONB => {
                    let value: serde_json::Value = serde_json::from_str(t)?;
                    value.to_sql(ty, out)
                }
                Type::DATE => {
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    time::Date::parse(t, &format)?.to_sql(ty, out)
                }
                Type::TIMESTAMP => parse_timestamp(t)?.to_sql(ty, out),
                Type::TIMESTAMPTZ => {
                    let at = time::OffsetDateTime::parse(
                        t,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .or_else(|_| parse_timestamp(t).map(|p| p.assume_utc()))?;
                    at.to_sql(ty, out)
                }
                _ => Err(mismatch("text")),
            },
            SqlValue::Bytes(b) => match *ty {
                Type::BYTEA => b.as_slice().to_sql(ty, out),
                _ => Err(mismatch("byte string")),
            },
        }
    }

    fn accepts(_ty: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

fn parse_timestamp(t: &str) -> Result<time::PrimitiveDateTime, time::error::Parse> {
    let format = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day][first [T][ ]][hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
    );
    time::PrimitiveDateTime::parse(t, &format)
}

/// A column being filled from rows: its values so far, its nulls, and (for
/// SQLite, whose columns have no fixed type) what its values turned out to be.
struct Builder {
    values: ColumnValues,
    nulls: Vec<u32>,
    time_zone: Option<String>,
    rows: u32,
    /// SQLite: the values as they came, typed when finished.
    loose: Option<Vec<rusqlite::types::Value>>,
    /// SQLite: the declared type, upper case.
    declared: Option<String>,
    /// PostgreSQL: how to read the column.
    read: PgRead,
}

#[derive(Clone, Copy, PartialEq)]
enum PgRead {
    None,
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    Text,
    Date,
    Timestamp,
    TimestampTz,
    Time,
    Json,
    NumberArray,
    TextArray,
    Bytes,
}

impl Builder {
    fn empty(values: ColumnValues, read: PgRead) -> Builder {
        Builder {
            values,
            nulls: Vec::new(),
            time_zone: None,
            rows: 0,
            loose: None,
            declared: None,
            read,
        }
    }

    fn sqlite(declared: Option<&str>) -> Builder {
        Builder {
            loose: Some(Vec::new()),
            declared: declared.map(str::to_owned),
            ..Builder::empty(ColumnValues::Text(Vec::new()), PgRead::None)
        }
    }

    fn postgres(name: &str, ty: &tokio_postgres::types::Type) -> Result<Builder, QueryError> {
        use tokio_postgres::types::Type;
        let (values, read) = match *ty {
            Type::BOOL => (ColumnValues::Boolean(Vec::new()), PgRead::Bool),
            Type::INT2 => (ColumnValues::Integer(Vec::new()), PgRead::Int2),
            Type::INT4 => (ColumnValues::Integer(Vec::new()), PgRead::Int4),
            Type::INT8 => (ColumnValues::Integer(Vec::new()), PgRead::Int8),
            Type::OID => (ColumnValues::Integer(Vec::new()), PgRead::Oid),
            Type::FLOAT4 => (ColumnValues::Float(Vec::new()), PgRead::Float4),
            Type::FLOAT8 => (ColumnValues::Float(Vec::new()), PgRead::Float8),
            Type::NUMERIC => (ColumnValues::Float(Vec::new()), PgRead::Numeric),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                (ColumnValues::Text(Vec::new()), PgRead::Text)
            }
            Type::DATE => (ColumnValues::Date(Vec::new()), PgRead::Date),
            Type::TIMESTAMP => (ColumnValues::Datetime(Vec::new()), PgRead::Timestamp),
            Type::TIMESTAMPTZ => (ColumnValues::Datetime(Vec::new()), PgRead::TimestampTz),
            Type::TIME => (ColumnValues::Time(Vec::new()), PgRead::Time),
            Type::JSON | Type::JSONB => (ColumnValues::Json(Vec::new()), PgRead::Json),
            Type::INT2_ARRAY
            | Type::INT4_ARRAY
            | Type::INT8_ARRAY
            | Type::FLOAT4_ARRAY
            | Type::FLOAT8_ARRAY
            | Type::NUMERIC_ARRAY => (ColumnValues::NumberList(Vec::new()), PgRead::NumberArray),
            Type::TEXT_ARRAY | Type::VARCHAR_ARRAY => {
                (ColumnValues::TextList(Vec::new()), PgRead::TextArray)
            }
            Type::BYTEA => (ColumnValues::Text(Vec::new()), PgRead::Bytes),
            // What `pg_sleep` and other procedures return: no value.
            Type::VOID => (ColumnValues::Text(Vec::new()), PgRead::None),
            _ => {
                return Err(QueryError::Invalid(format!(
                    "column `{name}` has type {ty}, which a table cannot hold; cast it in the \
                     statement (`{name}::text`)"
                )))
            }
        };
        let mut builder = Builder::empty(values, read);
        if read == PgRead::TimestampTz {
            builder.time_zone = Some("UTC".into());
        }
        Ok(builder)
    }

    /// Marks the current row null and pushes a stand-in value.
    fn null(&mut self) {
        self.nulls.push(self.rows);
        match &mut self.values {
            ColumnValues::Text(v) | ColumnValues::Json(v) => v.push(String::new()),
            ColumnValues::Integer(v) | ColumnValues::Datetime(v) | ColumnValues::Time(v) => {
                v.push(0)
            }
            ColumnValues::Float(v) => v.push(0.0),
            ColumnValues::Boolean(v) => v.push(false),
            ColumnValues::Date(v) => v.push(0),
            ColumnValues::NumberList(v) => v.push(Vec::new()),
            ColumnValues::TextList(v) => v.push(Vec::new()),
        }
    }

    /// Adds one row's value from PostgreSQL; returns the bytes it holds.
    fn push_postgres(
        &mut self,
        row: &tokio_postgres::Row,
        i: usize,
    ) -> Result<u64, tokio_postgres::Error> {
        macro_rules! get {
            ($t:ty) => {
                row.try_get::<_, Option<$t>>(i)?
            };
        }
        let mut bytes = 8u64;
        let pushed = match (&mut self.values, self.read) {
            (ColumnValues::Boolean(v), PgRead::Bool) => get!(bool).map(|b| v.push(b)),
            (ColumnValues::Integer(v), PgRead::Int2) => get!(i16).map(|x| v.push(x.into())),
            (ColumnValues::Integer(v), PgRead::Int4) => get!(i32).map(|x| v.push(x.into())),
            (ColumnValues::Integer(v), PgRead::Int8) => get!(i64).map(|x| v.push(x)),
            (ColumnValues::Integer(v), PgRead::Oid) => get!(u32).map(|x| v.push(x.into())),
            (ColumnValues::Float(v), PgRead::Float4) => get!(f32).map(|x| v.push(x.into())),
            (ColumnValues::Float(v), PgRead::Float8) => get!(f64).map(|x| v.push(x)),
            (ColumnValues::Float(v), PgRead::Numeric) => get!(Numeric).map(|x| v.push(x.0)),
            (ColumnValues::Text(v), PgRead::Text) => get!(String).map(|x| {
                bytes += x.len() as u64;
                v.push(x)
            }),
            (ColumnValues::Text(v), PgRead::Bytes) => get!(Vec<u8>).map(|x| {
                bytes += 2 * x.len() as u64;
                v.push(format!("\\x{}", hex::encode(x)))
            }),
            (ColumnValues::Date(v), PgRead::Date) => get!(time::Date).map(|d| v.push(days_of(d))),
            (ColumnValues::Datetime(v), PgRead::Timestamp) => {
                get!(time::PrimitiveDateTime).map(|t| v.push(unix_micros(t.assume_utc())))
            }
            (ColumnValues::Datetime(v), PgRead::TimestampTz) => {
                get!(time::OffsetDateTime).map(|t| v.push(unix_micros(t)))
            }
            (ColumnValues::Time(v), PgRead::Time) => get!(time::Time).map(|t| {
                let (h, m, s, us) = t.as_hms_micro();
                v.push(
                    ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(s)) * 1_000_000
                        + i64::from(us),
                )
            }),
            (ColumnValues::Json(v), PgRead::Json) => get!(RawJson).map(|j| {
                bytes += j.0.len() as u64;
                v.push(j.0)
            }),
            (ColumnValues::NumberList(v), PgRead::NumberArray) => get!(Vec<Option<NumberCell>>)
                .map(|l| {
                    bytes += 8 * l.len() as u64;
                    v.push(l.into_iter().map(|x| x.map_or(f64::NAN, |n| n.0)).collect())
                }),
            (ColumnValues::TextList(v), PgRead::TextArray) => get!(Vec<Option<String>>).map(|l| {
                bytes += l
                    .iter()
                    .map(|s| s.as_ref().map_or(4, String::len) as u64 + 3)
                    .sum::<u64>();
                v.push(l.into_iter().map(Option::unwrap_or_default).collect())
            }),
            _ => None,
        };
        if pushed.is_none() {
            // A null, or a column of no values (`void`).
            self.null();
        }
        self.rows += 1;
        Ok(bytes)
    }

    /// Adds one row's value from SQLite; returns the bytes it holds.
    fn push_sqlite(&mut self, value: rusqlite::types::ValueRef<'_>) -> u64 {
        use rusqlite::types::ValueRef;
        // What it takes here (a loose value) and again once typed; a blob
        // is shown as hex, twice its size.
        let bytes = match value {
            ValueRef::Text(t) => 2 * t.len() as u64 + 40,
            ValueRef::Blob(b) => 3 * b.len() as u64 + 40,
            _ => 40,
        };
        if let Some(loose) = &mut self.loose {
            loose.push(value.into());
        }
        self.rows += 1;
        bytes
    }

    fn finish(mut self, name: String) -> Column {
        if let Some(loose) = self.loose.take() {
            self.rows = 0;
            self.type_sqlite(loose);
        }
        Column {
            name,
            values: self.values,
            format: None,
            nulls: self.nulls,
            time_zone: self.time_zone,
            config: None,
        }
    }

    /// Types a SQLite column by its declared type (`BOOLEAN`, `DATE`,
    /// `DATETIME`/`TIMESTAMP`, `TIME`, `JSON`) when its values read as
    /// one, else by the values: all integers, numbers, or text.
    fn type_sqlite(&mut self, loose: Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value as V;
        let declared = self.declared.clone().unwrap_or_default();
        let present = || loose.iter().filter(|v| !matches!(v, V::Null));
        let all_integers = present().all(|v| matches!(v, V::Integer(_)));
        let all_numbers = present().all(|v| matches!(v, V::Integer(_) | V::Real(_)));
        let parsed: Option<ColumnValues> = if declared.contains("BOOL") && all_integers {
            Some(ColumnValues::Boolean(Vec::new()))
        } else if declared.contains("DATETIME") || declared.contains("TIMESTAMP") {
            Some(ColumnValues::Datetime(Vec::new()))
        } else if declared.contains("DATE") {
            Some(ColumnValues::Date(Vec::new()))
        } else if declared.contains("TIME") {
            Some(ColumnValues::Time(Vec::new()))
        } else if declared.contains("JSON") {
            Some(ColumnValues::Json(Vec::new()))
        } else {
            None
        };
        // A declared type whose values do not all read as it falls back to
        // the values' own type.
        if let Some(values) = parsed {
            self.values = values;
            self.nulls.clear();
            let all = loose.iter().enumerate().all(|(r, v)| {
                self.rows = r as u32;
                self.push_typed(v)
            });
            if all {
                self.rows = loose.len() as u32;
                return;
            }
            self.nulls.clear();
        }
        self.values = if all_integers {
            ColumnValues::Integer(Vec::new())
        } else if all_numbers {
            ColumnValues::Float(Vec::new())
        } else {
            ColumnValues::Text(Vec::new())
        };
        for (r, v) in loose.iter().enumerate() {
            self.rows = r as u32;
            self.push_typed(v);
        }
        self.rows = loose.len() as u32;
    }

    /// Pushes a SQLite value into the column's type; false when it does
    /// not read as that type.
    fn push_typed(&mut self, value: &rusqlite::types::Value) -> bool {
        use rusqlite::types::Value as V;
        if matches!(value, V::Null) {
            self.null();
            return true;
        }
        match (&mut self.values, value) {
            (ColumnValues::Boolean(v), V::Integer(i)) => v.push(*i != 0),
            (ColumnValues::Integer(v), V::Integer(i)) => v.push(*i),
            (ColumnValues::Float(v), V::Integer(i)) => v.push(*i as f64),
            (ColumnValues::Float(v), V::Real(f)) => v.push(*f),
            (ColumnValues::Text(v), other) => v.push(match other {
                V::Text(t) => t.clone(),
                V::Integer(i) => i.to_string(),
                V::Real(f) => f.to_string(),
                V::Blob(b) => format!("\\x{}", hex::encode(b)),
                V::Null => String::new(),
            }),
            (ColumnValues::Date(v), V::Text(t)) => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                match time::Date::parse(t.get(..10).unwrap_or(t), &format) {
                    Ok(d) => v.push(days_of(d)),
                    Err(_) => return false,
                }
            }
            (ColumnValues::Datetime(v), V::Text(t)) => {
                let at =
                    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                        .ok()
                        .or_else(|| parse_timestamp(t).ok().map(|p| p.assume_utc()));
                match at {
                    Some(at) => v.push(unix_micros(at)),
                    None => return false,
                }
            }
            (ColumnValues::Datetime(v), V::Integer(seconds)) => {
                match seconds.checked_mul(1_000_000) {
                    Some(micros) => v.push(micros),
                    None => return false,
                }
            }
            (ColumnValues::Time(v), V::Text(t)) => {
                let format = time::macros::format_description!(
                    version = 2,
                    "[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
                );
                match time::Time::parse(t, &format) {
                    Ok(time) => {
                        let (h, m, s, us) = time.as_hms_micro();
                        let micros = ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(s))
                            * 1_000_000
                            + i64::from(us);
                        v.push(micros.clamp(0, DAY_MICROS - 1))
                    }
                    Err(_) => return false,
                }
            }
            (ColumnValues::Json(v), V::Text(t)) => {
                if serde_json::from_str::<serde::de::IgnoredAny>(t).is_err() {
                    return false;
                }
                v.push(t.clone())
            }
            _ => return false,
        }
        true
    }
}

/// Pragmas a page may use: they only read the schema.
const READ_PRAGMAS: [&str; 8] = [
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "foreign_key_list",
    "user_version",
    "data_version",
];

/// Keeps a page's SQL inside its one database file: no other file attached
/// (`ATTACH`, `VACUUM INTO`), no extension loaded, no pragma that changes
/// how the file is kept, no writes to the schema's own tables (SQLite's
/// defensive mode).
fn confine_sqlite(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::config::DbConfig;
    use rusqlite::hooks::{AuthAction, Authorization};
    use rusqlite::limits::Limit;
    connection.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    connection.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    connection.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    connection.authorizer(Some(
        |context: rusqlite::hooks::AuthContext<'_>| match context.action {
            // A transaction would outlive the call on a pooled connection.
            AuthAction::Attach { .. }
            | AuthAction::Detach { .. }
            | AuthAction::Transaction { .. }
            | AuthAction::Savepoint { .. } => Authorization::Deny,
            AuthAction::Pragma {
                pragma_name,
                pragma_value,
            } => {
                let name = pragma_name.to_ascii_lowercase();
                let read = READ_PRAGMAS.contains(&name.as_str())
                    && (pragma_value.is_none() || !matches!(name.as_str(), "user_version"));
                if read {
                    Authorization::Allow
                } else {
                    Authorization::Deny
                }
            }
            AuthAction::Function { function_name } => {
                if function_name.eq_ignore_ascii_case("load_extension") {
                    Authorization::Deny
                } else {
                    Authorization::Allow
                }
            }
            _ => Authorization::Allow,
        },
    ));
    Ok(())
}

fn unix_micros(at: time::OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

/// A PostgreSQL `numeric` read as the nearest float (NaN and infinities
/// included).
struct Numeric(f64);

impl<'a> tokio_postgres::types::FromSql<'a> for Numeric {
    fn from_sql(
        _ty: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        // The binary form: digit count, weight (of the first base-10000
        // digit), sign, display scale, then the digits.
        let word = |at: usize| -> Result<u16, Box<dyn std::error::Error + Sync + Send>> {
            raw.get(at..at + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "a numeric value is cut short".into())
        };
        let digits = word(0)? as usize;
        let weight = word(2)? as i16;
        let sign = word(4)?;
        let value = match sign {
            0xC000 => f64::NAN,
            0xD000 => f64::INFINITY,
            0xF000 => f64::NEG_INFINITY,
            _ => {
                let mut total = 0.0f64;
                for k in 0..digits {
                    let digit = f64::from(word(8 + 2 * k)?);
                    total += digit * 10_000f64.powi(i32::from(weight) - k as i32);
                }
                if sign == 0x4000 {
                    -total
                } else {
                    total
                }
            }
        };
        Ok(Numeric(value))
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        *ty == tokio_postgres::types::Type::NUMERIC
    }
}

/// A PostgreSQL `json` or `jsonb` value as the text the server holds (its
/// keys in their order, its numbers as written).
struct RawJson(String);

impl<'a> tokio_postgres::types::FromSql<'a> for RawJson {
    fn from_sql(
        ty: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        // `jsonb`'s binary form is a version byte (1) and the text.
        let text = if *ty == tokio_postgres::types::Type::JSONB {
            match raw.split_first() {
                Some((1, rest)) => rest,
                _ => return Err("an unknown jsonb format".into()),
            }
        } else {
            raw
        };
        Ok(RawJson(std::str::from_utf8(text)?.to_owned()))
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        matches!(
            *ty,
            tokio_postgres::types::Type::JSON | tokio_postgres::types::Type::JSONB
        )
    }
}

/// One number of a PostgreSQL array of any numeric type.
struct NumberCell(f64);

impl<'a> tokio_postgres::types::FromSql<'a> for NumberCell {
    fn from_sql(
        ty: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::Type;
        Ok(NumberCell(match *ty {
            Type::INT2 => f64::from(i16::from_sql(ty, raw)?),
            Type::INT4 => f64::from(i32::from_sql(ty, raw)?),
            Type::INT8 => i64::from_sql(ty, raw)? as f64,
            Type::FLOAT4 => f64::from(f32::from_sql(ty, raw)?),
            Type::FLOAT8 => f64::from_sql(ty, raw)?,
            _ => Numeric::from_sql(ty, raw)?.0,
        }))
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        use tokio_postgres::types::Type;
        matches!(
            *ty,
            Type::INT2 | Type::INT4 | Type::INT8 | Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Never;

    impl Stop for Never {
        fn stopped(&self) -> bool {
            false
        }
        async fn wait(&self) {
            std::future::pending::<()>().await
        }
        fn checker(&self) -> Box<dyn Fn() -> bool + Send + 'static> {
            Box::new(|| false)
        }
    }

    fn sqlite(dir: &Path, read_only: bool) -> Databases {
        let config = ConnectionConfig {
            url: Some("sqlite:shop.db".into()),
            read_only,
            max_rows: Some(3),
            max_result_mib: None,
            timeout: None,
            concurrent_queries: None,
        };
        Databases::new(dir, &BTreeMap::from([("shop".to_owned(), config)]), |_| {
            None
        })
        .unwrap()
    }

    fn rows(outcome: Outcome) -> Vec<Column> {
        match outcome {
            Outcome::Rows(columns) => columns,
            Outcome::Changed(n) => panic!("changed {n}"),
        }
    }

    #[test]
    fn sqlite_columns_come_back_typed_with_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(dir.path(), false);
        let shop = db.get("shop").unwrap();
        for statement in [
            "CREATE TABLE sales (id INTEGER, day DATE, at DATETIME, price REAL, note TEXT, paid BOOLEAN, meta JSON)",
            "INSERT INTO sales VALUES (1, '2026-12-01', '2026-12-01 10:30:00', 9.5, 'first', 1, '{\"a\":1}')",
            "INSERT INTO sales VALUES (2, NULL, NULL, 3, NULL, 0, NULL)",
        ] {
            shop.run(statement, &[], true, &Never).unwrap();
        }
        let columns = rows(
            shop.run(
                "SELECT * FROM sales WHERE id >= $1 ORDER BY id",
                &[SqlValue::Integer(1)],
                false,
                &Never,
            )
            .unwrap(),
        );
        let kinds: Vec<&str> = columns.iter().map(|c| c.values.kind().name()).collect();
        assert_eq!(
            kinds,
            ["integer", "date", "datetime", "float", "text", "boolean", "json"]
        );
        assert_eq!(columns[1].json_at(0), "2026-12-01");
        assert_eq!(columns[1].nulls, vec![1]);
        assert_eq!(columns[2].json_at(0), "2026-12-01T10:30:00Z");
        assert_eq!(columns[3].values, ColumnValues::Float(vec![9.5, 3.0]));
        assert_eq!(columns[4].nulls, vec![1]);
    }

    #[test]
    fn sqlite_limits_and_read_only_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(dir.path(), false);
        let shop = db.get("shop").unwrap();
        shop.run("CREATE TABLE t (n INTEGER)", &[], true, &Never)
            .unwrap();
        for n in 0..4 {
            shop.run(
                "INSERT INTO t VALUES ($1)",
                &[SqlValue::Integer(n)],
                true,
                &Never,
            )
            .unwrap();
        }
        let Err(QueryError::Limit(m)) = shop.run("SELECT n FROM t", &[], false, &Never) else {
            panic!("four rows passed max_rows = 3")
        };
        assert!(m.contains("max_rows"), "{m}");
        let Err(QueryError::Invalid(m)) =
            shop.run("SELECT n FROM t WHERE n = $1", &[], false, &Never)
        else {
            panic!("a missing parameter passed")
        };
        assert!(m.contains("takes 1 parameter"), "{m}");
        let read_only = sqlite(dir.path(), true);
        let shop = read_only.get("shop").unwrap();
        assert!(matches!(
            shop.run("DELETE FROM t", &[], true, &Never),
            Err(QueryError::Denied(_))
        ));
        assert!(matches!(
            shop.run("DELETE FROM t", &[], false, &Never),
            Err(QueryError::Denied(_))
        ));
        assert!(matches!(db.get("other"), Err(QueryError::Denied(_))));
    }

    #[test]
    fn sqlite_sql_cannot_reach_another_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(dir.path(), false);
        let shop = db.get("shop").unwrap();
        let outside = dir.path().join("outside.db");
        for statement in [
            format!("ATTACH DATABASE '{}' AS other", outside.display()),
            format!("VACUUM INTO '{}'", outside.display()),
            "PRAGMA journal_mode = OFF".to_owned(),
            "PRAGMA writable_schema = ON".to_owned(),
            "SELECT load_extension('/tmp/x')".to_owned(),
            "BEGIN".to_owned(),
            "SAVEPOINT a".to_owned(),
        ] {
            let outcome = shop.run(&statement, &[], true, &Never);
            assert!(outcome.is_err(), "{statement} passed");
        }
        assert!(!outside.exists());
        rows(shop.run("PRAGMA table_list", &[], false, &Never).unwrap());
    }

    #[test]
    fn messages_name_the_connection_never_its_path_or_url() {
        let dir = tempfile::tempdir().unwrap();
        let config = ConnectionConfig {
            url: Some("sqlite:no/such/dir/shop.db".into()),
            read_only: false,
            max_rows: None,
            max_result_mib: None,
            timeout: None,
            concurrent_queries: None,
        };
        let db = Databases::new(
            dir.path(),
            &BTreeMap::from([("shop".to_owned(), config)]),
            |_| None,
        )
        .unwrap();
        let Err(QueryError::Failed(message)) =
            db.get("shop").unwrap().run("SELECT 1", &[], false, &Never)
        else {
            panic!("a database in a missing directory opened")
        };
        assert!(
            message.contains("`shop`") && !message.contains("no/such"),
            "{message}"
        );
        let secret = ConnectionConfig {
            url: Some("postgres://app:hunter2@db/app".into()),
            read_only: false,
            max_rows: None,
            max_result_mib: None,
            timeout: None,
            concurrent_queries: None,
        };
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn a_url_outside_the_app_or_of_another_kind_is_refused() {
        for url in ["sqlite:/etc/passwd", "sqlite:../other/app.db", "mysql://x"] {
            let config = ConnectionConfig {
                url: Some(url.into()),
                read_only: false,
                max_rows: None,
                max_result_mib: None,
                timeout: None,
                concurrent_queries: None,
            };
            let error = Databases::new(
                Path::new("/tmp"),
                &BTreeMap::from([("db".to_owned(), config)]),
                |_| None,
            )
            .unwrap_err();
            assert!(!format!("{error:#}").contains("passwd"), "{error:#}");
        }
    }
}
