//! The session protocol against a real server on port 0, with real pages.

use serde_json::json;
use tests::{finished, markdown_texts, widget_id, TestServer, WsClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_lists_pages_and_counter_renders() {
    let server = TestServer::start(&["counter", "hello"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    assert_eq!(client.session.len(), 32, "128-bit hex id");
    assert_eq!(client.hello["resumed"], false);
    let names: Vec<&str> = client.hello["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["counter", "hello"]);
    let messages = client.rerun("counter", json!({})).await;
    assert_eq!(finished(&messages)["status"], "ok");
    assert_eq!(markdown_texts(&messages), ["count: 0", "square: 0"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_increment_three_times_counts_three_and_slider_squares() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    let slider = widget_id(&first, "n");
    let mut last = Vec::new();
    for _ in 0..3 {
        last = client
            .rerun("counter", json!({ button.clone(): true }))
            .await;
    }
    assert_eq!(markdown_texts(&last)[0], "count: 3");
    let moved = client.rerun("counter", json!({ slider: 12 })).await;
    assert_eq!(markdown_texts(&moved), ["count: 3", "square: 144"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_rerun_cancels_spin_and_its_late_deltas_never_arrive() {
    let server = TestServer::start(&["counter", "spin"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    client.send(json!({"type": "rerun", "page": "spin"})).await;
    // Wait until spin has drawn its two elements and is looping.
    let seen = client
        .until(|m| m["type"] == "delta" && m["path"] == json!([0, 1]))
        .await;
    let spin_run = seen.iter().find(|m| m["type"] == "run_started").unwrap()["run"].clone();
    let after = client.rerun("counter", json!({})).await;
    let replaced = after
        .iter()
        .find(|m| m["type"] == "run_finished" && m["run"] == spin_run)
        .expect("spin's run is reported");
    assert_eq!(replaced["status"], "replaced");
    let counter_run = after.iter().find(|m| m["type"] == "run_started").unwrap()["run"].clone();
    for m in after.iter().filter(|m| m["type"] == "delta") {
        assert_eq!(
            m["run"], counter_run,
            "a delta of the cancelled run arrived: {m}"
        );
    }
    assert_eq!(finished(&after)["status"], "ok");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_a_spinning_run() {
    let server = TestServer::start(&["spin"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    client.send(json!({"type": "rerun", "page": "spin"})).await;
    client
        .until(|m| m["type"] == "delta" && m["path"] == json!([0, 1]))
        .await;
    client.send(json!({"type": "stop"})).await;
    let end = client.until(|m| m["type"] == "run_finished").await;
    assert_eq!(end.last().unwrap()["status"], "stopped");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_followed_at_once_by_another_rerun_counts_exactly_once() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    let slider = widget_id(&first, "n");
    // Two requests back to back: the click's run may be replaced by the
    // slider's; the click must still count, once.
    client
        .send(json!({"type": "rerun", "page": "counter", "widgets": { button: true }}))
        .await;
    client
        .send(json!({"type": "rerun", "page": "counter", "widgets": { slider: 3 }}))
        .await;
    let mut ends = 0;
    let seen = client
        .until(|m| {
            if m["type"] == "run_finished" {
                ends += 1;
            }
            ends == 2
        })
        .await;
    let last_run = seen.last().unwrap()["run"].clone();
    assert_eq!(seen.last().unwrap()["status"], "ok");
    let last: Vec<_> = seen.into_iter().filter(|m| m["run"] == last_run).collect();
    assert_eq!(markdown_texts(&last), ["count: 1", "square: 9"]);
    let again = client.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&again)[0], "count: 1");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnecting_client_resumes_its_session_state() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    client
        .rerun("counter", json!({ button.clone(): true }))
        .await;
    client.rerun("counter", json!({ button: true })).await;
    let id = client.session.clone();
    drop(client);
    // The new socket may arrive before the server has seen the old one
    // close (as on a page reload); the server waits for it.
    let mut resumed = WsClient::resume(&server.ws_url(None), &id).await;
    assert_eq!(resumed.hello["resumed"], true);
    assert_eq!(resumed.session, id);
    let messages = resumed.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&messages)[0], "count: 2");
    server.shutdown().await;
}

/// Everything the host logs, at every level, from the moment it is set up
/// (for this test binary).
#[derive(Clone, Default)]
struct CapturedLog(std::sync::Arc<parking_lot::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_id_travels_in_hello_never_in_the_url_and_is_never_logged() {
    let log = CapturedLog::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("host=trace"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    client.rerun("counter", json!({ button: true })).await;
    client.send_text("{not json".into()).await;
    client.until(|m| m["type"] == "error").await;
    let id = client.session.clone();
    drop(client);
    // An id in the URL's query, as clients once sent it, is not read: a
    // fresh session.
    let mut by_url = WsClient::connect(&server.ws_url(Some(&id))).await;
    assert_eq!(by_url.hello["resumed"], false, "{}", by_url.hello);
    assert_ne!(by_url.session, id);
    let fresh = by_url.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&fresh)[0], "count: 0");
    // Named in `hello`, it resumes.
    let mut resumed = WsClient::resume(&server.ws_url(None), &id).await;
    assert_eq!(resumed.hello["resumed"], true, "{}", resumed.hello);
    let back = resumed.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&back)[0], "count: 1");
    let other = by_url.session.clone();
    drop(resumed);
    drop(by_url);
    server.shutdown().await;
    let log = String::from_utf8_lossy(&log.0.lock()).into_owned();
    assert!(
        log.contains("session connected"),
        "the log was captured: {log}"
    );
    assert!(log.contains("session disconnected"), "{log}");
    for secret in [&id, &other] {
        assert!(
            !log.contains(secret.as_str()),
            "{secret} is in the log:\n{log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_sends_no_hello_is_closed_after_hello_timeout() {
    use futures_util::StreamExt;
    let settings = host::web::server::ServerSettings {
        hello_timeout: std::time::Duration::from_millis(300),
        ..host::web::server::ServerSettings::default()
    };
    let server = TestServer::start_with(&["counter"], Default::default(), settings).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(server.ws_url(None))
        .await
        .expect("connects");
    let mut texts = Vec::new();
    while let Some(Ok(message)) = tokio::time::timeout(tests::WAIT, ws.next())
        .await
        .expect("the server ends the socket within the wait")
    {
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
            texts.push(text.as_str().to_owned());
        }
    }
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("hello_timeout"), "{texts:?}");
    assert!(texts[0].contains(r#""type":"error""#), "{texts:?}");
    assert_eq!(server.state.parked.connected(), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_session_id_gets_a_fresh_session() {
    let server = TestServer::start(&["counter"]).await;
    let forged = "0123456789abcdef0123456789abcdef";
    let client = WsClient::resume(&server.ws_url(None), forged).await;
    assert_eq!(client.hello["resumed"], false);
    assert_ne!(client.session, forged);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_messages_get_clear_errors_and_the_session_lives_on() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    let slider = widget_id(&first, "n");

    client.send_text("{not json".into()).await;
    let error = client.recv().await;
    assert_eq!(error["type"], "error");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed message"),
        "{error}"
    );

    client.send_text("x".repeat(100 * 1024)).await;
    let error = client.recv().await;
    assert!(
        error["message"].as_str().unwrap().contains("message_bytes"),
        "{error}"
    );

    let messages = client
        .rerun("counter", json!({ slider.clone(): "seven" }))
        .await;
    let error = messages
        .iter()
        .find(|m| m["type"] == "refused")
        .expect("a refusal");
    assert_eq!(error["widget"], json!(slider), "refused by the widget's id");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("slider expects an integer, got a string"));
    assert_eq!(markdown_texts(&messages)[1], "square: 0");

    let messages = client
        .rerun("counter", json!({ slider.clone(): 1000 }))
        .await;
    assert!(messages
        .iter()
        .any(|m| m["type"] == "refused"
            && m["message"].as_str().unwrap().contains("outside 0..=100")));

    let messages = client.rerun("counter", json!({ "slider:forged": 1 })).await;
    assert!(messages.iter().any(|m| m["type"] == "refused"
        && m["widget"] == "slider:forged"
        && m["message"].as_str().unwrap().contains("unknown widget id")));

    let missing = client.rerun("nope", json!({})).await;
    assert_eq!(missing.last().unwrap()["type"], "page_not_found");

    // Still alive, and earlier valid values are kept.
    client.rerun("counter", json!({ slider.clone(): 4 })).await;
    let messages = client.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&messages)[1], "square: 16");
    client.send(json!({"type": "heartbeat"})).await;
    assert_eq!(client.recv().await["type"], "heartbeat");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_websocket_is_refused() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let server = TestServer::start(&["counter"]).await;
    let mut request = server.ws_url(None).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Origin", "http://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request).await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_tells_connected_clients() {
    let server = TestServer::start(&["spin"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    client.send(json!({"type": "rerun", "page": "spin"})).await;
    client
        .until(|m| m["type"] == "delta" && m["path"] == json!([0, 1]))
        .await;
    server.state.begin_shutdown();
    client.until(|m| m["type"] == "shutdown").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_app_shell_are_served() {
    let server = TestServer::start(&["counter"]).await;
    let get = |path: &str| {
        let addr = server.addr;
        let path = path.to_owned();
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            tcp.write_all(
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await
            .unwrap();
            let mut body = String::new();
            tcp.read_to_string(&mut body).await.unwrap();
            body
        }
    };
    assert!(get("/_/health").await.ends_with("ok"));
    let shell = get("/counter").await;
    assert!(shell.starts_with("HTTP/1.1 200"), "{shell}");
    assert!(shell.contains("/_/app.js"));
    assert!(get("/_/app.js").await.contains("text/javascript"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_wasm_file_is_reloaded_and_its_sessions_rerun() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    assert!(first.iter().any(|m| m["element"]["html"] == "Counter"));
    // Replace the page with a different build (hello's), as a rebuild would.
    let target = server.dir.path().join("counter.wasm");
    let staged = server.dir.path().join("counter.wasm.new");
    std::fs::copy(tests::page_wasm("hello"), &staged).unwrap();
    std::fs::rename(&staged, &target).unwrap();
    let seen = client
        .until(|m| m["type"] == "delta" && m["element"]["html"] == "Hello")
        .await;
    assert!(
        seen.iter().any(|m| m["type"] == "pages"),
        "the navigation was refreshed"
    );
    assert!(
        seen.iter().any(|m| m["type"] == "run_started"),
        "the session reran"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_calls_rerun_is_run_again_and_a_rerun_loop_is_bounded() {
    let server = TestServer::start(&["control_flow"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("control_flow", json!({})).await;
    let mode = widget_id(&first, "Mode");
    // Mode "rerun": the page reruns itself twice, then draws.
    client
        .send(json!({"type": "rerun", "page": "control_flow", "widgets": { mode.clone(): 1 }}))
        .await;
    let seen = client
        .until(|m| m["element"]["body"] == "ran 3 times")
        .await;
    assert_eq!(
        seen.iter().filter(|m| m["type"] == "run_started").count(),
        3
    );
    // Mode "rerun_forever": stopped after `consecutive_reruns`.
    client
        .send(json!({"type": "rerun", "page": "control_flow", "widgets": { mode: 4 }}))
        .await;
    let seen = client
        .until(|m| m["type"] == "run_finished" && m["status"] == "error")
        .await;
    let last = seen.last().unwrap();
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .contains("consecutive_reruns"),
        "{last}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_widget_takes_no_value_from_the_browser() {
    let server = TestServer::start(&["widgets"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("widgets", json!({})).await;
    let disabled = widget_id(&first, "Disabled");
    let messages = client.rerun("widgets", json!({ disabled: false })).await;
    let error = messages
        .iter()
        .find(|m| m["type"] == "refused")
        .expect("refused");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no enabled widget"),
        "{error}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_string_reaches_the_page() {
    let server = TestServer::start(&["hello"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    client
        .send(json!({"type": "rerun", "page": "hello", "query": "name=Lin"}))
        .await;
    client
        .until(|m| m["element"]["html"] == "Hello, Lin!")
        .await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_click_on_the_same_button_is_not_taken_for_the_first() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    client
        .send(json!({"type": "rerun", "page": "counter", "widgets": { button.clone(): true }}))
        .await;
    // The first click's run has drawn the button (and so received the click).
    client
        .until(|m| m["type"] == "delta" && m["element"]["id"] == button.as_str())
        .await;
    client
        .send(json!({"type": "rerun", "page": "counter", "widgets": { button.clone(): true }}))
        .await;
    let mut ends = 0;
    client
        .until(|m| {
            ends += usize::from(m["type"] == "run_finished");
            ends == 2
        })
        .await;
    let after = client.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&after)[0], "count: 2");
    server.shutdown().await;
}

/// The `pages` message among `messages`: its page names and position.
fn navigation(messages: &[serde_json::Value]) -> Option<(Vec<String>, String)> {
    let pages = messages.iter().rev().find(|m| m["type"] == "pages")?;
    let names = pages["pages"]
        .as_array()?
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    Some((names, pages["position"].as_str()?.to_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_sets_its_sessions_navigation_and_pages_outside_it_are_not_opened() {
    let dir = tests::wasm_dir(&["control_flow", "hello", "counter"]);
    // `counter` is hidden until a run lists it.
    std::fs::write(
        dir.path().join("wasmlit.toml"),
        "[[pages]]\nname = \"control_flow\"\n\n[[pages]]\nname = \"counter\"\nhidden = true\n",
    )
    .unwrap();
    let server = TestServer::start_in(
        dir,
        host::runtime::limits::Limits::default(),
        host::web::server::ServerSettings::default(),
    )
    .await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let listed: Vec<&str> = client.hello["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        listed,
        ["control_flow", "hello"],
        "the hidden page is not listed"
    );
    assert_eq!(client.hello["pages"][0]["default"], true);
    assert_eq!(client.hello["position"], "sidebar");
    let hidden = client.rerun("counter", json!({})).await;
    assert_eq!(hidden.last().unwrap()["type"], "page_not_found");

    // A run sets the navigation: sections, icons, the default, the top.
    let after = client
        .rerun_query("control_flow", json!({}), "op=nav")
        .await;
    assert_eq!(finished(&after)["status"], "ok", "{after:?}");
    let pages = after
        .iter()
        .find(|m| m["type"] == "pages")
        .expect("the new navigation");
    assert_eq!(pages["position"], "top");
    assert_eq!(pages["pages"][0]["title"], "Flow");
    assert_eq!(pages["pages"][0]["section"], "Tests");
    assert_eq!(pages["pages"][0]["default"], true);
    assert_eq!(pages["pages"][1]["icon"]["name"], "👋");
    assert_eq!(pages["pages"][1]["title"], "Hello", "the app's own title");
    assert_eq!(
        navigation(&after),
        Some((vec!["control_flow".into(), "hello".into()], "top".into()))
    );
    // Only listed pages open; a hidden page opens once a navigation lists it.
    let refused = client.rerun("counter", json!({})).await;
    assert_eq!(refused.last().unwrap()["type"], "page_not_found");
    let hello = client.rerun("hello", json!({})).await;
    assert_eq!(finished(&hello)["status"], "ok");
    let after = client
        .rerun_query("control_flow", json!({}), "op=nav&admin=1")
        .await;
    assert_eq!(
        navigation(&after).map(|(names, _)| names),
        Some(vec![
            "control_flow".into(),
            "hello".into(),
            "counter".into()
        ])
    );
    let counter = client.rerun("counter", json!({})).await;
    assert_eq!(finished(&counter)["status"], "ok");

    // A page asked for while a run that leaves it out is going is not run:
    // the rule holds when the run starts, not when it was asked for.
    client
        .send(json!({"type": "rerun", "page": "control_flow", "query": "op=nav_slow"}))
        .await;
    client.until(|m| m["type"] == "run_started").await;
    client
        .send(json!({"type": "rerun", "page": "counter"}))
        .await;
    let raced = client.until(|m| m["type"] == "page_not_found").await;
    assert_eq!(raced.last().unwrap()["page"], "counter");
    assert!(
        !raced
            .iter()
            .any(|m| m["type"] == "run_started" && m["page"] == "counter"),
        "{raced:?}"
    );
    client
        .rerun_query("control_flow", json!({}), "op=nav&admin=1")
        .await;

    // The session keeps its navigation when the browser reconnects.
    let id = client.session.clone();
    drop(client);
    let again = WsClient::resume(&server.ws_url(None), &id).await;
    assert_eq!(again.hello["position"], "top");
    assert_eq!(again.hello["pages"].as_array().map(Vec::len), Some(3));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_and_switch_page_name_pages_the_app_has() {
    let server = TestServer::start(&["control_flow", "hello"]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    for (op, says) in [
        (
            "nav_unknown",
            "navigation: this app has no page named \"nope\"",
        ),
        ("nav_twice", "navigation: page \"hello\" is listed twice"),
        (
            "switch_unknown",
            "switch_page: this app has no page named \"nope\"",
        ),
        (
            "link_unknown",
            "page_link: this app has no page named \"nope\"",
        ),
    ] {
        let seen = client
            .rerun_query("control_flow", json!({}), &format!("op={op}"))
            .await;
        let end = finished(&seen);
        assert_eq!(end["status"], "error", "{op}: {end}");
        let message = end["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{op}: {message}");
        assert!(
            !message.contains("its pages"),
            "hidden pages are not named: {message}"
        );
        assert!(navigation(&seen).is_none(), "{op} changed nothing");
    }
    // switch_page with query parameters: the browser opens them.
    let seen = client
        .rerun_query("control_flow", json!({}), "op=switch_query")
        .await;
    let switch = seen
        .iter()
        .find(|m| m["element"]["kind"] == "switch_page")
        .expect("a switch_page delta");
    assert_eq!(switch["element"]["page"], "hello");
    assert_eq!(switch["element"]["query"], "name=Ada+Lovelace");
    server.shutdown().await;
}
