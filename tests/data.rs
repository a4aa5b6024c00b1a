//! Data apps end to end: SQL connections on a real PostgreSQL server (and
//! SQLite), typed results, parameters, limits and cancellation on the
//! server; secrets that never reach a browser; the request context; and
//! apps that cannot reach each other's secrets or connections.

use host::runtime::engine::{Grants, PageEngine};
use host::runtime::limits::Limits;
use host::runtime::run::{CancelReason, RunOutcome};
use host::runtime::runner::Runner;
use host::runtime::services::databases::{ConnectionConfig, Databases};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::runs::{query_string as query, run, start, texts};
use tests::{Postgres, TestApps, WsClient};

fn connection(url: &str) -> ConnectionConfig {
    ConnectionConfig {
        url: Some(url.to_owned()),
        read_only: false,
        max_rows: None,
        max_result_mib: None,
        timeout: None,
        concurrent_queries: None,
    }
}

/// An app view with `connections` (files relative to `dir`) and one
/// script thread.
fn app(
    dir: &std::path::Path,
    connections: &[(&str, ConnectionConfig)],
) -> (Arc<PageEngine>, Runner) {
    let configs: BTreeMap<String, ConnectionConfig> = connections
        .iter()
        .map(|(name, config)| (name.to_string(), config.clone()))
        .collect();
    let databases = if configs.is_empty() {
        None
    } else {
        Some(Arc::new(
            Databases::new(dir, &configs, |_| None).expect("connections"),
        ))
    };
    tests::app_view(
        Limits::default(),
        Grants {
            databases,
            ..Grants::default()
        },
    )
}

/// Runs the `database` page with `params`; the lines it drew before `done`.
fn lines(engine: &Arc<PageEngine>, runner: &Runner, params: &[(&str, &str)]) -> Vec<String> {
    let page = tests::load(engine, "database");
    let (report, deltas) = run(runner, &page, &query(params));
    assert_eq!(report.outcome, RunOutcome::Ok, "{:?}", texts(&deltas));
    let mut lines = texts(&deltas);
    assert_eq!(lines.pop().as_deref(), Some("done"), "{lines:?}");
    lines
}

fn sql(engine: &Arc<PageEngine>, runner: &Runner, statement: &str, params: &[&str]) -> Vec<String> {
    let mut all = vec![("sql", statement)];
    all.extend(params.iter().map(|p| ("p", *p)));
    lines(engine, runner, &all)
}

fn execute(
    engine: &Arc<PageEngine>,
    runner: &Runner,
    statement: &str,
    params: &[&str],
) -> Vec<String> {
    let mut all = vec![("sql", statement), ("mode", "execute")];
    all.extend(params.iter().map(|p| ("p", *p)));
    lines(engine, runner, &all)
}

fn refused(lines: &[String], kind: &str, says: &str) {
    let first = lines.first().map_or("", String::as_str);
    assert!(
        first.starts_with(&format!("error {kind}:")) && first.contains(says),
        "expected a `{kind}` error saying {says:?}: {lines:?}"
    );
}

