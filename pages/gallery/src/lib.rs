//! Gallery: every element, widget and layout of the SDK on one page, one
//! tab per family, each next to its Streamlit name.
use wasmlit::{DeltaColor, Format, Gap, PageConfig, Table, Ui};

#[wasmlit::page]
fn gallery(st: &Ui) {
    st.set_page_config(
        &PageConfig::new()
            .title("Gallery · wasmlit")
            .icon("🧰")
            .wide(),
    );
    st.title("Gallery");
    st.caption("Everything a page can draw, grouped as in Streamlit's API reference.");
    let tabs = st.tabs(&["Layout", "Data", "Charts", "Widgets", "Status", "Text"]);
    layout(&tabs[0]);
    data(&tabs[1]);
    charts(&tabs[2]);
    widgets(&tabs[3]);
    status(&tabs[4]);
    text(&tabs[5]);
}

fn charts(st: &Ui) {
    let x: Vec<f64> = (0..60).map(|i| f64::from(i) / 6.0).collect();
    let waves = Table::new()
        .column("x", x.clone())
        .column("sin", x.iter().map(|v| v.sin()).collect::<Vec<_>>())
        .column("cos", x.iter().map(|v| v.cos()).collect::<Vec<_>>());
    let cols = st.columns(2);
    cols[0].subheader("line_chart");
    cols[0].line_chart(&waves, "x", &["sin", "cos"]);
    cols[1].subheader("area_chart");
    let growth = Table::new()
        .column(
            "month",
            vec!["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"],
        )
        .column("web", vec![10i64, 14, 19, 25])
        .column("mobile", vec![4i64, 9, 15, 22]);
    cols[1].area_chart(&growth, "month", &["web", "mobile"]);
    let cols = st.columns(2);
    cols[0].subheader("bar_chart");
    let sales = Table::new()
        .column("region", vec!["north", "south", "east", "west"])
        .column("orders", vec![120i64, 87, 143, 99]);
    cols[0].bar_chart(&sales, "region", &["orders"]);
    cols[1].subheader("scatter_chart");
    let points = Table::new()
        .column(
            "height",
            (0..40)
                .map(|i| 150.0 + f64::from(i) * 1.1)
                .collect::<Vec<_>>(),
        )
        .column(
            "weight",
            (0..40)
                .map(|i| 50.0 + f64::from(i) * 0.9 + (f64::from(i) * 1.7).sin() * 6.0)
                .collect::<Vec<_>>(),
        );
    cols[1].scatter_chart(&points, "height", &["weight"]);
    st.subheader("vega_lite_chart");
    st.vega_lite_chart(&serde_json::json!({
        "data": {"values": [
            {"category": "A", "value": 28}, {"category": "B", "value": 55},
            {"category": "C", "value": 43}, {"category": "D", "value": 91}
        ]},
        "mark": {"type": "arc", "innerRadius": 50, "tooltip": true},
        "encoding": {
            "theta": {"field": "value", "type": "quantitative"},
            "color": {"field": "category", "type": "nominal"}
        }
    }));
}

fn layout(st: &Ui) {
    st.subheader("columns");
    let cols = st.columns_with(&[2.0, 1.0, 1.0], Gap::Medium);
    cols[0].info("A column twice as wide");
    cols[1].success("One");
    cols[2].warning("Two");

    st.subheader("container");
    let boxed = st.container(true);
    st.caption("(drawn after the container, shown below it)");
    boxed.write("Inside a bordered container, drawn last.");

    st.subheader("scroll_container");
    let log = st.scroll_container(120);
    for i in 1..=20 {
        log.text(format!("log line {i}"));
    }

    st.subheader("expander");
    let more = st.expander("Details", false);
    more.write("Hidden until opened.");

    st.subheader("popover");
    let pop = st.popover("Settings");
    pop.checkbox("Compact rows", false);

    st.subheader("empty");
    let slot = st.empty();
    slot.text("first draw");
    slot.success("replaced by the second draw");

    st.subheader("sidebar");
    st.sidebar().caption("The sidebar holds elements too.");
}

