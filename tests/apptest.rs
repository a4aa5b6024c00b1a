//! Every example page tested the way a page author would, with AppTest.

use wasmlit_apptest::AppTest;

fn app(name: &str) -> AppTest {
    AppTest::from_wasm(tests::page_wasm(name)).expect("page loads")
}

#[test]
fn counter_counts_clicks_and_squares_the_slider() {
    tests::assert_counter_counts_clicks_and_squares_the_slider(&mut app("counter"));
}

#[test]
fn counter_refuses_slider_values_a_browser_could_not_send() {
    let mut at = app("counter");
    at.run();
    let err = at.slider("n").try_set(101).err().unwrap();
    assert_eq!(err, "slider value 101 is outside 0..=100");
    let err = at.slider("n").try_set("7").err().unwrap();
    assert_eq!(err, "slider expects an integer, got a string");
}

#[test]
fn counter_starts_from_session_state() {
    for page in ["counter", "py_counter"] {
        counter_starts_from(page);
    }
}

fn counter_starts_from(page: &str) {
    let mut at = app(page);
    at.set_session_state("count", &41).run();
    at.button("Increment").click().run();
    assert_eq!(at.markdown()[0], "count: 42");
}

#[test]
fn hello_greets_by_name() {
    let mut at = app("hello");
    at.run();
    assert_eq!(at.alerts(), ["Type your name above."]);
    at.text_input("Your name").set("  Ada ").run();
    assert_eq!(at.alerts(), ["Hello, Ada!"]);
}

#[test]
fn hello_greets_the_name_in_the_url_until_one_is_typed() {
    let mut at = app("hello");
    at.set_query("name=Grace%20Hopper&x=1").run();
    assert_eq!(at.alerts(), ["Hello, Grace Hopper!"]);
    assert_eq!(at.query_params()[1], ("x".to_owned(), "1".to_owned()));
    at.text_input("Your name").set("Ada").run();
    assert_eq!(at.alerts(), ["Hello, Ada!"]);
}

#[test]
fn widgets_reports_every_value() {
    let mut at = app("widgets");
    at.run();
    at.button("Click me").click();
    at.checkbox("Check me").set(true);
    at.slider("Level").set(9);
    at.float_slider("Ratio").set(0.5);
    at.text_input("Text").set("typed");
    at.number_input("Amount").set(42.5);
    at.selectbox("Fruit").select("banana").run();
    let shown = at.markdown();
    for expected in [
        "button: true",
        "checkbox: true",
        "slider: 9",
        "float slider: 0.50",
        "text input: typed",
        "number input: 42.5",
        "selectbox: banana",
    ] {
        assert!(
            shown.iter().any(|s| s == expected),
            "{expected} not in {shown:?}"
        );
    }
    assert!(
        at.checkbox("Disabled").try_set(false).is_err(),
        "disabled widgets take no value"
    );
}

#[test]
fn panic_shows_its_message() {
    let mut at = app("panic");
    at.run();
    assert_eq!(at.status(), Some("error"));
    assert!(at.exception().unwrap().contains("the data set is empty"));
    assert_eq!(at.text(), ["About to panic."]);
}

#[test]
fn memory_hog_and_deep_recursion_hit_their_limits() {
    let mut at = AppTest::with_limits(
        tests::page_wasm("memory_hog"),
        host::runtime::limits::Limits {
            memory_bytes: 16 << 20,
            ..Default::default()
        },
    )
    .unwrap();
    at.run();
    assert_eq!(at.exception(), Some("exceeded the memory limit (16 MiB)"));
    let mut at = app("deep_recursion");
    at.run();
    assert!(at.exception().unwrap().starts_with("stack overflow"));
}

#[test]
fn spin_hits_the_cpu_limit() {
    let mut at = AppTest::with_limits(
        tests::page_wasm("spin"),
        host::runtime::limits::Limits {
            cpu_time: std::time::Duration::from_millis(100),
            ..Default::default()
        },
    )
    .unwrap();
    at.run();
    assert_eq!(at.exception(), Some("exceeded the CPU time limit (100 ms)"));
    assert_eq!(at.title(), ["Spin"]);
}