#[test]
fn postgres_results_come_back_typed_with_nulls_and_parameters_stay_data() {
    let pg = Postgres::start();
    pg.psql("postgres", "CREATE DATABASE shop");
    pg.psql(
        "shop",
        "CREATE TABLE orders (id int4, big int8, price float8, total numeric(10,2), item text, paid bool,
           day date, at timestamp, at_tz timestamptz, opens time, meta jsonb, sizes int4[], tags text[]);
         INSERT INTO orders VALUES
           (1, 9000000000, 2.5, 1234.56, 'tea', true, '2026-12-01', '2026-12-01 10:30:00',
            '2026-12-01 10:30:00+01', '09:15:00', '{\"a\": 1}', '{1,2,3}', '{new,eu}'),
           (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);",
    );
    let dir = tempfile::tempdir().unwrap();
    let (engine, runner) = app(dir.path(), &[("shop", connection(&pg.url("shop")))]);
    let out = sql(
        &engine,
        &runner,
        "SELECT * FROM orders WHERE id >= $1 ORDER BY id",
        &["i:1"],
    );
    let columns: Vec<&str> = out
        .iter()
        .filter(|l| l.starts_with("column "))
        .map(String::as_str)
        .collect();
    assert_eq!(
        columns,
        [
            "column id integer",
            "column big integer",
            "column price float",
            "column total float",
            "column item text",
            "column paid boolean",
            "column day date",
            "column at datetime",
            "column at_tz datetime",
            "column opens time",
            "column meta json",
            "column sizes number_list",
            "column tags text_list",
        ]
    );
    let rows: Vec<serde_json::Value> = out
        .iter()
        .filter_map(|l| l.strip_prefix("row "))
        .map(|r| serde_json::from_str(r).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{out:?}");
    let first = &rows[0];
    assert_eq!(first["big"], 9_000_000_000i64);
    assert_eq!(first["total"], 1234.56);
    assert_eq!(first["day"], "2026-12-01");
    assert_eq!(first["at"], "2026-12-01T10:30:00Z");
    assert_eq!(first["at_tz"], "2026-12-01T09:30:00Z");
    assert_eq!(first["opens"], "09:15:00");
    assert_eq!(first["meta"], serde_json::json!({"a": 1}));
    assert_eq!(first["sizes"], serde_json::json!([1.0, 2.0, 3.0]));
    assert_eq!(first["tags"], serde_json::json!(["new", "eu"]));
    // Every column of the second row is null, whatever its type.
    assert!(
        rows[1]
            .as_object()
            .unwrap()
            .iter()
            .all(|(k, v)| k == "id" || v.is_null()),
        "{}",
        rows[1]
    );

    // Parameters are bound by the server's types (an integer to int4, text
    // to a date) and never read as SQL.
    let by_day = sql(
        &engine,
        &runner,
        "SELECT id FROM orders WHERE day = $1",
        &["d:2026-12-01"],
    );
    assert_eq!(by_day, ["column id integer", "row {\"id\":1}"]);
    let hostile = "tea'; DROP TABLE orders; --";
    let none = sql(
        &engine,
        &runner,
        "SELECT id FROM orders WHERE item = $1",
        &[&format!("t:{hostile}")],
    );
    assert_eq!(none, ["column id integer"]);
    assert_eq!(pg.psql("shop", "SELECT count(*) FROM orders"), "2");
    let changed = execute(
        &engine,
        &runner,
        "UPDATE orders SET paid = $1 WHERE id = $2",
        &["b:false", "i:1"],
    );
    assert_eq!(changed, ["changed 1"]);
    assert_eq!(pg.psql("shop", "SELECT paid FROM orders WHERE id = 1"), "f");

    // A statement the server refuses is `failed` with the server's words;
    // a type a table cannot hold says how to cast it.
    refused(
        &sql(&engine, &runner, "SELECT * FROM nowhere", &[]),
        "failed",
        "does not exist",
    );
    refused(
        &sql(&engine, &runner, "SELECT point(1, 2) AS p", &[]),
        "invalid",
        "p::text",
    );
    refused(
        &sql(&engine, &runner, "SELECT $1::int4 AS n", &["t:seven"]),
        "failed",
        "",
    );
    refused(
        &sql(&engine, &runner, "SELECT $1::int4 AS n", &[]),
        "invalid",
        "takes 1 parameter",
    );
    // From a job, too.
    let from_job = lines(
        &engine,
        &runner,
        &[("sql", "SELECT 40 + 2 AS n"), ("in", "job")],
    );
    assert_eq!(from_job, ["column n integer", "row {\"n\":42}"]);
}