fn data(st: &Ui) {
    st.subheader("metric");
    let cols = st.columns(3);
    cols[0].metric("Revenue", "$12.4k", Some("+8%"));
    cols[1].metric("Churn", "2.1%", Some("-0.4%"));
    cols[2].metric_with("p99 latency", "41 ms", Some("+6 ms"), DeltaColor::Inverse);

    let sales = Table::new()
        .column("region", vec!["north", "south", "east", "west"])
        .column("orders", vec![120i64, 87, 143, 99])
        .column("revenue", vec![10_250.5, 8_120.0, 12_904.25, 9_001.75])
        .format("revenue", Format::new().decimals(2).prefix("$"));
    st.subheader("table");
    st.table(&sales);

    st.subheader("dataframe");
    let rows = st.select_slider("Rows", &[100, 1_000, 10_000, 100_000], 2);
    let n: Vec<i64> = (0..*rows as i64).collect();
    let noise: Vec<f64> = n
        .iter()
        .map(|i| ((*i as f64) * 12.9898).sin().abs() * 1000.0)
        .collect();
    let even: Vec<bool> = n.iter().map(|i| i % 2 == 0).collect();
    let frame = Table::new()
        .column("n", n)
        .column("noise", noise)
        .column("even", even)
        .format("noise", Format::new().decimals(1));
    st.dataframe(&frame);

    st.subheader("json");
    st.json(&serde_like());
}

fn serde_like() -> Vec<(String, u32)> {
    vec![("apples".into(), 3), ("pears".into(), 5)]
}

fn widgets(st: &Ui) {
    let left_right = st.columns(2);
    let (a, b) = (&left_right[0], &left_right[1]);
    let on = a.toggle("toggle", true);
    let fruit = a.radio("radio", &["apple", "pear", "plum"], 0);
    let size = a.select_slider("select_slider", &["S", "M", "L", "XL"], 1);
    let picked = a.multiselect("multiselect", &["north", "south", "east", "west"], &[0, 2]);
    let notes = b.text_area("text_area", "Multi-line\ntext");
    let colour = b.color_picker("color_picker", "#e0484f");
    let day = b.date_input("date_input", "2026-11-25");
    let time = b.time_input("time_input", "09:30");
    let checked = b.checkbox("checkbox", false);
    let n = b.number_input("number_input", 3.0, Some(0.0), None, 1.0);
    st.divider();
    st.write(format!(
        "toggle: {on} · radio: {} · select_slider: {size} · multiselect: {} · checkbox: {checked} · number_input: {n}",
        fruit.copied().unwrap_or("-"),
        picked.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
    ));
    st.write(format!(
        "color_picker: {colour} · date_input: {day} · time_input: {time} · text_area: {} characters",
        notes.chars().count()
    ));

    st.subheader("key, session state and on_change");
    let volume = st.key("volume").slider("Volume", 0..=10, 5);
    st.on_change(set_volume, 0).button("Mute");
    st.on_change(set_volume, 10).button("Max");
    st.write(format!(
        "volume: {volume} (session state `volume`: {})",
        st.session_state().get::<i64>("volume").unwrap_or(-1)
    ));

    st.subheader("download_button and feedback");
    let csv = "region,orders\nnorth,120\nsouth,87\n";
    if st.download_button("orders.csv", "orders.csv", "text/csv", csv.as_bytes()) {
        st.caption("downloaded");
    }
    if let Some(stars) = st.feedback("Rate this gallery", wasmlit::FeedbackKind::Stars) {
        st.caption(format!("{} stars, thank you", stars + 1));
    }

    st.subheader("file_uploader");
    match st.file_uploader("A CSV file", &["csv", "txt"]) {
        Some(file) => {
            let text = file.text();
            let rows = text.lines().filter(|l| !l.trim().is_empty()).count();
            st.write(format!("{}: {} bytes, {rows} rows", file.name, file.size));
        }
        None => st.caption("no file yet"),
    }

    st.subheader("chat_input and chat_message");
    let mut history: Vec<(String, String)> = st.session_state().get("chat").unwrap_or_default();
    if let Some(text) = st.chat_input("Say something") {
        let answer = format!("You said “{text}” ({} characters).", text.chars().count());
        history.push(("user".into(), text));
        history.push(("assistant".into(), answer));
        st.session_state().set("chat", &history);
    }
    for (who, text) in &history {
        st.chat_message(who).write(text);
    }

    st.subheader("form");
    let form = st.form(true);
    let name = form.text_input("Name", "");
    let guests = form.slider("Guests", 1..=10, 2);
    if form.form_submit_button("Book") {
        st.success(format!("Booked a table for {guests}, name: {name}"));
    }
}

