//! Hostile clients at the door: a connection flood is bounded with a clean
//! refusal, a session that talks too fast is slowed, and a client that never
//! reads is disconnected; well-behaved sessions keep working throughout.

use host::runtime::limits::Limits;
use host::web::admission::{Admission, AdmissionSettings};
use host::web::server::ServerSettings;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tests::{markdown_texts, widget_id, TestServer, WsClient};

fn settings(admission: AdmissionSettings) -> ServerSettings {
    ServerSettings {
        admission: Arc::new(Admission::new(admission)),
        ..ServerSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_flood_is_refused_cleanly_and_others_keep_working() {
    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        settings(AdmissionSettings {
            max_connections_per_ip: 5,
            ..AdmissionSettings::default()
        }),
    )
    .await;
    let mut good = WsClient::connect(&server.ws_url(None)).await;
    let first = good.rerun("counter", json!({})).await;
    let mut flood = Vec::new();
    for _ in 0..4 {
        flood.push(WsClient::connect(&server.ws_url(None)).await);
    }
    // The sixth connection from this address is refused with 503 and the
    // setting's name; nothing else changes.
    let refused = tokio_tungstenite::connect_async(server.ws_url(None))
        .await
        .expect_err("the connection is refused");
    let tokio_tungstenite::tungstenite::Error::Http(response) = refused else {
        panic!("an HTTP refusal, got {refused:?}");
    };
    assert_eq!(response.status(), 503);
    let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned();
    assert!(body.contains("max_connections_per_ip"), "{body}");
    let button = widget_id(&first, "Increment");
    let clicked = good.rerun("counter", json!({ button: true })).await;
    assert_eq!(markdown_texts(&clicked)[0], "count: 1");
    // A closed connection frees its place.
    drop(flood.pop());
    let deadline = std::time::Instant::now() + tests::WAIT;
    while server.state.settings.admission.open() > 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "the place was not freed"
        );
        tokio::task::yield_now().await;
    }
    WsClient::connect(&server.ws_url(None)).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_talks_too_fast_is_slowed_and_goes_on() {
    let server = TestServer::start_with(
        &["counter"],
        Limits::default(),
        settings(AdmissionSettings {
            session_messages_per_second: 20.0,
            session_messages_burst: 10.0,
            ..AdmissionSettings::default()
        }),
    )
    .await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    for _ in 0..40 {
        client.send(json!({"type": "heartbeat"})).await;
    }
    let mut answered = 0;
    let mut slowed = 0;
    while answered + slowed < 40 {
        let message = client.recv().await;
        match message["type"].as_str() {
            Some("heartbeat") => answered += 1,
            Some("error") => {
                let text = message["message"].as_str().unwrap_or("");
                assert!(text.contains("session_messages_per_second"), "{text}");
                slowed += 1;
            }
            _ => {}
        }
    }
    assert!(answered >= 10, "the burst is served: {answered}");
    assert!(slowed > 0, "past the burst, messages are refused");
    // The session is still there: once the bucket refills it answers again.
    loop {
        client.send(json!({"type": "heartbeat"})).await;
        if client.recv().await["type"] == "heartbeat" {
            break;
        }
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_disconnected_after_the_send_timeout() {
    let server = TestServer::start_with(
        &["big_table", "counter"],
        Limits::default(),
        ServerSettings {
            send_timeout: Duration::from_millis(500),
            ..ServerSettings::default()
        },
    )
    .await;
    // A client asks for several large tables and then reads nothing: the
    // server's sends fill the socket's buffers and stall.
    let mut silent = WsClient::connect(&server.ws_url(None)).await;
    for _ in 0..6 {
        silent
            .send(json!({"type": "rerun", "page": "big_table", "query": "rows=300000"}))
            .await;
    }
    let deadline = std::time::Instant::now() + tests::WAIT;
    while server.state.parked.parked() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the silent client's session was not parked"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Everyone else was served meanwhile and still is.
    let mut good = WsClient::connect(&server.ws_url(None)).await;
    let done = good.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&done)[0], "count: 0");
    drop(silent);
    server.shutdown().await;
}
