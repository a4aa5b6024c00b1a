//! End-to-end in headless Chromium (Debian's `chromium` and `chromium-driver`),
//! driven over WebDriver against a real server on port 0.

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use tests::TestServer;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PAGES: &[&str] = &["counter", "hello", "widgets", "panic", "spin"];

/// A chromedriver process and a browser session through it.
struct Browser {
    client: Client,
    _driver: Child,
}

impl Browser {
    async fn start() -> Browser {
        let mut driver = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium-driver)");
        let stdout = driver.stdout.take().expect("chromedriver stdout");
        let mut lines = BufReader::new(stdout).lines();
        // chromedriver picks a free port and says which.
        let port = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await.expect("read chromedriver") {
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    return rest
                        .trim_end_matches('.')
                        .parse::<u16>()
                        .expect("port number");
                }
            }
            panic!("chromedriver exited before starting");
        })
        .await
        .expect("chromedriver starts within 20 s");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a browser session");
        Browser {
            client,
            _driver: driver,
        }
    }

    /// Waits (bounded) for an element whose text contains `text`.
    async fn wait_text(&self, text: &str) -> fantoccini::elements::Element {
        let xpath = format!("//*[contains(normalize-space(text()), '{text}')]");
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no element with text {text:?}: {e}"))
    }

    async fn css(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    async fn save_screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = tests::workspace().join("target").join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_counts_clicks_squares_the_slider_and_survives_a_reload() {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/counter", server.addr))
        .await
        .unwrap();
    browser.wait_text("count: 0").await;
    for n in 1..=3 {
        browser
            .css("[data-widget-id^='button:'] button")
            .await
            .click()
            .await
            .unwrap();
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
    browser.close().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_pages_keeps_session_state() {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/counter", server.addr))
        .await
        .unwrap();
    browser.wait_text("count: 0").await;
    browser
        .css("[data-widget-id^='button:'] button")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_text("count: 1").await;
    browser
        .css("#nav a[href='/hello']")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_text("Type your name above.").await;
    browser
        .css("#nav a[href='/counter']")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_text("count: 1").await;
    browser.close().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_page_renders_every_widget() {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/widgets", server.addr))
        .await
        .unwrap();
    browser.wait_text("selectbox: apple").await;
    for kind in [
        "button",
        "checkbox",
        "int_slider",
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
    browser
        .css(".widget.checkbox input")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_text("checkbox: true").await;
    browser.save_screenshot("widgets.png").await;
    browser.close().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_page_shows_its_message() {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/panic", server.addr))
        .await
        .unwrap();
    browser.wait_text("This run failed").await;
    browser.wait_text("the data set is empty").await;
    browser.close().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_loop_is_stopped_with_the_stop_button() {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/spin", server.addr))
        .await
        .unwrap();
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
    browser.close().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_cannot_inject_script() {
    let server = TestServer::start(PAGES).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/hello", server.addr))
        .await
        .unwrap();
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
    browser.close().await;
    server.shutdown().await;
}
