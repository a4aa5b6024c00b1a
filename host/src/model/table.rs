//! A table's typed columns: their values (with nulls and time zones), the
//! checks every table from a page or a database passes, what a column costs
//! against the output limits, and how it is sent to the browser.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Days from 0000-03-01 (proleptic Gregorian) to 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Microseconds in a day.
pub const DAY_MICROS: i64 = 86_400_000_000;

/// The type of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Float,
    Boolean,
    Date,
    Datetime,
    Time,
    NumberList,
    TextList,
    Json,
}

impl ColumnType {
    /// Its name on the wire (a column's `type`) and in messages.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Datetime => "datetime",
            ColumnType::Time => "time",
            ColumnType::NumberList => "number_list",
            ColumnType::TextList => "text_list",
            ColumnType::Json => "json",
        }
    }

    /// Whether its values are numbers (integers or floats).
    pub fn is_number(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Float)
    }
}

/// One column's values, sent as their `type` and a plain JSON array of
/// `values` (dates as days since 1970-01-01, datetimes and times as
/// microseconds, JSON documents as their text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "values", rename_all = "snake_case")]
pub enum ColumnValues {
    /// Strings.
    Text(Vec<String>),
    /// Integers.
    Integer(Vec<i64>),
    /// Floats (NaN and infinities are sent as `null`, and read back as NaN).
    Float(#[serde(deserialize_with = "floats")] Vec<f64>),
    /// Booleans.
    Boolean(Vec<bool>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
    /// Microseconds since 1970-01-01T00:00:00Z.
    Datetime(Vec<i64>),
    /// Microseconds since midnight.
    Time(Vec<i64>),
    /// A list of numbers per row (NaN sent as `null`).
    NumberList(#[serde(deserialize_with = "float_lists")] Vec<Vec<f64>>),
    /// A list of texts per row.
    TextList(Vec<Vec<String>>),
    /// A JSON document per row, as text.
    Json(Vec<String>),
}

/// Calls `$body` with `$v` bound to the values of whichever variant `$values` is.
macro_rules! each_values {
    ($values:expr, $v:ident => $body:expr) => {
        match $values {
            ColumnValues::Text($v) => $body,
            ColumnValues::Integer($v) => $body,
            ColumnValues::Float($v) => $body,
            ColumnValues::Boolean($v) => $body,
            ColumnValues::Date($v) => $body,
            ColumnValues::Datetime($v) => $body,
            ColumnValues::Time($v) => $body,
            ColumnValues::NumberList($v) => $body,
            ColumnValues::TextList($v) => $body,
            ColumnValues::Json($v) => $body,
        }
    };
}

impl ColumnValues {
    /// The type of the values.
    pub fn kind(&self) -> ColumnType {
        match self {
            ColumnValues::Text(_) => ColumnType::Text,
            ColumnValues::Integer(_) => ColumnType::Integer,
            ColumnValues::Float(_) => ColumnType::Float,
            ColumnValues::Boolean(_) => ColumnType::Boolean,
            ColumnValues::Date(_) => ColumnType::Date,
            ColumnValues::Datetime(_) => ColumnType::Datetime,
            ColumnValues::Time(_) => ColumnType::Time,
            ColumnValues::NumberList(_) => ColumnType::NumberList,
            ColumnValues::TextList(_) => ColumnType::TextList,
            ColumnValues::Json(_) => ColumnType::Json,
        }
    }

    /// Rows.
    pub fn len(&self) -> usize {
        each_values!(self, v => v.len())
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends `other`'s values; false (nothing appended) when its type
    /// differs.
    pub fn extend(&mut self, other: &ColumnValues) -> bool {
        match (self, other) {
            (ColumnValues::Text(a), ColumnValues::Text(b)) => a.extend_from_slice(b),
            (ColumnValues::Integer(a), ColumnValues::Integer(b)) => a.extend_from_slice(b),
            (ColumnValues::Float(a), ColumnValues::Float(b)) => a.extend_from_slice(b),
            (ColumnValues::Boolean(a), ColumnValues::Boolean(b)) => a.extend_from_slice(b),
            (ColumnValues::Date(a), ColumnValues::Date(b)) => a.extend_from_slice(b),
            (ColumnValues::Datetime(a), ColumnValues::Datetime(b)) => a.extend_from_slice(b),
            (ColumnValues::Time(a), ColumnValues::Time(b)) => a.extend_from_slice(b),
            (ColumnValues::NumberList(a), ColumnValues::NumberList(b)) => a.extend_from_slice(b),
            (ColumnValues::TextList(a), ColumnValues::TextList(b)) => a.extend_from_slice(b),
            (ColumnValues::Json(a), ColumnValues::Json(b)) => a.extend_from_slice(b),
            _ => return false,
        }
        true
    }

    /// Bytes the values cost against the output limits: text as is plus
    /// quotes, numbers at 8 bytes.
    fn bytes(&self) -> usize {
        let text = |s: &String| s.len() + 3;
        match self {
            ColumnValues::Text(v) | ColumnValues::Json(v) => v.iter().map(text).sum(),
            ColumnValues::Integer(v) | ColumnValues::Datetime(v) | ColumnValues::Time(v) => {
                v.len() * 8
            }
            ColumnValues::Float(v) => v.len() * 8,
            ColumnValues::Boolean(v) => v.len() * 5,
            ColumnValues::Date(v) => v.len() * 6,
            ColumnValues::NumberList(v) => v.iter().map(|l| l.len() * 8 + 2).sum(),
            ColumnValues::TextList(v) => v
                .iter()
                .map(|l| l.iter().map(text).sum::<usize>() + 2)
                .sum(),
        }
    }

    /// Row `r` as a JSON value the way a chart or a test reads it: dates,
    /// datetimes and times as ISO 8601 text, JSON documents parsed.
    fn json_at(&self, r: usize) -> Value {
        let float = |f: f64| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
        match self {
            ColumnValues::Text(v) => Value::from(v[r].as_str()),
            ColumnValues::Integer(v) => Value::from(v[r]),
            ColumnValues::Float(v) => float(v[r]),
            ColumnValues::Boolean(v) => Value::from(v[r]),
            ColumnValues::Date(v) => iso_date(v[r]).map_or(Value::Null, Value::String),
            ColumnValues::Datetime(v) => iso_datetime(v[r]).map_or(Value::Null, Value::String),
            ColumnValues::Time(v) => iso_time(v[r]).map_or(Value::Null, Value::String),
            ColumnValues::NumberList(v) => Value::Array(v[r].iter().map(|f| float(*f)).collect()),
            ColumnValues::TextList(v) => Value::from(v[r].clone()),
            ColumnValues::Json(v) => serde_json::from_str(&v[r]).unwrap_or(Value::Null),
        }
    }
}

/// How a numeric column is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnFormat {
    /// Digits after the decimal point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Text before each value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Text after each value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

/// A named column of a table, sent as `{"name", "type", "values",
/// "nulls"?, "format"?, "time_zone"?, "config"?}`, or with `"arrow"` (the
/// place of its Arrow stream) instead of `"values"` and `"nulls"` in a
/// frame encoded by [`crate::model::arrow::with_columns_apart`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Column {
    /// The header.
    pub name: String,
    /// The values, one per row, with their type.
    #[serde(flatten)]
    pub values: ColumnValues,
    /// How numbers are shown.
    #[serde(default)]
    pub format: Option<ColumnFormat>,
    /// Rows whose value is missing, ascending.
    #[serde(default)]
    pub nulls: Vec<u32>,
    /// The IANA time zone datetimes are shown in; none: without a zone.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// How a dataframe shows it (`column_config`).
    #[serde(default)]
    pub config: Option<ColumnConfig>,
}

/// How a dataframe shows one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnConfig {
    /// The header shown instead of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A tooltip on the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Kept in view at the left.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// How values are drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<ColumnDisplay>,
    /// What a data editor accepts in the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editing: Option<ColumnEditing>,
}

/// What a data editor accepts in a column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnEditing {
    /// A null is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Numbers: the least accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Numbers: the greatest accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Text: the most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<u32>,
    /// Text: the only values accepted (a drop-down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// Most options of a column a data editor offers as a drop-down.
pub const MAX_COLUMN_OPTIONS: usize = 1_000;

impl ColumnEditing {
    /// Checks it against the type of the column it edits.
    fn check(&self, name: &str, kind: ColumnType) -> Result<(), String> {
        let bad = |why: String| Err(format!("column_config of `{name}`: {why}"));
        if (self.min.is_some() || self.max.is_some()) && !kind.is_number() {
            return bad(format!(
                "min and max bound numbers; this column holds {} values",
                kind.name()
            ));
        }
        if self.min.is_some_and(|m| !m.is_finite()) || self.max.is_some_and(|m| !m.is_finite()) {
            return bad("min and max are finite numbers".into());
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max) {
            if lo > hi {
                return bad(format!("min {lo} is above max {hi}"));
            }
        }
        if (self.max_chars.is_some() || self.options.is_some()) && kind != ColumnType::Text {
            return bad(format!(
                "max_chars and options are for text; this column holds {} values",
                kind.name()
            ));
        }
        if self.max_chars == Some(0) {
            return bad("max_chars is at least 1".into());
        }
        if let Some(options) = &self.options {
            if options.is_empty() || options.len() > MAX_COLUMN_OPTIONS {
                return bad(format!("a column has 1 to {MAX_COLUMN_OPTIONS} options"));
            }
            if options.iter().any(|o| o.len() > MAX_LABEL_BYTES) {
                return bad(format!("an option has at most {MAX_LABEL_BYTES} bytes"));
            }
        }
        Ok(())
    }

    /// Bytes of text it carries.
    fn bytes(&self) -> usize {
        self.options
            .as_ref()
            .map_or(0, |o| o.iter().map(|s| s.len() + 3).sum())
    }
}

/// How a column's values are drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnDisplay {
    /// Through a format (printf-style or a preset; date tokens for dates).
    Format { format: String },
    /// As a bar from `min` to `max`.
    Progress {
        min: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    /// As a link, shown as `display_text` when given.
    Link {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        display_text: Option<String>,
    },
    /// As an image.
    Image,
    /// A list of numbers as a small chart.
    LineChart {
        y_min: Option<f64>,
        y_max: Option<f64>,
    },
    BarChart {
        y_min: Option<f64>,
        y_max: Option<f64>,
    },
    AreaChart {
        y_min: Option<f64>,
        y_max: Option<f64>,
    },
    /// Booleans as check boxes.
    Checkbox,
}

/// Preset number formats a column takes.
pub const NUMBER_PRESETS: [&str; 10] = [
    "plain",
    "localized",
    "percent",
    "dollar",
    "euro",
    "yen",
    "accounting",
    "compact",
    "scientific",
    "engineering",
];

/// Preset date formats a column takes.
pub const DATE_PRESETS: [&str; 3] = ["iso8601", "localized", "distance"];

/// Widths of `small`, `medium` and `large`.
pub const COLUMN_WIDTHS: [u32; 3] = [75, 200, 400];

/// Longest label and help of a column, in bytes.
pub const MAX_LABEL_BYTES: usize = 200;
pub const MAX_HELP_BYTES: usize = 1000;

impl ColumnConfig {
    /// Checks it against the type of the column it shows.
    fn check(&self, name: &str, kind: ColumnType) -> Result<(), String> {
        let bad = |why: String| Err(format!("column_config of `{name}`: {why}"));
        if self
            .label
            .as_ref()
            .is_some_and(|l| l.len() > MAX_LABEL_BYTES)
        {
            return bad(format!("a label has at most {MAX_LABEL_BYTES} bytes"));
        }
        if self.help.as_ref().is_some_and(|h| h.len() > MAX_HELP_BYTES) {
            return bad(format!("a help text has at most {MAX_HELP_BYTES} bytes"));
        }
        if self.width.is_some_and(|w| !(20..=4000).contains(&w)) {
            return bad("a width is 20 to 4,000 pixels".into());
        }
        if let Some(editing) = &self.editing {
            editing.check(name, kind)?;
        }
        let Some(display) = &self.display else {
            return Ok(());
        };
        let dates = matches!(
            kind,
            ColumnType::Date | ColumnType::Datetime | ColumnType::Time
        );
        let wants = |ok: bool, what: &str| {
            if ok {
                Ok(())
            } else {
                bad(format!("{what}; this column holds {} values", kind.name()))
            }
        };
        let number_format = |format: &str| {
            if NUMBER_PRESETS.contains(&format) {
                Ok(())
            } else {
                crate::model::widget::display::check_printf(format)
                    .map_err(|e| format!("column_config of `{name}`: format {format:?} {e}"))
            }
        };
        let check_text = |format: &str| {
            if format.is_empty() || format.len() > 64 || format.chars().any(char::is_control) {
                return bad("a format is 1 to 64 bytes of printable text".into());
            }
            Ok(())
        };
        match display {
            ColumnDisplay::Format { format } => {
                check_text(format)?;
                if kind.is_number() {
                    number_format(format)
                } else if dates {
                    if DATE_PRESETS.contains(&format.as_str()) {
                        Ok(())
                    } else {
                        crate::model::widget::display::check_date_format(format).map_err(|e| {
                            format!("column_config of `{name}`: format {format:?} {e}")
                        })
                    }
                } else {
                    wants(false, "a format shows numbers, dates or times")
                }
            }
            ColumnDisplay::Progress { min, max, format } => {
                wants(kind.is_number(), "a progress column shows numbers")?;
                if !(min.is_finite() && max.is_finite() && min < max) {
                    return bad(format!(
                        "a progress range needs min < max, got {min} to {max}"
                    ));
                }
                match format {
                    Some(f) => {
                        check_text(f)?;
                        number_format(f)
                    }
                    None => Ok(()),
                }
            }
            ColumnDisplay::Link { display_text } => {
                wants(kind == ColumnType::Text, "a link column shows text (URLs)")?;
                if display_text
                    .as_ref()
                    .is_some_and(|t| t.len() > MAX_LABEL_BYTES)
                {
                    return bad(format!(
                        "a link's display text has at most {MAX_LABEL_BYTES} bytes"
                    ));
                }
                Ok(())
            }
            ColumnDisplay::Image => wants(
                kind == ColumnType::Text,
                "an image column shows text (URLs)",
            ),
            ColumnDisplay::LineChart { y_min, y_max }
            | ColumnDisplay::BarChart { y_min, y_max }
            | ColumnDisplay::AreaChart { y_min, y_max } => {
                wants(
                    kind == ColumnType::NumberList,
                    "a chart column shows lists of numbers",
                )?;
                if let (Some(lo), Some(hi)) = (y_min, y_max) {
                    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                        return bad(format!(
                            "a chart's range needs y_min < y_max, got {lo} to {hi}"
                        ));
                    }
                }
                Ok(())
            }
            ColumnDisplay::Checkbox => wants(
                kind == ColumnType::Boolean,
                "a checkbox column shows booleans",
            ),
        }
    }
}

/// Lists of floats as sent: `null` for NaN and infinities.
fn float_lists<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<f64>>, D::Error> {
    let lists: Vec<Vec<Option<f64>>> = Vec::deserialize(deserializer)?;
    Ok(lists
        .into_iter()
        .map(|l| l.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
        .collect())
}

/// Floats as sent: `null` for NaN and infinities.
fn floats<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
    let values: Vec<Option<f64>> = Vec::deserialize(deserializer)?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

impl Serialize for Column {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("type", self.values.kind().name())?;
        match crate::model::arrow::send_apart(self) {
            Some(stream) => map.serialize_entry("arrow", &stream)?,
            None => {
                each_values!(&self.values, v => map.serialize_entry("values", v))?;
                if !self.nulls.is_empty() {
                    map.serialize_entry("nulls", &self.nulls)?;
                }
            }
        }
        if let Some(format) = &self.format {
            map.serialize_entry("format", format)?;
        }
        if let Some(zone) = &self.time_zone {
            map.serialize_entry("time_zone", zone)?;
        }
        if let Some(config) = &self.config {
            map.serialize_entry("config", config)?;
        }
        map.end()
    }
}

impl Column {
    /// A column of `values` without nulls, format or time zone.
    pub fn new(name: impl Into<String>, values: ColumnValues) -> Column {
        Column {
            name: name.into(),
            values,
            format: None,
            nulls: Vec::new(),
            time_zone: None,
            config: None,
        }
    }