#[test]
fn postgres_limits_and_read_only_connections_hold() {
    let pg = Postgres::start();
    pg.psql("postgres", "CREATE DATABASE shop");
    pg.psql(
        "shop",
        "CREATE TABLE t AS SELECT generate_series(1, 50) AS n",
    );
    let dir = tempfile::tempdir().unwrap();
    let mut small = connection(&pg.url("shop"));
    small.max_rows = Some(10);
    small.timeout = Some(1);
    let mut reader = connection(&pg.url("shop"));
    reader.read_only = true;
    let (engine, runner) = app(dir.path(), &[("small", small), ("reader", reader)]);
    let on = |conn: &'static str, statement: &'static str, mode: &'static str| {
        lines(
            &engine,
            &runner,
            &[("conn", conn), ("sql", statement), ("mode", mode)],
        )
    };
    refused(
        &on("small", "SELECT n FROM t", "query"),
        "limit",
        "max_rows",
    );
    assert_eq!(on("small", "SELECT n FROM t LIMIT 10", "query").len(), 11);
    let started = Instant::now();
    refused(
        &on("small", "SELECT pg_sleep(30)", "query"),
        "limit",
        "timeout",
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // The server was told to stop, not left running the query.
    wait_until(
        &pg,
        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'",
        "0",
    );
    refused(
        &on("reader", "DELETE FROM t", "execute"),
        "denied",
        "read_only",
    );
    refused(
        &on("reader", "DELETE FROM t", "query"),
        "failed",
        "read-only transaction",
    );
    // A statement that turns the session's read-only default off changes
    // nothing: every query on a read-only connection runs in a read-only
    // transaction, and the session is reset before the next.
    for _ in 0..4 {
        on(
            "reader",
            "SELECT set_config('default_transaction_read_only', 'off', false) AS s",
            "query",
        );
    }
    refused(
        &on("reader", "DELETE FROM t RETURNING n", "query"),
        "failed",
        "read-only transaction",
    );
    assert_eq!(pg.psql("shop", "SELECT count(*) FROM t"), "50");
    refused(
        &on("elsewhere", "SELECT 1", "query"),
        "denied",
        "no SQL connection `elsewhere`",
    );
    // An app with no connections is told how an operator adds one.
    let (bare, bare_runner) = app(dir.path(), &[]);
    refused(
        &lines(&bare, &bare_runner, &[("sql", "SELECT 1")]),
        "denied",
        "[connections.<name>]",
    );
}

/// Polls `sql` on database `shop` until it prints `expected` (at most 20 s).
fn wait_until(pg: &Postgres, sql: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = pg.psql("shop", sql);
        if got == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{sql}: still {got}, not {expected}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_cancelled_run_cancels_its_query_on_the_server() {
    let pg = Postgres::start();
    pg.psql("postgres", "CREATE DATABASE shop");
    let dir = tempfile::tempdir().unwrap();
    let (engine, runner) = app(dir.path(), &[("shop", connection(&pg.url("shop")))]);
    let page = tests::load(&engine, "database");
    let (handle, done, _) = start(
        &runner,
        &page,
        &query(&[("sql", "SELECT pg_sleep(60) AS slept")]),
        "s",
    );
    let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'";
    wait_until(&pg, sleeping, "1");
    let cancelled = Instant::now();
    handle.cancel(CancelReason::Replaced);
    let report = done
        .recv_timeout(Duration::from_secs(10))
        .expect("the run ends");
    assert_eq!(report.outcome, RunOutcome::Replaced);
    assert!(
        cancelled.elapsed() < Duration::from_secs(5),
        "{:?}",
        cancelled.elapsed()
    );
    wait_until(&pg, sleeping, "0");
    // The pool still serves the next run.
    let again = sql(&engine, &runner, "SELECT 1 AS one", &[]);
    assert_eq!(again, ["column one integer", "row {\"one\":1}"]);
}

#[test]
fn a_query_with_a_ttl_is_answered_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, runner) = app(dir.path(), &[("shop", connection("sqlite:shop.db"))]);
    execute(&engine, &runner, "CREATE TABLE stock (n INTEGER)", &[]);
    execute(&engine, &runner, "INSERT INTO stock VALUES (1)", &[]);
    let cached = |engine, runner| {
        lines(
            engine,
            runner,
            &[("sql", "SELECT n FROM stock"), ("mode", "ttl")],
        )
    };
    assert_eq!(
        cached(&engine, &runner),
        ["column n integer", "row {\"n\":1}"]
    );
    execute(&engine, &runner, "UPDATE stock SET n = 2", &[]);
    assert_eq!(
        cached(&engine, &runner),
        ["column n integer", "row {\"n\":1}"],
        "from the cache"
    );
    assert_eq!(
        sql(&engine, &runner, "SELECT n FROM stock", &[]),
        ["column n integer", "row {\"n\":2}"]
    );
}