#[test]
fn chatter_output_is_bounded_by_the_cpu_limit() {
    let mut at = AppTest::with_limits(
        tests::page_wasm("chatter"),
        host::runtime::limits::Limits {
            cpu_time: std::time::Duration::from_millis(50),
            ..Default::default()
        },
    )
    .unwrap();
    at.run();
    assert!(at.exception().unwrap().contains("CPU time limit"));
    assert!(!at.text().is_empty(), "it drew lines before the limit");
}

#[test]
fn rerun_is_followed_until_the_page_stops_asking() {
    let mut at = app("control_flow");
    at.run();
    at.selectbox("Mode").select("rerun").run();
    assert_eq!(at.text(), ["ran 3 times"]);
    assert_eq!(at.runs(), 4, "one plain run, then three for the rerun mode");
    at.selectbox("Mode").select("rerun_forever").run();
    assert!(at.exception().unwrap().contains("consecutive_reruns"));
}

#[test]
fn multithread_example_shows_every_query_and_the_total() {
    let mut at = app("multithread_example");
    at.run();
    at.slider("Queries").set(3).run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let mut alerts = at.alerts();
    alerts.sort();
    assert_eq!(alerts.len(), 3);
    for (alert, table) in alerts.iter().zip(["customers", "invoices", "orders"]) {
        assert!(alert.starts_with(&format!("{table}: ")), "{alert}");
    }
    let total = at.markdown().join("\n");
    assert!(total.contains("All 3 queries took"), "{total}");
}

#[test]
fn thread_executor_maps_in_parallel_with_the_same_results() {
    let mut at = app("thread_executor");
    at.run();
    at.slider("Inputs").set(4).run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let lines = at.markdown();
    let results = |prefix: &str| {
        let line = lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix}: {lines:?}"));
        line.split('→').nth(1).unwrap_or_default().trim().to_owned()
    };
    assert_eq!(results("Sequential loop"), results("parallel_map"));
    assert!(at.alerts()[0].starts_with("Speed-up: "));
}

#[test]
fn caching_page_computes_once_then_serves_from_the_cache() {
    let mut at = app("caching");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let captions = at.text();
    assert!(
        captions.iter().any(|c| c.starts_with("computed in")),
        "{captions:?}"
    );
    at.run();
    let captions = at.text();
    assert!(
        captions.iter().any(|c| c.starts_with("from the cache in")),
        "{captions:?}"
    );
    // The word index answers the prefix query.
    at.text_input("Words starting with").set("q").run();
    let markdown = at.markdown();
    let words = markdown.last().expect("the words line");
    assert!(words.split(", ").all(|w| w.starts_with('q')), "{words}");
}

#[test]
fn gallery_widgets_take_values_like_the_browser_sends() {
    let mut at = app("gallery");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let summary = |at: &AppTest| {
        at.markdown()
            .into_iter()
            .find(|m| m.starts_with("toggle: "))
            .unwrap_or_default()
    };
    assert!(summary(&at)
        .starts_with("toggle: true · radio: apple · select_slider: M · multiselect: north, east"));
    at.widget_of("toggle", "toggle").set(false).run();
    at.widget_of("radio", "radio").set(2).run();
    at.widget_of("multiselect", "multiselect").set([3, 1]).run();
    assert!(
        summary(&at).starts_with(
            "toggle: false · radio: plum · select_slider: M · multiselect: west, south"
        ),
        "{}",
        summary(&at)
    );
    // What a browser could not send is refused with the reason.
    let err = at
        .widget_of("multiselect", "multiselect")
        .try_set([1, 1])
        .err()
        .unwrap();
    assert_eq!(err, "multiselect: option 1 chosen twice");
    let err = at
        .widget_of("date_input", "date_input")
        .try_set("2026-02-30")
        .err()
        .unwrap();
    assert!(err.contains("is not a date"), "{err}");
    let err = at
        .widget_of("color_picker", "color_picker")
        .try_set("red")
        .err()
        .unwrap();
    assert!(err.contains("is not a colour"), "{err}");
}

