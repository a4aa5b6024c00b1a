//! Fragments: a widget inside one reruns only it, over the session protocol;
//! `run_every` reruns it on its own; a fragment's rerun draws only into it.

use host::model::fragment::FragmentRun;
use host::runtime::run::RunOutcome;
use host::runtime::runner::Runner;
use serde_json::{json, Value};
use tests::runs::{request, run, texts, Recorded};
use tests::{engine, load, markdown_texts, widget_id, TestServer, WsClient};

const PAGE: &str = "fragments";

/// The container paths of the fragments drawn in `messages`, in order.
fn fragment_paths(messages: &[Value]) -> Vec<Value> {
    messages
        .iter()
        .filter(|m| {
            m["type"] == "delta"
                && m["element"]["kind"] == "block"
                && m["element"]["block"] == "fragment"
        })
        .map(|m| {
            let mut path = m["path"].as_array().expect("a path").clone();
            path.push(json!(0));
            Value::Array(path)
        })
        .collect()
}

fn started(messages: &[Value]) -> &Value {
    messages
        .iter()
        .find(|m| m["type"] == "run_started")
        .expect("a run_started message")
}

fn status(messages: &[Value]) -> &Value {
    &messages.last().expect("messages")["status"]
}

/// Every delta of `messages` is inside the container at `scope`.
fn all_within(messages: &[Value], scope: &Value) -> bool {
    let scope = scope.as_array().expect("a path");
    messages
        .iter()
        .filter(|m| m["type"] == "delta")
        .all(|m| m["path"].as_array().is_some_and(|p| p.starts_with(scope)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_inside_a_fragment_reruns_only_the_fragment() {
    let server = TestServer::start(&[PAGE]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun_query(PAGE, json!({}), "every=0").await;
    assert_eq!(status(&first), "ok");
    assert!(started(&first).get("scope").is_none(), "a page run");
    let texts = markdown_texts(&first);
    assert!(texts.contains(&"page runs: 1".to_owned()), "{texts:?}");
    assert!(texts.contains(&"fragment clicks: 0".to_owned()));
    let tally = fragment_paths(&first)[0].clone();

    let add = widget_id(&first, "Add one");
    let clicked = client
        .rerun_query(PAGE, json!({ add: true }), "every=0")
        .await;
    assert_eq!(status(&clicked), "ok");
    assert_eq!(
        started(&clicked)["scope"],
        tally,
        "only the fragment reruns"
    );
    assert!(all_within(&clicked, &tally), "nothing drawn outside it");
    assert_eq!(markdown_texts(&clicked), ["fragment clicks: 1"]);

    // The page's own button reruns the page; the fragment's count stays.
    let whole = widget_id(&first, "Rerun the whole page");
    let again = client
        .rerun_query(PAGE, json!({ whole: true }), "every=0")
        .await;
    assert!(started(&again).get("scope").is_none());
    let texts = markdown_texts(&again);
    assert!(texts.contains(&"page runs: 2".to_owned()), "{texts:?}");
    assert!(texts.contains(&"fragment clicks: 1".to_owned()));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragments_with_arguments_keep_their_own_widget_values() {
    let server = TestServer::start(&[PAGE]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun_query(PAGE, json!({}), "every=0").await;
    let paths = fragment_paths(&first);
    let (north, south) = (paths[1].clone(), paths[2].clone());
    let slider = widget_id(&first, "Days in North");
    let moved = client
        .rerun_query(PAGE, json!({ slider: 12 }), "every=0")
        .await;
    assert_eq!(started(&moved)["scope"], north);
    assert!(all_within(&moved, &north));
    assert_eq!(markdown_texts(&moved), ["North: the last 12 days"]);

    // Both sliders at once are in different fragments: the page reruns.
    let south_slider = widget_id(&first, "Days in South");
    let both = client
        .rerun_query(
            PAGE,
            json!({ widget_id(&first, "Days in North"): 13, south_slider: 3 }),
            "every=0",
        )
        .await;
    assert!(started(&both).get("scope").is_none(), "a page run");
    let texts = markdown_texts(&both);
    assert!(
        texts.contains(&"North: the last 13 days".to_owned()),
        "{texts:?}"
    );
    assert!(texts.contains(&"South: the last 3 days".to_owned()));
    assert!(texts.contains(&"page runs: 2".to_owned()));
    assert_ne!(north, south);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fragment_with_run_every_reruns_on_its_own() {
    let server = TestServer::start(&[PAGE]).await;
    let mut client = WsClient::connect(&server.ws_url(None)).await;
    let first = client.rerun_query(PAGE, json!({}), "every=150").await;
    assert_eq!(status(&first), "ok");
    let clock = fragment_paths(&first)[1].clone();
    // Nothing is sent: the server starts the clock's runs by itself.
    for tick in 2..=3 {
        let seen = client.until(|m| m["type"] == "run_finished").await;
        assert_eq!(started(&seen)["scope"], clock);
        assert_eq!(status(&seen), "ok");
        assert!(all_within(&seen, &clock));
        let metric = seen
            .iter()
            .find(|m| m["type"] == "delta" && m["element"]["kind"] == "metric")
            .expect("the clock redrawn");
        assert_eq!(metric["element"]["value"], tick.to_string());
        assert!(markdown_texts(&seen).is_empty(), "the page did not rerun");
    }
    server.shutdown().await;
}

#[test]
fn a_fragments_rerun_draws_only_into_the_fragment() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    let page = load(&engine, "misuse");
    let (report, deltas) = run(&runner, &page, "case=fragment_outside");
    assert_eq!(report.outcome, RunOutcome::Ok, "the page's run may");
    assert_eq!(texts(&deltas), ["inside", "outside"]);
    let fragment = report.fragments.first().expect("a fragment").clone();

    let recorded = Recorded::default();
    let mut rerun = request(&page, "case=fragment_outside", "test", &recorded);
    rerun.fragment = Some(FragmentRun {
        path: fragment.path.clone(),
        call: fragment.call,
    });
    let report = runner.run(rerun);
    let RunOutcome::Error(_, message) = &report.outcome else {
        panic!("the rerun must fail, got {:?}", report.outcome);
    };
    assert!(
        message.contains("draws only into the fragment"),
        "{message}"
    );
    let deltas = recorded.lock().clone();
    assert_eq!(texts(&deltas), ["inside"]);
    assert!(deltas.iter().all(|d| d.path.starts_with(&fragment.path)));
}

#[test]
fn run_every_below_the_minimum_is_refused_by_name() {
    let engine = engine();
    let runner = Runner::new(engine.clone(), 1).expect("runner");
    let page = load(&engine, "misuse");
    let (report, _) = run(&runner, &page, "case=fast_fragment");
    let RunOutcome::Error(_, message) = &report.outcome else {
        panic!("the run must fail, got {:?}", report.outcome);
    };
    assert!(message.contains("run_every_min_ms"), "{message}");
}