#[test]
fn sqlite_from_a_page_cannot_reach_a_file_outside_its_database() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, runner) = app(dir.path(), &[("shop", connection("sqlite:shop.db"))]);
    let outside = dir.path().join("copy.db");
    for statement in [
        format!("ATTACH DATABASE '{}' AS other", outside.display()),
        format!("VACUUM INTO '{}'", outside.display()),
        "PRAGMA writable_schema = ON".to_owned(),
    ] {
        let out = execute(&engine, &runner, &statement, &[]);
        assert!(out[0].starts_with("error failed:"), "{statement}: {out:?}");
    }
    assert!(!outside.exists());
}

const SECRETS: &str =
    "api_key = \"sk-live-0123456789\"\n[connections.shop]\nurl = \"sqlite:shop.db\"\n";

/// An apps root with `sales` (secrets, a connection, cookie `plan`
/// readable) and `other` (nothing), both serving the `database` page.
async fn two_apps() -> TestApps {
    let root = tempfile::tempdir().unwrap();
    for (name, config) in [
        ("sales", "[connections.shop]\n[context]\ncookies = [\"plan\"]\nhidden_headers = [\"x-internal\"]\n"),
        ("other", ""),
    ] {
        let pages = root.path().join(name).join("pages");
        std::fs::create_dir_all(&pages).unwrap();
        std::fs::copy(tests::page_wasm("database"), pages.join("database.wasm")).unwrap();
        std::fs::write(root.path().join(name).join("app.toml"), config).unwrap();
    }
    std::fs::write(root.path().join("sales/secrets.toml"), SECRETS).unwrap();
    TestApps::serve(root, 2).await
}

