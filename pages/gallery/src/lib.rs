//! Gallery: every element, widget and layout of the SDK on one page, one
//! tab per family, each next to its Streamlit name.
use wasmlit::{
    Callout, Code, ColumnConfig, ColumnData, ColumnWidth, Date, DateTime, DeltaColor, Format, Gap,
    Heading, MapPoint, MediaData, Metric, PageConfig, Player, Space, Table, Time, Ui,
};

#[wasmlit::page]
fn gallery(st: &Ui) {
    st.set_page_config(
        &PageConfig::new()
            .title("Gallery · wasmlit")
            .icon("🧰")
            .wide()
            .menu_items(
                Some("https://docs.example.com/gallery"),
                Some("mailto:bugs@example.com"),
                Some("The **wasmlit** gallery: every element in one app."),
            ),
    );
    st.logo(
        MediaData::typed(LOGO_SVG.as_bytes().to_vec(), "image/svg+xml"),
        None,
    );
    st.title("Gallery");
    st.caption("Everything a page can draw, grouped as in Streamlit's API reference.");
    let tabs = st.tabs(&[
        "Layout",
        "Data",
        "Charts",
        "Widgets",
        "Status",
        "Text",
        "Rich text",
        "Media",
        "Figures",
        "Inputs",
    ]);
    layout(&tabs[0]);
    data(&tabs[1]);
    charts(&tabs[2]);
    widgets(&tabs[3]);
    status(&tabs[4]);
    text(&tabs[5]);
    rich_text(&tabs[6]);
    media(&tabs[7]);
    figures(&tabs[8]);
    inputs(&tabs[9]);
}

/// Formats, dates and times, empty values, ranges, typed options, files
/// made once clicked, shortcuts, the camera and the microphone.
fn inputs(st: &Ui) {
    st.subheader("formats");
    let share = st
        .format("%d%%")
        .tooltip("How much of the budget")
        .slider("Share", 0..=100, 40);
    let weight = st
        .format("%.1f kg")
        .slider_f64("Weight", 0.0..=20.0, 2.5, 0.5);
    let price = st
        .format("$%,.2f")
        .number_input("Price", 1234.5, Some(0.0), None, 0.5);
    st.write(format!(
        "share: {share} · weight: {weight} · price: {price}"
    ));

    st.subheader("dates and times on sliders");
    let day = st.date_slider("Day", "2026-01-01"..="2026-12-31", "2026-06-15");
    let (from, to) = st.date_range_slider(
        "Period",
        "2026-01-01"..="2026-12-31",
        ("2026-03-01", "2026-05-31"),
    );
    let at = st.time_slider("Start", "08:00"..="18:00", "09:00", 15);
    let when = st.format("MMM D, HH:mm").datetime_slider(
        "When",
        "2026-12-01T00:00"..="2026-12-07T00:00",
        "2026-12-03T12:00",
        60,
    );
    st.write(format!(
        "day: {day} · period: {from} to {to} · start: {at} · when: {when}"
    ));

    st.subheader("empty until chosen");
    let age = st.number_input_full(
        "Age",
        &wasmlit::NumberInputOptions::<i64>::new(None)
            .min(0)
            .max(130)
            .placeholder("Your age"),
    );
    let due = st.date_input_optional("Due", None, Some("2026-01-01"), None);
    let stay = st.format("DD.MM.YYYY").date_input_range(
        "Stay",
        Some(("2026-12-20", "2026-12-27")),
        None,
        None,
    );
    let meeting = st.datetime_input("Meeting", None);
    let show = |v: Option<String>| v.unwrap_or_else(|| "none".into());
    st.write(format!(
        "age: {} · due: {} · stay: {} · meeting: {}",
        age.map_or("none".into(), |a| a.to_string()),
        show(due),
        show(stay.map(|(a, b)| format!("{a} to {b}"))),
        show(meeting)
    ));

    st.subheader("ranges and new options");
    let (small, large) = st.select_slider_range("Sizes", &["XS", "S", "M", "L", "XL"], (1, 3));
    let tag = st.selectbox_accept_new("Tag", &["bug", "idea"], None, Some("Pick or type a tag"));
    let labels = st.multiselect_accept_new("Labels", &["urgent", "later"], &[0], Some(3), None);
    st.write(format!(
        "sizes: {small}–{large} · tag: {} · labels: {}",
        tag.unwrap_or_else(|| "none".into()),
        labels.join("+")
    ));

    st.subheader("downloads and shortcuts");
    if st.download_button_lazy("Export report", "report.csv", "text/csv", || {
        let clicks: u32 = st.session_state().get("exports").unwrap_or(0) + 1;
        st.session_state().set("exports", &clicks);
        format!("export,{clicks}\n").into_bytes()
    }) {
        st.caption("report made");
    }
    st.download_button_no_rerun("Save a note", "note.txt", "text/plain", b"a note\n");
    let pressed: u32 = st.session_state().get("pressed").unwrap_or(0);
    if st.shortcut("alt+k").button("Press me (Alt+K)") {
        st.session_state().set("pressed", &(pressed + 1));
    }
    st.write(format!(
        "exports: {} · pressed: {}",
        st.session_state().get::<u32>("exports").unwrap_or(0),
        st.session_state().get::<u32>("pressed").unwrap_or(0)
    ));

    st.subheader("Markdown options and link buttons");
    let mode = st.pills(
        "Mode",
        &["**Bold**", ":material/bolt: Fast", "*Calm*"],
        None,
    );
    st.text(format!("mode: {}", mode.copied().unwrap_or("none")));
    st.button_type(wasmlit::ButtonType::Primary)
        .icon("🔗")
        .tooltip("Opens the docs")
        .link_button("Docs", "https://example.com/docs");
    st.disabled(true)
        .link_button("Not yet", "https://example.com/soon");

    st.subheader("a dialog that tells the page it was closed");
    if st.button("Open the welcome dialog") {
        st.session_state().set("welcome_open", &true);
    }
    if st
        .session_state()
        .get::<bool>("welcome_open")
        .unwrap_or(false)
    {
        let dialog = st
            .on_change(welcome_closed, ())
            .dialog_on_dismiss("Welcome", wasmlit::DialogWidth::Medium);
        dialog.write("Close me with × or Esc: the page is told.");
    }
    st.write(format!(
        "welcome dialog closed {} times",
        st.session_state().get::<u32>("welcome_closed").unwrap_or(0)
    ));

    st.subheader("camera and microphone");
    match st.camera_input("A photo") {
        Some(photo) => st.write(format!("photo: {} ({} bytes)", photo.mime, photo.size)),
        None => st.caption("no photo yet"),
    }
    match st.audio_input("A voice note") {
        Some(note) => st.write(format!("voice note: {} bytes", note.size)),
        None => st.caption("no voice note yet"),
    }
}

