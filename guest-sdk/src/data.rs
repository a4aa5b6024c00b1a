//! Data elements: metrics, tables and dataframes built from columns.

use crate::bindings::wasmlit::page::ui::{self as host, Element};
use crate::values::{Date, DateTime, Time, Value};
use crate::Ui;

pub use host::DeltaColor;

/// Columnar data for [`Ui::table`] and [`Ui::dataframe`], and what an SQL
/// query returns: named columns of equal length, each of one type (text,
/// integers, floats, booleans, dates, instants, times, lists or JSON), any
/// of whose values may be missing.
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

pub use host::ColumnWidth;

/// How a dataframe shows a column: Streamlit's `st.column_config`, given
/// with [`Table::config`]. A header label, help, width and pinning for any
/// column, and one way to draw its values, checked by the host against the
/// column's type.
///
/// ```no_run
/// use wasmlit::{ColumnConfig, ColumnWidth, Table};
/// let t = Table::new()
///     .column("site", vec!["https://example.com"])
///     .column("share", vec![0.42])
///     .column("trend", vec![vec![1.0, 4.0, 2.0]])
///     .config("site", ColumnConfig::link(Some("open")).label("Site"))
///     .config("share", ColumnConfig::progress(0.0, 1.0).help("of all sales"))
///     .config("trend", ColumnConfig::line_chart(None, None).width(ColumnWidth::Medium));
/// ```
#[derive(Debug, Clone)]
pub struct ColumnConfig(host::ColumnConfig);

impl ColumnConfig {
    fn with(display: Option<host::ColumnDisplay>) -> ColumnConfig {
        ColumnConfig(host::ColumnConfig {
            label: None,
            help: None,
            width: None,
            pinned: false,
            display,
            editing: None,
        })
    }

    fn editing(mut self, change: impl FnOnce(&mut host::ColumnEditing)) -> ColumnConfig {
        let editing = self.0.editing.get_or_insert(host::ColumnEditing {
            required: false,
            min: None,
            max: None,
            max_chars: None,
            options: None,
        });
        change(editing);
        self
    }

    /// Text a data editor offers as a drop-down of `options`, and accepts
    /// only from them (`SelectboxColumn`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::selectbox(&["north", "south"]);
    /// ```
    pub fn selectbox(options: &[&str]) -> ColumnConfig {
        Self::new().options(options)
    }

    /// In a data editor, the only texts the column accepts (a drop-down).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().options(&["open", "closed"]);
    /// ```
    pub fn options(self, options: &[&str]) -> ColumnConfig {
        let options = options.iter().map(|o| (*o).to_owned()).collect();
        self.editing(|e| e.options = Some(options))
    }

    /// In a data editor, the column needs a value: emptying a cell, or
    /// adding a row without one, is refused.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().required(true);
    /// ```
    pub fn required(self, required: bool) -> ColumnConfig {
        self.editing(|e| e.required = required)
    }

    /// In a data editor, the least number the column accepts.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::format("%d").min(0.0);
    /// ```
    pub fn min(self, min: f64) -> ColumnConfig {
        self.editing(|e| e.min = Some(min))
    }

    /// In a data editor, the greatest number the column accepts.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().max(100.0);
    /// ```
    pub fn max(self, max: f64) -> ColumnConfig {
        self.editing(|e| e.max = Some(max))
    }

    /// In a data editor, the most characters a text takes.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().max_chars(40);
    /// ```
    pub fn max_chars(self, most: u32) -> ColumnConfig {
        self.editing(|e| e.max_chars = Some(most))
    }

    /// Values drawn as their type says (`st.column_config.Column`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().label("Region");
    /// ```
    pub fn new() -> ColumnConfig {
        Self::with(None)
    }

