//! Test page: hostile behaviour chosen by the URL query `?case=NAME`, for the
//! hostile-page suite (`tests/hostile.rs`). Each case tries something a page
//! must not be able to do to the host, or pushes one limit past its end.
//!
//! Where a case must see the host's refusal itself (instead of the SDK ending
//! the run with it), it calls the raw contract through
//! `wasmlit::__private::bindings`, as code that goes around the SDK would.
use std::fmt::Display;
use std::io::{Read, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wasmlit::__private::bindings::wasmlit::page::{session_state as raw_state, ui as raw_ui};
use wasmlit::{CallError, Ui};

/// The main container's id in the contract.
const MAIN: u32 = 0;

#[wasmlit::page]
fn hostile(st: &Ui) {
    let params = st.query_params();
    let case = params.get("case").unwrap_or_default();
    // A numeric query parameter, or its default.
    let number = |key: &str, default: u64| -> u64 {
        params
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    match case.as_str() {
        "element_flood" => element_flood(st),
        "output_flood" => output_flood(st),
        "giant_string" => giant_string(
            st,
            &params.get("kind").unwrap_or_else(|| "markdown".into()),
            number("mib", 50) as usize,
        ),
        "giant_json" => giant_json(st),
        "giant_download" => giant_download(st, number("mib", 16) as usize),
        "giant_offer" => giant_offer(st, number("mib", 16) as usize),
        "deep_json" => deep_json(st, number("depth", 100_000) as usize),
        "markdown_bomb" => markdown_bomb(
            st,
            &params.get("pattern").unwrap_or_default(),
            number("kib", 1023) as usize,
        ),
        "stdout_spam" => stdout_spam(st, number("mib", 20) as usize),
        "read_file" => read_file(st, &params.get("dir").unwrap_or_else(|| "/tmp".into())),
        "read_env" => read_env(st),
        "open_socket" => open_socket(st, number("port", 80) as u16),
        "clocks" => clocks(st),
        "threads" => threads(st),
        "exit" => {
            st.text("exiting");
            std::process::exit(number("code", 0) as i32)
        }
        "abort" => {
            st.text("aborting");
            std::process::abort()
        }
        "job_panic" => job_panic(st),
        "job_alloc" => job_alloc(st),
        "many_widgets" => many_widgets(st, number("n", 10_001) as usize),
        "forged_rows" => forged_rows(st),
        "huge_session_state" => huge_session_state(st, number("chunk_kib", 256) as usize),
        "alloc_loop" => alloc_loop(st),
        "handle_flood" => handle_flood(st, number("n", 10_000_000)),
        "chart_url" => chart_url(st, &params.get("url").unwrap_or_default()),
        "chart_cursor" => chart_cursor(
            st,
            &params.get("route").unwrap_or_default(),
            &params.get("url").unwrap_or_default(),
        ),
        "shell_ids" => shell_ids(st),
        "many_cells" => many_cells(st, number("rows", 1_000_000) as usize),
        other => st.text(format!("no case {other:?}")),
    }
}

/// `refused: <error>` for an error, `ALLOWED: <what>` for a success: the
/// suite asserts that no line says `ALLOWED`.
fn refused<T, E: Display>(
    what: &str,
    result: Result<T, E>,
    ok: impl FnOnce(T) -> String,
) -> String {
    match result {
        Ok(value) => format!("{what}: ALLOWED: {}", ok(value)),
        Err(e) => format!("{what}: refused: {e}"),
    }
}

/// Draws elements until the host refuses one (the SDK then ends the run
/// with the refusal).
fn element_flood(st: &Ui) {
    let mut i: u64 = 0;
    loop {
        st.text(format!("element {i}"));
        i += 1;
    }
}

/// Draws elements just under `element_bytes` until the run's total output
/// passes `run_output_bytes`.
fn output_flood(st: &Ui) {
    let body = "o".repeat(1000 * 1000);
    loop {
        st.text(body.clone());
    }
}

/// One element of `mib` MiB of text.
fn giant_string(st: &Ui, kind: &str, mib: usize) {
    st.text(format!("drawing {mib} MiB of {kind}"));
    let body = "x".repeat(mib << 20);
    match kind {
        "text" => st.text(body),
        "code" => st.code(body, Some("rust")),
        "title" => st.title(body),
        _ => st.markdown(body),
    }
    st.text("drawn");
}

/// `st.json` of a nested value whose JSON is about 4 MB.
fn giant_json(st: &Ui) {
    let rows: Vec<Vec<u32>> = vec![vec![1_234_567; 500]; 1000];
    st.text("drawing the JSON");
    st.json(&rows);
    st.text("drawn");
}

/// A download button carrying `mib` MiB of data.
fn giant_download(st: &Ui, mib: usize) {
    let data = vec![7u8; mib << 20];
    st.text("drawing the download button");
    st.download_button("Download", "big.bin", "application/octet-stream", &data);
    st.text("drawn");
}

/// Offers a file for download without any button, straight through the
/// host import, and reports what the host said.
fn giant_offer(st: &Ui, mib: usize) {
    use wasmlit::__private::bindings::wasmlit::page::widgets::offer_download;
    match offer_download("small.bin", "application/octet-stream", b"x") {
        Ok(()) => st.text("offered without a click"),
        Err(e) => st.text(format!("offer refused: {e:?}")),
    }
    match offer_download("../etc/passwd", "text/plain", b"x") {
        Ok(()) => st.text("a path was offered"),
        Err(e) => st.text(format!("path refused: {e:?}")),
    }
    match offer_download("a.txt", "text/html\r\nx: y", b"x") {
        Ok(()) => st.text("a bad type was offered"),
        Err(e) => st.text(format!("type refused: {e:?}")),
    }
    // With a click (the test sends one), the file made is too large.
    st.key("offer")
        .download_button_lazy("Get it", "big.bin", "application/octet-stream", || {
            vec![7u8; mib << 20]
        });
    st.text("not offered");
}

/// `depth` nested arrays, built by hand: `[[[…]]]`.
fn nested_arrays(depth: usize) -> String {
    let mut text = String::with_capacity(2 * depth);
    text.extend(std::iter::repeat_n('[', depth));
    text.extend(std::iter::repeat_n(']', depth));
    text
}

/// Hands the host deeply nested JSON wherever it parses JSON: an `st.json`
/// element, a Vega-Lite specification and a session-state value. Each
/// result is drawn; the run must survive all three.
fn deep_json(st: &Ui, depth: usize) {
    let deep = nested_arrays(depth);
    let result = |r: Result<(), raw_ui::CallError>| match r {
        Ok(()) => "accepted".to_owned(),
        Err(e) => format!("refused: {}", CallError::from(e)),
    };
    let json = result(raw_ui::emit(
        MAIN,
        &raw_ui::Element::Json(raw_ui::JsonDoc {
            value: deep.clone(),
            expanded: None,
        }),
    ));
    st.text(format!("json depth {depth}: {json}"));
    let spec = format!("{{\"data\":{{\"values\":{deep}}},\"mark\":\"bar\"}}");
    let vega = result(raw_ui::emit(MAIN, &raw_ui::Element::VegaLite(spec)));
    st.text(format!("vega-lite depth {depth}: {vega}"));
    let state = result(raw_state::set("deep", &deep));
    st.text(format!("session state depth {depth}: {state}"));
    // The value stored (if it was) comes back as it went in.
    let back = raw_state::get("deep").ok().flatten().map_or(0, |v| v.len());
    st.text(format!("session state read back: {back} bytes"));
    // Shallow JSON still works after all that.
    st.json(&vec![vec![vec![1, 2], vec![3]]]);
}

/// A chart specification that would make the browser fetch `url`: as its
/// data, and as an image mark.
fn chart_url(st: &Ui, url: &str) {
    let url: String = url.chars().filter(|c| c.is_ascii_graphic()).collect();
    let url = url.replace(['"', '\\'], "");
    let spec = format!(
        "{{\"layer\":[{{\"data\":{{\"url\":\"{url}/data.json\"}},\"mark\":\"point\"}},\
         {{\"data\":{{\"values\":[{{\"a\":1}}]}},\"mark\":{{\"type\":\"image\",\
         \"url\":\"{url}/image.png\"}}}}]}}"
    );
    match raw_ui::emit(MAIN, &raw_ui::Element::VegaLite(spec)) {
        Ok(()) => st.text("chart drawn"),
        Err(e) => st.text(format!("chart refused: {}", CallError::from(e))),
    }
}

/// A static table of `rows` rows of two boolean columns (5 bytes a value,
/// well under `table_bytes`), then the same data as a dataframe.
fn many_cells(st: &Ui, rows: usize) {
    let table = wasmlit::Table::new()
        .column("a", vec![true; rows])
        .column("b", vec![false; rows]);
    st.text(format!("drawing {rows} rows"));
    let column = |name: &str, value: bool| raw_ui::Column {
        name: name.into(),
        values: raw_ui::ColumnValues::Boolean(vec![value; rows]),
        format: None,
        nulls: Vec::new(),
        time_zone: None,
        config: None,
    };
    let raw = raw_ui::Table {
        columns: vec![column("a", true), column("b", false)],
    };
    let result = raw_ui::emit(MAIN, &raw_ui::Element::Table(raw));
    match result {
        Ok(()) => st.text("table drawn"),
        Err(e) => st.text(format!("table refused: {}", CallError::from(e))),
    }
    st.dataframe(&table);
    st.text("dataframe drawn");
}

/// Adds rows through the raw contract with every kind of bad argument, then
/// floods one table with rows; each refusal is drawn as text.
fn forged_rows(st: &Ui) {
    let column = |name: &str, values: raw_ui::ColumnValues| raw_ui::Column {
        name: name.into(),
        values,
        format: None,
        nulls: Vec::new(),
        time_zone: None,
        config: None,
    };
    let ints = |n: usize| raw_ui::ColumnValues::Integer(vec![7; n]);
    let table = |columns| raw_ui::Table { columns };
    let say = |what: &str, result: Result<(), raw_ui::CallError>| match result {
        Ok(()) => st.text(format!("{what}: ALLOWED")),
        Err(e) => st.text(format!("{what}: {}", CallError::from(e))),
    };
    let handle = raw_ui::emit_data(
        MAIN,
        &raw_ui::Element::Table(table(vec![column("n", ints(2))])),
    )
    .ok()
    .flatten()
    .unwrap_or(u32::MAX);
    say(
        "forged handle",
        raw_ui::add_rows(handle ^ 0x5555, &table(vec![column("n", ints(1))])),
    );
    say(
        "other column",
        raw_ui::add_rows(handle, &table(vec![column("m", ints(1))])),
    );
    say(
        "other type",
        raw_ui::add_rows(
            handle,
            &table(vec![column(
                "n",
                raw_ui::ColumnValues::Text(vec!["x".into()]),
            )]),
        ),
    );
    say(
        "ragged",
        raw_ui::add_rows(
            handle,
            &table(vec![column("n", ints(1)), column("n", ints(2))]),
        ),
    );
    let fine = raw_ui::add_rows(handle, &table(vec![column("n", ints(3))]));
    st.text(format!(
        "fitting rows: {}",
        if fine.is_ok() { "added" } else { "refused" }
    ));
    // A placeholder's table stops taking rows once it shows something else.
    let slot = raw_ui::open_block(MAIN, &raw_ui::Block::Empty)
        .ok()
        .and_then(|ids| ids.first().copied())
        .unwrap_or(MAIN);
    let replaced = raw_ui::emit_data(
        slot,
        &raw_ui::Element::Table(table(vec![column("n", ints(1))])),
    )
    .ok()
    .flatten()
    .unwrap_or(u32::MAX);
    let _ = raw_ui::emit(slot, &raw_ui::Element::Text("over it".into()));
    say(
        "replaced",
        raw_ui::add_rows(replaced, &table(vec![column("n", ints(1))])),
    );
    // Elements that take no rows give no handle.
    let none = raw_ui::emit_data(MAIN, &raw_ui::Element::Text("no rows here".into()));
    st.text(format!("text handle: {:?}", none.ok().flatten()));
    // Rows one at a time until a limit ends it.
    let mut added = 0u64;
    let end = loop {
        match raw_ui::add_rows(handle, &table(vec![column("n", ints(1))])) {
            Ok(()) => added += 1,
            Err(e) => break CallError::from(e).to_string(),
        }
    };
    st.text(format!("flood: {added} added, then {end}"));
}

/// The app shell's own element ids (`host/frontend/index.html` and the
/// chart tooltip).
const SHELL_IDS: [&str; 15] = [
    "layout",
    "sidebar",
    "nav",
    "c1",
    "content",
    "toolbar",
    "status",
    "status-text",
    "stop",
    "connection",
    "clear-cache",
    "c0",
    "run-error",
    "toasts",
    "chart-tooltip",
];

/// Markdown whose footnotes are named like the app shell's elements, then
/// a toast (which the shell puts in its `toasts` element).
fn shell_ids(st: &Ui) {
    let mut source = String::from("Footnotes:");
    for id in SHELL_IDS {
        source.push_str(&format!(" [^{id}]"));
    }
    source.push_str("\n\n");
    for id in SHELL_IDS {
        source.push_str(&format!("[^{id}]: the page's {id}\n\n"));
    }
    st.markdown(source);
    // The same ids asked for by a graph's nodes and by the page's HTML.
    let nodes: Vec<String> = SHELL_IDS
        .iter()
        .map(|id| format!("\"{id}\" [id=\"{id}\"]"))
        .collect();
    st.graphviz_chart(format!(
        "digraph {{ graph [id=toasts]; {} }}",
        nodes.join("; ")
    ));
    let html: String = SHELL_IDS
        .iter()
        .map(|id| format!("<span id='{id}'>{id}</span> "))
        .collect();
    st.html(html);
    // A figure whose images (in its layout and in its template) would be
    // fetched from the app's own origin.
    let figure = serde_json::json!({
        "data": [{"type": "bar", "x": [1, 2], "y": [3, 4]}],
        "layout": {
            "images": [{"source": "/_/health?plotly-image-layout", "x": 0, "y": 0, "sizex": 1, "sizey": 1}],
            "template": {"layout": {"images": [
                {"source": "/_/health?plotly-image-template", "x": 0, "y": 0, "sizex": 1, "sizey": 1}
            ]}}
        }
    });
    st.plotly_chart(&figure);
    st.toast("a toast after the footnotes");
    st.text("footnotes drawn");
}

/// A chart whose cursor would make the browser fetch `url`, by `route`:
/// a mark's `cursor` (`mark`), the config's (`config`), a CSS-escaped
/// `url(` (`escaped`), a `cursor` signal computed by an expression
/// (`signal`), or a mark's cursor computed by an expression, applied when
/// the pointer is over it (`hover`).
fn chart_cursor(st: &Ui, route: &str, url: &str) {
    let url: String = url.chars().filter(|c| c.is_ascii_graphic()).collect();
    let url = url.replace(['"', '\\', '\''], "");
    let data = "\"data\":{\"values\":[{\"a\":\"x\",\"b\":2}]},\
                \"encoding\":{\"x\":{\"field\":\"a\",\"type\":\"nominal\"},\
                \"y\":{\"field\":\"b\",\"type\":\"quantitative\"}}";
    let spec = match route {
        "mark" => format!(
            "{{{data},\"mark\":{{\"type\":\"bar\",\"cursor\":\"url({url}/mark.png), auto\"}}}}"
        ),
        "config" => format!(
            "{{{data},\"mark\":\"bar\",\"config\":{{\"mark\":{{\"cursor\":\
             \"url({url}/config.png), auto\"}}}}}}"
        ),
        "escaped" => format!(
            "{{{data},\"mark\":{{\"type\":\"bar\",\"cursor\":\"\\\\75 rl({url}/escaped.png), auto\"}}}}"
        ),
        "signal" => format!(
            "{{{data},\"mark\":\"bar\",\"params\":[{{\"name\":\"cursor\",\
             \"expr\":\"'ur' + 'l({url}/signal.png), auto'\"}}]}}"
        ),
        "hover" => format!(
            "{{{data},\"width\":400,\"height\":300,\"mark\":{{\"type\":\"bar\",\
             \"cursor\":{{\"expr\":\"'ur' + 'l({url}/hover.png), auto'\"}}}}}}"
        ),
        other => {
            st.text(format!("no route {other:?}"));
            return;
        }
    };
    match raw_ui::emit(MAIN, &raw_ui::Element::VegaLite(spec)) {
        Ok(()) => st.text(format!("chart {route} drawn")),
        Err(e) => st.text(format!("chart {route} refused: {}", CallError::from(e))),
    }
}

/// A Markdown source of `kib` KiB that is hard on a CommonMark renderer or
/// on the HTML sanitizer behind it, named by `pattern`. The host renders it
/// during the call, where neither epoch interruption nor a cancel can stop
/// it, so it must be rendered quickly (or refused before rendering).
fn markdown_bomb(st: &Ui, pattern: &str, kib: usize) {
    let size = kib << 10;
    let fill = |unit: &str| unit.repeat(size / unit.len());
    let source = match pattern {
        "blockquotes" => fill(">"),
        "lists" => fill("- "),
        "ordered_lists" => fill("1. "),
        "emphasis" => fill("*a"),
        "strong" => fill("**a"),
        "brackets" => fill("["),
        "links" => fill("[a]("),
        "backticks" => fill("`a``"),
        "entities" => fill("&amp;"),
        "autolinks" => fill("<http://a"),
        "footnotes" => fill("[^a]"),
        "spans" => fill("<span>"),
        "formatting" => fill("<i><b>"),
        "anchors" => fill("<a href=x>"),
        "table_cells" => fill("<table><td>"),
        "divs" => fill("<div>"),
        "list_items" => fill("<ul><li>"),
        // Many one-column tables of short rows: about 2.5 times the
        // source in HTML.
        "short_rows" => fill("|a|\n|-|\n"),
        // Tables of a few hundred columns over short rows, one after
        // another: pulldown-cmark fills in up to 2^18 cells per table.
        "wide_tables" => {
            let mut table = "|a".repeat(362);
            table.push_str("|\n");
            table.push_str(&"|-".repeat(362));
            table.push_str("|\n");
            table.push_str(&"x\n".repeat(724));
            table.push('\n');
            table.repeat(size / table.len())
        }
        "empty_list_items" => fill("-\n"),
        // One link reference definition with a long URL, used many times.
        "link_references" => {
            let mut source = format!("[a]: http://example.com/{}\n\n", "u".repeat(size / 4));
            source.push_str(&"[a]".repeat((size - source.len()) / 3));
            source
        }
        "emphasis_runs" => fill("*a* "),
        "table" => {
            // A header of many columns and many short rows, each padded
            // to the header's width.
            let columns = size / 20;
            let mut table = "|a".repeat(columns);
            table.push_str("|\n");
            table.push_str(&"|-".repeat(columns));
            table.push_str("|\n");
            while table.len() + 2 <= size {
                table.push_str("x\n");
            }
            table
        }
        other => {
            st.text(format!("no pattern {other:?}"));
            return;
        }
    };
    st.text(format!("rendering {pattern}"));
    let started = Instant::now();
    let result = raw_ui::emit(MAIN, &raw_ui::Element::Markdown(source));
    let ms = started.elapsed().as_millis();
    let result = match result {
        Ok(()) => "drawn".to_owned(),
        Err(e) => format!("refused: {}", CallError::from(e)),
    };
    st.text(format!("{pattern}: {result} in {ms} ms"));
}

/// Prints `mib` MiB to stdout and to stderr, then draws "done".
fn stdout_spam(st: &Ui, mib: usize) {
    let line = format!("{}\n", "spam ".repeat(200));
    let lines = (mib << 20) / line.len();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for _ in 0..lines {
        // Errors are ignored: a page must not be broken by printing.
        let _ = out.write_all(line.as_bytes());
        let _ = err.write_all(line.as_bytes());
    }
    let _ = out.write_all(b"the last line of stdout\n");
    let _ = err.write_all(b"the last line of stderr\n");
    let _ = out.flush();
    st.text("done");
}

/// Every way std has to reach the file system; `dir` is a host directory
/// holding a file named `secret`.
fn read_file(st: &Ui, dir: &str) {
    let len = |bytes: Vec<u8>| format!("{} bytes", bytes.len());
    let listed = |_| "listed".to_owned();
    let written = |_| "written".to_owned();
    let lines = [
        refused("read /etc/passwd", std::fs::read("/etc/passwd"), len),
        refused("read etc/passwd", std::fs::read("etc/passwd"), len),
        refused(
            "read /proc/self/environ",
            std::fs::read("/proc/self/environ"),
            len,
        ),
        refused("read secret", std::fs::read(format!("{dir}/secret")), len),
        refused("read_dir /", std::fs::read_dir("/"), listed),
        refused("read_dir .", std::fs::read_dir("."), listed),
        refused("read_dir dir", std::fs::read_dir(dir), listed),
        refused("metadata /", std::fs::metadata("/"), |m| format!("{m:?}")),
        refused(
            "write dir/written",
            std::fs::write(format!("{dir}/written"), b"x"),
            written,
        ),
        refused(
            "write written.txt",
            std::fs::write("written.txt", b"x"),
            written,
        ),
        refused(
            "create_dir dir/made",
            std::fs::create_dir(format!("{dir}/made")),
            |_| "created".to_owned(),
        ),
    ];
    for line in lines {
        st.text(line);
    }
    // Not a capability: with nothing opened, `/` names nothing.
    st.text(format!("current_dir: {:?}", std::env::current_dir()));
}

/// The environment, arguments and stdin a page sees.
fn read_env(st: &Ui) {
    let vars: Vec<(String, String)> = std::env::vars().collect();
    st.text(format!("vars: {}", vars.len()));
    for (key, value) in &vars {
        st.text(format!("var {key}={value}"));
    }
    let args: Vec<String> = std::env::args().collect();
    st.text(format!("args: {}", args.len()));
    st.text(refused("var PATH", std::env::var("PATH"), |v| v));
    st.text(refused("var HOME", std::env::var("HOME"), |v| v));
    let mut input = Vec::new();
    let read = std::io::stdin().read_to_end(&mut input);
    st.text(format!("stdin: {read:?}, {} bytes", input.len()));
}

/// TCP, UDP and name lookups.
fn open_socket(st: &Ui, port: u16) {
    use std::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
    let address = format!("127.0.0.1:{port}");
    let lines = [
        refused("tcp connect", TcpStream::connect(&address), |s| {
            format!("connected to {:?}", s.peer_addr())
        }),
        refused(
            "tcp connect with timeout",
            match address.parse() {
                Ok(a) => TcpStream::connect_timeout(&a, Duration::from_secs(1)),
                Err(e) => Err(std::io::Error::other(e)),
            },
            |_| "connected".into(),
        ),
        refused("tcp listen", TcpListener::bind("127.0.0.1:0"), |l| {
            format!("listening on {:?}", l.local_addr())
        }),
        refused("udp bind", UdpSocket::bind("0.0.0.0:0"), |s| {
            let sent = s.send_to(b"hostile", &address);
            format!("bound; send_to: {sent:?}")
        }),
        refused(
            "name lookup",
            "localhost:80".to_socket_addrs().map(|a| a.count()),
            |n| format!("{n} addresses"),
        ),
    ];
    for line in lines {
        st.text(line);
    }
}

/// The clocks a page sees: the wall clock is the real one; the monotonic
/// clock counts from the start of the run and advances with real time.
fn clocks(st: &Ui) {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => st.text(format!("system time: {} s", since.as_secs())),
        Err(e) => st.text(format!("system time: before the epoch: {e}")),
    }
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    let slept = started.elapsed();
    st.text(format!("slept: {} ms", slept.as_millis()));
    // Instants never go backwards, and distinct readings can differ by less
    // than a microsecond (the clock's resolution is the host's).
    let mut smallest = Duration::MAX;
    let mut previous = Instant::now();
    for _ in 0..1000 {
        let now = Instant::now();
        let step = now.duration_since(previous);
        if step > Duration::ZERO {
            smallest = smallest.min(step);
        }
        previous = now;
    }
    st.text(format!("smallest step: {} ns", smallest.as_nanos()));
}

/// OS threads do not exist in a page (jobs are the way to run in parallel).
fn threads(st: &Ui) {
    let spawned = std::thread::Builder::new().spawn(|| 1 + 1);
    st.text(refused("thread spawn", spawned, |h| {
        format!("joined: {:?}", h.join().is_ok())
    }));
}

fn boom(_: ()) -> u32 {
    panic!("hostile job panicked")
}

/// A job that grows its memory until the host's limit stops it.
fn hog(_: ()) -> usize {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    loop {
        chunks.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&chunks);
    }
}

