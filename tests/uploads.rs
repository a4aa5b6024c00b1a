//! File uploads: a file sent over HTTP reaches the page through its
//! `file_uploader`, stays within its session, and is refused past its
//! limits, from another origin, or for an unknown session.

use host::limits::Limits;
use host::server::ServerSettings;
use serde_json::{json, Value};
use tests::{http_post, http_raw, markdown_texts, widget_id, TestServer, WsClient};

const PAGE: &str = "gallery";
const LABEL: &str = "A CSV file";
const CSV: &[u8] = b"region,orders\nnorth,120\nsouth,87\n";

async fn upload(server: &TestServer, session: &str, widget: &str, body: &[u8]) -> (u16, String) {
    let path = format!("/_/upload?session={session}&widget={widget}&name=orders.csv");
    http_post(server.addr, &path, &[("Content-Type", "text/csv")], body).await
}

/// A chunked upload, without `Content-Length`, whose chunks are `chunks`
/// as written (so they may be malformed); returns the status code.
async fn chunked_upload(server: &TestServer, session: &str, widget: &str, chunks: &str) -> u16 {
    let line = format!("POST /_/upload?session={session}&widget={widget}&name=a.csv");
    let head = "Transfer-Encoding: chunked\r\n";
    http_raw(server.addr, &line, head, chunks.as_bytes())
        .await
        .0
}

fn uploader(messages: &[Value]) -> &Value {
    &messages
        .iter()
        .find(|m| m["type"] == "delta" && m["element"]["label"] == LABEL)
        .expect("the uploader is drawn")["element"]
}

fn captions(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .filter(|m| m["type"] == "delta" && m["element"]["kind"] == "caption")
        .filter_map(|m| m["element"]["body"].as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_file_reaches_the_page_until_it_is_removed() {
    let server = TestServer::start(&[PAGE]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun(PAGE, json!({})).await;
    assert!(captions(&first).contains(&"no file yet"));
    let id = widget_id(&first, LABEL);
    assert_eq!(uploader(&first)["max_bytes"], 16 << 20);

    let (status, body) = upload(&server, &client.session, &id, CSV).await;
    assert_eq!(status, 200, "{body}");
    let info: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(info["name"], "orders.csv");
    assert_eq!(info["mime"], "text/csv");
    assert_eq!(info["size"], CSV.len());
    let file = info["id"].as_str().expect("an id").to_owned();

    let with_file = client
        .rerun(PAGE, json!({ id.clone(): [file.clone()] }))
        .await;
    let shown = format!("orders.csv: {} bytes, 3 rows", CSV.len());
    assert!(
        markdown_texts(&with_file).contains(&shown),
        "the page read it"
    );
    assert_eq!(uploader(&with_file)["files"][0]["id"], file);

    // Removed in the browser: the page no longer gets it, and the server
    // let it go, so naming it again brings nothing back.
    let removed = client.rerun(PAGE, json!({ id.clone(): [] })).await;
    assert!(captions(&removed).contains(&"no file yet"));
    let again = client.rerun(PAGE, json!({ id.clone(): [file] })).await;
    assert!(captions(&again).contains(&"no file yet"));
    assert_eq!(server.state.services.uploads.bytes(), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_stays_in_its_session_and_goes_when_the_session_ends() {
    let server = TestServer::start_with(
        &[PAGE],
        Limits::default(),
        ServerSettings {
            session_grace: std::time::Duration::ZERO,
            ..ServerSettings::default()
        },
    )
    .await;
    let mut owner = WsClient::connect(&server.ws_url(None)).await;
    let first = owner.rerun(PAGE, json!({})).await;
    let id = widget_id(&first, LABEL);
    let (status, body) = upload(&server, &owner.session, &id, CSV).await;
    assert_eq!(status, 200, "{body}");
    let file = serde_json::from_str::<Value>(&body).expect("JSON")["id"].clone();

    // Another session naming the same id gets nothing.
    let mut other = WsClient::connect(&server.ws_url(None)).await;
    other.rerun(PAGE, json!({})).await;
    let stolen = other.rerun(PAGE, json!({ id.clone(): [file] })).await;
    assert!(captions(&stolen).contains(&"no file yet"));

    // The owner leaves; once its session is dropped its files are too.
    drop(owner);
    let deadline = std::time::Instant::now() + tests::WAIT;
    while server.state.services.uploads.bytes() != 0 {
        server.state.parked.sweep();
        assert!(std::time::Instant::now() < deadline, "the files stayed");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_past_the_limit_for_strangers_and_across_origins() {
    let limits = Limits {
        upload_file_bytes: 1024,
        ..Limits::default()
    };
    let server = TestServer::start_with(&[PAGE], limits, ServerSettings::default()).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun(PAGE, json!({})).await;
    let id = widget_id(&first, LABEL);

    let (status, body) = upload(&server, &client.session, &id, &[b'x'; 2048]).await;
    assert_eq!(status, 413);
    assert!(body.contains("upload_file_bytes"), "{body}");
    // Without a declared length the limit is found while reading; a body
    // that breaks off is an interrupted upload, not a large one.
    let big = format!("800\r\n{}\r\n0\r\n\r\n", "x".repeat(2048));
    assert_eq!(
        chunked_upload(&server, &client.session, &id, &big).await,
        413
    );
    let broken = "5\r\nhello\r\nzz\r\n";
    assert_eq!(
        chunked_upload(&server, &client.session, &id, broken).await,
        400
    );

    let (status, _) = upload(&server, &"0".repeat(32), &id, CSV).await;
    assert_eq!(status, 404, "an unknown session");

    let path = format!(
        "/_/upload?session={}&widget={id}&name=a.csv",
        client.session
    );
    let (status, _) = http_post(
        server.addr,
        &path,
        &[("Origin", "http://evil.example")],
        CSV,
    )
    .await;
    assert_eq!(status, 403, "another site's page");
    assert_eq!(server.state.services.uploads.bytes(), 0);

    // Forged values are refused by name and change nothing.
    for (value, expected) in [
        (json!(["not-an-id"]), "16 hex digits"),
        (
            json!(["0123456789abcdef", "0123456789abcdee"]),
            "at most 1 files",
        ),
        (json!("orders.csv"), "an array of upload ids"),
    ] {
        client
            .send(json!({"type": "rerun", "page": PAGE, "widgets": { id.clone(): value }}))
            .await;
        let seen = client.until(|m| m["type"] == "error").await;
        let message = seen.last().expect("an error")["message"]
            .as_str()
            .unwrap_or("");
        assert!(message.contains(expected), "{message}");
        client.until(|m| m["type"] == "run_finished").await;
    }
    server.shutdown().await;
}