    /// Bytes the column costs against the output limits.
    pub fn bytes(&self) -> usize {
        let format = self.format.as_ref().map_or(0, |f| {
            f.prefix.as_ref().map_or(0, String::len) + f.suffix.as_ref().map_or(0, String::len)
        });
        self.name.len()
            + self.values.bytes()
            + format
            + self.nulls.len() * 4
            + self.time_zone.as_ref().map_or(0, String::len)
            + self.config.as_ref().map_or(0, |c| {
                64 + c.label.as_ref().map_or(0, String::len)
                    + c.help.as_ref().map_or(0, String::len)
                    + c.editing.as_ref().map_or(0, ColumnEditing::bytes)
            })
    }

    /// Whether row `r` is null.
    pub fn is_null(&self, r: usize) -> bool {
        u32::try_from(r).is_ok_and(|r| self.nulls.binary_search(&r).is_ok())
    }

    /// Row `r` as JSON (`null` for a null row), the way a chart or a test
    /// reads it.
    pub fn json_at(&self, r: usize) -> Value {
        if self.is_null(r) {
            Value::Null
        } else {
            self.values.json_at(r)
        }
    }

    /// Appends `other`'s rows, nulls included; false (nothing appended)
    /// when the types differ.
    pub fn append(&mut self, other: &Column) -> bool {
        let offset = self.values.len() as u64;
        if !self.values.extend(&other.values) {
            return false;
        }
        self.nulls.extend(
            other
                .nulls
                .iter()
                .filter_map(|&r| u32::try_from(offset + u64::from(r)).ok()),
        );
        true
    }