#[test]
fn keyed_widgets_live_in_session_state_and_on_change_runs_first() {
    let mut at = app("gallery");
    at.run();
    let volume_line = |at: &AppTest| {
        at.markdown()
            .into_iter()
            .find(|m| m.starts_with("volume: "))
            .unwrap_or_default()
    };
    assert_eq!(volume_line(&at), "volume: 5 (session state `volume`: 5)");
    at.by_key("volume").set(8).run();
    assert_eq!(volume_line(&at), "volume: 8 (session state `volume`: 8)");
    assert_eq!(at.session_state::<i64>("volume"), Some(8));
    // The button's callback sets the state before the slider is drawn.
    at.button("Mute").click().run();
    assert_eq!(volume_line(&at), "volume: 0 (session state `volume`: 0)");
    // The page (or a test) setting the key moves the widget.
    at.set_session_state("volume", &3).run();
    assert_eq!(volume_line(&at), "volume: 3 (session state `volume`: 3)");
}

#[test]
fn the_sales_example_reads_and_writes_its_database() {
    // The example app's settings, with the database in a directory of its own.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        tests::workspace().join("pages/app.toml"),
        dir.path().join("app.toml"),
    )
    .unwrap();
    let mut at = AppTest::with_app_dir(tests::page_wasm("sales"), dir.path()).expect("page loads");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let orders = |at: &AppTest| {
        at.table_rows()
            .into_iter()
            .find(|rows| {
                rows.first()
                    .is_some_and(|r| r.get("region").is_some() && r.get("id").is_some())
            })
            .expect("the orders")
    };
    let first = orders(&at);
    assert_eq!(first.len(), 5);
    assert_eq!(first[0]["day"], "2026-11-02");
    assert_eq!(first[0]["paid"], true);
    assert_eq!(first[1]["note"], serde_json::Value::Null);
    at.number_input("Total").set(42.5);
    at.form_submit_button("Add").click().run();
    let after = orders(&at);
    assert_eq!(after.len(), 6, "the form's order was inserted");
    assert_eq!(after[5]["total"], 42.5);
    assert!(dir.path().join("shop.db").is_file());

    // Rows selected in the dataframe are summed.
    at.dataframe_select(None)
        .set(serde_json::json!({"rows": [2, 0]}))
        .run();
    assert!(
        at.alerts()
            .iter()
            .any(|a| a.contains("2 selected, $360.25 in all")),
        "{:?}",
        at.alerts()
    );

    // Edits the host refuses change nothing: a negative total, a region
    // not on the list, the read-only id.
    for bad in [
        serde_json::json!({"edited_rows": {"0": {"total": -5}}}),
        serde_json::json!({"edited_rows": {"0": {"region": "nowhere"}}}),
        serde_json::json!({"edited_rows": {"0": {"id": 99}}}),
        serde_json::json!({"added_rows": [{"region": "west"}]}),
    ] {
        let refused = at.data_editor(Some("orders-0")).try_set(bad.clone());
        assert!(refused.is_err(), "{bad} was taken");
    }
    // A changed total, a deleted order and a new one, saved.
    at.data_editor(Some("orders-0"))
        .set(serde_json::json!({
            "edited_rows": {"1": {"total": 90.0, "note": "discounted"}},
            "added_rows": [{"day": "2026-12-01", "region": "west", "total": 10.0, "paid": true}],
            "deleted_rows": [5]
        }))
        .run();
    assert!(
        at.caption()
            .iter()
            .any(|c| c.contains("2 changed cells, 1 new rows, 1 deleted rows not saved yet")),
        "{:?}",
        at.caption()
    );
    at.button("Save changes").click().run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let saved = orders(&at);
    assert_eq!(saved.len(), 6, "{saved:?}");
    assert_eq!(saved[1]["total"], 90.0);
    assert_eq!(saved[1]["note"], "discounted");
    assert!(
        saved.iter().all(|r| r["total"] != 42.5),
        "the order was deleted"
    );
    assert!(
        saved
            .iter()
            .any(|r| r["region"] == "west" && r["total"] == 10.0 && r["day"] == "2026-12-01"),
        "{saved:?}"
    );
    // The editor starts afresh on the saved rows.
    at.data_editor(Some("orders-1"));
}

