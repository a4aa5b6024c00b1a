//! Headless Chromium (Debian's `chromium` and `chromium-driver`) driven over
//! WebDriver, for the end-to-end tests and the latency probe.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A chromedriver process and a browser session through it.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    _driver: Child,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless browser session.
    pub async fn start() -> Browser {
        // chromedriver picks a free port and says which. On a loaded
        // machine it now and then exits before that; it is started again
        // (at most three times) rather than failing the test for it.
        let mut started = None;
        for _ in 0..3 {
            let mut driver = Command::new("chromedriver")
                .arg("--port=0")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("chromedriver is installed (apt-get install chromium-driver)");
            let stdout = driver.stdout.take().expect("chromedriver stdout");
            let mut lines = BufReader::new(stdout).lines();
            let port = tokio::time::timeout(Duration::from_secs(20), async {
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(rest) = line.split("started successfully on port ").nth(1) {
                        return rest.trim_end_matches('.').parse::<u16>().ok();
                    }
                }
                None
            })
            .await
            .expect("chromedriver starts within 20 s");
            if let Some(port) = port {
                // Keep reading what it prints: with the pipe closed, its
                // next line would end it.
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                started = Some((driver, port));
                break;
            }
        }
        let (driver, port) = started.expect("chromedriver started (three attempts)");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                    // A camera and microphone that make test patterns, allowed without asking.
                    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
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
    pub async fn wait_text(&self, text: &str) -> fantoccini::elements::Element {
        let xpath = format!("//*[contains(normalize-space(text()), '{text}')]");
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no element with text {text:?}: {e}"))
    }

    /// Waits (bounded) for an element matching the CSS selector.
    pub async fn css(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Waits (bounded, frame by frame in the page) until the form control
    /// matching `css` holds `value`; returns what it holds then.
    pub async fn wait_value(&self, css: &str, value: &str) -> String {
        let script = r#"
            const [css, want, done] = arguments;
            const end = performance.now() + 20000;
            const check = () => {
                const node = document.querySelector(css);
                const now = node ? node.value : null;
                if (now === want || performance.now() > end) done(now);
                else requestAnimationFrame(check);
            };
            check();
        "#;
        let seen = self
            .client
            .execute_async(script, vec![css.into(), value.into()])
            .await
            .unwrap_or_else(|e| panic!("waiting for {css} to hold {value:?}: {e}"));
        seen.as_str().unwrap_or_default().to_owned()
    }

    /// Clicks the element matching the CSS selector, once it exists.
    pub async fn click(&self, css: &str) {
        self.css(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Saves a screenshot under `target/screenshots/`.
    pub async fn save_screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = crate::workspace().join("target").join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }

    /// Ends the browser session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
