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

/// A `host serve` (or `host hello`) child, killed when dropped (also when a
/// test fails), and the address it printed.
struct Served {
    child: std::process::Child,
    addr: String,
    /// What the server printed after its address, as a terminal would keep it.
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Served {
    /// Starts the server and keeps reading what it prints.
    fn start(cmd: Command) -> Served {
        Self::start_with(cmd, true)
    }

    /// Starts the server; unless `keep_reading`, its stderr is closed once
    /// it has printed its address, as a supervisor that stops reading does.
    fn start_with(mut cmd: Command, keep_reading: bool) -> Served {
        use std::io::{BufRead, BufReader};
        let mut child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = stderr
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                l.split("Open: http://")
                    .nth(1)
                    .map(|a| a.split('/').next().unwrap().to_owned())
            })
            .expect("the server prints its address");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        if !keep_reading {
            drop(stderr);
            return Served { child, addr, log };
        }
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in stderr.map_while(Result::ok) {
                let mut log = kept.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Served { child, addr, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    assert_eq!(lines[0]["element"]["html"], "Counter");
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
    assert!(text.contains("satisfies wasmlit:page@0.2.0"), "{text}");
    assert!(text.contains("wasmlit:page/ui@0.2.0"), "{text}");

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
    let dir = tempfile::tempdir().unwrap();
    let wasm = host::runtime::page_build::build_crate(&page("spin"), &Default::default()).unwrap();
    std::fs::copy(wasm, dir.path().join("spin.wasm")).unwrap();
    let mut serve = host();
    serve.arg("serve").arg(dir.path()).args(["--port", "0"]);
    let mut server = Served::start(serve);
    let addr = server.addr.clone();
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
        assert_eq!(
            unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) },
            0
        );
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
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
}

/// A page built against another version of the contract is refused with
/// the versions and which side to update, not with a linker error.
#[test]
fn a_page_built_for_another_contract_version_is_refused_with_what_to_update() {
    let wasm = host::runtime::page_build::build_crate(&page("hello"), &Default::default()).unwrap();
    let bytes = std::fs::read(wasm).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The contract's version is in every import name; a page built against
    // another version names it there (same length, so the binary stays valid).
    for (version, says) in [
        ("9.9.9", "newer than this host"),
        ("0.0.9", "older than this host"),
    ] {
        let other = replace_all(
            &bytes,
            b"wasmlit:page/ui@0.2.0",
            format!("wasmlit:page/ui@{version}").as_bytes(),
        );
        let path = dir.path().join(format!("v{version}.wasm"));
        std::fs::write(&path, other).unwrap();
        let out = host().arg("check").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("page contract {version}")),
            "{stderr}"
        );
        assert!(stderr.contains("implements 0.2.0"), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = haystack.to_vec();
    let mut found = 0;
    for i in 0..out.len().saturating_sub(from.len() - 1) {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            found += 1;
        }
    }
    assert!(found > 0, "the contract's name is in the component");
    out
}