#[test]
fn the_greeting_example_greets_the_logged_in_user() {
    let mut at = app("greeting");
    at.run();
    assert_eq!(at.title(), ["Hello, stranger"]);
    at.login_as("alice@example.com").run();
    assert_eq!(at.title(), ["Hello, alice@example.com"]);
}

#[test]
fn typed_columns_read_back_as_the_page_drew_them() {
    let mut at = app("gallery");
    at.run();
    let rows = at
        .table_rows()
        .into_iter()
        .find(|rows| rows.first().is_some_and(|r| r.get("day").is_some()))
        .expect("the typed table");
    assert_eq!(
        rows[0],
        serde_json::json!({"day": "2026-12-01", "at": "2026-12-01T09:30:00Z", "opens": "08:00:00",
                           "units": 3, "trend": [1.0, 3.0, 2.0], "tags": ["new"], "meta": {"a": 1}})
    );
    assert_eq!(rows[1]["units"], serde_json::Value::Null);
    let typed = at
        .tables()
        .into_iter()
        .find(|t| t.first().is_some_and(|c| c.name == "day"))
        .expect("the typed table");
    assert_eq!(typed[1].time_zone.as_deref(), Some("Europe/Oslo"));
}

#[test]
fn rows_added_to_a_table_and_a_chart_join_them() {
    let mut at = app("gallery");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    let log = at
        .tables()
        .into_iter()
        .find(|t| t.first().is_some_and(|c| c.name == "step"))
        .expect("the add_rows table");
    assert_eq!(log[0].values.len(), 21, "the first row and 20 added");
    let chart = at
        .charts()
        .into_iter()
        .find(|c| c["encoding"]["x"]["field"] == "step")
        .expect("the add_rows chart");
    let values = chart["data"]["values"].as_array().expect("inline rows");
    assert_eq!(values.len(), 21);
    assert_eq!(values[20]["step"], 20);
}

#[test]
fn a_keyed_choice_keeps_its_option_in_session_state_and_setting_an_option_selects_it() {
    let mut at = app("gallery");
    at.run();
    let size_line = |at: &AppTest| {
        at.markdown()
            .into_iter()
            .find(|m| m.starts_with("size: "))
            .unwrap_or_default()
    };
    assert_eq!(
        size_line(&at),
        "size: medium (session state `size`: medium)"
    );
    at.by_key("size").set(2).run();
    assert_eq!(size_line(&at), "size: large (session state `size`: large)");
    assert_eq!(at.session_state::<String>("size").as_deref(), Some("large"));
    // The page (or a test) setting the option selects it.
    at.set_session_state("size", &"small").run();
    assert_eq!(size_line(&at), "size: small (session state `size`: small)");
    // Something that is not an option is replaced by the default.
    at.set_session_state("size", &"huge").run();
    assert_eq!(
        size_line(&at),
        "size: medium (session state `size`: medium)"
    );
}

