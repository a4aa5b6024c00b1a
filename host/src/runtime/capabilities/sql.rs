//! `wasmlit:page/sql`: queries on the app's SQL connections, by name. The
//! connections, limits and type mapping are
//! `crate::runtime::services::databases`'; this module adds the run's
//! cancel switch and time, and the data cache for queries with a ttl.

use crate::model::table::{Column, ColumnValues};
use crate::runtime::bindings::sql;
use crate::runtime::bindings::types::CallError;
use crate::runtime::bindings::ui;
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::{Role, RunControl, RunTrap, StoreData, WaitEnd};
use crate::runtime::services::cache::{DataCache, EntryOptions, Lookup};
use crate::runtime::services::databases::{Outcome, QueryError, SqlValue, Stop};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest statement a page may send, in bytes.
pub const MAX_STATEMENT_BYTES: usize = 1 << 20;

/// Most parameters of one statement (PostgreSQL's own limit).
pub const MAX_PARAMS: usize = 65_535;

/// What a page is told when its app has no connections at all.
const NOT_GRANTED: &str = "this app has no SQL connections: an operator adds one as \
     [connections.<name>] with its url in the app's app.toml";

/// A query's caller: its instance's cancel switch and time.
struct RunStop {
    control: Arc<RunControl>,
    deadline: Instant,
}

impl Stop for RunStop {
    fn stopped(&self) -> bool {
        self.control.cancelled().is_some() || Instant::now() >= self.deadline
    }

    async fn wait(&self) {
        tokio::select! {
            () = self.control.cancelled_wait() => {}
            () = tokio::time::sleep_until(self.deadline.into()) => {}
        }
    }

    fn checker(&self) -> Box<dyn Fn() -> bool + Send + 'static> {
        let control = self.control.clone();
        let deadline = self.deadline;
        Box::new(move || control.cancelled().is_some() || Instant::now() >= deadline)
    }
}

impl StoreData {
    /// The app's services, when this instance knows them (a run or a job).
    fn run_services(&self) -> Option<Arc<crate::runtime::services::AppServices>> {
        match &self.role {
            Role::Run(run) => Some(run.app.clone()),
            Role::Job(job) | Role::Resource(job) => job.services.as_ref().map(|s| s.app.clone()),
            Role::Outside => None,
        }
    }

    fn sql_run(
        &mut self,
        call: &str,
        connection: &str,
        statement: &str,
        params: Vec<sql::SqlValue>,
        write: bool,
    ) -> HostResult<Outcome> {
        if let Some(reason) = self.control.cancelled() {
            return Err(HostError::from(RunTrap::Cancelled(reason)));
        }
        let Some(databases) = self.databases.clone() else {
            return Err(CallError::Denied(format!("{call}: {NOT_GRANTED}")).into());
        };
        if statement.len() > MAX_STATEMENT_BYTES {
            return Err(CallError::InvalidArgument(format!(
                "{call}: a statement may have at most {MAX_STATEMENT_BYTES} bytes"
            ))
            .into());
        }
        if params.len() > MAX_PARAMS {
            return Err(CallError::InvalidArgument(format!(
                "{call}: a statement may have at most {MAX_PARAMS} parameters"
            ))
            .into());
        }
        let connection = databases.get(connection).map_err(|e| error(call, e))?;
        let params: Vec<SqlValue> = params.into_iter().map(value).collect();
        let stop = RunStop {
            control: self.control.clone(),
            deadline: self.deadline(),
        };
        let started = Instant::now();
        let outcome = connection.run(statement, &params, write, &stop);
        tracing::debug!(
            connection = connection.name(),
            ok = outcome.is_ok(),
            ms = started.elapsed().as_millis() as u64,
            "sql"
        );
        match outcome {
            Ok(outcome) => Ok(outcome),
            Err(QueryError::Stopped) => {
                let end = self
                    .control
                    .cancelled()
                    .map_or(WaitEnd::Deadline, WaitEnd::Cancelled);
                Err(self.wait_trap(end).into())
            }
            Err(e) => Err(error(call, e)),
        }
    }
}

fn error(call: &str, error: QueryError) -> HostError {
    HostError::from(match error {
        QueryError::Denied(m) => CallError::Denied(format!("{call}: {m}")),
        QueryError::Invalid(m) => CallError::InvalidArgument(format!("{call}: {m}")),
        QueryError::Limit(m) => CallError::LimitExceeded(format!("{call}: {m}")),
        QueryError::Failed(m) => CallError::Failed(format!("{call}: {m}")),
        QueryError::Stopped => CallError::Failed(format!("{call}: stopped")),
    })
}

