//! The `host` binary itself: `run`, `check` and `serve`'s start-up errors.

use std::path::{Path, PathBuf};
use std::process::Command;

fn host() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_host"));
    cmd.arg("--no-cache").env("WASMLIT_LOG", "warn");
    cmd
}

fn page(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("pages")
        .join(name)
}

fn lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

#[test]
fn run_prints_each_delta_then_a_status_line() {
    let out = host()
        .arg("run")
        .arg(page("counter"))
        .arg("--state")
        .arg(r#"{"count": 41}"#)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = lines(&out.stdout);
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["element"]["body"], "Counter");
    assert_eq!(lines[2]["element"]["html"], "<p>count: 41</p>\n");
    let status = &lines[5];
    assert_eq!(status["status"], "ok");
    assert_eq!(status["elements"], 5);
    // Clicking through --widget uses the id printed in the button's delta.
    let button = lines[1]["element"]["id"].as_str().unwrap();
    let out = host()
        .arg("run")
        .arg(page("counter"))
        .args(["--state", r#"{"count": 41}"#, "--widget"])
        .arg(format!("{button}=true"))
        .output()
        .unwrap();
    let lines = self::lines(&out.stdout);
    assert_eq!(lines[2]["element"]["html"], "<p>count: 42</p>\n");
    assert_eq!(lines[5]["session_state"]["count"], 42);
}

#[test]
fn run_exits_non_zero_with_the_message_when_the_page_fails() {
    let out = host().arg("run").arg(page("panic")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = lines(&out.stdout);
    let status = lines.last().unwrap();
    assert_eq!(status["status"], "error");
    assert!(status["message"]
        .as_str()
        .unwrap()
        .contains("the data set is empty"));
}

#[test]
fn run_refuses_a_widget_value_of_the_wrong_type() {
    let out = host().arg("run").arg(page("counter")).output().unwrap();
    let slider = lines(&out.stdout)[3]["element"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = host()
        .arg("run")
        .arg(page("counter"))
        .arg("--widget")
        .arg(format!("{slider}=\"big\""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let status = lines(&out.stdout).pop().unwrap();
    assert!(
        status["rejected"][0]
            .as_str()
            .unwrap()
            .contains("slider expects an integer"),
        "{status}"
    );
}

#[test]
fn check_lists_imports_and_refuses_what_is_not_a_component() {
    let out = host().arg("check").arg(page("hello")).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("satisfies wasmlit:page@0.1.0"), "{text}");
    assert!(text.contains("wasmlit:page/ui@0.1.0"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let core = dir.path().join("core.wasm");
    // The smallest core module: magic and version 1.
    std::fs::write(&core, b"\0asm\x01\0\0\0").unwrap();
    let out = host().arg("check").arg(&core).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a component"));
}

#[test]
fn serve_on_a_busy_port_says_so() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let wasm = host::runtime::page_build::build_crate(&page("hello"), &Default::default()).unwrap();
    std::fs::copy(wasm, dir.path().join("hello.wasm")).unwrap();
    let out = host()
        .arg("serve")
        .arg(dir.path())
        .args(["--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
}

#[test]
fn serve_shuts_down_gracefully_on_sigterm_and_tells_clients() {
    use futures_util::StreamExt;
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let wasm = host::runtime::page_build::build_crate(&page("spin"), &Default::default()).unwrap();
    std::fs::copy(wasm, dir.path().join("spin.wasm")).unwrap();
    let mut server = host()
        .arg("serve")
        .arg(dir.path())
        .args(["--port", "0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = stderr
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split("Open: http://")
                .nth(1)
                .map(|a| a.split('/').next().unwrap().to_owned())
        })
        .expect("the server prints its address");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/_/ws"))
            .await
            .unwrap();
        use futures_util::SinkExt;
        ws.send(r#"{"type":"rerun","page":"spin"}"#.into())
            .await
            .unwrap();
        // Wait until spin is looping, then ask the server to stop.
        loop {
            let text = ws.next().await.unwrap().unwrap().into_text().unwrap();
            if text.contains(r#""path":[0,1]"#) {
                break;
            }
        }
        // SAFETY: sending a signal to a child process we own.
        assert_eq!(unsafe { libc::kill(server.id() as i32, libc::SIGTERM) }, 0);
        let mut seen = Vec::new();
        while let Some(Ok(message)) = ws.next().await {
            if let Ok(text) = message.into_text() {
                seen.push(text.to_string());
            }
        }
        assert!(
            seen.iter().any(|m| m.contains(r#""status":"shutdown""#)),
            "{seen:?}"
        );
        assert!(
            seen.iter().any(|m| m.contains(r#"{"type":"shutdown"}"#)),
            "{seen:?}"
        );
    });
    let status = server.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
}