    /// Numbers, dates or times through `format` (`NumberColumn`,
    /// `DateColumn`, `DatetimeColumn`, `TimeColumn`): printf-style
    /// (`%.2f`, `$%,d`, `%.1f%%`) or a preset (`plain`, `localized`,
    /// `percent`, `dollar`, `euro`, `yen`, `accounting`, `compact`,
    /// `scientific`, `engineering`) for numbers; date tokens (`YYYY-MM-DD
    /// HH:mm`) or `iso8601`, `localized`, `distance` for dates and times.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::format("dollar");
    /// ```
    pub fn format(format: &str) -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::Format(format.to_owned())))
    }

    /// Numbers as a bar from `min` to `max` (`ProgressColumn`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::progress(0.0, 100.0);
    /// ```
    pub fn progress(min: f64, max: f64) -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::Progress(host::ProgressColumn {
            min,
            max,
            format: None,
        })))
    }

    /// A progress bar's number format (as [`ColumnConfig::format`]).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::progress(0.0, 1.0).progress_format("percent");
    /// ```
    pub fn progress_format(mut self, format: &str) -> ColumnConfig {
        if let Some(host::ColumnDisplay::Progress(p)) = &mut self.0.display {
            p.format = Some(format.to_owned());
        }
        self
    }

    /// Text as links (`LinkColumn`), shown as `display_text` when given.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::link(Some("docs"));
    /// ```
    pub fn link(display_text: Option<&str>) -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::Link(
            display_text.map(str::to_owned),
        )))
    }

    /// Text as images at those URLs (`ImageColumn`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::image();
    /// ```
    pub fn image() -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::Image))
    }

    /// Lists of numbers as small line charts (`LineChartColumn`), between
    /// `y_min` and `y_max` (each row's own range when `None`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::line_chart(Some(0.0), None);
    /// ```
    pub fn line_chart(y_min: Option<f64>, y_max: Option<f64>) -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::LineChart(host::ChartColumn {
            y_min,
            y_max,
        })))
    }

    /// Lists of numbers as small bar charts (`BarChartColumn`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::bar_chart(None, None);
    /// ```
    pub fn bar_chart(y_min: Option<f64>, y_max: Option<f64>) -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::BarChart(host::ChartColumn {
            y_min,
            y_max,
        })))
    }

    /// Lists of numbers as small area charts (`AreaChartColumn`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::area_chart(None, None);
    /// ```
    pub fn area_chart(y_min: Option<f64>, y_max: Option<f64>) -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::AreaChart(host::ChartColumn {
            y_min,
            y_max,
        })))
    }

    /// Booleans as check boxes (`CheckboxColumn`).
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::checkbox();
    /// ```
    pub fn checkbox() -> ColumnConfig {
        Self::with(Some(host::ColumnDisplay::Checkbox))
    }

    /// The header shown instead of the column's name.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().label("Revenue (€)");
    /// ```
    pub fn label(mut self, label: &str) -> ColumnConfig {
        self.0.label = Some(label.to_owned());
        self
    }

    /// A tooltip on the header.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().help("before tax");
    /// ```
    pub fn help(mut self, help: &str) -> ColumnConfig {
        self.0.help = Some(help.to_owned());
        self
    }

    /// The column's width.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().width(wasmlit::ColumnWidth::Pixels(120));
    /// ```
    pub fn width(mut self, width: ColumnWidth) -> ColumnConfig {
        self.0.width = Some(width);
        self
    }

    /// Kept in view at the left while the table scrolls sideways.
    ///
    /// ```no_run
    /// let c = wasmlit::ColumnConfig::new().pinned(true);
    /// ```
    pub fn pinned(mut self, pinned: bool) -> ColumnConfig {
        self.0.pinned = pinned;
        self
    }
}