fn rich_text(st: &Ui) {
    st.header_with(
        "Markdown, :blue[coloured]",
        &Heading {
            divider: Some("rainbow".into()),
            anchor: Some("rich".into()),
        },
    );
    st.markdown(
        "Streamlit's dialect: :red[red], :green[green], :violet[**bold violet**], \
         :orange-background[a background], :blue-badge[a badge], :small[small print], \
         an icon :material/rocket_launch:, shortcodes :tada: :coffee:, and inline \
         LaTeX $e^{i\\pi} + 1 = 0$.",
    );
    st.markdown("$$\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}$$");
    st.latex(r"\sum_{k=0}^{n-1} ar^k = a \frac{1 - r^n}{1 - r}");
    st.badge("New");
    st.badge_with("Passing", "green", Some(":material/check:"));
    st.callout(
        Callout::Info,
        "A callout with an icon and **Markdown**",
        ":material/info:",
    );
    st.caption("A caption with :gray[muted] and *Markdown*");
    st.code_with(
        "SELECT region, sum(amount)\nFROM sales\nGROUP BY region\nORDER BY 2 DESC;",
        &Code {
            language: Some("sql".into()),
            line_numbers: true,
            ..Code::default()
        },
    );
    st.html(
        "<p id='from-html' style='color: teal; position: fixed'>Page HTML: <b>kept</b>\
         <img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script></p>",
    );
    st.space(Space::Small);
    let total = wasmlit::echo!(st, {
        let prices = [3.5, 4.25, 1.0];
        prices.iter().sum::<f64>()
    });
    st.write(format!("echo gave {total}"));
    st.help(&("help", 42));
    st.json_expanded(&serde_json::json!({"open": {"closed": {"deep": 1}}}), 1);
    st.metric_full(
        "Visitors",
        1_204,
        &Metric {
            delta: Some("+12%".into()),
            help: Some("Unique visitors today".into()),
            border: true,
            chart: vec![980.0, 1_020.0, 990.0, 1_110.0, 1_204.0],
            ..Metric::default()
        },
    );
    st.components_html(FRAME, Some(90), false);
    // A page of another site, framed when the operator allows its origin;
    // `?frame=` picks it (the browser test frames a server of its own).
    let framed = st
        .query_params()
        .get("frame")
        .unwrap_or_else(|| "https://example.com/".to_owned());
    st.iframe(framed, Some(120), false);
    if st.button("Let it snow") {
        st.snow();
    }
    if st.button("Stream an answer") {
        let answer = "Streaming **Markdown** as it comes.\n\n```rust\nfn main() {\n\n    println!(\"hi\");\n}\n```\n\nA list:\n\n- one\n- two\n\nAll *done*.";
        let pieces: Vec<String> = answer
            .chars()
            .collect::<Vec<_>>()
            .chunks(4)
            .map(|c| c.iter().collect())
            .collect();
        let text = st.write_stream(pieces.into_iter().inspect(|_| {
            wasmlit::sleep(std::time::Duration::from_millis(5));
        }));
        st.caption(format!("streamed {} characters", text.chars().count()));
    }
}

