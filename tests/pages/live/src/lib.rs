//! Live updates under load, for the `live_updates` benchmark: `?mode=stream`
//! streams a 200 KB answer in 4-character pieces as fast as the page can;
//! `?mode=heatmap` redraws a 96×64 heat map into one placeholder 100 times
//! (with a slider drawn first, to move meanwhile).
use std::time::Instant;
use wasmlit::Ui;

#[wasmlit::page]
fn live(st: &Ui) {
    let mode = st.query_params().get("mode").unwrap_or_default();
    let bump = st.slider("bump", 0..=100, 0);
    st.text(format!("bump: {bump}"));
    let started = Instant::now();
    match mode.as_str() {
        "stream" => {
            let answer = answer(200 * 1024);
            let pieces = answer
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap_or(""));
            let text = st.write_stream(pieces);
            st.text(format!("streamed {} bytes", text.len()));
        }
        "heatmap" => {
            let frame = st.empty();
            let chart = st.empty();
            for i in 1..=100 {
                chart.vega_lite_chart(&heatmap(i));
                frame.text(format!("frame {i}"));
            }
        }
        _ => st.text("pick ?mode=stream or ?mode=heatmap"),
    }
    st.text(format!("server time {} ms", started.elapsed().as_millis()));
}

/// Markdown-like prose of `bytes` ASCII bytes: paragraphs of sentences.
fn answer(bytes: usize) -> String {
    let sentence = "The quick brown fox jumps over the lazy dog, and **then** it rests. ";
    let mut text = String::with_capacity(bytes);
    let mut n = 0;
    while text.len() < bytes {
        text.push_str(sentence);
        n += 1;
        if n % 6 == 0 {
            text.push_str("\n\n");
        }
    }
    text.truncate(bytes);
    text
}

/// A 96×64 heat map whose values move with `frame`.
fn heatmap(frame: u32) -> serde_json::Value {
    let mut values = Vec::with_capacity(96 * 64);
    for x in 0..96 {
        for y in 0..64 {
            let v = ((f64::from(x) / 8.0 + f64::from(frame) / 5.0).sin()
                + (f64::from(y) / 6.0).cos())
                * 50.0;
            values.push(serde_json::json!({"x": x, "y": y, "v": v.round()}));
        }
    }
    serde_json::json!({
        "data": {"values": values},
        "mark": "rect",
        "encoding": {
            "x": {"field": "x", "type": "ordinal", "axis": null},
            "y": {"field": "y", "type": "ordinal", "axis": null},
            "color": {"field": "v", "type": "quantitative", "legend": null}
        },
        "height": 200
    })
}