/// A job panics; the run joins it and draws the error.
fn job_panic(st: &Ui) {
    match st.spawn(boom, ()).join() {
        Ok(n) => st.text(format!("job: ALLOWED: returned {n}")),
        Err(e) => st.text(format!("job error: {e}")),
    }
    st.text("the run goes on");
}

/// A job exhausts its memory; the run joins it and draws the error.
fn job_alloc(st: &Ui) {
    match st.spawn(hog, ()).join() {
        Ok(n) => st.text(format!("job: ALLOWED: returned {n}")),
        Err(e) => st.text(format!("job error: {e}")),
    }
    st.text("the run goes on");
}

/// `n` checkboxes, each with its own key.
fn many_widgets(st: &Ui, n: usize) {
    let mut checked = 0;
    for i in 0..n {
        if st.key(format!("w{i}")).checkbox("same label", i % 2 == 0) {
            checked += 1;
        }
    }
    st.text(format!("{n} widgets, {checked} checked"));
}

/// Stores `chunk_kib` KiB values under new keys until the host refuses one.
fn huge_session_state(st: &Ui, chunk_kib: usize) {
    let state = st.session_state();
    let chunk = "s".repeat(chunk_kib << 10);
    let mut stored = 0;
    let refusal = loop {
        match state.try_set(&format!("chunk{stored}"), &chunk) {
            Ok(()) => stored += 1,
            Err(e) => break e,
        }
        if stored > 100_000 {
            break CallError::Failed("ALLOWED: never refused".into());
        }
    };
    st.text(format!("stored {stored} chunks"));
    st.text(format!("refused: {refusal}"));
    // The refusal lost nothing: the last chunk stored is still there.
    let last: Option<String> = state.get(&format!("chunk{}", stored.max(1) - 1));
    st.text(format!(
        "last chunk kept: {}",
        last.is_some_and(|v| v == chunk)
    ));
}

/// Grows one vector until the memory limit ends the run.
fn alloc_loop(st: &Ui) {
    st.text("allocating");
    let mut v: Vec<u64> = Vec::new();
    let mut i: u64 = 0;
    loop {
        v.push(i);
        i = i.wrapping_add(1);
        if v.len().is_power_of_two() {
            std::hint::black_box(&v);
        }
    }
}

#[link(wasm_import_module = "wasi:clocks/monotonic-clock@0.2.6")]
extern "C" {
    /// `subscribe-duration`: a new pollable resource, held by the page until
    /// it drops it.
    #[link_name = "subscribe-duration"]
    fn subscribe_duration(nanos: i64) -> i32;
}

/// Creates `n` WASI resources (timers) and never drops them, so the host's
/// tables fill up until its handle limit refuses one.
fn handle_flood(st: &Ui, n: u64) {
    st.text("creating handles");
    let mut last = 0;
    for _ in 0..n {
        // SAFETY: the import takes a duration and returns a handle the page
        // owns; leaking it is the point of this case.
        last = unsafe { subscribe_duration(1_000_000_000) };
    }
    std::hint::black_box(last);
    st.text(format!("created {n} handles"));
}