/// A component's own HTML and script: it counts clicks, and reports that
/// it can reach neither the page around it nor the network.
const FRAME: &str =
    "<button id='count' onclick='this.textContent = Number(this.textContent) + 1'>0</button>
<p id='isolation'></p>
<script>
  let parentReached = 'isolated';
  try { parent.document.title; parentReached = 'reached the page'; } catch (e) {}
  document.getElementById('isolation').textContent = parentReached;
  fetch('/_/health').then(() => { document.body.dataset.net = 'network'; })
    .catch(() => { document.getElementById('isolation').textContent += ', no network'; });
</script>";

/// An image drawn by the page: a colour gradient as PNG.
fn gradient_png(width: u32, height: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(&[(255 * x / width) as u8, (255 * y / height) as u8, 160]);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    match encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels))
    {
        Ok(()) => out,
        Err(e) => panic!("encoding the gradient: {e}"),
    }
}

/// One second of a 440 Hz tone as 8-bit WAV.
fn tone_wav() -> Vec<u8> {
    let rate = 8000u32;
    let samples: Vec<u8> = (0..rate)
        .map(|i| {
            let t = f64::from(i) / f64::from(rate);
            (128.0 + 60.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as u8
        })
        .collect();
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&rate.to_le_bytes());
    wav.extend_from_slice(&rate.to_le_bytes()); // bytes per second
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

/// A one-page PDF saying `text`, with a correct cross-reference table.
fn hello_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A two-second test pattern (ffmpeg's `testsrc`), VP8 in WebM.
const CLIP: &[u8] = include_bytes!("../media/clip.webm");

const LOGO_SVG: &str =
    "<svg xmlns='http://www.w3.org/2000/svg' width='120' height='60' viewBox='0 0 120 60'>\
<rect width='120' height='60' rx='10' fill='#ff4b4b'/><text x='60' y='38' font-size='20' \
text-anchor='middle' fill='white' font-family='sans-serif'>wasmlit</text>\
<script>document.title='pwned'</script></svg>";

fn media(st: &Ui) {
    st.subheader("image · audio · video · pdf");
    st.image_with(gradient_png(240, 120), Some("A PNG the page drew"), None);
    st.images(
        vec![
            (
                MediaData::typed(LOGO_SVG.as_bytes().to_vec(), "image/svg+xml"),
                Some("an SVG".into()),
            ),
            (gradient_png(60, 60).into(), Some("a small PNG".into())),
        ],
        Some(120),
    );
    st.audio(tone_wav());
    st.video_with(
        CLIP,
        &Player {
            muted: true,
            looping: true,
            subtitles: vec![(
                "English".into(),
                "WEBVTT\n\n00:00.000 --> 00:02.000\nA test pattern\n".into(),
            )],
            ..Player::default()
        },
    );
    st.pdf(hello_pdf("Hello from a page"), Some(300));
}

fn figures(st: &Ui) {
    st.subheader("plotly_chart");
    st.plotly_chart(&serde_json::json!({
        "data": [
            {"type": "bar", "name": "2025", "x": ["north", "south", "east"], "y": [12, 19, 7]},
            {"type": "scatter", "mode": "lines+markers", "name": "target", "x": ["north", "south", "east"], "y": [10, 15, 12]}
        ],
        "layout": {"title": {"text": "Sales by region"}, "height": 320}
    }));
    st.subheader("map");
    let cities = [
        (48.8566, 2.3522, "#1c83e1"),
        (51.5072, -0.1276, "#ff4b4b"),
        (52.52, 13.405, "#21c354"),
        (40.4168, -3.7038, "#ffa421"),
    ];
    let points: Vec<MapPoint> = cities
        .iter()
        .map(|&(lat, lon, color)| MapPoint {
            size: Some(30_000.0),
            color: Some(color.into()),
            ..MapPoint::new(lat, lon)
        })
        .collect();
    st.map_with(&points, None, Some(320));
    st.subheader("graphviz_chart");
    st.graphviz_chart(
        "digraph { rankdir=LR; click -> run -> deltas -> browser; run -> \"session state\" }",
    );
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

    // Rows added to a drawn chart and table travel alone, as in
    // Streamlit's `add_rows`.
    st.subheader("add_rows");
    let first = Table::new()
        .column("step", vec![0i64])
        .column("level", vec![1.0]);
    let cols = st.columns(2);
    let chart = cols[0].line_chart(&first, "step", &["level"]);
    let log = cols[1].table(&first);
    let mut level = 1.0;
    for step in 1..=20i64 {
        level += ((step as f64) * 0.9).sin();
        let row = Table::new()
            .column("step", vec![step])
            .column("level", vec![level]);
        chart.add_rows(&row);
        log.add_rows(&row);
    }
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

    st.subheader("typed columns");
    let day = |d| Date::from_ymd(2026, 12, d).unwrap_or_default();
    let time = |h, m| Time::from_hms(h, m, 0).unwrap_or_default();
    let typed = Table::new()
        .column("day", vec![day(1), day(2), day(3)])
        .column(
            "at",
            vec![
                DateTime::new(day(1), time(9, 30)),
                DateTime::new(day(2), time(23, 5)),
                DateTime::new(day(3), time(0, 0)),
            ],
        )
        .time_zone("at", "Europe/Oslo")
        .column("opens", vec![time(8, 0), time(9, 15), time(10, 0)])
        .column("units", vec![Some(3i64), None, Some(7)])
        .column("trend", vec![vec![1.0, 3.0, 2.0], vec![2.0, 2.5], vec![]])
        .column("tags", vec![vec!["new"], vec!["sale", "eu"], vec![]])
        .column(
            "meta",
            ColumnData::json(vec![
                serde_json::json!({"a": 1}),
                serde_json::json!(null),
                serde_json::json!([1, 2]),
            ]),
        );
    st.table(&typed);

    st.subheader("column_config");
    let sites = Table::new()
        .column("site", vec!["https://example.com", "https://example.org"])
        .column("visits", vec![1_234.5, 98_765.25])
        .column("done", vec![0.42, 0.9])
        .column("trend", vec![vec![1.0, 4.0, 2.0, 5.0], vec![3.0, 2.0, 1.0]])
        .column("bars", vec![vec![1.0, 2.0, 3.0], vec![3.0, 1.0, 2.0]])
        .column("live", vec![true, false])
        .column("launched", vec![day(1), day(2)])
        .column("internal id", vec![7i64, 8])
        .config(
            "site",
            ColumnConfig::link(Some("visit")).label("Site").pinned(true),
        )
        .config(
            "visits",
            ColumnConfig::format("dollar").help("revenue per visit"),
        )
        .config(
            "done",
            ColumnConfig::progress(0.0, 1.0).progress_format("percent"),
        )
        .config(
            "trend",
            ColumnConfig::line_chart(None, None).width(ColumnWidth::Medium),
        )
        .config("bars", ColumnConfig::bar_chart(Some(0.0), None))
        .config("live", ColumnConfig::checkbox())
        .config("launched", ColumnConfig::format("DD MMM YYYY"))
        .hide("internal id");
    st.dataframe(&sites);

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

    st.subheader("text_area and time_input with options");
    let note = st.text_area_with(
        "Short note",
        "",
        Some(20),
        Some("At most 20 characters"),
        Some(80),
    );
    let slot = st.time_input_step("Slot", "09:00", 30);
    st.write(format!(
        "note: {} characters · slot: {slot}",
        note.chars().count()
    ));

    st.subheader("range sliders");
    let (from, to) = st.slider_range("Years", 1990..=2030, (2000, 2020), 1);
    let (low, high) = st.slider_range_f64("Band", 0.0..=1.0, (0.25, 0.75), 0.05);
    st.write(format!("years: {from}–{to} · band: {low:.2}–{high:.2}"));

    st.subheader("number_input of whole numbers");
    let guests = st.number_input_int("Guests", 2, Some(1), Some(12), 1);
    st.write(format!("guests: {guests}"));

    st.subheader("selectbox with a placeholder, radio with captions");
    let country = st.selectbox_with("Country", &["Norway", "Peru"], None, Some("Pick a country"));
    let plan = st.radio_full(
        "Plan",
        &["Free", "Pro"],
        None,
        true,
        &["For trying it out", "For teams"],
    );
    st.write(format!(
        "country: {} · plan: {}",
        country.copied().unwrap_or("none"),
        plan.copied().unwrap_or("none")
    ));

    if let Some(face) = st.feedback("How was it?", wasmlit::FeedbackKind::Faces) {
        st.caption(format!("face {face}"));
    }

    st.subheader("pills and segmented_control");
    let mood = st.pills("Mood", &["calm", "busy", "tired"], None);
    let toppings = st.pills_multi("Toppings", &["cheese", "olives", "basil"], &[0]);
    let period = st.segmented_control("Period", &["Day", "Week", "Month"], Some(1));
    st.write(format!(
        "mood: {} · toppings: {} · period: {}",
        mood.copied().unwrap_or("none"),
        toppings.iter().map(|t| **t).collect::<Vec<_>>().join("+"),
        period.copied().unwrap_or("none")
    ));

    st.subheader("key, session state and on_change");
    let volume = st.key("volume").slider("Volume", 0..=10, 5);
    st.on_change(set_volume, 0).button("Mute");
    st.on_change(set_volume, 10).button("Max");
    st.write(format!(
        "volume: {volume} (session state `volume`: {})",
        st.session_state().get::<i64>("volume").unwrap_or(-1)
    ));
    // A keyed choice keeps the option in session state, as in Streamlit.
    let sizes = ["small", "medium", "large"];
    let size = st.key("size").radio("Size", &sizes, 1);
    st.write(format!(
        "size: {} (session state `size`: {})",
        size.copied().unwrap_or("none"),
        st.session_state()
            .get::<String>("size")
            .unwrap_or_else(|| "missing".into())
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

/// The welcome dialog's `on_dismiss`: runs before the page draws, so the
/// dialog is not drawn again.
fn welcome_closed(st: &Ui, _: ()) {
    let state = st.session_state();
    state.set("welcome_open", &false);
    state.set(
        "welcome_closed",
        &(state.get::<u32>("welcome_closed").unwrap_or(0) + 1),
    );
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
    st.subheader("page_link");
    st.tooltip("Count clicks").page_link("counter");
    st.page_link_with("hello", Some("Say **hello**"), Some("👋"));
    st.disabled(true).tooltip("Closed for now").page_link_with(
        "counter",
        Some("Counter (closed)"),
        None,
    );
    st.subheader("navigation");
    if st.button("Show a shorter navigation along the top") {
        st.navigation(
            &[
                wasmlit::Page::new("gallery").icon("🖼️").default(),
                wasmlit::Page::new("counter")
                    .title("Click counter")
                    .icon(":material/add:")
                    .section("Examples"),
            ],
            wasmlit::NavPosition::Top,
        );
    }
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
    st.label_visibility(wasmlit::LabelVisibility::Collapsed)
        .toggle("A switch without a visible label", false);
    st.subheader("button types, icons and widths");
    let cols = st.columns(3);
    let saved = cols[0]
        .button_type(wasmlit::ButtonType::Primary)
        .icon(":material/save:")
        .button("Save");
    cols[1]
        .button_type(wasmlit::ButtonType::Tertiary)
        .button("Skip");
    cols[2].use_container_width().icon("🚀").button("Launch");
    if saved {
        st.caption("saved");
    }
    let secret = st.password_input("API key");
    st.caption(format!("API key: {} characters", secret.chars().count()));
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
