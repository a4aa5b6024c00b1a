//! Data elements: metrics, tables and dataframes built from columns.

use crate::bindings::wasmlit::page::ui::{self as host, Element};
use crate::Ui;

pub use host::DeltaColor;

/// Columnar data for [`Ui::table`] and [`Ui::dataframe`]: named columns of
/// equal length, each of text, integers, floats or booleans.
///
/// ```no_run
/// let sales = wasmlit::Table::new()
///     .column("region", vec!["north", "south"])
///     .column("orders", vec![120i64, 87])
///     .column("revenue", vec![10_250.5, 8_120.0])
///     .format("revenue", wasmlit::Format::new().decimals(2).prefix("$"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<host::Column>,
}

/// How a numeric column is shown: decimals, prefix, suffix.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let t = wasmlit::Table::new()
///     .column("item", vec!["tea", "cake"])
///     .column("price", vec![2.5, 4.25])
///     .format("price", wasmlit::Format::new().decimals(2).prefix("€"));
/// st.dataframe(&t);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Format {
    decimals: Option<u8>,
    prefix: Option<String>,
    suffix: Option<String>,
}

impl Format {
    /// Values shown as they are.
    ///
    /// ```no_run
    /// let plain = wasmlit::Format::new();
    /// ```
    pub fn new() -> Format {
        Format::default()
    }

    /// `n` digits after the decimal point.
    ///
    /// ```no_run
    /// let two = wasmlit::Format::new().decimals(2);
    /// ```
    pub fn decimals(mut self, n: u8) -> Format {
        self.decimals = Some(n);
        self
    }

    /// Text before each value, e.g. `$`.
    ///
    /// ```no_run
    /// let dollars = wasmlit::Format::new().prefix("$");
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Format {
        self.prefix = Some(prefix.into());
        self
    }

    /// Text after each value, e.g. ` ms`.
    ///
    /// ```no_run
    /// let millis = wasmlit::Format::new().suffix(" ms");
    /// ```
    pub fn suffix(mut self, suffix: impl Into<String>) -> Format {
        self.suffix = Some(suffix.into());
        self
    }
}

/// Values of one column; made from a `Vec` of strings, integers, floats or
/// booleans.
///
/// ```no_run
/// let t = wasmlit::Table::new()
///     .column("name", vec!["a", "b"])
///     .column("count", vec![1i64, 2])
///     .column("share", vec![0.25, 0.75])
///     .column("done", vec![true, false]);
/// ```
pub struct ColumnData(host::ColumnValues);

macro_rules! column_data {
    ($($t:ty => $variant:ident via $conv:expr),* $(,)?) => {
        $(impl From<Vec<$t>> for ColumnData {
            fn from(values: Vec<$t>) -> Self {
                ColumnData(host::ColumnValues::$variant(values.into_iter().map($conv).collect()))
            }
        })*
    };
}

column_data! {
    String => Text via |v| v,
    &str => Text via |v: &str| v.to_owned(),
    i64 => Integer via |v| v,
    i32 => Integer via i64::from,
    u32 => Integer via i64::from,
    f64 => Float via |v| v,
    f32 => Float via f64::from,
    bool => Boolean via |v| v,
}