    /// Checks everything about one column but its length against the
    /// others: nulls in order and in range, times within a day, JSON that
    /// parses, a time zone only on datetimes and spelled as one.
    fn check(&self) -> Result<(), String> {
        let name = &self.name;
        let rows = self.values.len();
        if let Some(pair) = self.nulls.windows(2).find(|w| w[0] >= w[1]) {
            return Err(format!(
                "table: the nulls of column `{name}` must be ascending row numbers without repeats; {} comes after {}",
                pair[1], pair[0]
            ));
        }
        if let Some(&last) = self.nulls.last() {
            if last as usize >= rows {
                return Err(format!(
                    "table: column `{name}` has {rows} rows but a null at row {last}"
                ));
            }
        }
        match &self.values {
            ColumnValues::Time(v) => {
                if let Some((r, t)) = v
                    .iter()
                    .enumerate()
                    .find(|(r, t)| !(0..DAY_MICROS).contains(*t) && !self.is_null(*r))
                {
                    return Err(format!(
                        "table: column `{name}` row {r}: a time of day is 0 to {} microseconds, not {t}",
                        DAY_MICROS - 1
                    ));
                }
            }
            ColumnValues::Json(v) => {
                for (r, text) in v.iter().enumerate() {
                    if self.is_null(r) {
                        continue;
                    }
                    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
                        return Err(format!(
                            "table: column `{name}` row {r} is not valid JSON: {e}"
                        ));
                    }
                }
            }
            _ => {}
        }
        if let Some(config) = &self.config {
            config.check(name, self.values.kind())?;
        }
        if let Some(zone) = &self.time_zone {
            if self.values.kind() != ColumnType::Datetime {
                return Err(format!(
                    "table: column `{name}` holds {} values; only datetimes have a time zone",
                    self.values.kind().name()
                ));
            }
            check_time_zone(zone).map_err(|e| format!("table: column `{name}`: {e}"))?;
        }
        Ok(())
    }
}