/// A widget callback: runs before the page draws, so the slider keyed
/// `volume` shows the new value in the same run.
fn set_volume(st: &Ui, to: i64) {
    st.session_state().set("volume", &to);
}

fn status(st: &Ui) {
    st.subheader("progress");
    let bar = st.progress(0.0, "starting");
    for step in 1..=4 {
        bar.set(step as f32 / 4.0, &format!("step {step} of 4"));
    }
    st.subheader("status");
    let task = st.status("Crunching numbers…");
    let total: u64 = (1..=3u64)
        .map(|step| {
            task.ui().text(format!("step {step} of 3"));
            step * 100
        })
        .sum();
    task.update(
        &format!("Crunched: {total}"),
        wasmlit::StatusState::Complete,
        false,
    );
    st.subheader("spinner");
    let sum = st.spinner("Adding up…", || (1..=1_000_000u64).sum::<u64>());
    st.write(format!("sum: {sum}"));
    st.subheader("alerts");
    st.success("success");
    st.info("info");
    st.warning("warning");
    st.error("error");
    st.subheader("exception");
    if let Err(e) = "forty-two".parse::<i32>() {
        st.exception(&e);
    }
    st.subheader("toast");
    if st.button("Show a toast") {
        st.toast("Hello from a toast!");
    }
    st.subheader("write_stream");
    if st.button("Stream a sentence") {
        st.write_stream(
            "Text that arrives one word at a time, as a model would write it."
                .split_inclusive(' ')
                .map(|w| {
                    wasmlit::sleep(std::time::Duration::from_millis(40));
                    w.to_owned()
                }),
        );
    }
    st.subheader("link_button / switch_page");
    st.link_button(
        "Streamlit's API reference",
        "https://docs.streamlit.io/develop/api-reference",
    );
    if st.button("Go to the counter page") {
        st.switch_page("counter");
    }
    st.subheader("balloons and dialog");
    if st.button("Celebrate") {
        st.balloons();
    }
    if st.button("Open a dialog") {
        // A fragment in the dialog: its slider reruns only the dialog, which
        // stays open, as Streamlit's `@st.dialog` does.
        st.dialog("A dialog").fragment(rate);
    }
    st.subheader("label_visibility");
    st.label_visibility(wasmlit::LabelVisibility::Collapsed)
        .text_input("Search without a visible label", "");
    st.subheader("query_params");
    let visits: u32 = st
        .query_params()
        .get("visits")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if st.button("Count a visit in the URL") {
        st.query_params().set("visits", visits + 1);
    }
    st.caption(format!("visits in the URL: {visits}"));
}

fn text(st: &Ui) {
    st.header("header");
    st.subheader("subheader");
    st.markdown("**markdown** with *emphasis*, `code` and [a link](https://example.com)");
    st.caption("caption");
    st.code("fn main() {\n    println!(\"hi\");\n}", Some("rust"));
    st.text("text: monospaced");
    st.divider();
}

/// The dialog's content: a fragment, so its slider reruns only it.
fn rate(st: &Ui) {
    st.write("Drawn over the page; close it with × or Esc.");
    let stars = st.slider("Stars", 1..=5, 3);
    st.write(format!("you gave {stars} stars"));
}