impl Table {
    /// A table with no columns.
    ///
    /// ```no_run
    /// let empty = wasmlit::Table::new();
    /// ```
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a column. All columns must have the same length (the host
    /// refuses the table otherwise).
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new().column("city", vec!["Oslo", "Lima"]).column("people", vec![709_000i64, 10_000_000]);
    /// ```
    pub fn column(mut self, name: impl Into<String>, values: impl Into<ColumnData>) -> Table {
        self.columns.push(host::Column {
            name: name.into(),
            values: values.into().0,
            format: None,
        });
        self
    }

    /// Shows column `name` with `format`.
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new()
    ///     .column("latency", vec![1.234, 5.6])
    ///     .format("latency", wasmlit::Format::new().decimals(1).suffix(" ms"));
    /// ```
    pub fn format(mut self, name: &str, format: Format) -> Table {
        if let Some(column) = self.columns.iter_mut().find(|c| c.name == name) {
            column.format = Some(host::ColumnFormat {
                decimals: format.decimals,
                prefix: format.prefix,
                suffix: format.suffix,
            });
        }
        self
    }

    /// Each column's name and values as JSON.
    pub(crate) fn json_columns(&self) -> Vec<(String, Vec<serde_json::Value>)> {
        use serde_json::Value;
        self.columns
            .iter()
            .map(|c| {
                let values: Vec<Value> = match &c.values {
                    host::ColumnValues::Text(v) => {
                        v.iter().map(|s| Value::from(s.as_str())).collect()
                    }
                    host::ColumnValues::Integer(v) => v.iter().map(|i| Value::from(*i)).collect(),
                    host::ColumnValues::Float(v) => v
                        .iter()
                        .map(|f| {
                            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
                        })
                        .collect(),
                    host::ColumnValues::Boolean(v) => v.iter().map(|b| Value::from(*b)).collect(),
                };
                (c.name.clone(), values)
            })
            .collect()
    }

    /// Rows.
    pub(crate) fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| match &c.values {
            host::ColumnValues::Text(v) => v.len(),
            host::ColumnValues::Integer(v) => v.len(),
            host::ColumnValues::Float(v) => v.len(),
            host::ColumnValues::Boolean(v) => v.len(),
        })
    }

    fn wit(&self) -> host::Table {
        host::Table {
            columns: self.columns.clone(),
        }
    }
}

/// A table, dataframe or chart this run drew, that rows can be added to:
/// what Streamlit's `st.dataframe`, `st.table` and charts return for
/// `add_rows`. Dropping it changes nothing on the page.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let readings = st.line_chart(
///     &wasmlit::Table::new().column("t", vec![0i64]).column("load", vec![0.2]),
///     "t",
///     &["load"],
/// );
/// for t in 1..10i64 {
///     readings.add_rows(&wasmlit::Table::new().column("t", vec![t]).column("load", vec![0.1 * t as f64]));
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Rows {
    handle: Option<u32>,
    chart: Option<ChartRows>,
}

/// The columns a built-in chart keeps, and the row number of its next row
/// when it has no `x` column.
#[derive(Debug)]
pub(crate) struct ChartRows {
    pub(crate) fields: Vec<String>,
    pub(crate) next_index: Option<std::cell::Cell<i64>>,
}

impl Rows {
    fn table(handle: Option<u32>) -> Rows {
        Rows {
            handle,
            chart: None,
        }
    }

    pub(crate) fn chart(handle: Option<u32>, chart: Option<ChartRows>) -> Rows {
        Rows { handle, chart }
    }

    /// Adds `rows` to the end of the element, like Streamlit's `add_rows`:
    /// only the new rows travel to the browser. They must have the
    /// element's columns, by name and type; a built-in chart takes the
    /// columns it shows (others are left out) and numbers the rows on when
    /// it has no `x` column. Panics with the host's reason (ending the run
    /// with it) once something else was drawn in the element's place, or
    /// for a `vega_lite_chart` whose data is not inline.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let log = st.dataframe(&wasmlit::Table::new().column("event", vec!["start"]));
    /// log.add_rows(&wasmlit::Table::new().column("event", vec!["step 1", "step 2"]));
    /// # }
    /// ```
    pub fn add_rows(&self, rows: &Table) {
        let Some(handle) = self.handle else {
            panic!(
                "add_rows: rows can be added only to a table, a dataframe or a chart whose \
                 data is inline (`\"data\": {{\"values\": [...]}}`)"
            );
        };
        let Some(chart) = &self.chart else {
            crate::error::expect_ok(host::add_rows(handle, &rows.wit()));
            return;
        };
        if let Some(missing) = chart
            .fields
            .iter()
            .find(|f| !rows.columns.iter().any(|c| c.name == **f))
        {
            panic!(
                "add_rows: the chart shows column `{missing}`; the new rows have no such column"
            );
        }
        let mut columns: Vec<host::Column> = rows
            .columns
            .iter()
            .filter(|c| chart.fields.contains(&c.name))
            .cloned()
            .collect();
        let count = rows.rows();
        if let Some(next) = &chart.next_index {
            let first = next.get();
            columns.push(host::Column {
                name: crate::charts::INDEX.to_owned(),
                values: host::ColumnValues::Integer((first..first + count as i64).collect()),
                format: None,
            });
        }
        crate::error::expect_ok(host::add_rows(handle, &host::Table { columns }));
        if let Some(next) = &chart.next_index {
            next.set(next.get() + count as i64);
        }
    }
}