/// An IANA time zone name's spelling (`Europe/Oslo`, `UTC`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`); the browser, which
/// knows the zones, shows an unknown one's times in UTC with its name.
pub fn check_time_zone(zone: &str) -> Result<(), String> {
    let ok = !zone.is_empty()
        && zone.len() <= 64
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{zone:?} is not a time zone name (such as `Europe/Oslo` or `UTC`)"
        ))
    }
}

/// Checks a table: every column as [`Column::check`] says, and all of the
/// same length.
pub fn check_table(columns: &[Column]) -> Result<(), String> {
    if let Some(first) = columns.first() {
        let rows = first.values.len();
        if let Some(other) = columns.iter().find(|c| c.values.len() != rows) {
            return Err(format!(
                "table: column `{}` has {} values but column `{}` has {rows}; every column needs one value per row",
                other.name,
                other.values.len(),
                first.name
            ));
        }
    }
    columns.iter().try_for_each(Column::check)
}

/// A digest of `columns`' names, types, values and nulls: what a data
/// editor's edits are bound to (edits by row number mean nothing against
/// other rows). 64 bits of SipHash with fixed keys, in hex; not a secret.
pub fn table_digest(columns: &[Column]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    columns.len().hash(&mut h);
    for c in columns {
        c.name.hash(&mut h);
        c.values.kind().name().hash(&mut h);
        c.nulls.hash(&mut h);
        match &c.values {
            ColumnValues::Text(v) | ColumnValues::Json(v) => v.hash(&mut h),
            ColumnValues::Integer(v) | ColumnValues::Datetime(v) | ColumnValues::Time(v) => {
                v.hash(&mut h)
            }
            ColumnValues::Float(v) => v.iter().for_each(|f| f.to_bits().hash(&mut h)),
            ColumnValues::Boolean(v) => v.hash(&mut h),
            ColumnValues::Date(v) => v.hash(&mut h),
            ColumnValues::NumberList(v) => v.iter().for_each(|l| {
                l.len().hash(&mut h);
                l.iter().for_each(|f| f.to_bits().hash(&mut h));
            }),
            ColumnValues::TextList(v) => v.hash(&mut h),
        }
    }
    format!("{:016x}", h.finish())
}