#[test]
fn query_params_read_repeated_keys_and_are_set_replaced_and_cleared() {
    let mut at = app("control_flow");
    let pairs = |at: &AppTest| {
        at.query_params()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    at.set_query("tag=a&other=1&tag=b&op=read").run();
    let texts = at.text();
    assert!(texts.contains(&"tags: a,b".to_owned()), "{texts:?}");
    assert!(
        texts.contains(&r#"dict: {"op": "read", "other": "1", "tag": "b"}"#.to_owned()),
        "{texts:?}"
    );
    // A repeated key is set where the key first was.
    at.set_query("tag=a&op=set_all&tag=b").run();
    assert_eq!(pairs(&at), "tag=x&tag=y&op=set_all");
    at.set_query("op=untag&tag=a").run();
    assert_eq!(pairs(&at), "op=untag");
    at.set_query("op=from_dict&z=9").run();
    assert_eq!(pairs(&at), "a=1&b=2&a=3");
    at.set_query("op=clear&z=9").run();
    assert_eq!(pairs(&at), "");
}

#[test]
fn pills_and_segmented_controls_choose_one_or_several_options() {
    let mut at = app("gallery");
    at.run();
    let line = |at: &AppTest| {
        at.markdown()
            .into_iter()
            .find(|m| m.starts_with("mood: "))
            .unwrap_or_default()
    };
    assert_eq!(line(&at), "mood: none · toppings: cheese · period: Week");
    // Nothing chosen until the user picks: a selectbox and radio buttons.
    let chosen = |at: &AppTest| {
        at.markdown()
            .into_iter()
            .find(|m| m.starts_with("country: "))
            .unwrap_or_default()
    };
    assert_eq!(chosen(&at), "country: none · plan: none");
    at.selectbox("Country").set(1).run();
    at.widget_of("radio", "Plan").set(0).run();
    assert_eq!(chosen(&at), "country: Peru · plan: Free");
    // Range sliders: two handles, low before high, within the bounds.
    at.widget_of("range_slider", "Years")
        .set([1995, 2001])
        .run();
    at.widget_of("float_range_slider", "Band")
        .set([0.1, 0.3])
        .run();
    assert!(
        at.markdown()
            .contains(&"years: 1995–2001 · band: 0.10–0.30".to_owned()),
        "{:?}",
        at.markdown()
    );
    for bad in [
        serde_json::json!([2001, 1995]),
        serde_json::json!([1980, 2000]),
        serde_json::json!([2000]),
        serde_json::json!(2000),
    ] {
        let err = at
            .widget_of("range_slider", "Years")
            .try_set(bad.clone())
            .err();
        assert!(err.is_some(), "{bad} was taken");
    }
    // A text area with max_chars; a time input in steps.
    at.widget_of("text_area", "Short note").set("hello").run();
    at.widget_of("time_input", "Slot").set("10:30").run();
    assert!(
        at.markdown()
            .contains(&"note: 5 characters · slot: 10:30".to_owned()),
        "{:?}",
        at.markdown()
    );
    let err = at
        .widget_of("text_area", "Short note")
        .try_set("x".repeat(21))
        .err()
        .unwrap_or_default();
    assert!(err.contains("20"), "{err}");
    // A number box of whole numbers takes whole numbers within its bounds.
    at.number_input("Guests").set(5).run();
    assert!(at.markdown().contains(&"guests: 5".to_owned()));
    let err = at
        .number_input("Guests")
        .try_set(2.5)
        .err()
        .unwrap_or_default();
    assert!(err.contains("not a whole number"), "{err}");
    let err = at
        .number_input("Guests")
        .try_set(13)
        .err()
        .unwrap_or_default();
    assert!(err.contains("outside its bounds"), "{err}");
    at.pills("Mood").set(1).run();
    at.pills("Toppings").set([2, 0]).run();
    at.segmented_control("Period")
        .set(serde_json::Value::Null)
        .run();
    assert_eq!(
        line(&at),
        "mood: busy · toppings: basil+cheese · period: none"
    );
    // Values a browser could not send are refused, naming the widget.
    let err = at
        .pills("Toppings")
        .try_set([0, 0])
        .err()
        .unwrap_or_default();
    assert!(err.contains("chosen twice"), "{err}");
    let err = at.pills("Mood").try_set(7).err().unwrap_or_default();
    assert!(err.contains("out of range"), "{err}");
}

#[test]
fn fragments_page_counts_clicks_inside_its_fragment() {
    let mut at = app("fragments");
    at.run();
    assert!(at.exception().is_none(), "{:?}", at.exception());
    assert!(at.markdown().contains(&"fragment clicks: 0".to_owned()));
    at.button("Add one").click().run();
    assert!(at.markdown().contains(&"fragment clicks: 1".to_owned()));
    // `rerun_fragment` runs the fragment once more, not the page.
    let (runs, page_runs) = (at.runs(), at.session_state::<u64>("page_runs"));
    at.button("Add two").click().run();
    assert!(
        at.markdown().contains(&"fragment clicks: 3".to_owned()),
        "{:?}",
        at.markdown()
    );
    assert_eq!(
        at.runs(),
        runs + 2,
        "the click's run and the fragment's rerun"
    );
    assert_eq!(
        at.session_state::<u64>("page_runs"),
        page_runs,
        "the page did not run"
    );
    at.slider("Days in South").set(3).run();
    assert!(at.markdown().contains(&"South: the last 3 days".to_owned()));
}

#[test]
fn gallery_reads_an_uploaded_file() {
    let mut at = app("gallery");
    at.run();
    assert!(at.text().contains(&"no file yet".to_owned()));
    at.file_uploader("A CSV file")
        .upload("orders.csv", "text/csv", b"a,b\n1,2\n")
        .run();
    assert!(
        at.markdown()
            .contains(&"orders.csv: 8 bytes, 2 rows".to_owned()),
        "{:?}",
        at.markdown()
    );
    // Removed: the page no longer gets it.
    at.file_uploader("A CSV file")
        .set(Vec::<String>::new())
        .run();
    assert!(at.text().contains(&"no file yet".to_owned()));
}

// The session's rules are the server's (`host::session::model`): the three
// tests below failed when AppTest kept its own copy of them.

#[test]
fn a_form_that_clears_on_submit_starts_again_from_its_defaults() {
    let mut at = app("misuse");
    at.run();
    assert_eq!(at.markdown(), ["not sent"]);
    at.text_input("Name").set("Ada");
    at.widget_of("submit_button", "Send").click().run();
    assert_eq!(at.markdown(), ["sent: Ada"]);
    at.run();
    assert_eq!(at.markdown(), ["not sent"]);
    assert_eq!(at.text_input("Name").value(), "nobody");
}

#[test]
fn a_widget_that_a_run_did_not_draw_loses_its_value() {
    let mut at = app("misuse");
    at.run();
    at.text_input("Name").set("Ada").run();
    assert_eq!(at.text_input("Name").value(), "Ada");
    // A run that does not draw the text input forgets what was typed.
    at.set_query("case=bad_link").run();
    assert!(at.widgets().iter().all(|w| w.label != "Name"));
    at.set_query("").run();
    assert_eq!(at.text_input("Name").value(), "nobody");
}

#[test]
fn a_change_inside_a_fragment_reruns_only_the_fragment() {
    let mut at = app("fragments");
    at.set_query("every=0").run();
    assert!(at.markdown().contains(&"page runs: 1".to_owned()));
    at.button("Add one").click().run();
    let shown = at.markdown();
    assert!(
        shown.contains(&"fragment clicks: 1".to_owned()),
        "{shown:?}"
    );
    // The page did not run again, and what it drew outside the fragment
    // is still there.
    assert_eq!(at.session_state::<u64>("page_runs"), Some(1));
    assert!(shown.contains(&"page runs: 1".to_owned()), "{shown:?}");
    assert!(at.widgets().iter().any(|w| w.label == "Days in North"));
    // A widget outside every fragment reruns the whole page.
    at.button("Rerun the whole page").click().run();
    assert_eq!(at.session_state::<u64>("page_runs"), Some(2));
}

/// The line of the last run's Markdown that starts with `start`.
fn line_of(at: &AppTest, start: &str) -> String {
    at.markdown()
        .into_iter()
        .find(|m| m.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}: {:?}", at.markdown()))
}

#[test]
fn gallery_inputs_take_formats_dates_empty_values_ranges_and_typed_options() {
    let mut at = app("gallery");
    at.run();
    // Formats are display only; a kind without numbers or dates refuses one.
    assert_eq!(at.slider("Share").format().as_deref(), Some("%d%%"));
    assert_eq!(
        at.slider("Share").help().as_deref(),
        Some("How much of the budget")
    );
    assert_eq!(
        line_of(&at, "share: "),
        "share: 40 · weight: 2.5 · price: 1234.5"
    );
    // Temporal sliders carry days and minutes; the page gets text.
    assert_eq!(
        line_of(&at, "day: "),
        "day: 2026-06-15 · period: 2026-03-01 to 2026-05-31 · start: 09:00 · when: 2026-12-03T12:00"
    );
    let day = at.slider("Day").value().as_i64().expect("days");
    at.slider("Day").set(day + 17).run();
    at.range_slider("Period").set([day - 1, day]).run();
    at.slider("Start").set(17 * 60 + 45).run();
    assert!(line_of(&at, "day: ")
        .starts_with("day: 2026-07-02 · period: 2026-06-14 to 2026-06-15 · start: 17:45"));
    assert!(
        at.slider("Start").try_set(24 * 60).is_err(),
        "past the slider's last time"
    );
    // Empty until chosen, and empty again.
    assert_eq!(
        line_of(&at, "age: "),
        "age: none · due: none · stay: 2026-12-20 to 2026-12-27 · meeting: none"
    );
    at.number_input("Age").set(42).run();
    at.date_input("Due").set("2026-02-01").run();
    at.date_input("Stay")
        .set(["2026-12-01", "2026-12-02"])
        .run();
    at.datetime_input("Meeting").set("2026-12-03T09:30").run();
    assert_eq!(
        line_of(&at, "age: "),
        "age: 42 · due: 2026-02-01 · stay: 2026-12-01 to 2026-12-02 · meeting: 2026-12-03T09:30"
    );
    at.number_input("Age").set(serde_json::Value::Null).run();
    assert!(line_of(&at, "age: ").starts_with("age: none · "));
    assert!(at.number_input("Age").try_set(131).is_err(), "past max");
    assert!(at.number_input("Age").try_set(4.5).is_err(), "not whole");
    assert!(
        at.date_input("Stay")
            .try_set(["2026-12-02", "2026-12-01"])
            .is_err(),
        "a range that ends before it starts"
    );
    assert!(
        at.date_input("Due").try_set("2025-12-31").is_err(),
        "before min"
    );
    assert!(
        at.datetime_input("Meeting")
            .try_set("2026-12-03 09:30")
            .is_err(),
        "not the form"
    );
    // A select slider with two handles, and options the user types.
    at.select_slider("Sizes").set([0, 4]).run();
    at.selectbox("Tag").select("question").run();
    at.multiselect("Labels").set(["urgent", "blocked"]).run();
    assert_eq!(
        line_of(&at, "sizes: "),
        "sizes: XS–XL · tag: question · labels: urgent+blocked"
    );
    assert!(at.select_slider("Sizes").try_set([3, 1]).is_err());
    assert!(at.selectbox("Tag").try_set("   ").is_err(), "blank");
    assert!(
        at.multiselect("Labels")
            .try_set(["a", "b", "c", "d"])
            .is_err(),
        "past max_selections"
    );
}

#[test]
fn a_download_made_once_clicked_is_offered_in_the_run_the_click_caused() {
    let mut at = app("gallery");
    at.run();
    assert!(at.downloads().is_empty(), "nothing is sent before a click");
    let lazy = at.download_button("Export report").json();
    assert!(lazy.get("data").is_none(), "{lazy}");
    at.download_button("Export report").click().run();
    assert_eq!(
        at.downloads(),
        [(
            "report.csv".to_owned(),
            "text/csv".to_owned(),
            b"export,1\n".to_vec()
        )]
    );
    assert!(at.caption().contains(&"report made".to_owned()));
    at.run();
    assert!(at.downloads().is_empty(), "offered once");
    // A button that ignores clicks takes none.
    assert!(at.download_button("Save a note").try_set(true).is_err());
    // A shortcut presses a button as a click does.
    assert_eq!(
        at.button("Press me (Alt+K)").shortcut().as_deref(),
        Some("alt+k")
    );
    at.button("Press me (Alt+K)").click().run();
    assert!(line_of(&at, "exports: ").ends_with("pressed: 1"));
}

#[test]
fn a_photo_and_a_recording_reach_the_page_through_the_upload_path() {
    let mut at = app("gallery");
    at.run();
    assert!(at.caption().contains(&"no photo yet".to_owned()));
    at.camera_input("A photo")
        .upload("photo.png", "image/png", b"\x89PNG\r\n\x1a\n")
        .run();
    at.audio_input("A voice note")
        .upload("recording.webm", "audio/webm", &[0x1a, 0x45, 0xdf, 0xa3])
        .run();
    assert!(at
        .markdown()
        .contains(&"photo: image/png (8 bytes)".to_owned()));
    assert!(at.markdown().contains(&"voice note: 4 bytes".to_owned()));
    assert!(
        at.camera_input("A photo")
            .try_set(["0123456789abcdef", "fedcba9876543210"])
            .is_err(),
        "one photo at most"
    );
}

#[test]
fn a_page_function_is_tested_on_its_own() {
    let mut at = wasmlit_apptest::from_function!(
        fn greet(st: &wasmlit::Ui) {
            let name = st.text_input("Name", "");
            st.write(format!("Hello, {name}!"));
        }
    )
    .expect("the function builds");
    at.run();
    assert_eq!(at.markdown(), ["Hello, !"]);
    at.text_input("Name").set("Ada").run();
    assert_eq!(at.markdown(), ["Hello, Ada!"]);
    assert!(at.elements_of("text_input").len() == 1);
}

#[test]
fn switch_page_runs_another_page_in_the_same_session() {
    let mut at = app("counter");
    at.run();
    at.button("Increment").click().run();
    assert_eq!(at.session_state::<i64>("count"), Some(1));
    at.switch_page(tests::page_wasm("hello"))
        .expect("the page loads")
        .run();
    assert_eq!(at.title(), ["Hello"]);
    assert_eq!(
        at.session_state::<i64>("count"),
        Some(1),
        "session state is kept"
    );
}

#[test]
fn closing_a_dialog_tells_the_page_and_runs_its_on_dismiss() {
    let mut at = app("gallery");
    at.run();
    at.button("Open the welcome dialog").click().run();
    assert_eq!(at.elements_of("dialog").len(), 1);
    at.widget_of("dialog_dismiss", "Welcome").click().run();
    assert!(
        at.elements_of("dialog").is_empty(),
        "the callback closed it"
    );
    assert_eq!(
        line_of(&at, "welcome dialog closed"),
        "welcome dialog closed 1 times"
    );
    // The app menu's entries reach the browser with the page's config.
    let config = at.elements_of("page_config");
    assert_eq!(
        config[0]["menu"]["get_help"],
        "https://docs.example.com/gallery"
    );
    assert!(config[0]["menu"]["about"]
        .as_str()
        .is_some_and(|about| about.contains("<strong>wasmlit</strong>")));
}

#[test]
fn a_chat_message_brings_its_files_to_the_page() {
    let mut at = app("chat");
    at.run();
    let chat = at.chat_input("Ask about the weather").spec();
    assert!(
        matches!(&chat, host::model::widget::WidgetSpec::ChatInput(c) if c.accept_file == host::model::widget::AcceptFile::Multiple),
        "{chat:?}"
    );
    // The browser uploads the files first, then sends the message.
    at.chat_input("Ask about the weather")
        .send_message("will it rain?", &[("rain.csv", "text/csv", b"a\nb\n")])
        .run();
    let said = at.elements_of("chat_message");
    assert_eq!(
        said.len(),
        2,
        "{said:?} {:?} {:?} {:?}",
        at.markdown(),
        at.exception(),
        at.rejected()
    );
    assert!(
        at.markdown()
            .iter()
            .any(|m| m.starts_with("No rain is forecast.") && m.ends_with("rain.csv has 2 lines.")),
        "{:?}",
        at.markdown()
    );
    assert!(at
        .chat_input("Ask about the weather")
        .try_set(serde_json::json!({"text": "hi", "files": ["../../etc"]}))
        .is_err());
}
