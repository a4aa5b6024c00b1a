//! Layout, data and page-level deltas as the browser receives them: paths
//! of blocks and their containers, placeholders, tables, page config and
//! query parameters written by the page.

use host::model::delta::{BlockSpec, Delta, Element};
use host::runtime::run::RunOutcome;
use host::runtime::runner::Runner;
use tests::runs::run;
use tests::{engine, load};

/// The gallery with the pages it links to (`page_link` checks them).
const GALLERY: &[&str] = &["gallery", "counter", "hello"];

fn gallery() -> (RunOutcome, Vec<Delta>) {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    let page = load(&engine, "gallery");
    let (report, deltas) = run(&runner, &page, "");
    (report.outcome, deltas)
}

fn find(deltas: &[Delta], pick: impl Fn(&Element) -> bool) -> &Delta {
    deltas
        .iter()
        .find(|d| pick(&d.element))
        .expect("the element is drawn")
}

#[test]
fn blocks_number_their_containers_and_children_follow_the_path() {
    let (outcome, deltas) = gallery();
    assert_eq!(outcome, RunOutcome::Ok);
    // The tabs block, then the first tab's columns block inside it.
    let tabs = find(&deltas, |e| {
        matches!(e, Element::Block(BlockSpec::Tabs { .. }))
    });
    let columns = find(&deltas, |e| {
        matches!(e, Element::Block(BlockSpec::Columns { .. }))
    });
    assert_eq!(
        columns.path[..3],
        [tabs.path[0], tabs.path[1], 0],
        "in tab 0"
    );
    // The first column's alert is at the columns block's path, column 0,
    // position 0.
    let wide = find(
        &deltas,
        |e| matches!(e, Element::Alert { body, .. } if body == "A column twice as wide"),
    );
    let mut expected = columns.path.clone();
    expected.extend([0, 0]);
    assert_eq!(wide.path, expected);
}

#[test]
fn an_empty_placeholder_is_drawn_over_in_place() {
    let (_, deltas) = gallery();
    let first = find(
        &deltas,
        |e| matches!(e, Element::Text { body } if body == "first draw"),
    );
    let second = find(
        &deltas,
        |e| matches!(e, Element::Alert { body, .. } if body == "replaced by the second draw"),
    );
    assert_eq!(
        first.path, second.path,
        "the second draw replaces the first"
    );
}

#[test]
fn page_config_is_a_page_level_delta() {
    let (_, deltas) = gallery();
    let config = find(&deltas, |e| matches!(e, Element::PageConfig { .. }));
    assert!(config.path.is_empty());
    assert_eq!(
        config.element,
        Element::PageConfig {
            title: Some("Gallery · wasmlit".into()),
            icon: Some("🧰".into()),
            wide: true,
            sidebar: "auto",
            menu: Some(Box::new(host::model::delta::MenuItems {
                get_help: Some("https://docs.example.com/gallery".into()),
                report_a_bug: Some("mailto:bugs@example.com".into()),
                about: Some(
                    "<p>The <strong>wasmlit</strong> gallery: every element in one app.</p>\n"
                        .into()
                ),
            })),
        }
    );
}

