//! End-to-end in headless Chromium (Debian's `chromium` and `chromium-driver`),
//! driven over WebDriver against a real server on port 0.

use fantoccini::key::Key;
use fantoccini::Locator;
use tests::chromium::Browser;
use tests::TestServer;

const PAGES: &[&str] = &[
    "counter",
    "hello",
    "widgets",
    "panic",
    "spin",
    "multithread_example",
    "jobs",
    "cached",
    "gallery",
    "fragments",
    "hostile",
    "chat",
];

/// A server with the test pages and a browser showing `page` (a path,
/// query string allowed).
async fn open(page: &str) -> (TestServer, Browser) {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/{page}", server.addr))
        .await
        .expect("navigate");
    (server, browser)
}

async fn finish(server: TestServer, browser: Browser) {
    browser.close().await;
    // Nothing the frontend did ran into its Content-Security-Policy.
    assert_eq!(
        violations(&server),
        0,
        "the browser reported Content-Security-Policy violations (see the server's log)"
    );
    server.shutdown().await;
}

/// Content-Security-Policy violations the browser reported to the server.
fn violations(server: &TestServer) -> u64 {
    server
        .state
        .settings
        .http
        .csp_violations
        .load(std::sync::atomic::Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_counts_clicks_squares_the_slider_and_survives_a_reload() {
    let (server, browser) = open("counter").await;
    browser.wait_text("count: 0").await;
    for n in 1..=3 {
        browser.click("[data-widget-id^='button:'] button").await;
        browser.wait_text(&format!("count: {n}")).await;
    }
    // Keyboard: focus the slider and step it right five times.
    let slider = browser.css("input[type=range]").await;
    slider
        .send_keys(&Key::Right.to_string().repeat(5))
        .await
        .unwrap();
    browser.wait_text("square: 25").await;
    browser.save_screenshot("counter.png").await;
    // A reload of the tab resumes the session: state survives.
    browser.client.refresh().await.unwrap();
    browser.wait_text("count: 3").await;
    browser.wait_text("square: 25").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_pages_keeps_session_state() {
    let (server, browser) = open("counter").await;
    browser.wait_text("count: 0").await;
    browser.click("[data-widget-id^='button:'] button").await;
    browser.wait_text("count: 1").await;
    browser.click("#nav a[href='/hello']").await;
    browser.wait_text("Type your name above.").await;
    browser.click("#nav a[href='/counter']").await;
    browser.wait_text("count: 1").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_page_renders_every_widget() {
    let (server, browser) = open("widgets").await;
    browser.wait_text("selectbox: apple").await;
    for kind in [
        "button",
        "checkbox",
        "slider",
        "float_slider",
        "text_input",
        "number_input",
        "selectbox",
    ] {
        browser.css(&format!(".widget.{kind}")).await;
    }
    let text = browser.css(".widget.text_input input").await;
    text.clear().await.unwrap();
    text.send_keys(&format!("typed{}", Key::Enter))
        .await
        .unwrap();
    browser.wait_text("text input: typed").await;
    browser.click(".widget.checkbox input").await;
    browser.wait_text("checkbox: true").await;
    browser.save_screenshot("widgets.png").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_value_is_put_back_even_in_a_focused_input() {
    let (server, browser) = open("widgets").await;
    browser.wait_text("number input: 1.5").await;
    let amount = browser.css(".widget.number_input input").await;
    amount.clear().await.unwrap();
    amount
        .send_keys(&format!("500{}", Key::Enter))
        .await
        .unwrap();
    // The server refuses it by widget id (a `refused` message); the input,
    // still focused, shows the value the page last drew again.
    browser.wait_text("outside").await;
    assert_eq!(
        browser
            .wait_value(".widget.number_input input", "1.5")
            .await,
        "1.5"
    );
    browser.wait_text("number input: 1.5").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_page_shows_its_message() {
    let (server, browser) = open("panic").await;
    browser.wait_text("This run failed").await;
    browser.wait_text("the data set is empty").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_loop_is_stopped_with_the_stop_button() {
    let (server, browser) = open("spin").await;
    browser.wait_text("Spinning forever").await;
    let stop = browser.css("#stop").await;
    stop.click().await.unwrap();
    browser.wait_text("Stopped.").await;
    let running: bool = browser
        .client
        .execute("return document.body.classList.contains('running')", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!running, "the running indicator is gone");
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_cannot_inject_script() {
    let (server, browser) = open("hello").await;
    let input = browser.css(".widget.text_input input").await;
    input
        .send_keys(&format!(
            "<img src=x onerror=\"document.title='pwned'\">{}",
            Key::Enter
        ))
        .await
        .unwrap();
    browser.wait_text("Hello, <img").await;
    let title = browser.client.title().await.unwrap();
    assert_ne!(title, "pwned");
    assert!(
        browser
            .client
            .find(Locator::Css(".alert img"))
            .await
            .is_err(),
        "no <img> was injected"
    );
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_query_results_appear_with_the_total_time() {
    let (server, browser) = open("multithread_example").await;
    browser.wait_text("All 4 queries took").await;
    let results = browser
        .client
        .find_all(Locator::Css("main .alert.success"))
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    for table in ["orders", "customers", "invoices", "shipments"] {
        browser.wait_text(table).await;
    }
    browser.save_screenshot("multithread_example.png").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_elements_are_drawn_inside_its_container() {
    let (server, browser) = open("jobs?case=spawn_in").await;
    browser.wait_text("joined 5").await;
    let lines = browser
        .client
        .find_all(Locator::Css("main .block.bordered > .slot"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for line in lines {
        texts.push(line.text().await.unwrap());
    }
    let expected: Vec<String> = (0..5).map(|i| format!("line {i}")).collect();
    assert_eq!(texts, expected);
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clear_cache_button_drops_cached_values_and_reruns() {
    let (server, browser) = open("cached?key=z&delay_ms=10").await;
    browser.wait_text("value of z").await;
    let data = &server.state.services.data;
    assert_eq!(data.computed(), 1);
    browser.click("#clear-cache").await;
    browser.wait_text("Cache cleared").await;
    // The rerun that follows computes the value again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while data.computed() < 2 {
        assert!(std::time::Instant::now() < deadline, "no recomputation");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    finish(server, browser).await;
}

/// Text of the element matching `css`, once it exists.
async fn text_of(browser: &Browser, css: &str) -> String {
    browser.css(css).await.text().await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gallery_layouts_data_and_widgets_work_in_the_browser() {
    let (server, browser) = open("gallery").await;
    browser.wait_text("A column twice as wide").await;
    // Layout: three columns, the placeholder shows only its last draw.
    let columns = browser
        .client
        .find_all(Locator::Css(".columns"))
        .await
        .unwrap();
    assert!(!columns.is_empty());
    browser.wait_text("replaced by the second draw").await;
    let replaced = browser
        .client
        .find_all(Locator::XPath("//*[text()='first draw']"))
        .await
        .unwrap();
    assert!(
        replaced.is_empty(),
        "the placeholder's first element was replaced"
    );
    assert_eq!(document_title(&browser).await, "Gallery · wasmlit");
    browser.save_screenshot("gallery.png").await;

    // Data: tabs switch in the browser; the dataframe sorts.
    browser.click("button.tab:nth-child(2)").await;
    browser.wait_text("10,000 rows").await;
    browser.click(".df-sort:first-child").await;
    browser.click(".df-sort:first-child").await;
    let first = text_of(&browser, ".df-rows .df-row .df-cell").await;
    assert_eq!(first, "9999", "sorted descending by n");
    // The toolbar's search keeps the rows whose cells hold what is typed.
    browser
        .css(".dataframe .df-search")
        .await
        .send_keys("9998")
        .await
        .unwrap();
    browser.wait_text("1 of 10,000 rows").await;
    let found = text_of(&browser, ".df-rows .df-row .df-cell").await;
    assert_eq!(found, "9998");
    // Typed columns: dates, a datetime shown in its time zone (09:30 UTC is
    // 10:30 in Oslo in December), times, a missing value, lists and JSON.
    let typed = until(
        &browser,
        "(() => { const t = [...document.querySelectorAll('.tab-panel:not([hidden]) table.data')] \
           .find((t) => t.querySelector('th')?.textContent === 'day'); \
           if (!t) return null; \
           const cells = [...t.querySelectorAll('tbody tr:first-child td, tbody tr:nth-child(2) td')].map((c) => c.textContent); \
           const nulls = t.querySelectorAll('td.null').length; \
           return JSON.stringify({ cells, nulls }); })()",
    )
    .await;
    let typed: serde_json::Value = serde_json::from_str(typed.as_str().unwrap()).unwrap();
    let cells: Vec<&str> = typed["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(cells[0], "2026-12-01", "{cells:?}");
    assert!(cells[1].starts_with("2026-12-01 10:30:00"), "{cells:?}");
    assert_eq!(cells[2], "08:00:00", "{cells:?}");
    assert_eq!(cells[3], "3", "{cells:?}");
    assert_eq!(cells[4], "[1, 3, 2]", "{cells:?}");
    assert_eq!(cells[5], "new", "{cells:?}");
    assert_eq!(cells[6], "{\"a\":1}", "{cells:?}");
    assert_eq!(
        cells[7 + 3],
        "null",
        "the second row's units are missing: {cells:?}"
    );
    assert_eq!(typed["nulls"], 1);
    // They came as Arrow streams: each drawn table's columns carry the
    // fingerprint of their stream, and no values, in what the slot keeps.
    let arrow = until(
        &browser,
        "(() => { const els = [...document.querySelectorAll('[data-json]')]            .map((s) => s.dataset.json ? JSON.parse(s.dataset.json) : null)            .filter((e) => e && (e.kind === 'table' || e.kind === 'dataframe'));            const ok = els.every((e) => e.columns.every((c) => typeof c.arrow === 'string' && !('values' in c)));            return els.length >= 4 && ok ? els.length : null; })()",
    )
    .await;
    assert!(arrow.as_u64().unwrap_or(0) >= 4, "{arrow}");
    // Rows added to a table drawn from Arrow join it: 1 + 20 rows.
    let added = until(
        &browser,
        "(() => { const t = [...document.querySelectorAll('table.data')]            .find((t) => t.querySelector('th')?.textContent === 'step');            const rows = t ? t.querySelectorAll('tbody tr') : [];            return rows.length === 21 ? rows[20].querySelector('td').textContent : null; })()",
    )
    .await;
    assert_eq!(added, "20");
    // column_config: a link, a currency, a progress bar, small charts, a
    // check box, a date format; a hidden column is not sent.
    let configured = until(
        &browser,
        "(() => { const df = [...document.querySelectorAll('.tab-panel:not([hidden]) .dataframe')] \
           .find((d) => d.querySelector('.df-sort')?.textContent.startsWith('Site')); \
           const row = df && df.querySelector('.df-rows .df-row'); \
           if (!row) return null; \
           const cells = [...row.children]; \
           return JSON.stringify({ \
             heads: [...df.querySelectorAll('.df-sort')].map((b) => b.textContent.replace(/ [↑↓]$/, '')), \
             link: cells[0].querySelector('a')?.textContent, href: cells[0].querySelector('a')?.getAttribute('href'), \
             pinned: cells[0].classList.contains('df-pinned'), money: cells[1].textContent, \
             bar: cells[2].querySelector('.cell-bar')?.style.width, percent: cells[2].textContent, \
             line: !!cells[3].querySelector('svg path'), bars: cells[4].querySelectorAll('rect').length, \
             checked: cells[5].querySelector('input[type=checkbox]')?.checked, launched: cells[6].textContent }); })()",
    )
    .await;
    let configured: serde_json::Value = serde_json::from_str(configured.as_str().unwrap()).unwrap();
    assert_eq!(
        configured["heads"],
        serde_json::json!(["Site", "visits", "done", "trend", "bars", "live", "launched"])
    );
    assert_eq!(configured["link"], "visit");
    assert_eq!(configured["href"], "https://example.com");
    assert_eq!(configured["pinned"], true);
    assert!(
        configured["money"].as_str().unwrap().contains("1,234.50"),
        "{configured}"
    );
    assert_eq!(configured["bar"], "42%");
    assert_eq!(configured["percent"], "42.00%");
    assert_eq!(configured["line"], true);
    assert_eq!(configured["bars"], 3);
    assert_eq!(configured["checked"], true);
    assert_eq!(configured["launched"], "01 Dec 2026");
    browser.save_screenshot("gallery-data.png").await;

    // Charts: the vendored Vega-Lite draws every chart.
    browser.click("button.tab:nth-child(3)").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let drawn = browser
            .client
            .find_all(Locator::Css(".chart[data-rendered='true'] canvas"))
            .await
            .unwrap();
        if drawn.len() >= 6 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} charts drawn",
            drawn.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Rows added after the first: the table shows all 21, and the chart
    // was drawn again with all 21 points.
    let added = until(
        &browser,
        "(() => { const panel = document.querySelector('.tab-panel:not([hidden])'); \
           const rows = panel.querySelectorAll('table tbody tr').length; \
           const charts = [...panel.querySelectorAll('.chart[data-rendered=true]')]; \
           const points = Number(charts[charts.length - 1]?.dataset.points); \
           return rows === 21 && points === 21 ? `${rows} rows, ${points} points` : null; })()",
    )
    .await;
    assert_eq!(added, "21 rows, 21 points");
    browser.save_screenshot("gallery-charts.png").await;

    // Widgets: a toggle change reruns the page with the new value.
    browser.click("button.tab:nth-child(4)").await;
    browser.wait_text("toggle: true").await;
    browser.click(".widget.toggle label").await;
    browser.wait_text("toggle: false").await;
    browser.save_screenshot("gallery-widgets.png").await;

    // Feedback with faces; pills choose and take back.
    browser
        .click(".feedback.faces .feedback-option:nth-child(4)")
        .await;
    browser.wait_text("face 3").await;
    let pills = browser
        .client
        .find(Locator::XPath(
            "//fieldset[contains(@class,'pills')]//button[normalize-space(.)='busy']",
        ))
        .await
        .unwrap();
    pills.click().await.unwrap();
    browser.wait_text("mood: busy").await;

    // Chat: Enter sends the message; the page answers it.
    let chat = browser.css(".chat-input input").await;
    chat.send_keys("hi there\n").await.unwrap();
    browser.wait_text("You said “hi there”").await;

    // A form: typing does not rerun; Enter submits it (enter_to_submit),
    // then it clears.
    let name = browser.css(".form input[type=text]").await;
    name.send_keys("Ada").await.unwrap();
    name.send_keys(&Key::Enter.to_string()).await.unwrap();
    browser.wait_text("name: Ada").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while name.prop("value").await.unwrap().unwrap_or_default() != "" {
        assert!(
            std::time::Instant::now() < deadline,
            "the form did not clear"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // Status: writing a query parameter shows in the address bar.
    browser.click("button.tab:nth-child(5)").await;
    browser.wait_text("Crunched: 600").await;
    // A dialog opens over the page and closes with its button.
    let open_dialog = browser
        .client
        .find(Locator::XPath(
            "//button[normalize-space(.)='Open a dialog']",
        ))
        .await
        .unwrap();
    open_dialog.click().await.unwrap();
    browser
        .css("dialog.dialog.dialog-small[open] .dialog-close")
        .await;
    browser.wait_text("Drawn over the page").await;
    // Its slider reruns only the dialog's fragment: the dialog stays open.
    browser
        .css("dialog.dialog[open] input[type=range]")
        .await
        .send_keys(&Key::Right.to_string())
        .await
        .unwrap();
    browser.wait_text("you gave 4 stars").await;
    browser.css("dialog.dialog[open]").await;
    browser.save_screenshot("gallery-dialog.png").await;
    browser.click("dialog.dialog[open] .dialog-close").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !browser
        .client
        .find_all(Locator::Css("dialog.dialog[open]"))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the dialog stayed open"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Button types, icons and widths; a password box hides what is typed.
    let looks = until(
        &browser,
        "(() => { const b = [...document.querySelectorAll('.tab-panel:not([hidden]) button.btn')]; \
           const by = (t) => b.find((x) => x.textContent.includes(t)); \
           const save = by('Save'), skip = by('Skip'), launch = by('Launch'); \
           if (!save || !skip || !launch) return null; \
           return [save.classList.contains('primary'), !!save.querySelector('.wl-icon'), \
             skip.classList.contains('tertiary'), launch.classList.contains('stretch'), \
             launch.getBoundingClientRect().width >= launch.parentElement.getBoundingClientRect().width - 1].join(','); })()",
    )
    .await;
    assert_eq!(looks, "true,true,true,true,true");
    // A placeholder while nothing is chosen; captions under radio options.
    let shown = until(
        &browser,
        "(() => { const s = [...document.querySelectorAll('select')].find((x) => x.options[0]?.text === 'Pick a country'); \
           const c = [...document.querySelectorAll('.radio-caption')].map((x) => x.textContent).join('|'); \
           return s && c ? `${s.value === ''}|${c}` : null; })()",
    )
    .await;
    assert_eq!(shown, "true|For trying it out|For teams");
    // A toggle's label collapses too (it is still its accessible name).
    let collapsed = until(
        &browser,
        "(() => { const t = [...document.querySelectorAll('.widget.toggle.label-collapsed .label-text')] \
           .find((s) => s.textContent === 'A switch without a visible label'); \
           return t ? `${t.getBoundingClientRect().width <= 1}` : null; })()",
    )
    .await;
    assert_eq!(collapsed, "true");
    let password = browser.css("input[type=password]").await;
    password.send_keys("hunter2\n").await.unwrap();
    browser.wait_text("API key: 7 characters").await;
    let visit = browser
        .client
        .find(Locator::XPath(
            "//button[normalize-space(.)='Count a visit in the URL']",
        ))
        .await
        .unwrap();
    visit.click().await.unwrap();
    let url = wait_url(&browser, "visits=1").await;
    assert!(url.contains("visits=1"), "{url}");
    finish(server, browser).await;
}

async fn document_title(browser: &Browser) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let title = browser.client.title().await.unwrap_or_default();
        if title != "wasmlit" && !title.ends_with("· wasmlit") || title.starts_with("Gallery") {
            return title;
        }
        assert!(std::time::Instant::now() < deadline, "title stayed {title}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn wait_url(browser: &Browser, part: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let url = browser.client.current_url().await.unwrap().to_string();
        if url.contains(part) {
            return url;
        }
        assert!(std::time::Instant::now() < deadline, "the URL stayed {url}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fragment_reruns_alone_and_a_timed_one_ticks_by_itself() {
    let (server, browser) = open("fragments?every=200").await;
    browser.wait_text("page runs: 1").await;
    // The clock redraws itself with no input from the user.
    browser
        .client
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//*[@class='metric-value' and number(text()) >= 4]",
        ))
        .await
        .expect("the clock ticked on its own");
    let add = browser
        .client
        .find(Locator::XPath("//button[normalize-space()='Add one']"))
        .await
        .expect("the fragment's button");
    add.click().await.expect("click");
    browser.wait_text("fragment clicks: 1").await;
    // The rest of the page was not rerun, and nothing of it was removed.
    browser.wait_text("page runs: 1").await;
    browser.wait_text("North: the last 7 days").await;
    let stale: i64 = browser
        .client
        .execute(
            "return document.querySelectorAll('.slot.stale').length",
            vec![],
        )
        .await
        .expect("script")
        .as_i64()
        .unwrap_or(-1);
    assert_eq!(stale, 0, "no stale leftovers");
    browser.save_screenshot("fragments.png").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_chosen_in_the_browser_is_uploaded_and_read_by_the_page() {
    let (server, browser) = open("gallery").await;
    browser.wait_text("A column twice as wide").await;
    browser.click("button.tab:nth-child(4)").await;
    browser.wait_text("no file yet").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, "region,orders\nnorth,120\nsouth,87\n").expect("write");
    browser
        .css(".file_uploader input[type=file]")
        .await
        .send_keys(&path.to_string_lossy())
        .await
        .expect("choose the file");
    browser.wait_text("orders.csv: 33 bytes, 3 rows").await;
    browser
        .client
        .execute(
            "document.querySelector('.file_uploader').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .expect("scroll");
    browser.save_screenshot("upload.png").await;
    browser.css(".files .file-name").await;
    // Removing it in the browser takes it from the page.
    browser.click(".files .file-remove").await;
    browser.wait_text("no file yet").await;
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_served_under_its_name_works_in_the_browser() {
    let apps = tests::TestApps::start(
        &[
            ("sales", &["counter", "hello"], ""),
            ("ops", &["counter"], ""),
        ],
        2,
    )
    .await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/sales/counter", apps.addr))
        .await
        .expect("navigate");
    browser.wait_text("count: 0").await;
    browser.click("[data-widget-id^='button:'] button").await;
    browser.wait_text("count: 1").await;
    // Navigation stays inside the app.
    browser.click("#nav a[href='/sales/hello']").await;
    browser.wait_text("Type your name above.").await;
    let url = browser.client.current_url().await.expect("url");
    assert_eq!(url.path(), "/sales/hello");
    // The other app has its own session: its counter starts at zero.
    browser
        .client
        .goto(&format!("http://{}/ops/counter", apps.addr))
        .await
        .expect("navigate");
    browser.wait_text("count: 0").await;
    browser.close().await;
    apps.shutdown().await;
}

/// A page's chart specification cannot make the browser fetch anything (its
/// data, an image): the browser shows why, and the server named in it is
/// never contacted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chart_specification_cannot_make_the_browser_fetch() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let probe = listener.local_addr().expect("address");
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let accept = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    let (server, browser) = open(&format!("hostile?case=chart_url&url=http://{probe}")).await;
    browser.wait_text("chart drawn").await;
    browser.wait_text("loading URLs is not allowed").await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the browser contacted {probe}"
    );
    accept.abort();
    finish(server, browser).await;
}

/// A local HTTP listener that records the request line of every request
/// it receives, to show what a browser fetched.
struct Probe {
    addr: std::net::SocketAddr,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    task: tokio::task::JoinHandle<()>,
}

impl Probe {
    async fn start() -> Probe {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let (tx, lines) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.contains(&b'\n') && head.len() < 8192 {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&head);
                    let _ = tx.send(line.lines().next().unwrap_or("").to_owned());
                });
            }
        });
        Probe { addr, lines, task }
    }

    /// Has the browser request `/control` from the probe itself, waits for
    /// it, and returns every request that arrived before it. A browser
    /// that were going to fetch what the page asked for has done so by the
    /// time a later request of the same page arrives. The control request
    /// is a navigation in a new window: the app's Content-Security-Policy
    /// (rightly) blocks every fetch of the probe from the page itself.
    async fn requests_before_control(&mut self, browser: &Browser) -> Vec<String> {
        browser
            .client
            .execute(
                "window.open(arguments[0], '_blank');",
                vec![serde_json::json!(format!("http://{}/control", self.addr))],
            )
            .await
            .expect("script runs");
        let mut before = Vec::new();
        loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(20), self.lines.recv())
                .await
                .expect("the control request arrives within 20 s")
                .expect("the probe is running");
            if line.contains("/control") {
                return before;
            }
            before.push(line);
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A chart's cursor cannot make the browser fetch: a `url(…)` cursor on a
/// mark, in the config, or spelled with a CSS escape is refused before the
/// chart is drawn, naming the property; a cursor computed by an expression
/// (a `cursor` signal, a mark's cursor under the pointer) is held to the
/// CSS keywords while the chart runs. A listener on 127.0.0.1 sees no
/// request but the test's own control request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charts_cursor_cannot_make_the_browser_fetch() {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let mut probe = Probe::start().await;
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    let (site, target) = (server.addr, probe.addr);
    let open = |route: &str| {
        format!("http://{site}/hostile?case=chart_cursor&route={route}&url=http://{target}")
    };
    for (route, property) in [
        ("mark", "spec.mark.cursor"),
        ("config", "spec.config.mark.cursor"),
        ("escaped", "spec.mark.cursor"),
    ] {
        browser.client.goto(&open(route)).await.expect("navigate");
        browser.wait_text(&format!("chart {route} drawn")).await;
        let notice = browser.wait_text("This chart was not drawn").await;
        let text = notice.text().await.unwrap();
        assert!(text.contains(property), "{route}: {text}");
        assert!(text.contains("loads a resource"), "{route}: {text}");
        let before = probe.requests_before_control(&browser).await;
        assert!(before.is_empty(), "{route}: the browser fetched {before:?}");
    }
    for route in ["signal", "hover"] {
        browser.client.goto(&open(route)).await.expect("navigate");
        browser.wait_text(&format!("chart {route} drawn")).await;
        let canvas = browser.css(".chart[data-rendered='true'] canvas").await;
        let over = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
            element: canvas,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        browser.client.perform_actions(over).await.expect("hover");
        let before = probe.requests_before_control(&browser).await;
        assert!(before.is_empty(), "{route}: the browser fetched {before:?}");
    }
    browser.close().await;
    server.shutdown().await;
}

/// An app cannot be framed, not even by a page of its own origin
/// (`frame-ancestors 'none'`), inline script does not run, and
/// the browser reports what the policy blocked to the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_cannot_be_framed_and_blocked_content_is_reported() {
    let (server, browser) = open("counter").await;
    browser.wait_text("count: 0").await;
    let framed = browser
        .client
        .execute_async(
            r##"const done = arguments[arguments.length - 1];
            const frame = document.createElement("iframe");
            frame.src = "/hello";
            frame.onload = () => {
              let doc = null;
              try { doc = frame.contentDocument; } catch (e) { doc = null; }
              done(Boolean(doc && doc.querySelector("#layout")));
            };
            // A blocked frame may never fire its load event.
            setTimeout(() => done("no load event"), 5000);
            document.body.append(frame);"##,
            vec![],
        )
        .await
        .expect("the frame settles");
    assert_ne!(framed, serde_json::json!(true), "the app loaded in a frame");
    // An inline script the page adds is not run.
    let ran = browser
        .client
        .execute(
            r#"const script = document.createElement("script");
            script.textContent = "window.inlineRan = true;";
            document.body.append(script);
            return window.inlineRan === true;"#,
            vec![],
        )
        .await
        .expect("the script runs");
    assert_eq!(ran, serde_json::json!(false), "an inline script ran");
    let deadline = std::time::Instant::now() + tests::WAIT;
    while violations(&server) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no violation was reported"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    browser.close().await;
    server.shutdown().await;
}

/// Markdown footnotes named like the app shell's elements get prefixed ids:
/// `getElementById` of each shell id still finds the shell's element (not
/// the page's), footnote links still lead to their notes, and a toast
/// still appears in the shell's toast area.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_footnotes_cannot_take_the_shells_element_ids() {
    let (server, browser) = open("hostile?case=shell_ids").await;
    browser.wait_text("footnotes drawn").await;
    // The graph laid out and the figure drawn, every id is checked.
    until(
        &browser,
        "document.querySelector('.graphviz[data-rendered=true] svg g.node') && document.querySelector('.plotly[data-rendered=true]')",
    )
    .await;
    let graph_ids = until(
        &browser,
        "String(document.querySelectorAll('.graphviz [id]').length)",
    )
    .await;
    assert_eq!(graph_ids, "0", "a graph keeps no ids");
    // Neither figure image was fetched from the app's origin.
    let fetched = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('plotly-image'))",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(fetched, serde_json::json!([]), "images a figure named");
    let taken = browser
        .client
        .execute(
            "const ids = ['layout', 'sidebar', 'nav', 'c1', 'content', 'toolbar', 'status', \
             'status-text', 'stop', 'connection', 'clear-cache', 'c0', 'run-error', 'toasts', \
             'chart-tooltip'];
             return ids.filter((id) => {
               const el = document.getElementById(id);
               return el && el.closest('.markdown, .graphviz, .html');
             });",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(taken, serde_json::json!([]), "ids the page's Markdown took");
    // The footnotes are there, under prefixed ids their links point to.
    let linked = browser
        .client
        .execute(
            "const links = [...document.querySelectorAll('.markdown a[href^=\"#\"]')];
             return [links.length, links.every((a) =>
               document.getElementById(a.getAttribute('href').slice(1))?.closest('.markdown'))];",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(linked, serde_json::json!([15, true]), "footnote links");
    let toast = browser.css("#toasts > .toast").await;
    assert_eq!(toast.text().await.unwrap(), "a toast after the footnotes");
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_id_is_in_no_url_the_browser_requests_and_a_reload_still_resumes() {
    let (server, browser) = open("counter").await;
    browser.wait_text("count: 0").await;
    browser.click("[data-widget-id^='button:'] button").await;
    browser.wait_text("count: 1").await;
    // A reload resumes the session (its id goes in the socket's first
    // message).
    browser.client.refresh().await.unwrap();
    browser.wait_text("count: 1").await;
    // Every socket of the page records its URL when it sends.
    browser
        .client
        .execute(
            "window.socketUrls = []; const send = WebSocket.prototype.send; \
             WebSocket.prototype.send = function (data) { window.socketUrls.push(this.url); \
             return send.call(this, data); };",
            vec![],
        )
        .await
        .expect("record socket URLs");
    browser.click("[data-widget-id^='button:'] button").await;
    browser.wait_text("count: 2").await;
    // An upload, on another page of the same session.
    browser.click("#nav a[href='/gallery']").await;
    browser.wait_text("A column twice as wide").await;
    browser.click("button.tab:nth-child(4)").await;
    browser.wait_text("no file yet").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, "region,orders\nnorth,120\nsouth,87\n").expect("write");
    browser
        .css(".file_uploader input[type=file]")
        .await
        .send_keys(&path.to_string_lossy())
        .await
        .expect("choose the file");
    browser.wait_text("orders.csv: 33 bytes, 3 rows").await;
    let seen = browser
        .client
        .execute(
            "return { id: sessionStorage.getItem('wasmlit-session'), \
             sockets: window.socketUrls, \
             requests: performance.getEntries().map((e) => e.name), \
             page: location.href };",
            vec![],
        )
        .await
        .expect("read what the page requested");
    let id = seen["id"].as_str().expect("a session id").to_owned();
    assert_eq!(id.len(), 32, "{seen}");
    let mut urls: Vec<String> = Vec::new();
    for list in ["sockets", "requests"] {
        urls.extend(
            seen[list]
                .as_array()
                .expect("a list")
                .iter()
                .filter_map(|u| u.as_str().map(str::to_owned)),
        );
    }
    urls.push(seen["page"].as_str().unwrap_or_default().to_owned());
    assert!(
        urls.iter().any(|u| u.contains("/_/ws")),
        "the socket was seen: {seen}"
    );
    assert!(
        urls.iter().any(|u| u.contains("/_/upload")),
        "the upload was seen: {seen}"
    );
    for url in &urls {
        assert!(!url.contains(&id), "the session id is in {url}");
        assert!(!url.contains("session="), "a session parameter in {url}");
    }
    finish(server, browser).await;
}

/// Waits until the JavaScript expression `condition` is truthy in the page
/// (checked once per frame, in the browser) and returns its value.
async fn until(browser: &Browser, condition: &str) -> serde_json::Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const check = () => {{
           let value = null;
           try {{ value = ({condition}); }} catch (e) {{}}
           if (value) done(value); else requestAnimationFrame(check);
         }};
         check();"
    );
    browser
        .client
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("waiting for `{condition}`: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_sets_the_navigation_and_a_page_left_out_leads_to_the_default() {
    let (server, browser) = open("gallery").await;
    browser.wait_text("A column twice as wide").await;
    // The sidebar closes and opens again.
    browser.click("#sidebar-close").await;
    let closed = until(
        &browser,
        "document.body.classList.contains('sidebar-collapsed') && getComputedStyle(document.getElementById('sidebar')).display === 'none' && getComputedStyle(document.getElementById('sidebar-open')).display !== 'none'",
    )
    .await;
    assert_eq!(closed, true);
    browser.click("#sidebar-open").await;
    until(
        &browser,
        "!document.body.classList.contains('sidebar-collapsed') && getComputedStyle(document.getElementById('sidebar')).display !== 'none'",
    )
    .await;
    browser.click("button.tab:nth-child(5)").await;
    let shorter = browser
        .client
        .find(Locator::XPath(
            "//button[normalize-space(.)='Show a shorter navigation along the top']",
        ))
        .await
        .unwrap();
    // Page links: the page's title or the link's own label, and an icon.
    let links = until(
        &browser,
        "(() => { const l = [...document.querySelectorAll('.tab-panel:not([hidden]) a.page-link')]; \
           return l.length === 2 ? l.map((a) => `${a.textContent}>${a.getAttribute('href')}`).join('|') : null; })()",
    )
    .await;
    assert_eq!(links, "Counter>/counter|👋Say hello>/hello");
    // A link's help, and a disabled one that opens nothing.
    let more = until(
        &browser,
        "(() => { const a = document.querySelector('.tab-panel:not([hidden]) a.page-link'); \
           const off = document.querySelector('.tab-panel:not([hidden]) span.page-link.disabled'); \
           return a && off ? [a.title, off.textContent, off.title, off.hasAttribute('href')].join('|') : null; })()",
    )
    .await;
    assert_eq!(more, "Count clicks|Counter (closed)|Closed for now|false");
    shorter.click().await.unwrap();
    // The navigation moves along the top: two pages, a section, icons.
    let nav = until(
        &browser,
        "(() => { const nav = document.querySelector('#content > #nav'); \
           if (!nav || nav.querySelectorAll('a').length !== 2) return null; \
           return [...nav.children].map((c) => c.className === 'nav-section' ? `[${c.textContent}]` \
             : `${c.textContent}${c.querySelector('.wl-icon, .emoji-icon') ? '*' : ''}`).join('|'); })()",
    )
    .await;
    assert_eq!(nav, "🖼️Gallery*|[Examples]|addClick counter*");
    assert!(browser
        .client
        .find(Locator::Css("#sidebar > #nav"))
        .await
        .is_err());
    // A page the navigation leaves out opens the default instead.
    browser
        .client
        .goto(&format!("http://{}/hello", server.addr))
        .await
        .unwrap();
    browser.wait_text("A column twice as wide").await;
    let url = wait_url(&browser, "/gallery").await;
    assert!(url.ends_with("/gallery"), "{url}");
    browser.wait_text("There is no page named “hello”").await;
    finish(server, browser).await;
}

/// A bare web server that answers every request with one small page.
async fn other_site() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                let body = "<!doctype html><p id=framed>a page of another site</p>";
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_an_allowed_origin_is_framed_without_an_origin_of_its_own() {
    let (site, site_task) = other_site().await;
    let origin = format!("http://{site}");
    let settings = host::web::server::ServerSettings {
        http: std::sync::Arc::new(host::web::http::HttpSettings {
            security: host::web::http::SecurityHeaders::with_sources(
                &[],
                &[],
                &[],
                std::slice::from_ref(&origin),
            )
            .unwrap(),
            ..host::web::http::HttpSettings::default()
        }),
        frame_origins: vec![origin.clone()],
        ..host::web::server::ServerSettings::default()
    };
    let server =
        TestServer::start_with(PAGES, host::runtime::limits::Limits::default(), settings).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!(
            "http://{}/gallery?frame={origin}/hello",
            server.addr
        ))
        .await
        .expect("navigate");
    let frame = browser.css("iframe.url-frame").await;
    frame.enter_frame().await.unwrap();
    browser.wait_text("a page of another site").await;
    // The frame is sandboxed without same-origin: its origin is opaque, so
    // it has no cookies or storage of any site.
    let seen = browser
        .client
        .execute(
            "let cookie; try { cookie = document.cookie; } catch (e) { cookie = e.name; } \
             return [window.origin, cookie].join('|');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(seen, "null|SecurityError");
    browser.client.enter_parent_frame().await.unwrap();
    assert!(browser
        .client
        .find(Locator::Css(".url-frame-blocked"))
        .await
        .is_err());
    site_task.abort();
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gallerys_rich_content_is_drawn_in_the_browser() {
    let (server, browser) = open("gallery").await;
    browser.wait_text("A column twice as wide").await;

    // Rich text: the dialect's spans, a Material icon in its font, emoji,
    // formulas laid out by KaTeX, highlighted code, cleaned HTML.
    browser.click("button.tab:nth-child(7)").await;
    until(&browser, "document.querySelector('.markdown .wl-c-red')").await;
    for css in [
        ".markdown .wl-bg-orange",
        ".markdown .wl-badge.wl-badge-blue",
        ".markdown .wl-small",
        ".heading-rule.rule-rainbow",
        "#wl-u-rich",
        ".wl-badge.badge-el .wl-icon",
        ".alert.info > .wl-icon",
    ] {
        browser.css(css).await;
    }
    let text = text_of(&browser, ".tab-panel:not([hidden])").await;
    assert!(text.contains('🎉') && text.contains('☕'), "{text}");
    until(&browser, "document.fonts.check('1em \"Material Symbols Rounded\"', 'home') && document.querySelectorAll('.katex').length >= 3").await;
    let display = until(
        &browser,
        "document.querySelectorAll('.katex-display').length",
    )
    .await;
    assert!(display.as_u64().unwrap_or(0) >= 2, "{display}");
    until(
        &browser,
        "document.querySelector('pre[data-highlighted=true] .hljs-keyword')",
    )
    .await;
    browser.css("pre.code.numbered .line-numbers").await;
    // echo! shows its block as written, then runs it.
    browser.wait_text("echo gave 8.75").await;
    let echoed = until(
        &browser,
        "Array.from(document.querySelectorAll('.tab-panel:not([hidden]) pre.code code')).map(c => c.textContent).find(t => t.startsWith('let prices'))",
    )
    .await;
    assert_eq!(
        echoed,
        "let prices = [3.5, 4.25, 1.0];\nprices.iter().sum::<f64>()"
    );
    // help shows a value's type; json opens one level; a metric's border,
    // tooltip and sparkline; the logo at the top of the sidebar.
    browser.wait_text("(&str, i32)").await;
    let opened = until(
        &browser,
        "Array.from(document.querySelectorAll('.tab-panel:not([hidden]) .json details')).map(d => d.open).join(',')",
    )
    .await;
    assert_eq!(opened, "true,false,false");
    browser
        .css(".metric.bordered .help[title='Unique visitors today']")
        .await;
    browser.css(".metric.bordered svg.sparkline path").await;
    until(
        &browser,
        "document.querySelector('#sidebar > #logo img.logo')?.naturalWidth > 0",
    )
    .await;
    browser.css(".html #wl-u-from-html b").await;
    let placed = until(
        &browser,
        "getComputedStyle(document.getElementById('wl-u-from-html')).position",
    )
    .await;
    assert_eq!(
        placed, "static",
        "a page's HTML cannot place itself over the shell"
    );
    let cleaned = until(
        &browser,
        "[document.title, document.querySelectorAll('.html img[onerror], .html script').length].join('|')",
    )
    .await;
    assert_eq!(cleaned, "Gallery · wasmlit|0");
    browser.save_screenshot("gallery-rich-text.png").await;

    // The component runs its script in a frame of its own origin: it
    // counts clicks, cannot reach the page, and fetches nothing.
    let frame = browser.css("iframe.html-frame").await;
    frame.enter_frame().await.unwrap();
    browser.click("#count").await;
    browser.wait_value("#count", "1").await;
    let isolation = browser.css("#isolation").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let text = isolation.text().await.unwrap();
        if text == "isolated, no network" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    browser.client.enter_parent_frame().await.unwrap();
    // A page of another site whose origin the operator did not allow is
    // named, not framed.
    let blocked = browser.css(".url-frame-blocked").await;
    let notice = blocked.text().await.unwrap_or_default();
    assert!(notice.contains("https://example.com"), "{notice}");
    assert!(browser
        .client
        .find(Locator::Css("iframe.url-frame"))
        .await
        .is_err());

    // A streamed answer ends as Markdown: each finished block drawn once.
    let stream = browser
        .client
        .find(Locator::XPath(
            "//button[normalize-space(.)='Stream an answer']",
        ))
        .await
        .unwrap();
    stream.click().await.unwrap();
    browser.wait_text("streamed").await;
    until(
        &browser,
        "Array.from(document.querySelectorAll('.tab-panel:not([hidden]) .markdown em')).some(e => e.textContent === 'done')",
    )
    .await;
    let streamed = until(
        &browser,
        "[document.querySelectorAll('.tab-panel:not([hidden]) .stream-text').length, \
          document.querySelectorAll('.tab-panel:not([hidden]) .markdown pre code').length, \
          document.querySelectorAll('.tab-panel:not([hidden]) .markdown li').length].join(',')",
    )
    .await;
    assert_eq!(
        streamed, "0,1,2",
        "plain text replaced by Markdown, the fence kept whole"
    );

    // Media: images decoded, the SVG shown as an image (its script never
    // runs), audio and video loaded through byte ranges, the PDF framed.
    browser.click("button.tab:nth-child(8)").await;
    let decoded = until(
        &browser,
        "Array.from(document.querySelectorAll('.image img')).every(i => i.complete && i.naturalWidth > 0) \
         && document.querySelectorAll('.image img').length",
    )
    .await;
    assert_eq!(decoded, 3);
    until(
        &browser,
        "document.querySelector('audio.audio').readyState >= 1",
    )
    .await;
    let video = until(
        &browser,
        "document.querySelector('video.video').readyState >= 1 && document.querySelector('video.video').videoWidth",
    )
    .await;
    assert_eq!(video, 160);
    browser.css("video.video track[kind=subtitles]").await;
    browser.css("iframe.pdf").await;
    let served = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const url = document.querySelector('audio.audio source').getAttribute('src');
             const svg = document.querySelectorAll('.image img')[1].getAttribute('src');
             Promise.all([
               fetch(url, { headers: { range: 'bytes=0-3' } }),
               fetch(svg),
               fetch(url.replace(/.$/, url.endsWith('0') ? '1' : '0')),
             ]).then(async ([part, whole, missing]) => done({
               status: part.status, range: part.headers.get('content-range'), body: await part.text(),
               svgType: whole.headers.get('content-type'), svgPolicy: whole.headers.get('content-security-policy'),
               missing: missing.status,
             }));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(served["status"], 206, "{served}");
    assert!(
        served["range"].as_str().unwrap().starts_with("bytes 0-3/"),
        "{served}"
    );
    assert_eq!(served["body"], "RIFF", "{served}");
    assert_eq!(served["svgType"], "image/svg+xml", "{served}");
    assert!(
        served["svgPolicy"].as_str().unwrap().contains("sandbox"),
        "{served}"
    );
    assert_eq!(served["missing"], 404, "{served}");
    assert_eq!(document_title(&browser).await, "Gallery · wasmlit");
    browser.save_screenshot("gallery-media.png").await;

    // Figures: a Plotly trace, the map's points, a Graphviz layout.
    browser.click("button.tab:nth-child(9)").await;
    let traces = until(
        &browser,
        "document.querySelector('.plotly[data-rendered=true]') && document.querySelectorAll('.plotly g.trace').length",
    )
    .await;
    assert!(traces.as_u64().unwrap_or(0) >= 2, "{traces}");
    let points = until(
        &browser,
        "document.querySelector('.map[data-rendered=true]') && document.querySelectorAll('.map path.leaflet-interactive').length",
    )
    .await;
    assert_eq!(points, 4);
    browser.css(".map.tileless").await;
    let nodes = until(
        &browser,
        "document.querySelectorAll('.graphviz[data-rendered=true] svg g.node').length",
    )
    .await;
    assert_eq!(nodes, 5);
    browser.save_screenshot("gallery-figures.png").await;
    finish(server, browser).await;
}

/// Finds the button whose text is `text`.
async fn button(browser: &Browser, text: &str) -> fantoccini::elements::Element {
    browser
        .client
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::XPath(&format!(
            "//button[normalize-space(.)='{text}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("no button {text:?}: {e}"))
}

/// The form control of the visible tab (or page) labelled `label`.
async fn labelled(browser: &Browser, label: &str) -> fantoccini::elements::Element {
    let id = until(
        browser,
        &format!(
            "[...document.querySelectorAll('label.label')].find((l) => l.offsetParent && l.textContent.trim() === '{label}')?.htmlFor"
        ),
    )
    .await;
    browser
        .css(&format!("[id='{}']", id.as_str().unwrap_or_default()))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gallerys_inputs_are_drawn_and_used_in_the_browser() {
    let (server, browser) = open("gallery").await;
    browser.wait_text("A column twice as wide").await;
    browser.click("button.tab:nth-child(10)").await;
    // Formats: printf for numbers, date tokens for dates; help beside the label.
    let shown = until(
        &browser,
        "(() => { const v = [...document.querySelectorAll('.tab-panel:not([hidden]) .slider .value')].map((x) => x.textContent); \
           const price = document.querySelector('.tab-panel:not([hidden]) .widget.number_input input'); \
           const help = document.querySelector('.tab-panel:not([hidden]) .help[title=\"How much of the budget\"]'); \
           return v.length >= 6 && price && help ? [...v.slice(0, 6), price.value].join('|') : null; })()",
    )
    .await;
    assert_eq!(
        shown,
        "40%|2.5 kg|2026-06-15|2026-03-01 – 2026-05-31|09:00|Dec 3, 12:00|$1,234.50"
    );
    // A date slider moves a day at a time.
    let sliders = browser
        .client
        .find_all(Locator::Css(
            ".tab-panel:not([hidden]) .slider input[type=range]",
        ))
        .await
        .unwrap();
    sliders[2].send_keys(&Key::Right.to_string()).await.unwrap();
    browser.wait_text("day: 2026-06-16").await;
    // A select slider's low handle moves down one option.
    sliders[7].send_keys(&Key::Left.to_string()).await.unwrap();
    browser.wait_text("sizes: XS–L").await;

    // A number typed into a formatted box: its format's text and thousands
    // separators are left out; other text is no number.
    let price = labelled(&browser, "Price").await;
    price
        .send_keys(&format!(
            "{}a{}$2,500.25{}",
            Key::Control,
            Key::Null,
            Key::Tab
        ))
        .await
        .unwrap();
    browser.wait_text("price: 2500.25").await;
    assert_eq!(
        price.prop("value").await.unwrap().as_deref(),
        Some("$2,500.25")
    );

    // Empty until chosen, and emptied again.
    let age = labelled(&browser, "Age").await;
    age.send_keys(&format!("42{}", Key::Tab)).await.unwrap();
    browser.wait_text("age: 42 ·").await;
    age.send_keys(&format!("{}{}{}", Key::Backspace, Key::Backspace, Key::Tab))
        .await
        .unwrap();
    browser.wait_text("age: none ·").await;
    // A date range written as its format asks.
    let first = browser
        .css(".tab-panel:not([hidden]) .date-range input[placeholder='DD.MM.YYYY']")
        .await;
    assert_eq!(
        first.prop("value").await.unwrap().as_deref(),
        Some("20.12.2026")
    );
    first.clear().await.unwrap();
    first
        .send_keys(&format!("01.12.2026{}", Key::Tab))
        .await
        .unwrap();
    browser.wait_text("stay: 2026-12-01 to 2026-12-27").await;
    // The browser's own date and time picker.
    let meeting = labelled(&browser, "Meeting").await;
    browser
        .client
        .execute(
            "arguments[0].value = '2026-12-03T09:30'; arguments[0].dispatchEvent(new Event('change'));",
            vec![serde_json::to_value(&meeting).unwrap()],
        )
        .await
        .unwrap();
    browser.wait_text("meeting: 2026-12-03T09:30").await;

    // Options the user types.
    let tag = labelled(&browser, "Tag").await;
    tag.send_keys(&format!("question{}", Key::Tab))
        .await
        .unwrap();
    browser.wait_text("tag: question").await;
    let labels = labelled(&browser, "Labels").await;
    labels.send_keys("blocked\n").await.unwrap();
    browser.wait_text("labels: urgent+blocked").await;

    // Files saved: one made once clicked, one saved without a rerun.
    browser
        .client
        .execute(
            "window.saved = []; const make = URL.createObjectURL; \
             URL.createObjectURL = (b) => { b.text().then((t) => window.saved.push(t)); return make.call(URL, b); }; \
             window.reruns = 0; const send = WebSocket.prototype.send; \
             WebSocket.prototype.send = function (d) { if (String(d).includes('\"rerun\"')) window.reruns++; return send.call(this, d); };",
            vec![],
        )
        .await
        .unwrap();
    button(&browser, "⬇ Save a note")
        .await
        .click()
        .await
        .unwrap();
    let saved = until(
        &browser,
        "window.saved.length === 1 && [window.saved[0], window.reruns].join('|')",
    )
    .await;
    assert_eq!(saved, "a note\n|0", "saved without a rerun");
    button(&browser, "⬇ Export report")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_text("report made").await;
    let saved = until(&browser, "window.saved.length === 2 && window.saved[1]").await;
    assert_eq!(saved, "export,1\n");

    // A keyboard shortcut presses its button.
    browser
        .css("body")
        .await
        .send_keys(&format!("{}k{}", Key::Alt, Key::Null))
        .await
        .unwrap();
    browser.wait_text("pressed: 1").await;

    // A photo from the (test pattern) camera, a recording from the microphone.
    button(&browser, "Open camera").await.click().await.unwrap();
    until(
        &browser,
        "document.querySelector('.capture-video')?.videoWidth > 0",
    )
    .await;
    button(&browser, "Take photo").await.click().await.unwrap();
    browser.wait_text("photo: image/png (").await;
    until(
        &browser,
        "document.querySelector('.capture-photo')?.naturalWidth > 0",
    )
    .await;
    button(&browser, "Record").await.click().await.unwrap();
    button(&browser, "Stop recording")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_text("voice note: ").await;
    browser.save_screenshot("gallery-inputs.png").await;

    // Options in Markdown; link buttons with a type, an icon, help, disabled.
    let looks = until(
        &browser,
        "(() => { const b = [...document.querySelectorAll('.tab-panel:not([hidden]) fieldset.pills button')]; \
           const docs = [...document.querySelectorAll('.tab-panel:not([hidden]) .link-button')]; \
           if (b.length < 3 || docs.length < 2) return null; \
           return [b[0].innerHTML, !!b[1].querySelector('.wl-icon'), docs[0].tagName, docs[0].classList.contains('primary'), \
             docs[0].title, docs[0].textContent, docs[1].tagName, docs[1].hasAttribute('href')].join('|'); })()",
    )
    .await;
    assert_eq!(
        looks,
        "<strong>Bold</strong>|true|A|true|Opens the docs|🔗Docs|SPAN|false"
    );
    browser
        .client
        .find(Locator::XPath(
            "//fieldset[contains(@class,'pills')]//button[normalize-space(.)='Bold']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_text("mode: **Bold**").await;

    // A dialog that tells the page it was closed.
    button(&browser, "Open the welcome dialog")
        .await
        .click()
        .await
        .unwrap();
    browser.click("dialog.dialog[open] .dialog-close").await;
    browser.wait_text("welcome dialog closed 1 times").await;
    let open = until(
        &browser,
        "document.querySelector('dialog.dialog[open]') ? null : 'closed'",
    )
    .await;
    assert_eq!(open, "closed");

    // The app menu: the page's links and its About text.
    browser.click("#app-menu-button").await;
    let links = until(
        &browser,
        "(() => { const a = [...document.querySelectorAll('#app-menu a.menu-item')]; \
           return a.length === 2 ? a.map((x) => `${x.textContent}=${x.getAttribute('href')}`).join('|') : null; })()",
    )
    .await;
    assert_eq!(
        links,
        "Get help=https://docs.example.com/gallery|Report a bug=mailto:bugs@example.com"
    );
    button(&browser, "About").await.click().await.unwrap();
    let about = until(
        &browser,
        "document.querySelector('dialog.about[open] .markdown')?.textContent.trim()",
    )
    .await;
    assert_eq!(about, "The wasmlit gallery: every element in one app.");
    finish(server, browser).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_input_stays_at_the_bottom_of_the_window() {
    let (server, browser) = open("chat").await;
    browser.wait_text("No messages yet").await;
    // Drawn first, shown last: at the bottom of the window.
    let gap = "(() => { const c = document.querySelector('.chat-input')?.getBoundingClientRect(); \
                 return c ? String(Math.round(innerHeight - c.bottom)) : null; })()";
    let below = until(&browser, gap).await;
    let below: i64 = below.as_str().unwrap_or_default().parse().unwrap();
    assert!((0..=40).contains(&below), "{below} px below the chat input");
    // A file sent with a message reaches the page.
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "one\ntwo\nthree\n").unwrap();
    browser
        .css(".chat-input input[type=file]")
        .await
        .send_keys(&notes.display().to_string())
        .await
        .unwrap();
    let input = browser.css(".chat-input input[type=text]").await;
    input.send_keys("how many lines?\n").await.unwrap();
    browser.wait_text("notes.txt has 3 lines.").await;
    // The assistant's avatar is a Material icon.
    let avatar = until(
        &browser,
        "document.querySelector('.chat-message:not(.from-user) .avatar .wl-icon')?.textContent",
    )
    .await;
    assert_eq!(avatar, "smart_toy");
    // A conversation longer than the window scrolls under it; the box
    // stays the same box (what is typed and the focus are kept).
    for i in 0..10 {
        input
            .send_keys(&format!("message number {i}\n"))
            .await
            .unwrap();
        browser.wait_text(&format!("message number {i}")).await;
    }
    let at_top = until(
        &browser,
        "(() => { scrollTo(0, 0); const c = document.querySelector('.chat-input').getBoundingClientRect(); \
           const last = [...document.querySelectorAll('.chat-message')].pop().getBoundingClientRect(); \
           return document.documentElement.scrollHeight > innerHeight + 200 \
             ? [Math.round(innerHeight - c.bottom) <= 40, last.top > c.top].join(',') : null; })()",
    )
    .await;
    assert_eq!(at_top, "true,true");
    browser.save_screenshot("chat.png").await;
    finish(server, browser).await;
}

/// The sales example in a browser: a row selected by its check box is
/// summed by the page; a total changed in the editor (a cell opened from
/// the keyboard, a number typed) is saved to the database and shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sales_example_selects_edits_and_saves_in_the_browser() {
    // The example's app, its database in the app's own directory.
    let root = tempfile::tempdir().unwrap();
    let pages = root.path().join("shop").join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::copy(tests::page_wasm("sales"), pages.join("sales.wasm")).unwrap();
    std::fs::copy(
        tests::workspace().join("pages/app.toml"),
        root.path().join("shop/app.toml"),
    )
    .unwrap();
    let apps = tests::TestApps::serve(root, 2).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/shop/sales", apps.addr))
        .await
        .expect("navigate");
    // Select the first order (120.00) by its check box.
    browser
        .click(".table-select .df-rows .df-row[data-row='0'] input[type=checkbox]")
        .await;
    browser.wait_text("1 selected, $120.00 in all").await;
    let selected = until(
        &browser,
        "document.querySelector(\".table-select .df-row[data-row='0']\")?.classList.contains('selected')",
    )
    .await;
    assert_eq!(selected, true);

    // Open the second order's total from the keyboard and type 90.
    let total = ".table-editor .df-rows .df-row[data-row='1'] .df-cell.editable:nth-child(5)";
    let cell = browser.css(total).await;
    cell.click().await.unwrap();
    cell.send_keys("\u{E007}").await.unwrap();
    // (Ctrl+A selects what the box holds; the typing replaces it.)
    let input = browser.css(".table-editor input.df-edit").await;
    input
        .send_keys("\u{E009}a\u{E000}90\u{E007}")
        .await
        .unwrap();
    browser
        .wait_text("1 changed cells, 0 new rows, 0 deleted rows not saved yet")
        .await;
    let shown = until(
        &browser,
        &format!("document.querySelector(\"{total}.edited\")?.textContent"),
    )
    .await;
    assert_eq!(shown, "90");
    // A total below 0 is refused in the browser, before it is sent.
    let cell = browser.css(total).await;
    cell.send_keys("\u{E007}").await.unwrap();
    let input = browser.css(".table-editor input.df-edit").await;
    input
        .send_keys("\u{E009}a\u{E000}-5\u{E007}")
        .await
        .unwrap();
    let invalid = until(
        &browser,
        "document.querySelector('.table-editor input.df-edit')?.validationMessage",
    )
    .await;
    assert!(
        invalid.as_str().unwrap_or("").contains("at least 0"),
        "{invalid}"
    );
    // Nor is an emptied total (the column requires one).
    input
        .send_keys("\u{E009}a\u{E000}\u{E003}\u{E007}")
        .await
        .unwrap();
    let invalid = until(
        &browser,
        "(() => { const m = document.querySelector('.table-editor input.df-edit')?.validationMessage; \
           return m && m.includes('required') ? m : null; })()",
    )
    .await;
    assert!(
        invalid.as_str().unwrap_or("").contains("required"),
        "{invalid}"
    );
    input.send_keys("\u{E00C}").await.unwrap();

    // Saved: the selectable table shows the new total from the database.
    button(&browser, "Save changes")
        .await
        .click()
        .await
        .unwrap();
    let saved = until(
        &browser,
        "(() => { const c = document.querySelector(\".table-select .df-row[data-row='1'] .df-cell:nth-child(5)\"); \
           return c && c.textContent.includes('90.00') ? c.textContent : null; })()",
    )
    .await;
    assert!(saved.as_str().unwrap_or("").contains("$90.00"), "{saved}");
    browser.close().await;
    apps.shutdown().await;
}