fn frames_text(messages: &[serde_json::Value]) -> String {
    messages
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_read_by_the_page_and_never_reach_the_browser() {
    let apps = two_apps().await;
    let mut client = WsClient::connect(&apps.ws_url("sales", None)).await;
    let shown = client
        .rerun_query("database", serde_json::json!({}), "secret=api_key&keys=1")
        .await;
    let text = frames_text(&shown);
    assert!(!text.contains("sk-live-0123456789"), "{text}");
    assert!(
        text.contains("secret [secret]") && text.contains("<strong>[secret]</strong>"),
        "{text}"
    );
    // The connection's URL is the host's alone.
    assert!(text.contains("keys api_key\""), "{text}");
    // Nor in a panic's message.
    let failed = client
        .rerun_query("database", serde_json::json!({}), "panic_secret=api_key")
        .await;
    let text = frames_text(&failed);
    assert!(tests::finished(&failed)["status"] != "ok", "{text}");
    assert!(
        !text.contains("sk-live-0123456789") && text.contains("[secret]"),
        "{text}"
    );
    // The connection's URL came from the secrets file; the page uses it
    // by name only.
    let created = client
        .rerun_query(
            "database",
            serde_json::json!({}),
            "sql=CREATE+TABLE+t+(n+INTEGER)&mode=execute",
        )
        .await;
    assert!(
        frames_text(&created).contains("changed 0"),
        "{}",
        frames_text(&created)
    );

    // Another app of the same server has no secrets and no connections.
    let mut other = WsClient::connect(&apps.ws_url("other", None)).await;
    let theirs = other
        .rerun_query(
            "database",
            serde_json::json!({}),
            "secret=api_key&sql=SELECT+1",
        )
        .await;
    let text = frames_text(&theirs);
    assert!(
        text.contains("secret none") && text.contains("error denied"),
        "{text}"
    );
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_context_hides_credentials_and_shows_allowed_cookies() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let apps = two_apps().await;
    let mut request = apps.ws_url("sales", None).into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("cookie", "plan=gold; session=abc".parse().unwrap());
    headers.insert("authorization", "Bearer t0ken".parse().unwrap());
    headers.insert("x-internal", "hidden".parse().unwrap());
    headers.insert("x-team", "north".parse().unwrap());
    let hello = serde_json::json!({"type": "hello", "context": {
        "locale": "nb-NO", "timezone": "Europe/Oslo", "timezone_offset": -60,
        "url": "http://127.0.0.1/sales/database", "theme": "dark"}});
    let mut client = WsClient::open_request(request, hello).await;
    let shown = client
        .rerun_query("database", serde_json::json!({}), "context=1")
        .await;
    let line = tests::markdown_texts(&shown)
        .into_iter()
        .chain(
            shown
                .iter()
                .filter_map(|m| m["element"]["body"].as_str().map(str::to_owned)),
        )
        .find_map(|t| t.strip_prefix("context ").map(str::to_owned))
        .unwrap_or_else(|| panic!("{}", frames_text(&shown)));
    let context: serde_json::Value = serde_json::from_str(&line).unwrap();
    let headers = context["headers"].as_array().unwrap();
    let has = |name: &str| headers.iter().any(|h| h[0] == name);
    assert!(has("x-team") && has("host"), "{context}");
    assert!(
        !has("cookie") && !has("authorization") && !has("x-internal"),
        "{context}"
    );
    assert_eq!(context["cookies"], serde_json::json!([["plan", "gold"]]));
    assert_eq!(context["ip"], "127.0.0.1");
    assert_eq!(context["timezone"], "Europe/Oslo");
    assert_eq!(context["offset"], -60);
    assert_eq!(context["theme"], "dark");
    assert_eq!(context["url"], "http://127.0.0.1/sales/database");
    apps.shutdown().await;
}

/// The element of each delta that draws a table (its `columns`).
fn drawn_tables(messages: &[serde_json::Value]) -> Vec<serde_json::Value> {
    messages
        .iter()
        .filter(|m| m["type"] == "delta" && m["element"]["columns"].is_array())
        .map(|m| m["element"].clone())
        .collect()
}

/// Connects to `url` as a browser that reads tables as Arrow.
async fn arrow_client(url: &str) -> WsClient {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let request = url.into_client_request().expect("a WebSocket URL");
    WsClient::open_request(
        request,
        serde_json::json!({"type": "hello", "tables": "arrow"}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_reach_an_arrow_browser_as_streams_holding_what_the_json_form_holds() {
    let server = tests::TestServer::start(&["gallery"]).await;
    let mut plain = WsClient::connect(&server.ws_url(None)).await;
    let mut arrow = arrow_client(&server.ws_url(None)).await;
    let by_json = drawn_tables(&plain.rerun("gallery", serde_json::json!({})).await);
    let mut by_arrow = drawn_tables(&arrow.rerun("gallery", serde_json::json!({})).await);
    // A client that did not ask reads JSON only.
    assert!(
        plain.binary.is_empty(),
        "{} binary frames",
        plain.binary.len()
    );
    assert!(by_json.len() >= 4, "{by_json:?}");
    // Every column came as its own stream, named by its place; with the
    // streams read back (tests::arrow), the tables are the JSON ones:
    // every column type (dates, datetimes in a zone, times, lists, JSON),
    // the nulls, formats and configs.
    let mut columns = 0;
    for element in &mut by_arrow {
        for column in element["columns"].as_array_mut().expect("columns") {
            assert!(column["arrow"].is_u64(), "{column}");
            column.as_object_mut().expect("a column").remove("arrow");
            columns += 1;
        }
    }
    assert_eq!(arrow.binary.len(), columns);
    assert_eq!(by_arrow, by_json);
    let typed = by_json
        .iter()
        .find(|t| t["columns"][0]["name"] == "day")
        .expect("the typed table");
    let types: Vec<&str> = typed["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        [
            "date",
            "datetime",
            "time",
            "integer",
            "number_list",
            "text_list",
            "json"
        ]
    );
    assert_eq!(typed["columns"][3]["nulls"], serde_json::json!([1]));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_a_table_is_redacted_in_its_arrow_stream() {
    let apps = two_apps().await;
    let mut client = arrow_client(&apps.ws_url("sales", None)).await;
    let shown = client
        .rerun_query(
            "database",
            serde_json::json!({}),
            &query(&[(
                "sql",
                "SELECT 'key sk-live-0123456789' AS s UNION ALL SELECT 'plain'",
            )]),
        )
        .await;
    assert!(!client.binary.is_empty(), "the result went as Arrow");
    for stream in &client.binary {
        assert!(
            !stream.windows(10).any(|w| w == b"sk-live-01"),
            "a stream holds the secret"
        );
    }
    let tables = drawn_tables(&shown);
    assert_eq!(
        tables[0]["columns"][0]["values"],
        serde_json::json!(["key [secret]", "plain"])
    );
    apps.shutdown().await;
}
