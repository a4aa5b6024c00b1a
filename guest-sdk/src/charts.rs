//! Charts: Vega-Lite specifications, drawn in the browser by the vendored
//! Vega-Lite. The simple charts build a specification from a [`Table`].

use crate::bindings::wasmlit::page::ui::Element;
use crate::data::Table;
use crate::Ui;
use serde_json::{json, Map, Value};

/// The kind of mark a simple chart draws.
#[derive(Clone, Copy)]
enum Mark {
    Line,
    Area,
    Bar,
    Point,
}

impl Ui {
    /// Any Vega-Lite chart, like `st.vega_lite_chart`: `spec` is a Vega-Lite
    /// specification with its data inline (`"data": {"values": [...]}`).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.vega_lite_chart(&serde_json::json!({
    ///     "data": {"values": [{"a": "A", "b": 28}, {"a": "B", "b": 55}]},
    ///     "mark": "bar",
    ///     "encoding": {
    ///         "x": {"field": "a", "type": "nominal"},
    ///         "y": {"field": "b", "type": "quantitative"}
    ///     }
    /// }));
    /// # }
    /// ```
    pub fn vega_lite_chart(&self, spec: &Value) {
        self.emit(Element::VegaLite(spec.to_string()));
    }

    /// A line chart of the `y` columns against column `x`, like
    /// `st.line_chart(data, x=…, y=[…])`; one line per `y` column.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new()
    ///     .column("day", vec![1i64, 2, 3])
    ///     .column("visits", vec![10i64, 14, 9]);
    /// st.line_chart(&t, "day", &["visits"]);
    /// # }
    /// ```
    pub fn line_chart(&self, data: &Table, x: &str, y: &[&str]) {
        self.vega_lite_chart(&simple_spec(data, x, y, Mark::Line));
    }

    /// An area chart, like `st.area_chart`: the `y` columns stacked.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new()
    ///     .column("month", vec!["Jan", "Feb", "Mar"])
    ///     .column("web", vec![10i64, 14, 19])
    ///     .column("shop", vec![7i64, 6, 9]);
    /// st.area_chart(&t, "month", &["web", "shop"]);
    /// # }
    /// ```
    pub fn area_chart(&self, data: &Table, x: &str, y: &[&str]) {
        self.vega_lite_chart(&simple_spec(data, x, y, Mark::Area));
    }

    /// A bar chart, like `st.bar_chart`: the `y` columns stacked per `x`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new()
    ///     .column("region", vec!["north", "south"])
    ///     .column("orders", vec![120i64, 87]);
    /// st.bar_chart(&t, "region", &["orders"]);
    /// # }
    /// ```
    pub fn bar_chart(&self, data: &Table, x: &str, y: &[&str]) {
        self.vega_lite_chart(&simple_spec(data, x, y, Mark::Bar));
    }

    /// A scatter chart, like `st.scatter_chart`: one point per row and `y`
    /// column.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new()
    ///     .column("height", vec![1.62, 1.75, 1.81])
    ///     .column("weight", vec![58.0, 72.5, 80.1]);
    /// st.scatter_chart(&t, "height", &["weight"]);
    /// # }
    /// ```
    pub fn scatter_chart(&self, data: &Table, x: &str, y: &[&str]) {
        self.vega_lite_chart(&simple_spec(data, x, y, Mark::Point));
    }
}

/// The Vega-Lite type of a column: numbers are quantitative, ISO dates
/// temporal, other text nominal.
fn field_type(values: &[Value]) -> &'static str {
    match values.first() {
        Some(Value::Number(_)) => "quantitative",
        Some(Value::String(s)) if looks_like_date(s) => "temporal",
        _ => "nominal",
    }
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

fn simple_spec(data: &Table, x: &str, y: &[&str], mark: Mark) -> Value {
    let columns = data.json_columns();
    let rows = columns.first().map_or(0, |(_, v)| v.len());
    let values: Vec<Value> = (0..rows)
        .map(|r| {
            let row: Map<String, Value> = columns
                .iter()
                .filter(|(name, _)| name == x || y.contains(&name.as_str()))
                .map(|(name, v)| (name.clone(), v[r].clone()))
                .collect();
            Value::Object(row)
        })
        .collect();
    let x_type =
        columns
            .iter()
            .find(|(name, _)| name == x)
            .map_or("nominal", |(_, v)| match mark {
                Mark::Bar if field_type(v) == "quantitative" => "ordinal",
                _ => field_type(v),
            });
    // Scatter plots frame their points; the others start at zero.
    let zero = !matches!(mark, Mark::Point);
    let mark = mark_json(mark);
    json!({
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": values},
        "transform": [{"fold": y, "as": ["series", "value"]}],
        "mark": mark,
        "encoding": {
            "x": {"field": x, "type": x_type, "scale": if x_type == "quantitative" { json!({"zero": zero}) } else { json!({}) }},
            "y": {"field": "value", "type": "quantitative", "scale": {"zero": zero}, "title": if y.len() == 1 { y[0] } else { "value" }},
            "color": {"field": "series", "type": "nominal", "title": null}
        }
    })
}

fn mark_json(mark: Mark) -> Value {
    match mark {
        Mark::Line => json!({"type": "line", "tooltip": true}),
        Mark::Area => json!({"type": "area", "tooltip": true, "opacity": 0.8}),
        Mark::Bar => json!({"type": "bar", "tooltip": true}),
        Mark::Point => json!({"type": "circle", "tooltip": true, "size": 60}),
    }
}
