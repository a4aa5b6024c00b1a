//! Apps as tenants: several apps in one server, each under `/<name>/` with
//! its own limits, sessions, caches and capabilities; script threads shared
//! within each app's share; the operations endpoints.

use host::limits::Limits;
use host::run::RunOutcome;
use host::runner::Runner;
use host::services::AppServices;
use serde_json::json;
use tests::runs::{run, texts};
use tests::{finished, http_get, markdown_texts, widget_id, TestApps, WsClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_app_has_its_own_url_sessions_and_state() {
    let apps = TestApps::start(&[("sales", &["counter"], ""), ("ops", &["counter"], "")], 2).await;
    let (status, index) = http_get(apps.addr, "/").await;
    assert_eq!(status, 200);
    assert!(
        index.contains("href=\"/sales\"") && index.contains("href=\"/ops\""),
        "{index}"
    );
    let (status, shell) = http_get(apps.addr, "/sales/counter").await;
    assert_eq!(status, 200);
    assert!(shell.contains("content=\"/sales\"") && shell.contains("/sales/_/app.js"));

    let mut sales = WsClient::connect(&apps.ws_url("sales", None)).await;
    let first = sales.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    for _ in 0..3 {
        sales
            .rerun("counter", json!({ button.clone(): true }))
            .await;
    }
    // Another app knows nothing of it: a fresh count, and the session id
    // of one app is no key to the other.
    let mut ops = WsClient::resume(&apps.ws_url("ops", None), &sales.session).await;
    assert_eq!(
        ops.hello["resumed"], false,
        "a session id does not cross apps"
    );
    assert_ne!(ops.session, sales.session);
    let theirs = ops.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&theirs)[0], "count: 0");
    let ours = sales.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&ours)[0], "count: 3");
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apps_limits_apply_to_its_runs_only() {
    let apps = TestApps::start(
        &[
            ("tight", &["counter"], "[limits]\nelements_per_run = 2\n"),
            ("roomy", &["counter"], ""),
        ],
        2,
    )
    .await;
    let mut tight = WsClient::connect(&apps.ws_url("tight", None)).await;
    let failed = tight.rerun("counter", json!({})).await;
    assert_eq!(finished(&failed)["status"], "error");
    let message = finished(&failed)["message"].as_str().unwrap_or("");
    assert!(message.contains("elements_per_run"), "{message}");
    let mut roomy = WsClient::connect(&apps.ws_url("roomy", None)).await;
    let fine = roomy.rerun("counter", json!({})).await;
    assert_eq!(finished(&fine)["status"], "ok");
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_at_its_share_of_script_threads_cannot_starve_another() {
    // Two script threads; `busy` may hold one of them.
    let apps = TestApps::start(
        &[
            ("busy", &["spin"], "concurrent_runs = 1\n"),
            ("calm", &["counter"], ""),
        ],
        2,
    )
    .await;
    // Three sessions of `busy` spin forever: one runs, two wait their turn.
    let mut spinners = Vec::new();
    for _ in 0..3 {
        let mut client = WsClient::connect(&apps.ws_url("busy", None)).await;
        client.send(json!({"type": "rerun", "page": "spin"})).await;
        client.until(|m| m["type"] == "run_started").await;
        spinners.push(client);
    }
    let busy = &apps.app("busy").services;
    let deadline = std::time::Instant::now() + tests::WAIT;
    while busy.run_share.active() == 0 {
        assert!(std::time::Instant::now() < deadline, "a spin run started");
        tokio::task::yield_now().await;
    }
    // `calm` still gets the other thread, again and again.
    let mut calm = WsClient::connect(&apps.ws_url("calm", None)).await;
    for _ in 0..5 {
        let done = calm.rerun("counter", json!({})).await;
        assert_eq!(finished(&done)["status"], "ok");
        assert_eq!(
            busy.run_share.active(),
            1,
            "busy never holds more than its share"
        );
    }
    assert!(
        apps.app("busy").runner.queued() >= 2,
        "the other spins wait"
    );
    apps.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_readiness_and_liveness_describe_the_server() {
    let apps = TestApps::start(&[("sales", &["counter", "panic"], "")], 2).await;
    let mut client = WsClient::connect(&apps.ws_url("sales", None)).await;
    client.rerun("counter", json!({})).await;
    client.rerun("panic", json!({})).await;
    let (status, metrics) = http_get(apps.addr, "/_/metrics").await;
    assert_eq!(status, 200);
    for line in [
        "wasmlit_runs_total{app=\"sales\",outcome=\"ok\"} 1",
        "wasmlit_runs_total{app=\"sales\",outcome=\"error\"} 1",
        "wasmlit_run_failures_total{app=\"sales\",kind=\"panic\"} 1",
        "wasmlit_sessions{app=\"sales\",state=\"connected\"} 1",
        "# TYPE wasmlit_queue_depth gauge",
        "wasmlit_instance_memory_bytes{app=\"sales\"} 0",
    ] {
        assert!(metrics.contains(line), "missing {line:?} in\n{metrics}");
    }
    assert_eq!(http_get(apps.addr, "/_/live").await.0, 200);
    assert_eq!(http_get(apps.addr, "/_/ready").await.0, 200);
    apps.app("sales").begin_shutdown();
    assert_eq!(
        http_get(apps.addr, "/_/ready").await.0,
        503,
        "not ready while stopping"
    );
    apps.shutdown().await;
}

#[test]
fn a_bad_app_toml_is_refused_naming_the_file_and_the_setting() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("sales/pages")).unwrap();
    std::fs::write(
        root.path().join("sales/app.toml"),
        "[limits]\ncpu_time = \"soon\"\n",
    )
    .unwrap();
    let error = host::tenant::discover(root.path(), &Limits::default(), 8).unwrap_err();
    let text = format!("{error:#}");
    assert!(
        text.contains("sales/app.toml") && text.contains("cpu_time"),
        "{text}"
    );
}

#[test]
fn a_data_directory_is_readable_never_writable_and_only_where_granted() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("hello.txt"), "hello from the operator\n").unwrap();
    let engine = tests::engine();
    let granted = engine
        .for_app(
            Limits::default(),
            host::engine::Grants {
                data_dir: Some(data.path().to_owned()),
                outbound: None,
            },
        )
        .expect("an app view");
    let services =
        AppServices::new(granted.clone(), host::services::AppSettings::default()).unwrap();
    let runner = Runner::with_services(granted.clone(), 1, services).unwrap();
    let page = tests::load(&granted, "files");
    let (report, deltas) = run(&runner, &page, "");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let shown = texts(&deltas);
    assert_eq!(shown[0], "read: hello from the operator");
    assert_eq!(shown[1], "list: hello.txt");
    assert!(shown[2].starts_with("write failed"), "{shown:?}");
    assert!(!data.path().join("new.txt").exists());

    // The same page in an app without the grant sees no files at all.
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = tests::load(&engine, "files");
    let (_, deltas) = run(&runner, &page, "");
    let shown = texts(&deltas);
    assert!(shown[0].starts_with("read failed"), "{shown:?}");
    assert!(shown[1].starts_with("list failed"), "{shown:?}");
}
