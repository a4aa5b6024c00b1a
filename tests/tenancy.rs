//! Apps as tenants: several apps in one server, each under `/<name>/` with
//! its own limits, sessions, caches and capabilities; script threads shared
//! within each app's share; the operations endpoints.

use host::runtime::limits::Limits;
use host::runtime::run::RunOutcome;
use host::runtime::runner::Runner;
use host::runtime::services::AppServices;
use serde_json::json;
use std::sync::Arc;
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
    busy_cannot_starve_calm("concurrent_runs = 1\n").await;
}

/// Two script threads; an app `busy` with `config` spins in three sessions
/// while `calm` runs its counter again and again.
async fn busy_cannot_starve_calm(config: &str) {
    let apps = TestApps::start(
        &[("busy", &["spin"], config), ("calm", &["counter"], "")],
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
    let busy = apps.app("busy").services.clone();
    eventually("a spin run started", || busy.run_share.active() > 0).await;
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
    let error = host::app::tenant::discover(root.path(), &Limits::default(), 8).unwrap_err();
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
            host::runtime::engine::Grants {
                data_dir: Some(data.path().to_owned()),
                ..Default::default()
            },
        )
        .expect("an app view");
    let services = AppServices::new(
        granted.clone(),
        host::runtime::services::AppSettings::default(),
    )
    .unwrap();
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

#[test]
fn raw_html_in_markdown_needs_the_grant_and_is_cleaned_with_it() {
    let engine = tests::engine();
    // Without the grant the call is denied, naming the capability.
    let runner = Runner::new(engine.clone(), 1).unwrap();
    let page = tests::load(&engine, "files");
    let (report, _) = run(&runner, &page, "html=1");
    match &report.outcome {
        RunOutcome::Error(_, message) => {
            assert!(message.contains("unsafe_allow_html"), "{message}")
        }
        other => panic!("the run should fail: {other:?}"),
    }
    // With it the HTML is kept, without what could run script.
    let granted = engine
        .for_app(
            Limits::default(),
            host::runtime::engine::Grants {
                unsafe_allow_html: true,
                ..Default::default()
            },
        )
        .expect("an app view");
    let runner = Runner::new(granted.clone(), 1).unwrap();
    let page = tests::load(&granted, "files");
    let (report, deltas) = run(&runner, &page, "html=1");
    assert_eq!(report.outcome, RunOutcome::Ok);
    let html = deltas
        .iter()
        .find_map(|d| match &d.element {
            host::model::delta::Element::Markdown { html, .. } => Some(html.clone()),
            _ => None,
        })
        .expect("the markdown");
    assert!(html.contains("<strong>kept</strong>"), "{html}");
    assert!(
        html.contains("<span style=\"color:teal\">teal</span>"),
        "{html}"
    );
    assert!(
        !html.contains("onclick") && !html.contains("script"),
        "{html}"
    );
}

/// Polls `done` until it holds, yielding between looks; fails after `WAIT`.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + tests::WAIT;
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_page_or_app_toml_is_reported_and_the_other_apps_serve() {
    let root = tempfile::tempdir().unwrap();
    let app = |name: &str, config: &str| {
        let pages = root.path().join(name).join("pages");
        std::fs::create_dir_all(&pages).unwrap();
        std::fs::write(root.path().join(name).join("app.toml"), config).unwrap();
        pages
    };
    let good = app("good", "");
    std::fs::copy(tests::page_wasm("counter"), good.join("counter.wasm")).unwrap();
    // A broken component next to a working page, and a navigation file
    // naming a page that does not exist.
    let mixed = app("mixed", "");
    std::fs::copy(tests::page_wasm("counter"), mixed.join("counter.wasm")).unwrap();
    std::fs::write(mixed.join("broken.wasm"), b"\0asm\x0d\0\x01\0garbage").unwrap();
    std::fs::write(
        mixed.join("wasmlit.toml"),
        "[[pages]]\nname = \"missing\"\n[[pages]]\nname = \"counter\"\n",
    )
    .unwrap();
    // An app whose app.toml the server refuses.
    app("refused", "[limits]\ncpu_time = \"soon\"\n");
    let apps = TestApps::serve(root, 2).await;

    let (status, index) = http_get(apps.addr, "/").await;
    assert_eq!(status, 200);
    assert!(index.contains("href=\"/good\""), "{index}");
    assert!(
        index.contains("failed to load: wasmlit.toml, broken"),
        "the index names what failed: {index}"
    );
    assert!(index.contains("failed to load: refused"), "{index}");
    assert!(
        !index.contains("cpu_time") && !index.contains("/tmp"),
        "reasons stay in the log: {index}"
    );
    let (status, ready) = http_get(apps.addr, "/_/ready").await;
    assert_eq!(status, 200, "the rest is ready: {ready}");
    for line in [
        "failed to load: app mixed broken",
        "failed to load: app mixed wasmlit.toml",
        "failed to load: app refused refused",
    ] {
        assert!(ready.contains(line), "missing {line:?} in {ready}");
    }
    let (_, metrics) = http_get(apps.addr, "/_/metrics").await;
    assert!(
        metrics.contains("wasmlit_load_failures{app=\"mixed\"} 2")
            && metrics.contains("wasmlit_load_failures{app=\"good\"} 0"),
        "{metrics}"
    );

    // Both loadable apps serve their pages; the broken page says why not.
    for name in ["good", "mixed"] {
        let mut client = WsClient::connect(&apps.ws_url(name, None)).await;
        let done = client.rerun("counter", json!({})).await;
        assert_eq!(finished(&done)["status"], "ok", "{name}");
    }
    let mut client = WsClient::connect(&apps.ws_url("mixed", None)).await;
    client
        .send(json!({"type": "rerun", "page": "broken"}))
        .await;
    let refused = client.until(|m| m["type"] == "error").await;
    let message = refused.last().unwrap()["message"].as_str().unwrap_or("");
    assert!(message.contains("failed to load"), "{message}");

    // A fixed page is picked up by reload and leaves the report.
    let broken = apps.root.path().join("mixed/pages/broken.wasm");
    std::fs::copy(tests::page_wasm("hello"), &broken).unwrap();
    let mixed = apps.app("mixed").clone();
    eventually("the fixed page is loaded", || {
        mixed.app.page("broken").is_some()
    })
    .await;
    assert!(!mixed.app.failed("broken"));
    let (_, ready) = http_get(apps.addr, "/_/ready").await;
    assert!(!ready.contains("mixed broken"), "{ready}");
    apps.shutdown().await;
}

#[test]
fn an_apps_root_refuses_page_crates_unless_the_operator_trusts_their_authors() {
    let root = tempfile::tempdir().unwrap();
    let pages = root.path().join("pages");
    let krate = pages.join("sneaky");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    let marker = root.path().join("build-script-ran");
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"sneaky\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         [lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\nwasmlit = \"0.1\"\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        krate.join("build.rs"),
        format!(
            "fn main() {{ std::fs::write({:?}, \"ran\").unwrap(); }}\n",
            marker.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(krate.join("src/lib.rs"), "").unwrap();
    let engine = tests::engine();
    let untrusted = host::runtime::page_build::BuildOptions {
        untrusted: true,
        ..Default::default()
    };
    let app = host::app::catalog::App::load(engine, &pages, untrusted, &mut |_| {});
    let failures = app.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].name, "sneaky");
    assert!(
        failures[0].error.contains("--trust-page-crates"),
        "{}",
        failures[0].error
    );
    assert!(!marker.exists(), "the tenant's build script never ran");
}

