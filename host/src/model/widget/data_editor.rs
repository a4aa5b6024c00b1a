//! `data_editor`: a table the user edits; the value is what they changed,
//! each value checked against its column's type and `editing` settings.

use super::parse::{digits, parse_date, parse_time, row_numbers};
use super::{Input, Kind, WidgetValue};
use crate::model::table::{
    days_of, iso_date, iso_datetime, iso_time, repeated_name, table_digest, Column, ColumnType,
    DAY_MICROS,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::hash::Hasher;

/// Most cells one value may change (edited cells and the cells of added
/// rows together).
pub const MAX_EDITED_CELLS: usize = 100_000;
/// Most rows one value may add.
pub const MAX_ADDED_ROWS: usize = 10_000;
/// Most bytes of one text cell the user types.
pub const MAX_CELL_TEXT_BYTES: usize = 64 * 1024;

/// A table the user edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataEditor {
    /// The table (shared: a run's record of the widget and the session's
    /// copy do not copy it).
    pub columns: std::sync::Arc<Vec<Column>>,
    /// Scrolls within this many pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Rows may be added and deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dynamic_rows: bool,
    /// Columns the user may not change, by name (`disabled_columns` on the
    /// wire, beside the widget's own `disabled`).
    #[serde(
        default,
        rename = "disabled_columns",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub disabled: Vec<String>,
    /// The table's digest ([`table_digest`]): edits that name another
    /// one were made against other rows and are refused.
    pub digest: String,
}

/// One value of an edited table, of its column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since the epoch.
    Datetime(i64),
    /// Microseconds since midnight.
    Time(i64),
}

impl Cell {
    /// As the browser sends and session state keeps it: dates, datetimes
    /// (RFC 3339, UTC) and times as text.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Text(t) => Value::from(t.as_str()),
            Cell::Integer(i) => Value::from(*i),
            Cell::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Cell::Boolean(b) => Value::from(*b),
            Cell::Date(d) => iso_date(*d).map_or(Value::Null, Value::String),
            Cell::Datetime(us) => iso_datetime(*us).map_or(Value::Null, Value::String),
            Cell::Time(us) => iso_time(*us).map_or(Value::Null, Value::String),
        }
    }
}

/// What the user changed in a data editor. Sent and kept as Streamlit's
/// editing state: `{"edited_rows": {"<row>": {"<column>": value}},
/// "added_rows": [{"<column>": value}], "deleted_rows": [row]}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableEdits {
    /// Changed cells: row, column, value; by row, then column in the
    /// table's order.
    pub edited: Vec<(u32, String, Cell)>,
    /// Added rows, one cell per column in the table's order.
    pub added: Vec<Vec<Cell>>,
    /// Deleted rows, ascending.
    pub deleted: Vec<u32>,
    /// The table's column names, in order (the JSON form of an added row
    /// names its cells).
    pub names: Vec<String>,
    /// The digest of the table the edits were made against, as the
    /// browser sent it.
    pub digest: Option<String>,
}

impl Serialize for TableEdits {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut edited = Map::new();
        for (row, column, value) in &self.edited {
            let entry = edited
                .entry(row.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(cells) = entry {
                cells.insert(column.clone(), value.to_json());
            }
        }
        let added: Vec<Value> = self
            .added
            .iter()
            .map(|row| {
                Value::Object(
                    self.names
                        .iter()
                        .zip(row)
                        .filter(|(_, cell)| **cell != Cell::Null)
                        .map(|(name, cell)| (name.clone(), cell.to_json()))
                        .collect(),
                )
            })
            .collect();
        let mut value = serde_json::json!({
            "edited_rows": edited,
            "added_rows": added,
            "deleted_rows": self.deleted,
        });
        if let Some(digest) = &self.digest {
            value["digest"] = Value::from(digest.as_str());
        }
        value.serialize(serializer)
    }
}

impl DataEditor {
    fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    /// Whether the user may change `column`.
    fn editable(&self, column: &Column) -> bool {
        !matches!(
            column.values.kind(),
            ColumnType::NumberList | ColumnType::TextList | ColumnType::Json
        ) && !self.disabled.contains(&column.name)
    }