/// A newcomer's first hour, outside this repository: `host new` makes a page
/// crate that builds against the SDK this binary carries, passes its own
/// AppTest test, and `host serve .` inside it serves it.
#[test]
fn host_new_makes_a_page_that_builds_passes_its_test_and_is_served_from_its_own_directory() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let new = |args: &[&str]| {
        host()
            .arg("--cache-dir")
            .arg(&cache)
            .arg("new")
            .args(args)
            .current_dir(work.path())
            .output()
            .unwrap()
    };
    let out = new(&["sales_report"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("host serve ."), "{stdout}");
    let dir = work.path().join("sales_report");
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "src/lib.rs",
        "tests/page.rs",
        ".gitignore",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    // Nothing points into this repository.
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    assert!(
        !manifest.contains(&repo.display().to_string()),
        "{manifest}"
    );
    // An app root: its app.toml and a first page in pages/.
    let app = new(&["--app", "shop"]);
    assert!(
        app.status.success(),
        "{}",
        String::from_utf8_lossy(&app.stderr)
    );
    for file in [
        "shop/app.toml",
        "shop/pages/home/Cargo.toml",
        "shop/pages/home/src/lib.rs",
    ] {
        assert!(work.path().join(file).is_file(), "{file}");
    }
    // A second crate of the same name is refused; a bad name says why.
    assert_eq!(new(&["sales_report"]).status.code(), Some(2));
    let bad = new(&["Sales Report"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot name a page"));

    // Its AppTest test passes (sharing this workspace's build of the host's
    // dependencies: the crate pins the same versions and profile).
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let test = Command::new(env!("CARGO"))
        .args(["test", "--release", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
    assert!(String::from_utf8_lossy(&test.stdout).contains("1 passed"));

    // `host serve .` inside the crate serves it as the app's one page.
    let mut serve = host();
    serve
        .args(["serve", ".", "--port", "0", "--watch"])
        .current_dir(&dir);
    // Its stderr is closed after the address: the server must go on (the
    // failed build below is logged as an error that cannot be written).
    let server = Served::start_with(serve, false);
    let addr = &server.addr;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use futures_util::{SinkExt, StreamExt};
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/_/ws"))
            .await
            .unwrap();
        ws.send(r#"{"type":"rerun","page":"sales_report"}"#.into())
            .await
            .unwrap();
        let drawn = async {
            loop {
                let text = ws.next().await.unwrap().unwrap().into_text().unwrap();
                assert!(!text.contains("page_not_found"), "{text}");
                if text.contains(r#""html":"Sales report""#) {
                    break;
                }
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), drawn)
            .await
            .expect("the page is drawn");
        // A compile error while `--watch` runs reaches the browser with
        // its file and line.
        let source = dir.join("src/lib.rs");
        let page = std::fs::read_to_string(&source).unwrap();
        let broken = page.replace("st.write(format!(\"count: {count}\"));", "st.write(oops;");
        assert_ne!(broken, page);
        std::fs::write(&source, broken).unwrap();
        let failed = async {
            loop {
                let text = ws.next().await.unwrap().unwrap().into_text().unwrap();
                if text.contains(r#""type":"build_failed""#) {
                    return text.to_string();
                }
            }
        };
        let failed = tokio::time::timeout(std::time::Duration::from_secs(300), failed)
            .await
            .unwrap_or_else(|_| panic!("no build_failed (stderr closed){}", server.log()));
        assert!(failed.contains("src/lib.rs:13"), "{failed}");
        assert!(!failed.contains(&dir.display().to_string()), "{failed}");
    });
    drop(server);

    // A page function without `#[wasmlit::page]` says what to add.
    let page = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let unmarked = page
        .replace("#[wasmlit::page]\n", "")
        .replace("st.write(oops;", "st.write(format!(\"count: {count}\"));");
    std::fs::write(dir.join("src/lib.rs"), unmarked).unwrap();
    let out = host()
        .args(["check", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("exports no page"), "{stderr}");
    assert!(stderr.contains("#[wasmlit::page]"), "{stderr}");
}

/// `host hello` serves the example pages from the binary alone.
#[test]
fn hello_serves_the_example_pages_the_binary_carries() {
    let work = tempfile::tempdir().unwrap();
    let mut hello = host();
    hello
        .arg("--cache-dir")
        .arg(work.path())
        .args(["hello", "--port", "0"])
        .current_dir(work.path());
    let server = Served::start(hello);
    let addr = &server.addr;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use futures_util::{SinkExt, StreamExt};
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/_/ws"))
            .await
            .unwrap();
        ws.send(r#"{"type":"hello"}"#.into()).await.unwrap();
        ws.send(r#"{"type":"rerun","page":"counter"}"#.into())
            .await
            .unwrap();
        let mut pages = None;
        let drawn = async {
            loop {
                let text = ws.next().await.unwrap().unwrap().into_text().unwrap();
                if text.contains(r#""type":"session""#) {
                    pages = Some(text.to_string());
                }
                if text.contains(r#""html":"Counter""#) {
                    break;
                }
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), drawn)
            .await
            .expect("the counter is drawn");
        let pages = pages.expect("the session lists the pages");
        for page in ["counter", "widgets", "gallery", "fragments"] {
            assert!(pages.contains(&format!(r#""name":"{page}""#)), "{pages}");
        }
    });
    drop(server);
}

/// Building for a toolchain without the `wasm32-wasip2` standard library
/// (here: rustc pointed at an empty sysroot, as on a machine where the
/// target was never added) says how to add it.
#[test]
fn a_missing_wasm_target_says_how_to_add_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"bare\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         [lib]\ncrate-type = [\"cdylib\"]\n[workspace]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = host()
        .arg("check")
        .arg(dir.path())
        .env("RUSTFLAGS", format!("--sysroot={}", empty.path().display()))
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rustup target add wasm32-wasip2"),
        "{stderr}"
    );
}