#[test]
fn an_app_at_its_instance_share_is_refused_in_its_own_runs_and_another_app_runs_on() {
    let engine = tests::engine();
    // `noisy` may hold two instances: its run and one job.
    let noisy = engine.with_instance_share(2).unwrap();
    let noisy_services = AppServices::new(
        noisy.clone(),
        host::runtime::services::AppSettings {
            worker_threads: 4,
            ..Default::default()
        },
    )
    .unwrap();
    let noisy_runner = Runner::with_services(noisy.clone(), 2, noisy_services).unwrap();
    let jobs = tests::load(&noisy, "jobs");
    // One run spins in a job: both of the app's instances are held.
    let (spinning, _done, _) = tests::runs::start(&noisy_runner, &jobs, "case=spin", "a");
    let share = noisy.instance_share().clone();
    let deadline = std::time::Instant::now() + tests::WAIT;
    while share.live() < 2 {
        assert!(std::time::Instant::now() < deadline, "the job started");
        std::thread::yield_now();
    }
    // The app's next run is refused, by name, in that run.
    let (report, _) = run(&noisy_runner, &jobs, "case=map");
    let message = report.outcome.message().unwrap_or_default();
    assert!(
        message.contains("at its limit") && message.contains("instance_share"),
        "{:?}",
        report.outcome
    );
    // Another app on the same engine does not notice.
    let calm = engine.with_instance_share(2).unwrap();
    let calm_runner = Runner::new(calm.clone(), 1).unwrap();
    let counter = tests::load(&calm, "counter");
    for _ in 0..5 {
        let (report, _) = run(&calm_runner, &counter, "");
        assert_eq!(report.outcome, RunOutcome::Ok);
    }
    spinning.cancel(host::runtime::run::CancelReason::Stopped);
    let deadline = std::time::Instant::now() + tests::WAIT;
    while share.live() > 0 {
        assert!(std::time::Instant::now() < deadline, "slots come back");
        std::thread::yield_now();
    }
}