    /// `value` as a cell of `column`, or why it cannot be one.
    fn cell(&self, column: &Column, value: &Value) -> Result<Cell, String> {
        let name = &column.name;
        let editing = column.config.as_ref().and_then(|c| c.editing.as_ref());
        let kind = column.values.kind();
        if value.is_null() {
            if editing.is_some_and(|e| e.required) {
                return Err(format!("column `{name}` needs a value"));
            }
            return Ok(Cell::Null);
        }
        let wrong = || format!("column `{name}` holds {} values, got {value}", kind.name());
        let number = |n: f64| {
            if let Some(min) = editing.and_then(|e| e.min) {
                if n < min {
                    return Err(format!("column `{name}` takes values from {min}, got {n}"));
                }
            }
            if let Some(max) = editing.and_then(|e| e.max) {
                if n > max {
                    return Err(format!("column `{name}` takes values up to {max}, got {n}"));
                }
            }
            Ok(())
        };
        let text = || value.as_str().ok_or_else(wrong);
        Ok(match kind {
            ColumnType::Text => {
                let t = text()?;
                if t.len() > MAX_CELL_TEXT_BYTES {
                    return Err(format!(
                        "column `{name}`: a cell holds at most {MAX_CELL_TEXT_BYTES} bytes"
                    ));
                }
                if let Some(most) = editing.and_then(|e| e.max_chars) {
                    if t.chars().count() > most as usize {
                        return Err(format!("column `{name}` takes at most {most} characters"));
                    }
                }
                if let Some(options) = editing.and_then(|e| e.options.as_ref()) {
                    if !options.iter().any(|o| o == t) {
                        return Err(format!(
                            "column `{name}` takes one of its options, got {t:?}"
                        ));
                    }
                }
                Cell::Text(t.to_owned())
            }
            ColumnType::Integer => {
                let i = value.as_i64().ok_or_else(wrong)?;
                number(i as f64)?;
                Cell::Integer(i)
            }
            ColumnType::Float => {
                let f = value.as_f64().filter(|f| f.is_finite()).ok_or_else(wrong)?;
                number(f)?;
                Cell::Float(f)
            }
            ColumnType::Boolean => Cell::Boolean(value.as_bool().ok_or_else(wrong)?),
            ColumnType::Date => Cell::Date(parse_day(text()?).ok_or_else(wrong)?),
            ColumnType::Datetime => Cell::Datetime(parse_instant(text()?).ok_or_else(wrong)?),
            ColumnType::Time => Cell::Time(parse_clock(text()?).ok_or_else(wrong)?),
            ColumnType::NumberList | ColumnType::TextList | ColumnType::Json => {
                return Err(format!("column `{name}` cannot be edited"))
            }
        })
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the date widgets' form).
fn parse_day(text: &str) -> Option<i32> {
    let (y, m, d) = parse_date(text).ok()?;
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?);
    date.ok().map(days_of)
}

/// `HH:MM` (the time widgets' form), `HH:MM:SS` or `HH:MM:SS.ffffff`, as
/// microseconds since midnight.
fn parse_clock(text: &str) -> Option<i64> {
    let (h, m) = parse_time(text.get(..5)?).ok()?;
    let rest = text.get(5..)?;
    let (seconds, fraction) = if rest.is_empty() {
        (0, 0)
    } else {
        let rest = rest.strip_prefix(':')?;
        let (s, f) = match rest.split_once('.') {
            Some((s, f)) if (1..=6).contains(&f.len()) => (s, digits(&format!("{f:0<6}"))?),
            Some(_) => return None,
            None => (rest, 0),
        };
        if s.len() != 2 {
            return None;
        }
        (digits(s).filter(|s| *s < 60)?, f)
    };
    Some(
        ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(seconds)) * 1_000_000
            + i64::from(fraction),
    )
}

/// RFC 3339 as documented: `YYYY-MM-DD`, `T` or a space, `HH:MM:SS` with
/// a fraction of at most 6 digits, then `Z` or `±HH:MM`; microseconds
/// since the epoch.
fn parse_instant(text: &str) -> Option<i64> {
    let days = parse_day(text.get(..10)?)?;
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (clock, offset_minutes) = match rest.strip_suffix('Z') {
        Some(clock) => (clock, 0),
        None => {
            let at = rest.len().checked_sub(6)?;
            let (clock, zone) = (rest.get(..at)?, rest.get(at..)?);
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = parse_time(zone.get(1..)?).ok()?;
            (clock, sign * i64::from(h * 60 + m))
        }
    };
    // Seconds are not optional here.
    if clock.len() < 8 {
        return None;
    }
    let micros = parse_clock(clock)?;
    Some(i64::from(days) * DAY_MICROS + micros - offset_minutes * 60_000_000)
}