impl Default for ColumnConfig {
    fn default() -> Self {
        Self::new()
    }
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

/// Values of one column: made from a `Vec` of strings, integers, floats,
/// booleans, [`Date`]s, [`DateTime`]s, [`Time`]s, lists of numbers or of
/// texts, or of `Option`s of any of them (`None` is a missing value);
/// [`ColumnData::json`] makes a column of JSON documents.
///
/// ```no_run
/// use wasmlit::{Date, Table};
/// let t = Table::new()
///     .column("name", vec!["a", "b"])
///     .column("count", vec![Some(1i64), None])
///     .column("share", vec![0.25, 0.75])
///     .column("done", vec![true, false])
///     .column("due", vec![Date::from_ymd(2026, 12, 24).unwrap(), Date::from_days(0)])
///     .column("trend", vec![vec![1.0, 3.0, 2.0], vec![]])
///     .column("tags", vec![vec!["new"], vec!["sale", "eu"]]);
/// ```
pub struct ColumnData {
    values: host::ColumnValues,
    nulls: Vec<u32>,
}

impl ColumnData {
    /// A column of JSON documents.
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new().column(
    ///     "meta",
    ///     wasmlit::ColumnData::json(vec![serde_json::json!({"a": 1}), serde_json::json!([1, 2])]),
    /// );
    /// ```
    pub fn json(values: Vec<serde_json::Value>) -> ColumnData {
        ColumnData {
            values: host::ColumnValues::Json(values.iter().map(|v| v.to_string()).collect()),
            nulls: Vec::new(),
        }
    }
}

macro_rules! column_data {
    ($($t:ty => $variant:ident via $conv:expr, missing $missing:expr),* $(,)?) => {
        $(impl From<Vec<$t>> for ColumnData {
            fn from(values: Vec<$t>) -> Self {
                ColumnData {
                    values: host::ColumnValues::$variant(values.into_iter().map($conv).collect()),
                    nulls: Vec::new(),
                }
            }
        }
        impl From<Vec<Option<$t>>> for ColumnData {
            fn from(values: Vec<Option<$t>>) -> Self {
                let nulls = values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_none())
                    .map(|(r, _)| r as u32)
                    .collect();
                ColumnData {
                    values: host::ColumnValues::$variant(
                        values.into_iter().map(|v| v.map_or_else(|| $missing, $conv)).collect(),
                    ),
                    nulls,
                }
            }
        })*
    };
}

column_data! {
    String => Text via |v| v, missing String::new(),
    &str => Text via |v: &str| v.to_owned(), missing String::new(),
    i64 => Integer via |v| v, missing 0,
    i32 => Integer via i64::from, missing 0,
    u32 => Integer via i64::from, missing 0,
    f64 => Float via |v| v, missing 0.0,
    f32 => Float via f64::from, missing 0.0,
    bool => Boolean via |v| v, missing false,
    Date => Date via |v: Date| v.days(), missing 0,
    DateTime => Datetime via |v: DateTime| v.unix_micros(), missing 0,
    Time => Time via |v: Time| v.micros(), missing 0,
    Vec<f64> => NumberList via |v| v, missing Vec::new(),
    Vec<String> => TextList via |v| v, missing Vec::new(),
    Vec<&str> => TextList via |v: Vec<&str>| v.into_iter().map(str::to_owned).collect(), missing Vec::new(),
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
        let data = values.into();
        self.columns.push(host::Column {
            name: name.into(),
            values: data.values,
            format: None,
            nulls: data.nulls,
            time_zone: None,
            config: None,
        });
        self
    }

    /// Shows the instants of column `name` in IANA time zone `zone`
    /// (`Europe/Oslo`, `UTC`); without one they are shown as UTC wall-clock
    /// times with no zone.
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new()
    ///     .column("at", vec![wasmlit::DateTime::from_unix_seconds(0)])
    ///     .time_zone("at", "Europe/Oslo");
    /// ```
    pub fn time_zone(mut self, name: &str, zone: &str) -> Table {
        if let Some(column) = self.columns.iter_mut().find(|c| c.name == name) {
            column.time_zone = Some(zone.to_owned());
        }
        self
    }

    /// Shows column `name` as `config` says (Streamlit's `column_config`).
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new()
    ///     .column("done", vec![0.3, 0.9])
    ///     .config("done", wasmlit::ColumnConfig::progress(0.0, 1.0).label("Done"));
    /// ```
    pub fn config(mut self, name: &str, config: ColumnConfig) -> Table {
        if let Some(column) = self.columns.iter_mut().find(|c| c.name == name) {
            column.config = Some(config.0);
        }
        self
    }

    /// Keeps only the columns `names`, in that order (Streamlit's
    /// `column_order`); names that are no column are ignored.
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new()
    ///     .column("a", vec![1i64])
    ///     .column("b", vec![2i64])
    ///     .column_order(&["b"]);
    /// ```
    pub fn column_order(mut self, names: &[&str]) -> Table {
        let mut ordered = Vec::with_capacity(names.len());
        for name in names {
            if let Some(at) = self.columns.iter().position(|c| c.name == *name) {
                ordered.push(self.columns.swap_remove(at));
            }
        }
        self.columns = ordered;
        self
    }

    /// Leaves column `name` out (Streamlit's `column_config={"name": None}`).
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new().column("id", vec![1i64]).column("n", vec![2i64]).hide("id");
    /// ```
    pub fn hide(mut self, name: &str) -> Table {
        self.columns.retain(|c| c.name != name);
        self
    }

