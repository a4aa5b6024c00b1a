//! Charts: Vega-Lite specifications, drawn in the browser by the vendored
//! Vega-Lite. The simple charts build a specification from a [`Table`].

use crate::bindings::wasmlit::page::ui::Element;
use crate::data::{ChartRows, Rows, Table};
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
    ///
    /// It returns the chart, for [`Rows::add_rows`] when its data is
    /// inline: the new rows' columns are the fields of its rows.
    pub fn vega_lite_chart(&self, spec: &Value) -> Rows {
        Rows::chart(self.emit_data(Element::VegaLite(spec.to_string())), None)
    }

    /// Draws a built-in chart's specification; the chart keeps `rows`.
    fn built_in(&self, (spec, rows): (Value, ChartRows)) -> Rows {
        Rows::chart(
            self.emit_data(Element::VegaLite(spec.to_string())),
            Some(rows),
        )
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
    pub fn line_chart(&self, data: &Table, x: &str, y: &[&str]) -> Rows {
        self.built_in(simple_spec(data, x, y, Mark::Line))
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
    pub fn area_chart(&self, data: &Table, x: &str, y: &[&str]) -> Rows {
        self.built_in(simple_spec(data, x, y, Mark::Area))
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
    pub fn bar_chart(&self, data: &Table, x: &str, y: &[&str]) -> Rows {
        self.built_in(simple_spec(data, x, y, Mark::Bar))
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
    pub fn scatter_chart(&self, data: &Table, x: &str, y: &[&str]) -> Rows {
        self.built_in(simple_spec(data, x, y, Mark::Point))
    }

    /// A line chart with Streamlit's other parameters: `x` defaults to the
    /// row number and `y` to every other column; `color`, `x_label`,
    /// `y_label`, `width`, `height` (see [`Chart`]).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Chart;
    /// let t = wasmlit::Table::new().column("a", vec![1i64, 3, 2]).column("b", vec![2i64, 1, 4]);
    /// st.line_chart_with(&t, &Chart { y_label: Some("visits".into()), height: Some(200), ..Chart::default() });
    /// # }
    /// ```
    pub fn line_chart_with(&self, data: &Table, chart: &Chart) -> Rows {
        self.built_in(chart_spec(data, chart, Mark::Line))
    }

    /// An area chart with Streamlit's other parameters, `stack` included.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::{Chart, Stack};
    /// let t = wasmlit::Table::new().column("a", vec![1i64, 3, 2]).column("b", vec![2i64, 1, 4]);
    /// st.area_chart_with(&t, &Chart { stack: Some(Stack::Normalize), ..Chart::default() });
    /// # }
    /// ```
    pub fn area_chart_with(&self, data: &Table, chart: &Chart) -> Rows {
        self.built_in(chart_spec(data, chart, Mark::Area))
    }

    /// A bar chart with Streamlit's other parameters, `stack` and
    /// `horizontal` included.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::{Chart, Stack};
    /// let t = wasmlit::Table::new()
    ///     .column("region", vec!["north", "south"])
    ///     .column("web", vec![120i64, 87])
    ///     .column("shop", vec![30i64, 45]);
    /// st.bar_chart_with(&t, &Chart {
    ///     x: Some("region".into()),
    ///     horizontal: true,
    ///     stack: Some(Stack::Layered),
    ///     colors: vec!["#1c83e1".into(), "#ff4b4b".into()],
    ///     ..Chart::default()
    /// });
    /// # }
    /// ```
    pub fn bar_chart_with(&self, data: &Table, chart: &Chart) -> Rows {
        self.built_in(chart_spec(data, chart, Mark::Bar))
    }

    /// A scatter chart with Streamlit's other parameters; `color` may name
    /// a column whose values group the points.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Chart;
    /// let t = wasmlit::Table::new()
    ///     .column("height", vec![1.62, 1.75, 1.81])
    ///     .column("weight", vec![58.0, 72.5, 80.1])
    ///     .column("team", vec!["a", "b", "a"]);
    /// st.scatter_chart_with(&t, &Chart {
    ///     x: Some("height".into()),
    ///     y: vec!["weight".into()],
    ///     color: Some("team".into()),
    ///     ..Chart::default()
    /// });
    /// # }
    /// ```
    pub fn scatter_chart_with(&self, data: &Table, chart: &Chart) -> Rows {
        self.built_in(chart_spec(data, chart, Mark::Point))
    }
}

/// How bars and areas of several series are stacked (Streamlit's `stack`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    /// On top of each other (`stack=True`, the default).
    Stacked,
    /// Side by side for bars, overlapping for areas (`stack=False`).
    Layered,
    /// Stacked to 100% (`stack="normalize"`).
    Normalize,
    /// Stacked around the middle (`stack="center"`).
    Center,
}

/// The parameters of the simple charts, as Streamlit names them.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// The column along the x axis; the row number when none.
    pub x: Option<String>,
    /// The columns drawn; every column but `x` when empty.
    pub y: Vec<String>,
    /// A column whose values split the rows into series (scatter charts),
    /// or one CSS colour for a single series.
    pub color: Option<String>,
    /// One CSS colour per `y` column, in order.
    pub colors: Vec<String>,
    /// How series are stacked (bar and area charts).
    pub stack: Option<Stack>,
    /// Bars along the y axis (bar charts).
    pub horizontal: bool,
    /// The x axis's title.
    pub x_label: Option<String>,
    /// The y axis's title.
    pub y_label: Option<String>,
    /// Width in pixels; the container's width when none.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
}

/// The row number, when a chart has no `x` column.
pub(crate) const INDEX: &str = "(index)";

/// A chart's specification from `chart`'s parameters.
fn chart_spec(data: &Table, chart: &Chart, mark: Mark) -> (Value, ChartRows) {
    let columns = data.json_columns();
    let rows = columns.first().map_or(0, |(_, v)| v.len());
    let x = chart.x.clone().unwrap_or_else(|| INDEX.to_owned());
    let color_column = chart
        .color
        .as_ref()
        .filter(|c| columns.iter().any(|(name, _)| name == *c))
        .cloned();
    let y: Vec<String> = if chart.y.is_empty() {
        columns
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|name| *name != x && Some(name) != color_column.as_ref())
            .collect()
    } else {
        chart.y.clone()
    };
    let values: Vec<Value> = (0..rows)
        .map(|r| {
            let mut row: Map<String, Value> = columns
                .iter()
                .filter(|(name, _)| {
                    *name == x || y.contains(name) || Some(name) == color_column.as_ref()
                })
                .map(|(name, v)| (name.clone(), v[r].clone()))
                .collect();
            if chart.x.is_none() {
                row.insert(INDEX.to_owned(), json!(r));
            }
            Value::Object(row)
        })
        .collect();
    let x_type = if chart.x.is_none() {
        "quantitative"
    } else {
        columns
            .iter()
            .find(|(name, _)| *name == x)
            .map_or("nominal", |(_, v)| match mark {
                Mark::Bar if field_type(v) == "quantitative" => "ordinal",
                _ => field_type(v),
            })
    };
    let x_type = if matches!(mark, Mark::Bar) && x_type == "quantitative" {
        "ordinal"
    } else {
        x_type
    };
    let zero = !matches!(mark, Mark::Point);
    let y_title = chart.y_label.clone().unwrap_or_else(|| {
        if y.len() == 1 {
            y[0].clone()
        } else {
            "value".to_owned()
        }
    });
    let x_title = chart.x_label.clone().unwrap_or_else(|| {
        if chart.x.is_none() {
            String::new()
        } else {
            x.clone()
        }
    });
    let stack = match (mark, chart.stack) {
        (Mark::Bar | Mark::Area, Some(Stack::Layered)) => Value::Null,
        (Mark::Bar | Mark::Area, Some(Stack::Normalize)) => json!("normalize"),
        (Mark::Bar | Mark::Area, Some(Stack::Center)) => json!("center"),
        (Mark::Bar | Mark::Area, _) => json!("zero"),
        _ => Value::Null,
    };
    let mut x_enc = json!({"field": x, "type": x_type, "title": x_title});
    if x_type == "quantitative" {
        x_enc["scale"] = json!({"zero": zero && chart.x.is_some()});
    }
    let mut y_enc = json!({"field": "value", "type": "quantitative", "scale": {"zero": zero}, "title": y_title});
    if !stack.is_null() || matches!(mark, Mark::Bar | Mark::Area) {
        y_enc["stack"] = stack.clone();
    }
    let color = match (&color_column, &chart.color) {
        (Some(column), _) => json!({"field": column, "type": "nominal", "title": column}),
        (None, Some(one)) if y.len() == 1 => json!({"value": one}),
        _ if !chart.colors.is_empty() => json!({
            "field": "series", "type": "nominal", "title": null,
            "scale": {"domain": y, "range": chart.colors}
        }),
        _ => json!({"field": "series", "type": "nominal", "title": null}),
    };
    let (x_enc, y_enc, offset) = if chart.horizontal && matches!(mark, Mark::Bar) {
        (y_enc, x_enc, "yOffset")
    } else {
        (x_enc, y_enc, "xOffset")
    };
    let mut encoding = json!({"x": x_enc, "y": y_enc, "color": color});
    // Coloured by a column, several `y` columns stay separate series.
    if color_column.is_some() && y.len() > 1 {
        encoding["detail"] = json!({"field": "series"});
    }
    // Bars not stacked stand side by side.
    if matches!(mark, Mark::Bar) && chart.stack == Some(Stack::Layered) {
        encoding[offset] = json!({"field": "series"});
    }
    let mut spec = json!({
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": values},
        "transform": [{"fold": y, "as": ["series", "value"]}],
        "mark": mark_json(mark),
        "encoding": encoding,
    });
    if let Some(width) = chart.width {
        spec["width"] = json!(width);
    }
    if let Some(height) = chart.height {
        spec["height"] = json!(height);
    }
    let mut fields = y;
    if chart.x.is_some() {
        fields.push(x);
    }
    fields.extend(color_column);
    let next_index = chart.x.is_none().then(|| std::cell::Cell::new(rows as i64));
    (spec, ChartRows { fields, next_index })
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

fn simple_spec(data: &Table, x: &str, y: &[&str], mark: Mark) -> (Value, ChartRows) {
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
    let fields = std::iter::once(x)
        .chain(y.iter().copied())
        .map(str::to_owned)
        .collect();
    let spec = json!({
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": values},
        "transform": [{"fold": y, "as": ["series", "value"]}],
        "mark": mark,
        "encoding": {
            "x": {"field": x, "type": x_type, "scale": if x_type == "quantitative" { json!({"zero": zero}) } else { json!({}) }},
            "y": {"field": "value", "type": "quantitative", "scale": {"zero": zero}, "title": if y.len() == 1 { y[0] } else { "value" }},
            "color": {"field": "series", "type": "nominal", "title": null}
        }
    });
    (
        spec,
        ChartRows {
            fields,
            next_index: None,
        },
    )
}

fn mark_json(mark: Mark) -> Value {
    match mark {
        Mark::Line => json!({"type": "line", "tooltip": true}),
        Mark::Area => json!({"type": "area", "tooltip": true, "opacity": 0.8}),
        Mark::Bar => json!({"type": "bar", "tooltip": true}),
        Mark::Point => json!({"type": "circle", "tooltip": true, "size": 60}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::new()
            .column("region", vec!["north", "south"])
            .column("web", vec![120i64, 87])
            .column("shop", vec![30i64, 45])
    }

    #[test]
    fn defaults_are_the_row_number_and_every_other_column() {
        let spec = chart_spec(&table(), &Chart::default(), Mark::Line).0;
        assert_eq!(spec["encoding"]["x"]["field"], INDEX);
        assert_eq!(
            spec["transform"][0]["fold"],
            json!(["region", "web", "shop"])
        );
        assert_eq!(spec["data"]["values"][1][INDEX], 1);
    }

    #[test]
    fn streamlits_parameters_become_the_specification() {
        let chart = Chart {
            x: Some("region".into()),
            horizontal: true,
            stack: Some(Stack::Layered),
            colors: vec!["#111111".into(), "#222222".into()],
            x_label: Some("Region".into()),
            y_label: Some("Orders".into()),
            height: Some(240),
            ..Chart::default()
        };
        let spec = chart_spec(&table(), &chart, Mark::Bar).0;
        // Horizontal: the region runs along y, the values along x.
        assert_eq!(spec["encoding"]["y"]["field"], "region");
        assert_eq!(spec["encoding"]["y"]["title"], "Region");
        assert_eq!(spec["encoding"]["x"]["title"], "Orders");
        assert_eq!(spec["encoding"]["x"]["stack"], Value::Null);
        assert_eq!(spec["encoding"]["yOffset"]["field"], "series");
        assert_eq!(
            spec["encoding"]["color"]["scale"]["range"],
            json!(["#111111", "#222222"])
        );
        assert_eq!(spec["height"], 240);
        let normalized = chart_spec(
            &table(),
            &Chart {
                stack: Some(Stack::Normalize),
                ..Chart::default()
            },
            Mark::Area,
        )
        .0;
        assert_eq!(normalized["encoding"]["y"]["stack"], "normalize");
        let grouped = chart_spec(
            &table(),
            &Chart {
                color: Some("region".into()),
                y: vec!["web".into()],
                ..Chart::default()
            },
            Mark::Point,
        )
        .0;
        assert_eq!(grouped["encoding"]["color"]["field"], "region");
    }

    #[test]
    fn a_chart_keeps_the_columns_it_shows_and_numbers_rows_without_x() {
        let (_, rows) = chart_spec(&table(), &Chart::default(), Mark::Line);
        assert_eq!(rows.next_index.map(|n| n.get()), Some(2));
        let (_, rows) = chart_spec(
            &table(),
            &Chart {
                x: Some("region".into()),
                y: vec!["web".into()],
                ..Chart::default()
            },
            Mark::Bar,
        );
        assert_eq!(rows.fields, ["web", "region"]);
        assert!(rows.next_index.is_none());
        let (_, rows) = simple_spec(&table(), "region", &["web"], Mark::Line);
        assert_eq!(rows.fields, ["region", "web"]);
    }
}
