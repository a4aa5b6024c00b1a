//! Test page for SQL connections, secrets and the request context. The
//! query says what to do:
//!
//! - `sql` (with `conn`, default `shop`), parameters `p` (repeatable:
//!   `i:5`, `f:1.5`, `t:text`, `b:true`, `n:` for NULL, `d:2026-01-01`),
//!   `mode` (`query`, `execute` or `ttl`) and `in=job` (from a job): draws
//!   `column <name> <type>` per column and `row <json>` per row, `changed
//!   <n>`, or `error <kind>: <message>`; then the result as a dataframe;
//! - `secret=<key>`: draws `secret <value>`; `print_secret=<key>` prints it
//!   to stdout; `panic_secret=<key>` panics with it;
//! - `keys=1`: draws `keys <dotted keys>`;
//! - `context=1`: draws `context <json>` of the request context;
//! - `user=1`: draws `user <email> verified=<bool> name=<name>` or `user
//!   none`; `login=1` sends the browser to the login.
//!
//! It always ends with `done`.
use wasmlit::sql::Param;
use wasmlit::{CallError, Date, Table, Ui};

fn kind(e: &CallError) -> &'static str {
    match e {
        CallError::Denied(_) => "denied",
        CallError::InvalidArgument(_) => "invalid",
        CallError::LimitExceeded(_) => "limit",
        CallError::Failed(_) => "failed",
        CallError::OutsideRun(_) | CallError::DuplicateWidgetId(_) => "other",
    }
}

fn param(text: &str) -> Param {
    let (tag, value) = text.split_once(':').unwrap_or(("t", text));
    match tag {
        "i" => value.parse::<i64>().unwrap_or(0).into(),
        "f" => value.parse::<f64>().unwrap_or(0.0).into(),
        "b" => (value == "true").into(),
        "n" => None::<i64>.into(),
        "d" => Date::parse(value).map_or(Param::from(value), Param::from),
        _ => value.into(),
    }
}

/// What one statement gave: its lines and, for rows, the table.
fn run(conn: &str, sql: &str, params: &[Param], mode: &str) -> (Vec<String>, Option<Table>) {
    let connection = wasmlit::sql::connection(conn);
    let result = match mode {
        "execute" => connection.execute(sql, params).map(Err),
        "ttl" => connection
            .query_ttl(sql, params, std::time::Duration::from_secs(60))
            .map(Ok),
        _ => connection.query(sql, params).map(Ok),
    };
    match result {
        Ok(Ok(table)) => {
            let mut lines = Vec::new();
            for name in table.column_names() {
                let kind = table.column_type(name).unwrap_or("?");
                lines.push(format!("column {name} {kind}"));
            }
            for r in 0..table.num_rows() {
                lines.push(format!("row {}", table.row_json(r).unwrap_or_default()));
            }
            (lines, Some(table))
        }
        Ok(Err(changed)) => (vec![format!("changed {changed}")], None),
        Err(e) => (vec![format!("error {}: {e}", kind(&e))], None),
    }
}

/// The statement run from a job: its lines.
fn job((conn, sql, params, mode): (String, String, Vec<String>, String)) -> Vec<String> {
    let params: Vec<Param> = params.iter().map(|p| param(p)).collect();
    run(&conn, &sql, &params, &mode).0
}

#[wasmlit::page]
fn database(st: &Ui) {
    let q = st.query_params();
    if let Some(sql) = q.get("sql") {
        let conn = q.get("conn").unwrap_or_else(|| "shop".into());
        let mode = q.get("mode").unwrap_or_else(|| "query".into());
        let params: Vec<String> = q.get_all("p");
        let (lines, table) = if q.get("in").as_deref() == Some("job") {
            let handle = st.spawn(job, (conn, sql, params, mode));
            (
                handle
                    .join()
                    .unwrap_or_else(|e| vec![format!("job failed: {e}")]),
                None,
            )
        } else {
            let params: Vec<Param> = params.iter().map(|p| param(p)).collect();
            run(&conn, &sql, &params, &mode)
        };
        for line in lines {
            st.text(line);
        }
        if let Some(table) = table {
            st.write(&table);
        }
    }
    if let Some(key) = q.get("secret") {
        let value: Option<serde_json::Value> = st.secrets().get(&key);
        let shown = match value {
            Some(serde_json::Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => "none".into(),
        };
        st.text(format!("secret {shown}"));
        st.markdown(format!("**{shown}**"));
    }
    if let Some(key) = q.get("print_secret") {
        let value: Option<String> = st.secrets().get(&key);
        println!("the secret is {}", value.unwrap_or_default());
    }
    if let Some(key) = q.get("panic_secret") {
        let value: Option<String> = st.secrets().get(&key);
        panic!("failed with {}", value.unwrap_or_default());
    }
    if q.get("keys").is_some() {
        st.text(format!("keys {}", st.secrets().keys().join(",")));
    }
    if q.get("context").is_some() {
        let c = st.context();
        let json = serde_json::json!({
            "headers": c.headers,
            "cookies": c.cookies,
            "ip": c.ip_address,
            "locale": c.locale,
            "timezone": c.timezone,
            "offset": c.timezone_offset,
            "url": c.url,
            "theme": c.theme,
        });
        st.text(format!("context {json}"));
    }
    if q.get("user").is_some() {
        let who = st.user().map(|u| {
            format!(
                "{} verified={} name={}",
                u.email.unwrap_or_default(),
                u.email_verified,
                u.name.unwrap_or_default()
            )
        });
        st.text(format!("user {}", who.as_deref().unwrap_or("none")));
    }
    if q.get("login").is_some() {
        st.login();
    }
    st.text("done");
}