/// The first column name that appears twice, if any.
pub fn repeated_name(columns: &[Column]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    columns
        .iter()
        .map(|c| c.name.as_str())
        .find(|name| !seen.insert(*name))
}

/// `days` since 1970-01-01 as `YYYY-MM-DD`; none outside the years the
/// `time` crate represents.
pub fn iso_date(days: i32) -> Option<String> {
    let date = date_of(days)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).ok()
}

/// The date `days` after 1970-01-01.
pub fn date_of(days: i32) -> Option<time::Date> {
    time::Date::from_julian_day(days.checked_add(UNIX_EPOCH_JULIAN_DAY)?).ok()
}

/// Days since 1970-01-01 of `date`.
pub fn days_of(date: time::Date) -> i32 {
    date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY
}

/// `micros` since the epoch as RFC 3339 in UTC (`2026-12-02T10:00:00Z`).
pub fn iso_datetime(micros: i64) -> Option<String> {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).ok()?;
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// `micros` since midnight as `HH:MM:SS` (with a fraction when there is
/// one).
pub fn iso_time(micros: i64) -> Option<String> {
    if !(0..DAY_MICROS).contains(&micros) {
        return None;
    }
    let seconds = micros / 1_000_000;
    let fraction = micros % 1_000_000;
    let base = format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    Some(if fraction == 0 {
        base
    } else {
        format!("{base}.{fraction:06}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: ColumnValues) -> Column {
        Column::new("c", values)
    }

    #[test]
    fn columns_are_sent_with_their_type_nulls_and_zone() {
        let mut c = column(ColumnValues::Datetime(vec![0, 86_400_000_000]));
        c.nulls = vec![1];
        c.time_zone = Some("Europe/Oslo".into());
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"name": "c", "type": "datetime", "values": [0, 86_400_000_000i64],
                               "nulls": [1], "time_zone": "Europe/Oslo"})
        );
        assert_eq!(c.json_at(0), "1970-01-01T00:00:00Z");
        assert_eq!(c.json_at(1), Value::Null);
    }

    #[test]
    fn a_column_reads_back_as_it_was_sent() {
        let mut c = column(ColumnValues::Float(vec![1.5, f64::NAN]));
        c.nulls = vec![0];
        let text = serde_json::to_string(&c).unwrap();
        let back: Column = serde_json::from_str(&text).unwrap();
        assert_eq!(back.nulls, vec![0]);
        let ColumnValues::Float(v) = back.values else {
            panic!("{text}")
        };
        assert!(v[0] == 1.5 && v[1].is_nan());
    }

    #[test]
    fn dates_and_times_read_as_iso_text() {
        assert_eq!(iso_date(0).as_deref(), Some("1970-01-01"));
        assert_eq!(iso_date(20_424).as_deref(), Some("2025-12-02"));
        assert_eq!(iso_date(-1).as_deref(), Some("1969-12-31"));
        assert_eq!(iso_date(i32::MAX), None);
        assert_eq!(iso_time(3_723_000_000).as_deref(), Some("01:02:03"));
        assert_eq!(iso_time(500).as_deref(), Some("00:00:00.000500"));
        assert_eq!(iso_time(DAY_MICROS), None);
        let d = date_of(20_424).unwrap();
        assert_eq!(days_of(d), 20_424);
    }

    #[test]
    fn bad_columns_are_refused_by_name() {
        let mut nulls = column(ColumnValues::Integer(vec![1, 2, 3]));
        nulls.nulls = vec![2, 1];
        let mut past = column(ColumnValues::Integer(vec![1]));
        past.nulls = vec![1];
        let mut zone_on_text = column(ColumnValues::Text(vec!["a".into()]));
        zone_on_text.time_zone = Some("UTC".into());
        let mut bad_zone = column(ColumnValues::Datetime(vec![1]));
        bad_zone.time_zone = Some("Europe/Oslo; drop".into());
        for (c, expected) in [
            (nulls, "ascending"),
            (past, "null at row 1"),
            (column(ColumnValues::Time(vec![DAY_MICROS])), "time of day"),
            (
                column(ColumnValues::Json(vec!["{".into()])),
                "not valid JSON",
            ),
            (zone_on_text, "only datetimes"),
            (bad_zone, "not a time zone"),
        ] {
            let error = check_table(&[c]).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
        let mut null_json = column(ColumnValues::Json(vec!["{".into(), "[1]".into()]));
        null_json.nulls = vec![0];
        assert!(check_table(&[null_json]).is_ok());
    }

    #[test]
    fn a_column_config_must_fit_its_column() {
        let with = |values: ColumnValues, display: ColumnDisplay| {
            let mut c = column(values);
            c.config = Some(ColumnConfig {
                display: Some(display),
                ..ColumnConfig::default()
            });
            check_table(&[c])
        };
        let floats = || ColumnValues::Float(vec![0.5]);
        let format = |f: &str| ColumnDisplay::Format { format: f.into() };
        assert!(with(floats(), format("%.1f%%")).is_ok());
        assert!(with(floats(), format("percent")).is_ok());
        assert!(with(ColumnValues::Date(vec![1]), format("YYYY/MM/DD")).is_ok());
        assert!(with(ColumnValues::Datetime(vec![1]), format("distance")).is_ok());
        for (values, display, says) in [
            (floats(), format("%s"), "format"),
            (
                ColumnValues::Text(vec!["a".into()]),
                format("%d"),
                "holds text",
            ),
            (
                floats(),
                ColumnDisplay::Progress {
                    min: 1.0,
                    max: 0.0,
                    format: None,
                },
                "min < max",
            ),
            (floats(), ColumnDisplay::Checkbox, "booleans"),
            (floats(), ColumnDisplay::Link { display_text: None }, "URLs"),
            (
                ColumnValues::Integer(vec![1]),
                ColumnDisplay::LineChart {
                    y_min: None,
                    y_max: None,
                },
                "lists of numbers",
            ),
        ] {
            let error = with(values, display).unwrap_err();
            assert!(error.contains(says), "{error}");
        }
        let mut wide = column(floats());
        wide.config = Some(ColumnConfig {
            width: Some(5),
            ..ColumnConfig::default()
        });
        assert!(check_table(&[wide]).unwrap_err().contains("width"));
    }

    #[test]
    fn appending_shifts_the_new_rows_nulls() {
        let mut a = column(ColumnValues::Date(vec![1, 2]));
        a.nulls = vec![0];
        let mut b = column(ColumnValues::Date(vec![3, 4]));
        b.nulls = vec![1];
        assert!(a.append(&b));
        assert_eq!(a.nulls, vec![0, 3]);
        assert!(!a.append(&column(ColumnValues::Integer(vec![5]))));
        assert_eq!(a.values.len(), 4);
    }
}