impl Kind for DataEditor {
    fn check(&self) -> Result<(), String> {
        if let Some(name) = repeated_name(&self.columns) {
            return Err(format!(
                "data_editor: edits name columns, so no two may be named `{name}`"
            ));
        }
        if self.digest != table_digest(&self.columns) {
            return Err("data_editor: the digest is not the table's".into());
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Edits(TableEdits {
            names: self.columns.iter().map(|c| c.name.clone()).collect(),
            ..TableEdits::default()
        })
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let kind = input.kind;
        let expected = "an object with `edited_rows`, `added_rows` and `deleted_rows`";
        let object = input.object(
            &["edited_rows", "added_rows", "deleted_rows", "digest"],
            expected,
        )?;
        // Edits name rows by number: made against another table (the
        // page's data changed since), they would change other rows.
        let digest = match object.get("digest") {
            None => None,
            Some(Value::String(d)) if *d == self.digest => Some(d.clone()),
            Some(_) => {
                return Err(format!(
                    "{kind}: these edits were made against other rows (the table changed since); \
                     they are dropped"
                ))
            }
        };
        let rows = self.rows();
        let mut cells = 0usize;
        let mut count = |n: usize| {
            cells += n;
            if cells > MAX_EDITED_CELLS {
                Err(format!(
                    "{kind}: at most {MAX_EDITED_CELLS} cells change at once"
                ))
            } else {
                Ok(())
            }
        };
        let places: std::collections::HashMap<&str, usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let column = |name: &str| {
            places
                .get(name)
                .copied()
                .ok_or_else(|| format!("{kind}: the table has no column `{name}`"))
        };
        // Edited cells, by row, then by column in the table's order.
        let mut edited = Vec::new();
        if let Some(value) = object.get("edited_rows") {
            let by_row = value
                .as_object()
                .ok_or_else(|| format!("{kind}: `edited_rows` is an object of rows"))?;
            let mut sorted: Vec<(u32, &Map<String, Value>)> = Vec::with_capacity(by_row.len());
            for (row, cells) in by_row {
                // Row numbers in their one decimal form (not `+1` or `01`,
                // which would name a row twice).
                let r = row
                    .parse::<u32>()
                    .ok()
                    .filter(|r| (*r as usize) < rows && r.to_string() == *row)
                    .ok_or_else(|| {
                        format!("{kind}: an edited row is a row number below {rows}, got {row:?}")
                    })?;
                let cells = cells.as_object().ok_or_else(|| {
                    format!("{kind}: the edits of row {r} are an object of columns")
                })?;
                sorted.push((r, cells));
            }
            sorted.sort_unstable_by_key(|(r, _)| *r);
            for (r, cells) in sorted {
                count(cells.len())?;
                let mut row: Vec<(usize, Cell)> = Vec::with_capacity(cells.len());
                for (name, value) in cells {
                    let i = column(name)?;
                    let c = &self.columns[i];
                    if !self.editable(c) {
                        return Err(format!("{kind}: column `{name}` cannot be edited"));
                    }
                    row.push((
                        i,
                        self.cell(c, value)
                            .map_err(|e| format!("{kind}: row {r}: {e}"))?,
                    ));
                }
                row.sort_unstable_by_key(|(i, _)| *i);
                edited.extend(
                    row.into_iter()
                        .map(|(i, cell)| (r, self.columns[i].name.clone(), cell)),
                );
            }
        }
        let list = |name: &str| match object.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_array()
                .map(Some)
                .ok_or_else(|| format!("{kind}: `{name}` is an array")),
        };
        let (added_items, deleted_items) = (list("added_rows")?, list("deleted_rows")?);
        let changes_rows = added_items.is_some_and(|a| !a.is_empty())
            || deleted_items.is_some_and(|d| !d.is_empty());
        if changes_rows && !self.dynamic_rows {
            return Err(format!(
                "{kind}: rows are added or deleted only in an editor with dynamic rows"
            ));
        }
        let mut added = Vec::new();
        for (n, item) in added_items.into_iter().flatten().enumerate() {
            if n >= MAX_ADDED_ROWS {
                return Err(format!(
                    "{kind}: at most {MAX_ADDED_ROWS} rows are added at once"
                ));
            }
            let given = item
                .as_object()
                .ok_or_else(|| format!("{kind}: an added row is an object of columns"))?;
            count(self.columns.len())?;
            for name in given.keys() {
                let c = &self.columns[column(name)?];
                if !self.editable(c) {
                    return Err(format!("{kind}: column `{name}` cannot be edited"));
                }
            }
            let row = self
                .columns
                .iter()
                .map(|c| {
                    self.cell(c, given.get(&c.name).unwrap_or(&Value::Null))
                        .map_err(|e| format!("{kind}: added row {n}: {e}"))
                })
                .collect::<Result<Vec<Cell>, String>>()?;
            added.push(row);
        }
        let deleted = row_numbers(
            kind,
            "deleted",
            deleted_items.map_or(&[][..], Vec::as_slice),
            rows,
        )?;
        Ok(WidgetValue::Edits(TableEdits {
            edited,
            added,
            deleted,
            names: self.columns.iter().map(|c| c.name.clone()).collect(),
            digest,
        }))
    }

