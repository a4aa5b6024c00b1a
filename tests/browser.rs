//! End-to-end in headless Chromium (Debian's `chromium` and `chromium-driver`),
//! driven over WebDriver against a real server on port 0.

use fantoccini::key::Key;
use fantoccini::Locator;
use tests::chromium::Browser;
use tests::TestServer;

const PAGES: &[&str] = &["counter", "hello", "widgets", "panic", "spin"];

/// A server with the test pages and a browser showing `page`.
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
    server.shutdown().await;
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
    browser.click(".widget.checkbox input").await;
    browser.wait_text("checkbox: true").await;
    browser.save_screenshot("widgets.png").await;
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