    /// The names of the columns, in order.
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new().column("a", vec![1i64]);
    /// assert_eq!(t.column_names(), ["a"]);
    /// ```
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The type of column `name`: `text`, `integer`, `float`, `boolean`,
    /// `date`, `datetime`, `time`, `number_list`, `text_list` or `json`.
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new().column("a", vec![1i64]);
    /// assert_eq!(t.column_type("a"), Some("integer"));
    /// ```
    pub fn column_type(&self, name: &str) -> Option<&'static str> {
        let column = self.columns.iter().find(|c| c.name == name)?;
        Some(type_name(&column.values))
    }

    /// The number of rows.
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::Table::new().column("a", vec![1i64, 2]).num_rows(), 2);
    /// ```
    pub fn num_rows(&self) -> usize {
        self.rows()
    }

    /// The cell of column `name` at `row`; `None` when there is no such
    /// column or row.
    ///
    /// ```no_run
    /// use wasmlit::{Table, Value};
    /// let t = Table::new().column("n", vec![Some(1i64), None]);
    /// assert_eq!(t.value("n", 0), Some(Value::Integer(1)));
    /// assert_eq!(t.value("n", 1), Some(Value::Null));
    /// ```
    pub fn value(&self, name: &str, row: usize) -> Option<Value<'_>> {
        let column = self.columns.iter().find(|c| c.name == name)?;
        cell(column, row)
    }

    /// Row `row` as a JSON object of column names to values (missing values
    /// as `null`, dates and times as ISO 8601 text).
    ///
    /// ```no_run
    /// let t = wasmlit::Table::new().column("a", vec![1i64]);
    /// assert_eq!(t.row_json(0), Some(serde_json::json!({"a": 1})));
    /// ```
    pub fn row_json(&self, row: usize) -> Option<serde_json::Value> {
        if row >= self.rows() {
            return None;
        }
        let map = self
            .columns
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    cell(c, row).map_or(serde_json::Value::Null, |v| v.to_json()),
                )
            })
            .collect();
        Some(serde_json::Value::Object(map))
    }

    /// A table of the rows the contract gave (an SQL result).
    pub(crate) fn from_wit(table: host::Table) -> Table {
        Table {
            columns: table.columns,
        }
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
        let rows = self.rows();
        self.columns
            .iter()
            .map(|c| {
                let values = (0..rows)
                    .map(|r| cell(c, r).map_or(serde_json::Value::Null, |v| v.to_json()))
                    .collect();
                (c.name.clone(), values)
            })
            .collect()
    }

    /// Rows.
    pub(crate) fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| values_len(&c.values))
    }

    pub(crate) fn wit(&self) -> host::Table {
        host::Table {
            columns: self.columns.clone(),
        }
    }

    /// The columns as the contract holds them.
    pub(crate) fn columns_ref(&self) -> &[host::Column] {
        &self.columns
    }

    /// A table of `columns` (of equal length).
    pub(crate) fn from_columns(columns: Vec<host::Column>) -> Table {
        Table { columns }
    }
}

/// The one key of a serialized [`Table`]: `{"$wasmlit_table": [columns]}`,
/// which [`Ui::write`] draws as a dataframe.
pub(crate) const TABLE_KEY: &str = "$wasmlit_table";

/// One column as a table serializes it.
#[derive(serde::Serialize, serde::Deserialize)]
struct SerialColumn {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    values: serde_json::Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    nulls: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
}