#[test]
fn apps_without_settings_get_a_fair_share_of_threads_and_instances() {
    let root = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::create_dir_all(root.path().join(name).join("pages")).unwrap();
        std::fs::write(root.path().join(name).join("app.toml"), "").unwrap();
    }
    std::fs::write(root.path().join("c/app.toml"), "concurrent_runs = 1\n").unwrap();
    let tenants = host::app::tenant::discover(root.path(), &Limits::default(), 8).unwrap();
    let shares = host::app::tenant::fair_shares(&tenants, 8, 6);
    assert_eq!(shares[0].runs, 3, "8 threads over 3 apps, rounded up");
    assert_eq!(shares[0].workers, 2);
    assert_eq!(shares[2].runs, 1, "an app's own setting wins");
    for share in &shares {
        assert!(share.runs < 8, "no app may hold every script thread");
        assert_eq!(
            share.instances,
            host::runtime::services::instances_needed(share.runs, share.workers)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_without_settings_cannot_hold_every_script_thread() {
    // Two script threads, two apps, no settings: each may hold one.
    busy_cannot_starve_calm("").await;
}

#[test]
fn clearing_the_cache_stops_builds_in_flight_and_is_limited_per_app() {
    let engine = tests::engine();
    let services = AppServices::new(
        engine.clone(),
        host::runtime::services::AppSettings {
            cache_clear_interval: std::time::Duration::ZERO,
            ..Default::default()
        },
    )
    .unwrap();
    let runner = Arc::new(Runner::with_services(engine.clone(), 4, services.clone()).unwrap());
    let page = tests::load(&engine, "cached");
    // Clear while a (half-second) build is in flight, again and again: each
    // build stops, and they never pile up.
    for _ in 0..10 {
        let (_handle, done, _) = tests::runs::start(&runner, &page, "resource=0", "s");
        let deadline = std::time::Instant::now() + tests::WAIT;
        while services.resources.building() == 0 {
            assert!(std::time::Instant::now() < deadline, "a build started");
            std::thread::yield_now();
        }
        services.clear_caches().expect("clearing is allowed");
        let report = done.recv_timeout(tests::WAIT).expect("the run ends");
        let message = report.outcome.message().unwrap_or_default();
        assert!(
            message.contains("cache was cleared"),
            "{:?}",
            report.outcome
        );
        assert!(
            engine.instance_share().live() <= 1,
            "no build is left running"
        );
    }
    assert_eq!(services.resources.builds(), 0, "no build finished");

    // Once a build is allowed to finish, the value is there.
    let (report, deltas) = run(&runner, &page, "resource=0");
    assert_eq!(report.outcome, RunOutcome::Ok);
    assert!(
        texts(&deltas)[0].starts_with("sum "),
        "{:?}",
        texts(&deltas)
    );

    // Per app, not per session: a second clear within the interval is
    // refused by name, whoever asks; an app may forbid clearing.
    let limited = AppServices::new(
        engine.clone(),
        host::runtime::services::AppSettings::default(),
    )
    .unwrap();
    limited.clear_caches().expect("the first clear");
    let refused = limited.clear_caches().unwrap_err();
    assert!(refused.contains("cache_clear_interval"), "{refused}");
    let forbidden = AppServices::new(
        engine,
        host::runtime::services::AppSettings {
            cache_clear_allowed: false,
            ..Default::default()
        },
    )
    .unwrap();
    let refused = forbidden.clear_caches().unwrap_err();
    assert!(refused.contains("cache_clear"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_state_over_all_sessions_is_bounded_and_idle_sessions_go_first() {
    let budget = 2 << 20;
    let server = tests::TestServer::start_with(
        &["hostile"],
        Limits::default(),
        host::web::server::ServerSettings {
            session_state_app_bytes: budget,
            ..tests::unthrottled()
        },
    )
    .await;
    let fill = "case=huge_session_state&chunk_kib=256";
    let said = |messages: &[serde_json::Value], text: &str| {
        serde_json::to_string(messages).unwrap().contains(text)
    };
    // 256 KiB chunks: seven fit in the app's 2 MiB.
    let mut first = WsClient::connect(&server.ws_url(None)).await;
    let done = first.rerun_query("hostile", json!({}), fill).await;
    assert!(said(&done, "stored 7 chunks"), "{done:?}");
    assert!(said(&done, "session_state_app_bytes"), "refused by name");
    // A second session finds the budget spent by a live session: refused,
    // by name, with nothing lost.
    let mut second = WsClient::connect(&server.ws_url(None)).await;
    let done = second.rerun_query("hostile", json!({}), fill).await;
    assert!(said(&done, "stored 0 chunks"), "{done:?}");
    assert!(said(&done, "session_state_app_bytes"));
    let budget_of = &server.state.parked.budget;
    assert!(budget_of.app().used() <= budget);
    // Once the first session is idle (its tab gone), it is dropped to make
    // room for the live one.
    let gone = first.session.clone();
    drop(first);
    eventually("the first session is parked", || {
        server.state.parked.parked() == 1
    })
    .await;
    let done = second.rerun_query("hostile", json!({}), fill).await;
    assert!(said(&done, "stored 7 chunks"), "{done:?}");
    assert!(budget_of.app().used() <= budget);
    let back = WsClient::resume(&server.ws_url(None), &gone).await;
    assert_eq!(back.hello["resumed"], false, "the idle session was dropped");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_noisy_tenant_leaves_another_app_with_zero_failed_runs() {
    let apps = TestApps::start(
        &[
            (
                "noisy",
                &["spin", "cached", "jobs", "hostile"],
                "cache_clear_interval = 0\nsession_state_app_mib = 4\n",
            ),
            ("calm", &["counter"], ""),
        ],
        4,
    )
    .await;
    let mut noise = Vec::new();
    let start = |page: &'static str, query: &'static str| {
        let url = apps.ws_url("noisy", None);
        async move {
            let mut client = WsClient::connect(&url).await;
            client
                .send(json!({"type": "rerun", "page": page, "query": query}))
                .await;
            client
        }
    };
    // Every kind of noise at once: endless runs, a job spinning, memory
    // bombs, session state floods, and Clear cache during resource builds.
    for _ in 0..4 {
        noise.push(start("spin", "").await);
    }
    noise.push(start("jobs", "case=spin").await);
    noise.push(start("hostile", "case=alloc_loop").await);
    noise.push(start("hostile", "case=huge_session_state&chunk_kib=256").await);
    let mut clearer = start("cached", "resource=0").await;
    let mut calm = WsClient::connect(&apps.ws_url("calm", None)).await;
    let first = calm.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    for i in 1..=20 {
        clearer.send(json!({"type": "clear_cache"})).await;
        clearer
            .send(json!({"type": "rerun", "page": "cached", "query": "resource=0"}))
            .await;
        let done = calm.rerun("counter", json!({ button.clone(): true })).await;
        assert_eq!(finished(&done)["status"], "ok", "click {i}: {done:?}");
        assert_eq!(markdown_texts(&done)[0], format!("count: {i}"));
    }
    let calm_metrics = &apps.app("calm").services.metrics;
    assert_eq!(calm_metrics.runs("error"), 0, "calm had no failed run");
    assert_eq!(calm_metrics.runs("ok"), 21);
    drop(noise);
    drop(clearer);
    apps.shutdown().await;
}
