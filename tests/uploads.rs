//! File uploads: a file sent over HTTP reaches the page through its
//! `file_uploader`, stays within its session, and is refused past its
//! limits, from another origin, or for an unknown session. Bodies are
//! counted as they arrive: a refusal comes while the client still sends,
//! and a stalled, broken or abandoned upload gives its bytes back.

use host::runtime::limits::Limits;
use host::web::server::{ServerSettings, SESSION_HEADER};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::{http_post, http_raw, markdown_texts, widget_id, TestServer, WsClient, WAIT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PAGE: &str = "gallery";
const LABEL: &str = "A CSV file";
const CSV: &[u8] = b"region,orders\nnorth,120\nsouth,87\n";

async fn upload(server: &TestServer, session: &str, widget: &str, body: &[u8]) -> (u16, String) {
    let path = format!("/_/upload?widget={widget}&name=orders.csv");
    let headers = [("Content-Type", "text/csv"), (SESSION_HEADER, session)];
    http_post(server.addr, &path, &headers, body).await
}

/// A chunked upload, without `Content-Length`, whose chunks are `chunks`
/// as written (so they may be malformed); returns the status code.
async fn chunked_upload(server: &TestServer, session: &str, widget: &str, chunks: &str) -> u16 {
    let line = format!("POST /_/upload?widget={widget}&name=a.csv");
    let head = format!("Transfer-Encoding: chunked\r\n{SESSION_HEADER}: {session}\r\n");
    http_raw(server.addr, &line, &head, chunks.as_bytes())
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
        .filter_map(|m| m["element"]["html"].as_str())
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

    let path = format!("/_/upload?widget={id}&name=a.csv");
    let (status, _) = http_post(
        server.addr,
        &path,
        &[
            ("Origin", "http://evil.example"),
            (SESSION_HEADER, &client.session),
        ],
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
        let seen = client.until(|m| m["type"] == "refused").await;
        let message = seen.last().expect("a refusal")["message"]
            .as_str()
            .unwrap_or("");
        assert!(message.contains(expected), "{message}");
        client.until(|m| m["type"] == "run_finished").await;
    }
    server.shutdown().await;
}

/// The page's uploader widget id in a fresh session of `server`.
async fn session_with_uploader(server: &TestServer) -> (WsClient, String) {
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun(PAGE, json!({})).await;
    let id = widget_id(&first, LABEL);
    (client, id)
}

/// Waits until `done` holds (the server's upload counters move as bytes
/// arrive; there is no event to await from outside).
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// An upload on a raw socket whose head is written at once and whose body
/// is written by the caller.
async fn open_upload(
    server: &TestServer,
    session: &str,
    widget: &str,
    length: Option<usize>,
) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connects");
    let framing = match length {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".into(),
    };
    let head = format!(
        "POST /_/upload?widget={widget}&name=big.bin HTTP/1.1\r\nHost: {}\r\n\
         Connection: close\r\n{SESSION_HEADER}: {session}\r\n{framing}\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream
}

/// Reads the answer until the server closes (or resets) the connection;
/// returns its status and body.
async fn read_answer(reader: &mut (impl AsyncReadExt + Unpin)) -> (u16, String) {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("an answer within the wait");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Sends a body far larger than the session may hold, declared or
/// chunked; the server must answer while the client is still writing.
async fn refused_while_sending(
    server: &TestServer,
    session: &str,
    widget: &str,
    declared: bool,
) -> (u16, String, usize, bool) {
    const TOTAL: usize = 512 << 20;
    let stream = open_upload(server, session, widget, declared.then_some(TOTAL)).await;
    let (mut reader, mut writer) = stream.into_split();
    let sent = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let sending = tokio::spawn({
        let (sent, finished) = (sent.clone(), finished.clone());
        async move {
            let chunk = vec![b'x'; 64 << 10];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk.clone(),
                b"\r\n".to_vec(),
            ]
            .concat();
            while sent.load(Ordering::SeqCst) < TOTAL {
                let piece = if declared { &chunk } else { &framed };
                if writer.write_all(piece).await.is_err() {
                    return;
                }
                sent.fetch_add(chunk.len(), Ordering::SeqCst);
            }
            finished.store(true, Ordering::SeqCst);
        }
    });
    let (status, body) = read_answer(&mut reader).await;
    let all_sent = finished.load(Ordering::SeqCst);
    let sent = sent.load(Ordering::SeqCst);
    sending.abort();
    (status, body, sent, all_sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_past_the_session_limit_is_refused_while_it_is_still_being_sent() {
    let limits = Limits {
        upload_file_bytes: 1 << 30,
        upload_session_bytes: 2 << 20,
        ..Limits::default()
    };
    let server = TestServer::start_with(&[PAGE], limits, ServerSettings::default()).await;
    let (_client, id) = session_with_uploader(&server).await;
    for declared in [false, true] {
        let (status, body, sent, all_sent) =
            refused_while_sending(&server, &_client.session, &id, declared).await;
        assert_eq!(status, 413, "declared: {declared}: {body}");
        assert!(body.contains("upload_session_bytes"), "{body}");
        assert!(
            !all_sent,
            "declared: {declared}: the answer came only after all {sent} bytes were sent"
        );
        // What arrived is released with the refusal.
        assert_eq!(server.state.services.uploads.bytes(), 0);
        assert_eq!(server.state.services.uploads.in_flight(), 0);
    }
    // The session can still upload a file that fits.
    let (status, body) = upload(&server, &_client.session, &id, CSV).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_counts_while_it_waits_and_is_refused_at_the_body_timeout() {
    let limits = Limits {
        upload_session_bytes: 1 << 20,
        upload_body_timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let server = TestServer::start_with(&[PAGE], limits, ServerSettings::default()).await;
    let (client, id) = session_with_uploader(&server).await;
    let uploads = &server.state.services.uploads;
    // One byte short of the declared length, then silence.
    let size = 600 << 10;
    let mut stalled = open_upload(&server, &client.session, &id, Some(size)).await;
    stalled
        .write_all(&vec![b'x'; size - 1])
        .await
        .expect("write");
    until("the stalled body is counted", || {
        uploads.bytes() == size - 1
    })
    .await;
    // Its bytes count against the session's limit while it waits.
    let (status, body) = upload(&server, &client.session, &id, &vec![b'y'; size]).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("upload_session_bytes"), "{body}");
    // The body timeout ends it, and its bytes and place are free again.
    let (status, body) = read_answer(&mut stalled).await;
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("upload_body_timeout"), "{body}");
    assert_eq!(uploads.bytes(), 0);
    assert_eq!(uploads.in_flight(), 0);
    let (status, body) = upload(&server, &client.session, &id, &vec![b'y'; size]).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_mid_upload_releases_its_bytes_at_once() {
    let server = TestServer::start(&[PAGE]).await;
    let (client, id) = session_with_uploader(&server).await;
    let uploads = &server.state.services.uploads;
    let mut gone = open_upload(&server, &client.session, &id, Some(1 << 20)).await;
    gone.write_all(&vec![b'x'; 512 << 10]).await.expect("write");
    until("the partial body is counted", || {
        uploads.bytes() == 512 << 10
    })
    .await;
    assert_eq!(uploads.in_flight(), 1);
    drop(gone);
    // Well before the body timeout (2 min by default).
    until("the bytes are released", || {
        uploads.bytes() == 0 && uploads.in_flight() == 0
    })
    .await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_past_upload_concurrent_per_session_are_refused_until_one_ends() {
    let limits = Limits {
        upload_concurrent_per_session: 2,
        ..Limits::default()
    };
    let server = TestServer::start_with(&[PAGE], limits, ServerSettings::default()).await;
    let (client, id) = session_with_uploader(&server).await;
    let uploads = &server.state.services.uploads;
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut stream = open_upload(&server, &client.session, &id, Some(1 << 20)).await;
        stream.write_all(b"partial").await.expect("write");
        open.push(stream);
    }
    until("both uploads are in flight", || uploads.in_flight() == 2).await;
    let (status, body) = upload(&server, &client.session, &id, CSV).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("upload_concurrent_per_session"), "{body}");
    // Another session is not held back by this one's uploads.
    let (other, other_id) = session_with_uploader(&server).await;
    let (status, body) = upload(&server, &other.session, &other_id, CSV).await;
    assert_eq!(status, 200, "{body}");
    // One ends: its place is free again.
    drop(open.pop());
    until("one upload is left", || uploads.in_flight() == 1).await;
    let (status, body) = upload(&server, &client.session, &id, CSV).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_names_lose_bidi_and_other_format_characters() {
    let server = TestServer::start(&[PAGE]).await;
    let (client, id) = session_with_uploader(&server).await;
    // "invoice" U+202E "fdp.exe" shows as "invoiceexe.pdf"; the others are
    // invisible marks, isolates and zero-width characters.
    let name = "in%E2%80%8Bvoice%E2%80%AEfdp%E2%81%A6%E2%80%8F.exe%EF%BB%BF%C2%AD%0A";
    let path = format!("/_/upload?widget={id}&name={name}");
    let headers = [(SESSION_HEADER, client.session.as_str())];
    let (status, body) = http_post(server.addr, &path, &headers, CSV).await;
    assert_eq!(status, 200, "{body}");
    let info: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(info["name"], "invoicefdp.exe");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_names_its_session_in_a_header_not_in_the_url() {
    let server = TestServer::start(&[PAGE]).await;
    let (client, id) = session_with_uploader(&server).await;
    // The session in the query (as before) is not read.
    let path = format!(
        "/_/upload?session={}&widget={id}&name=a.csv",
        client.session
    );
    let (status, body) = http_post(server.addr, &path, &[], CSV).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains(SESSION_HEADER), "{body}");
    assert_eq!(server.state.services.uploads.bytes(), 0);
    let (status, body) = upload(&server, &client.session, &id, CSV).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}