fn value(v: sql::SqlValue) -> SqlValue {
    match v {
        sql::SqlValue::Null => SqlValue::Null,
        sql::SqlValue::Integer(i) => SqlValue::Integer(i),
        sql::SqlValue::Float(f) => SqlValue::Float(f),
        sql::SqlValue::Text(t) => SqlValue::Text(t),
        sql::SqlValue::Boolean(b) => SqlValue::Boolean(b),
        sql::SqlValue::Bytes(b) => SqlValue::Bytes(b),
    }
}

/// The cache key's arguments: the statement and each parameter, each with
/// its length and kind, so no two queries share a key.
fn cache_args(statement: &str, params: &[sql::SqlValue]) -> Vec<u8> {
    let mut out = Vec::with_capacity(statement.len() + 16 * params.len() + 8);
    let mut part = |tag: u8, bytes: &[u8]| {
        out.push(tag);
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    part(0, statement.as_bytes());
    for p in params {
        match p {
            sql::SqlValue::Null => part(1, &[]),
            sql::SqlValue::Integer(i) => part(2, &i.to_le_bytes()),
            sql::SqlValue::Float(f) => part(3, &f.to_bits().to_le_bytes()),
            sql::SqlValue::Text(t) => part(4, t.as_bytes()),
            sql::SqlValue::Boolean(b) => part(5, &[u8::from(*b)]),
            sql::SqlValue::Bytes(b) => part(6, b),
        }
    }
    out
}

/// A table of model columns as the contract's.
fn wit_table(columns: Vec<Column>) -> ui::Table {
    ui::Table {
        columns: columns
            .into_iter()
            .map(|c| ui::Column {
                name: c.name,
                values: match c.values {
                    ColumnValues::Text(v) => ui::ColumnValues::Text(v),
                    ColumnValues::Integer(v) => ui::ColumnValues::Integer(v),
                    ColumnValues::Float(v) => ui::ColumnValues::Float(v),
                    ColumnValues::Boolean(v) => ui::ColumnValues::Boolean(v),
                    ColumnValues::Date(v) => ui::ColumnValues::Date(v),
                    ColumnValues::Datetime(v) => ui::ColumnValues::Datetime(v),
                    ColumnValues::Time(v) => ui::ColumnValues::Time(v),
                    ColumnValues::NumberList(v) => ui::ColumnValues::NumberList(v),
                    ColumnValues::TextList(v) => ui::ColumnValues::TextList(v),
                    ColumnValues::Json(v) => ui::ColumnValues::Json(v),
                },
                format: None,
                nulls: c.nulls,
                time_zone: c.time_zone,
                config: None,
            })
            .collect(),
    }
}

impl sql::Host for StoreData {
    fn query(
        &mut self,
        connection: String,
        statement: String,
        params: Vec<sql::SqlValue>,
        ttl_ms: Option<u64>,
    ) -> HostResult<ui::Table> {
        const CALL: &str = "sql.query";
        // With a ttl, in a run: the app's data cache, one computation at a
        // time per key (others wait for it).
        let cached = match (ttl_ms, self.run_services()) {
            (Some(ttl), Some(app)) => {
                let key = DataCache::key(
                    &[0; 32],
                    &format!("sql:{connection}"),
                    &cache_args(&statement, &params),
                    None,
                );
                let options = EntryOptions {
                    ttl: Some(Duration::from_millis(ttl.max(1))),
                    max_entries: None,
                };
                let deadline = self.deadline();
                let lookup = app.data.get_or_wait(
                    key,
                    &format!("sql:{connection}"),
                    None,
                    options,
                    &self.control,
                    deadline,
                );
                match lookup {
                    Ok(Lookup::Hit(bytes)) => {
                        if let Ok(columns) = serde_json::from_slice::<Vec<Column>>(&bytes) {
                            return Ok(wit_table(columns));
                        }
                        None
                    }
                    Ok(Lookup::Miss(ticket)) => Some(ticket),
                    Err(end) => return Err(self.wait_trap(end).into()),
                }
            }
            _ => None,
        };
        let columns = match self.sql_run(CALL, &connection, &statement, params, false)? {
            Outcome::Rows(columns) => columns,
            Outcome::Changed(_) => Vec::new(),
        };
        if let Some(ticket) = cached {
            if let Ok(bytes) = serde_json::to_vec(&columns) {
                ticket.fill(bytes);
            }
        }
        Ok(wit_table(columns))
    }

    fn execute(
        &mut self,
        connection: String,
        statement: String,
        params: Vec<sql::SqlValue>,
    ) -> HostResult<u64> {
        match self.sql_run("sql.execute", &connection, &statement, params, true)? {
            Outcome::Changed(n) => Ok(n),
            Outcome::Rows(_) => Ok(0),
        }
    }
}