    fn text_bytes(&self) -> usize {
        self.columns.iter().map(Column::bytes).sum::<usize>()
            + self.disabled.iter().map(String::len).sum::<usize>()
    }

    fn carries_table(&self) -> bool {
        true
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        // The columns' names and types, not the rows: edits are kept while
        // the data changes, as far as they still fit it.
        h.write(&[u8::from(self.dynamic_rows)]);
        for c in self.columns.iter() {
            h.write(c.name.as_bytes());
            h.write(&[0]);
            h.write(c.values.kind().name().as_bytes());
            h.write(&[u8::from(self.disabled.contains(&c.name))]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn editor(dynamic_rows: bool) -> DataEditor {
        let columns = crate::model::widget::sample_table();
        DataEditor {
            digest: table_digest(&columns),
            columns,
            height: None,
            dynamic_rows,
            disabled: vec!["n".into()],
        }
    }

    fn check(e: &DataEditor, value: Value) -> Result<TableEdits, String> {
        match e.validate(&Input {
            kind: "data_editor",
            value: &value,
        })? {
            WidgetValue::Edits(edits) => Ok(edits),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn edits_come_back_typed_in_order() {
        let e = editor(true);
        let edits = check(
            &e,
            json!({
                "edited_rows": {"2": {"ok": false, "price": 7}, "0": {"day": "2026-12-02"}},
                "added_rows": [{"name": "new", "at": "2026-12-02T10:00:00+01:00", "opens": "08:30"}],
                "deleted_rows": [1]
            }),
        )
        .expect("valid");
        assert_eq!(
            edits.edited,
            vec![
                (0, "day".into(), Cell::Date(20_789)),
                (2, "price".into(), Cell::Float(7.0)),
                (2, "ok".into(), Cell::Boolean(false)),
            ]
        );
        assert_eq!(edits.added.len(), 1);
        let added = &edits.added[0];
        assert_eq!(added[0], Cell::Null, "a column not given is null");
        assert_eq!(added[2], Cell::Text("new".into()));
        assert_eq!(added[6], Cell::Datetime(1_796_202_000_000_000));
        assert_eq!(added[7], Cell::Time(30_600_000_000));
        assert_eq!(edits.deleted, vec![1]);
        // The JSON form (session state, the browser) reads back the same.
        let again = check(&e, serde_json::to_value(&edits).expect("json")).expect("valid");
        assert_eq!(again, edits);
        // Bound to the table they were made against: kept while it is the
        // same, refused once its rows changed.
        let bound = json!({"edited_rows": {"0": {"ok": false}}, "digest": e.digest});
        assert!(check(&e, bound.clone()).is_ok());
        let mut changed = editor(true);
        std::sync::Arc::make_mut(&mut changed.columns)[0].values =
            crate::model::table::ColumnValues::Integer(vec![3, 2, 1]);
        changed.digest = table_digest(&changed.columns);
        let error = check(&changed, bound).expect_err("other rows");
        assert!(error.contains("other rows"), "{error}");
    }

    #[test]
    fn an_editor_needs_distinct_column_names() {
        let mut e = editor(false);
        std::sync::Arc::make_mut(&mut e.columns)[1].name = "n".into();
        e.digest = table_digest(&e.columns);
        assert!(e.check().unwrap_err().contains("no two"));
    }

    #[test]
    fn every_value_is_checked_against_its_column() {
        let e = editor(true);
        for (bad, says) in [
            (
                json!({"edited_rows": {"0": {"price": "7"}}}),
                "holds float values",
            ),
            (json!({"edited_rows": {"0": {"price": 101}}}), "up to 100"),
            (json!({"edited_rows": {"0": {"price": -1}}}), "from 0"),
            (
                json!({"edited_rows": {"0": {"name": null}}}),
                "needs a value",
            ),
            (
                json!({"edited_rows": {"0": {"name": "ninechars"}}}),
                "at most 8 characters",
            ),
            (
                json!({"edited_rows": {"0": {"region": "east"}}}),
                "one of its options",
            ),
            (
                json!({"edited_rows": {"0": {"ok": 1}}}),
                "holds boolean values",
            ),
            (
                json!({"edited_rows": {"0": {"day": "2026-13-01"}}}),
                "holds date values",
            ),
            (
                json!({"edited_rows": {"0": {"at": "2026-12-02 10:00"}}}),
                "holds datetime values",
            ),
            (
                json!({"edited_rows": {"0": {"opens": "24:00"}}}),
                "holds time values",
            ),
            (
                json!({"edited_rows": {"0": {"opens": "+1:+2"}}}),
                "holds time values",
            ),
            (
                json!({"edited_rows": {"0": {"at": "2026-12-02x10:00:00Z"}}}),
                "holds datetime values",
            ),
            (
                json!({"edited_rows": {"0": {"at": "2026-12-02T10:00:00.1234567Z"}}}),
                "holds datetime values",
            ),
            (
                json!({"edited_rows": {"0": {"at": "2026-12-02T10:00:60Z"}}}),
                "holds datetime values",
            ),
            (json!({"digest": "0000000000000000"}), "other rows"),
            (
                json!({"edited_rows": {"0": {"opens": "08:30.5"}}}),
                "holds time values",
            ),
            (json!({"edited_rows": {"0": {"n": 5}}}), "cannot be edited"),
            (
                json!({"edited_rows": {"0": {"tags": []}}}),
                "cannot be edited",
            ),
            (
                json!({"edited_rows": {"0": {"nope": 1}}}),
                "no column `nope`",
            ),
            (json!({"edited_rows": {"3": {"ok": true}}}), "below 3"),
            (json!({"edited_rows": {"-1": {"ok": true}}}), "below 3"),
            (json!({"edited_rows": {"+1": {"ok": true}}}), "below 3"),
            (json!({"edited_rows": {"01": {"ok": true}}}), "below 3"),
            (
                json!({"edited_rows": {"0": {"day": "+2026-12-01"}}}),
                "holds date values",
            ),
            (json!({"added_rows": [{}]}), "needs a value"),
            (
                json!({"added_rows": [{"n": 1, "name": "x"}]}),
                "cannot be edited",
            ),
            (json!({"deleted_rows": [3]}), "below 3"),
            (json!({"deleted_rows": [0, 0]}), "twice"),
            (json!({"removed": []}), "unknown field"),
        ] {
            let error = check(&e, bad.clone()).expect_err(&bad.to_string());
            assert!(error.contains(says), "{bad}: {error}");
        }
        // Rows are added and deleted only where the page allowed it.
        let fixed = editor(false);
        assert!(check(&fixed, json!({"deleted_rows": [0]})).is_err());
        assert!(check(&fixed, json!({"added_rows": [{"name": "x"}]})).is_err());
        assert!(check(&fixed, json!({"edited_rows": {"1": {"ok": true}}})).is_ok());
    }

    #[test]
    fn one_value_changes_a_bounded_number_of_cells() {
        let e = editor(true);
        let rows: Vec<Value> = (0..=MAX_ADDED_ROWS).map(|_| json!({"name": "x"})).collect();
        let error = check(&e, json!({ "added_rows": rows })).expect_err("too many");
        assert!(error.contains("at most"), "{error}");
    }
}