#[test]
fn tables_carry_their_columns_and_formats() {
    let (_, deltas) = gallery();
    let table = find(&deltas, |e| matches!(e, Element::Table { .. }));
    let json = serde_json::to_value(&table.element).unwrap();
    assert_eq!(json["columns"][0]["name"], "region");
    assert_eq!(
        json["columns"][1]["values"],
        serde_json::json!([120, 87, 143, 99])
    );
    assert_eq!(
        json["columns"][2]["format"],
        serde_json::json!({"decimals": 2, "prefix": "$"})
    );
    let frame = find(&deltas, |e| matches!(e, Element::Dataframe { .. }));
    let json = serde_json::to_value(&frame.element).unwrap();
    assert_eq!(
        json["columns"][0]["values"].as_array().map(Vec::len),
        Some(10_000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_writes_query_params_and_toasts_as_page_level_deltas() {
    let server = tests::TestServer::start(GALLERY).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("gallery", serde_json::json!({})).await;
    let visit = tests::widget_id(&first, "Count a visit in the URL");
    let toast = tests::widget_id(&first, "Show a toast");
    let clicked = client
        .rerun("gallery", serde_json::json!({ visit: true, toast: true }))
        .await;
    let page_level: Vec<&serde_json::Value> = clicked
        .iter()
        .filter(|m| m["type"] == "delta" && m["path"] == serde_json::json!([]))
        .collect();
    let kinds: Vec<&str> = page_level
        .iter()
        .filter_map(|m| m["element"]["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"toast"), "{kinds:?}");
    let query = page_level
        .iter()
        .find(|m| m["element"]["kind"] == "query_params")
        .expect("a query_params delta");
    assert_eq!(query["element"]["query"], "visits=1");
    server.shutdown().await;
}

#[test]
fn form_widgets_must_be_used_inside_forms_as_designed() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    let page = load(&engine, "misuse");
    for (case, expected) in [
        ("button_in_form", "is inside a form"),
        ("submit_outside", "is not inside a form"),
        ("bad_link", "only http, https and mailto links are allowed"),
    ] {
        let (report, _) = run(&runner, &page, &format!("case={case}"));
        match report.outcome {
            RunOutcome::Error(_, message) => assert!(message.contains(expected), "{message}"),
            other => panic!("{case}: expected an error, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_submits_its_values_together_and_clears_after() {
    let server = tests::TestServer::start(&["misuse"]).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("misuse", serde_json::json!({})).await;
    assert_eq!(tests::markdown_texts(&first), ["not sent"]);
    let name = tests::widget_id(&first, "Name");
    let send = tests::widget_id(&first, "Send");
    let submitted = client
        .rerun(
            "misuse",
            serde_json::json!({ name.clone(): "Ada", send: true }),
        )
        .await;
    assert_eq!(tests::markdown_texts(&submitted), ["sent: Ada"]);
    // The form clears on submit: the next run sees the default again.
    let after = client.rerun("misuse", serde_json::json!({})).await;
    assert_eq!(tests::markdown_texts(&after), ["not sent"]);
    let value = after
        .iter()
        .find(|m| m["element"]["id"] == serde_json::json!(name))
        .map(|m| m["element"]["value"].clone());
    assert_eq!(value, Some(serde_json::json!("nobody")));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_page_and_write_stream_reach_the_browser() {
    let server = tests::TestServer::start(GALLERY).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("gallery", serde_json::json!({})).await;
    let stream = tests::widget_id(&first, "Stream a sentence");
    let go = tests::widget_id(&first, "Go to the counter page");
    // The streamed text grows at one place, word by word: each word is
    // appended (sent once), then the finished text is drawn as Markdown
    // (which takes the place of a last piece not sent yet).
    let streamed = client
        .rerun("gallery", serde_json::json!({ stream: true }))
        .await;
    let appended: Vec<&serde_json::Value> = streamed
        .iter()
        .filter(|m| m["element"]["kind"] == "text_append")
        .collect();
    assert!(appended.len() > 5, "{} pieces", appended.len());
    assert!(appended.windows(2).all(|w| w[0]["path"] == w[1]["path"]));
    let text: String = appended
        .iter()
        .filter_map(|m| m["element"]["text"].as_str())
        .collect();
    assert!(
        "Text that arrives one word at a time, as a model would write it.".starts_with(&text)
            && text.len() > 40,
        "{text}"
    );
    let last = streamed
        .iter()
        .rfind(|m| m["path"] == appended[0]["path"])
        .expect("the stream's place");
    assert_eq!(last["element"]["kind"], "markdown");
    assert_eq!(
        last["element"]["html"],
        "<p>Text that arrives one word at a time, as a model would write it.</p>\n"
    );
    // switch_page tells the browser where to go and ends the run.
    let switched = client
        .rerun("gallery", serde_json::json!({ go: true }))
        .await;
    let to = switched
        .iter()
        .find(|m| m["element"]["kind"] == "switch_page")
        .expect("a switch_page delta");
    assert_eq!(to["path"], serde_json::json!([]));
    assert_eq!(to["element"]["page"], "counter");
    assert_eq!(switched.last().unwrap()["status"], "ok");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_change_runs_its_callback_before_the_page_draws() {
    let server = tests::TestServer::start(GALLERY).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("gallery", serde_json::json!({})).await;
    let volume_line = |messages: &[serde_json::Value]| {
        tests::markdown_texts(messages)
            .into_iter()
            .find(|m| m.starts_with("volume: "))
            .unwrap_or_default()
    };
    assert!(volume_line(&first).starts_with("volume: 5 "));
    let max = tests::widget_id(&first, "Max");
    let after = client
        .rerun("gallery", serde_json::json!({ max: true }))
        .await;
    assert!(
        volume_line(&after).starts_with("volume: 10 "),
        "{}",
        volume_line(&after)
    );
    // A keyed widget's value sent by the browser lands in session state.
    let moved = client
        .rerun("gallery", serde_json::json!({ "key:volume": 7 }))
        .await;
    assert!(
        volume_line(&moved).starts_with("volume: 7 "),
        "{}",
        volume_line(&moved)
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_message_is_the_inputs_value_for_one_run_only() {
    let server = tests::TestServer::start(GALLERY).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("gallery", serde_json::json!({})).await;
    let chat = tests::widget_id(&first, "Say something");
    let said = |messages: &[serde_json::Value]| {
        tests::markdown_texts(messages)
            .into_iter()
            .filter(|m| m == "hello" || m.starts_with("You said"))
            .count()
    };
    let sent = client
        .rerun("gallery", serde_json::json!({ chat.clone(): "hello" }))
        .await;
    assert_eq!(said(&sent), 2, "the message and its answer");
    let chat_blocks = sent
        .iter()
        .filter(|m| m["element"]["block"] == "chat_message")
        .count();
    assert_eq!(chat_blocks, 2);
    // The next run does not see the message again (no duplicate answer).
    let again = client.rerun("gallery", serde_json::json!({})).await;
    assert_eq!(said(&again), 2);
    // An empty message is not a message.
    let empty = client
        .rerun("gallery", serde_json::json!({ chat: "" }))
        .await;
    assert_eq!(said(&empty), 2);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_buttons_carry_their_file_and_feedback_takes_a_rating() {
    let server = tests::TestServer::start(GALLERY).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("gallery", serde_json::json!({})).await;
    let download = first
        .iter()
        .find(|m| m["element"]["widget"] == "download_button")
        .expect("a download button");
    assert_eq!(download["element"]["file_name"], "orders.csv");
    assert_eq!(download["element"]["mime"], "text/csv");
    // "region,orders\nnorth,120\nsouth,87\n", base64-encoded.
    assert_eq!(
        download["element"]["data"],
        "cmVnaW9uLG9yZGVycwpub3J0aCwxMjAKc291dGgsODcK"
    );
    let rating = tests::widget_id(&first, "Rate this gallery");
    let rated = client
        .rerun("gallery", serde_json::json!({ rating.clone(): 3 }))
        .await;
    assert!(rated
        .iter()
        .any(|m| m["element"]["html"] == "4 stars, thank you"));
    // Six stars is not a rating this widget offers.
    client
        .send(serde_json::json!({"type": "rerun", "page": "gallery", "widgets": { rating.clone(): 5 }}))
        .await;
    let refused = client.until(|m| m["type"] == "refused").await;
    let refused = refused.last().unwrap();
    assert_eq!(refused["widget"], serde_json::json!(rating), "{refused}");
    let message = refused["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("out of range"), "{message}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balloons_dialogs_and_hidden_labels_reach_the_browser() {
    let server = tests::TestServer::start(GALLERY).await;
    let mut client = tests::WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun("gallery", serde_json::json!({})).await;
    let search = first
        .iter()
        .find(|m| m["element"]["label"] == "Search without a visible label")
        .expect("the search box");
    assert_eq!(search["element"]["label_visibility"], "collapsed");
    let celebrate = tests::widget_id(&first, "Celebrate");
    let dialog = tests::widget_id(&first, "Open a dialog");
    let clicked = client
        .rerun(
            "gallery",
            serde_json::json!({ celebrate: true, dialog: true }),
        )
        .await;
    let balloons = clicked
        .iter()
        .find(|m| m["element"]["kind"] == "balloons")
        .expect("balloons");
    assert_eq!(balloons["path"], serde_json::json!([]));
    let modal = clicked
        .iter()
        .find(|m| m["element"]["block"] == "dialog")
        .expect("a dialog block");
    assert_eq!(modal["element"]["title"], "A dialog");
    // The dialog holds a fragment: its slider reruns only the fragment,
    // inside the dialog, which is not drawn again (it stays open).
    let stars = tests::widget_id(&clicked, "Stars");
    let rated = client
        .rerun("gallery", serde_json::json!({ stars: 5 }))
        .await;
    let scope = rated
        .iter()
        .find(|m| m["type"] == "run_started")
        .and_then(|m| m["scope"].as_array())
        .expect("a fragment run")
        .clone();
    let dialog_path = modal["path"].as_array().expect("a path");
    assert!(scope.starts_with(dialog_path), "inside the dialog");
    assert!(rated.iter().all(|m| m["element"]["block"] != "dialog"));
    assert!(tests::markdown_texts(&rated).contains(&"you gave 5 stars".to_owned()));
    server.shutdown().await;
}

#[test]
fn a_status_block_is_redrawn_in_place_with_its_new_label_and_state() {
    let (_, deltas) = gallery();
    let states: Vec<&Delta> = deltas
        .iter()
        .filter(|d| matches!(&d.element, Element::Block(BlockSpec::Status { .. })))
        .collect();
    assert_eq!(states.len(), 2, "drawn, then updated");
    assert_eq!(states[0].path, states[1].path);
    assert_eq!(
        states[1].element,
        Element::Block(BlockSpec::Status {
            label: "Crunched: 600".into(),
            state: "complete",
            expanded: false
        })
    );
    // Its steps are inside it.
    let step = find(
        &deltas,
        |e| matches!(e, Element::Text { body } if body == "step 3 of 3"),
    );
    assert_eq!(step.path[..states[0].path.len()], states[0].path[..]);
}