impl Ui {
    /// A number with a label and, optionally, its change, like `st.metric`.
    /// A change starting with `-` is shown as down (red), otherwise up (green).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.metric("Temperature", "21 °C", Some("+1.5 °C"));
    /// # }
    /// ```
    pub fn metric(&self, label: &str, value: impl ToString, delta: Option<&str>) {
        self.metric_with(label, value, delta, DeltaColor::Normal);
    }

    /// [`metric`](Self::metric) with the change's colouring: `Inverse`
    /// when down is good (costs, latency), `Off` for grey.
    ///
    /// ```no_run
    /// # use wasmlit::DeltaColor;
    /// # fn page(st: &wasmlit::Ui) {
    /// st.metric_with("p99 latency", "41 ms", Some("-6 ms"), DeltaColor::Inverse);
    /// # }
    /// ```
    pub fn metric_with(
        &self,
        label: &str,
        value: impl ToString,
        delta: Option<&str>,
        delta_color: DeltaColor,
    ) {
        self.metric_full(
            label,
            value,
            &Metric {
                delta: delta.map(str::to_owned),
                delta_color,
                ..Metric::default()
            },
        );
    }

    /// A metric with every option: a tooltip, a border and a sparkline of
    /// past values, like `st.metric(…, help=…, border=True, chart_data=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::Metric;
    /// st.metric_full("Visitors", 1_204, &Metric {
    ///     delta: Some("+12%".into()),
    ///     help: Some("Unique visitors today".into()),
    ///     border: true,
    ///     chart: vec![980.0, 1_020.0, 1_110.0, 1_204.0],
    ///     ..Metric::default()
    /// });
    /// # }
    /// ```
    pub fn metric_full(&self, label: &str, value: impl ToString, options: &Metric) {
        self.emit(Element::Metric(host::Metric {
            label: label.to_owned(),
            value: value.to_string(),
            delta: options.delta.clone(),
            delta_color: options.delta_color,
            help: options.help.clone(),
            border: options.border,
            chart: options.chart.clone(),
        }));
    }

    /// A static table, like `st.table`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new().column("x", vec![1i64, 2]).column("y", vec![1.0, 4.0]);
    /// st.table(&t);
    /// # }
    /// ```
    ///
    /// It returns the table, for [`Rows::add_rows`].
    pub fn table(&self, table: &Table) -> Rows {
        Rows::table(self.emit_data(Element::Table(table.wit())))
    }

    /// An interactive table, like `st.dataframe`: click a header to sort;
    /// it scrolls within 400 pixels and draws only the visible rows, so
    /// 100,000 rows stay smooth.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let n: Vec<i64> = (0..100_000).collect();
    /// let squares: Vec<f64> = n.iter().map(|v| (*v as f64).powi(2)).collect();
    /// st.dataframe(&wasmlit::Table::new().column("n", n).column("n²", squares));
    /// # }
    /// ```
    ///
    /// It returns the dataframe, for [`Rows::add_rows`].
    pub fn dataframe(&self, table: &Table) -> Rows {
        self.dataframe_with_height(table, 400)
    }

    /// [`dataframe`](Self::dataframe) scrolling within `height` pixels.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new().column("n", (0..1000i64).collect::<Vec<_>>());
    /// st.dataframe_with_height(&t, 200);
    /// # }
    /// ```
    pub fn dataframe_with_height(&self, table: &Table, height: u32) -> Rows {
        Rows::table(self.emit_data(Element::Dataframe(host::Dataframe {
            data: table.wit(),
            height: Some(height),
        })))
    }
}

/// Options of a metric ([`Ui::metric_full`]).
#[derive(Debug, Clone)]
pub struct Metric {
    /// The change, e.g. `+4.5%`; a leading `-` means down.
    pub delta: Option<String>,
    /// How the change is coloured.
    pub delta_color: DeltaColor,
    /// A tooltip beside the label.
    pub help: Option<String>,
    /// Draw a box around it.
    pub border: bool,
    /// Past values, oldest first, drawn as a small line under the value.
    pub chart: Vec<f64>,
}

impl Default for Metric {
    fn default() -> Self {
        Metric {
            delta: None,
            delta_color: DeltaColor::Normal,
            help: None,
            border: false,
            chart: Vec::new(),
        }
    }
}