impl serde::Serialize for Table {
    /// `{"$wasmlit_table": [{"name", "type", "values", "nulls", "time_zone"}, …]}`:
    /// a table keeps its types through session state, and `st.write` draws it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use host::ColumnValues as V;
        use serde::ser::{Error, SerializeMap};
        let mut columns = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let values = match &c.values {
                V::Text(v) | V::Json(v) => serde_json::to_value(v),
                V::Integer(v) | V::Datetime(v) | V::Time(v) => serde_json::to_value(v),
                V::Float(v) => serde_json::to_value(v),
                V::Boolean(v) => serde_json::to_value(v),
                V::Date(v) => serde_json::to_value(v),
                V::NumberList(v) => serde_json::to_value(v),
                V::TextList(v) => serde_json::to_value(v),
            };
            let kind = type_name(&c.values);
            columns.push(SerialColumn {
                name: c.name.clone(),
                kind: kind.to_owned(),
                values: values.map_err(S::Error::custom)?,
                nulls: c.nulls.clone(),
                time_zone: c.time_zone.clone(),
            });
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(TABLE_KEY, &columns)?;
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Table {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Table, D::Error> {
        use serde::de::Error;
        let mut outer: std::collections::HashMap<String, Vec<SerialColumn>> =
            std::collections::HashMap::deserialize(deserializer)?;
        let columns = outer.remove(TABLE_KEY).ok_or_else(|| {
            D::Error::custom(format!("a table is an object with the key {TABLE_KEY}"))
        })?;
        let mut table = Table::default();
        for c in columns {
            table.columns.push(host::Column {
                values: column_values(&c.kind, c.values).map_err(D::Error::custom)?,
                name: c.name,
                format: None,
                nulls: c.nulls,
                time_zone: c.time_zone,
                config: None,
            });
        }
        Ok(table)
    }
}

/// A column's values from their type's name and JSON array.
fn column_values(kind: &str, values: serde_json::Value) -> Result<host::ColumnValues, String> {
    use host::ColumnValues as V;
    let floats = |v: serde_json::Value| -> Result<Vec<f64>, serde_json::Error> {
        let read: Vec<Option<f64>> = serde_json::from_value(v)?;
        Ok(read.into_iter().map(|f| f.unwrap_or(f64::NAN)).collect())
    };
    let e = |e: serde_json::Error| e.to_string();
    Ok(match kind {
        "text" => V::Text(serde_json::from_value(values).map_err(e)?),
        "integer" => V::Integer(serde_json::from_value(values).map_err(e)?),
        "float" => V::Float(floats(values).map_err(e)?),
        "boolean" => V::Boolean(serde_json::from_value(values).map_err(e)?),
        "date" => V::Date(serde_json::from_value(values).map_err(e)?),
        "datetime" => V::Datetime(serde_json::from_value(values).map_err(e)?),
        "time" => V::Time(serde_json::from_value(values).map_err(e)?),
        "number_list" => {
            let lists: Vec<serde_json::Value> = serde_json::from_value(values).map_err(e)?;
            V::NumberList(
                lists
                    .into_iter()
                    .map(floats)
                    .collect::<Result<_, _>>()
                    .map_err(e)?,
            )
        }
        "text_list" => V::TextList(serde_json::from_value(values).map_err(e)?),
        "json" => V::Json(serde_json::from_value(values).map_err(e)?),
        other => return Err(format!("unknown column type `{other}`")),
    })
}

/// A table serialized by [`Table`]'s `Serialize`, read back from JSON
/// (taking the value, so its columns are not copied); any other value is
/// given back.
pub(crate) fn table_of_json(value: serde_json::Value) -> Result<Table, serde_json::Value> {
    let is_table = value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key(TABLE_KEY));
    if !is_table {
        return Err(value);
    }
    serde_json::from_value(value).map_err(|_| serde_json::Value::Null)
}

/// The name of a column's type, as tables serialize it and
/// [`Table::column_type`] says.
fn type_name(values: &host::ColumnValues) -> &'static str {
    use host::ColumnValues as V;
    match values {
        V::Text(_) => "text",
        V::Integer(_) => "integer",
        V::Float(_) => "float",
        V::Boolean(_) => "boolean",
        V::Date(_) => "date",
        V::Datetime(_) => "datetime",
        V::Time(_) => "time",
        V::NumberList(_) => "number_list",
        V::TextList(_) => "text_list",
        V::Json(_) => "json",
    }
}

fn values_len(values: &host::ColumnValues) -> usize {
    use host::ColumnValues as V;
    match values {
        V::Text(v) | V::Json(v) => v.len(),
        V::Integer(v) | V::Datetime(v) | V::Time(v) => v.len(),
        V::Float(v) => v.len(),
        V::Boolean(v) => v.len(),
        V::Date(v) => v.len(),
        V::NumberList(v) => v.len(),
        V::TextList(v) => v.len(),
    }
}

/// The cell of `column` at `row`.
fn cell(column: &host::Column, row: usize) -> Option<Value<'_>> {
    use host::ColumnValues as V;
    if row >= values_len(&column.values) {
        return None;
    }
    if column.nulls.binary_search(&(row as u32)).is_ok() {
        return Some(Value::Null);
    }
    Some(match &column.values {
        V::Text(v) => Value::Text(&v[row]),
        V::Integer(v) => Value::Integer(v[row]),
        V::Float(v) => Value::Float(v[row]),
        V::Boolean(v) => Value::Boolean(v[row]),
        V::Date(v) => Value::Date(Date::from_days(v[row])),
        V::Datetime(v) => Value::DateTime(
            DateTime::from_unix_micros(v[row]),
            column.time_zone.as_deref(),
        ),
        V::Time(v) => Value::Time(Time::from_micros(v[row])?),
        V::NumberList(v) => Value::NumberList(&v[row]),
        V::TextList(v) => Value::TextList(&v[row]),
        V::Json(v) => Value::Json(&v[row]),
    })
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
                nulls: Vec::new(),
                time_zone: None,
                config: None,
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
