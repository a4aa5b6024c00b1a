//! Rows added to a table, dataframe or chart already drawn (Streamlit's
//! `add_rows`): the columns such an element takes, the check of new rows
//! against them, and the joining of new rows to an element not yet sent.

use crate::model::delta::{Column, Element};
use crate::model::table::ColumnType;
use serde_json::{Map, Value};

/// The type of a chart's JSON value; `None` for `null` (any type fits).
fn type_of_json(value: &Value) -> Option<ColumnType> {
    match value {
        Value::String(_) => Some(ColumnType::Text),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(ColumnType::Integer),
        Value::Number(_) => Some(ColumnType::Float),
        Value::Bool(_) => Some(ColumnType::Boolean),
        _ => None,
    }
}

/// The columns of an element that rows can be added to, in its order.
#[derive(Debug, Clone)]
pub struct Schema {
    columns: Vec<(String, Option<ColumnType>)>,
    /// A chart: its numbers are numbers, integer or float.
    chart: bool,
}

impl Schema {
    /// The columns of `element`, if rows can be added to it: a table, a
    /// dataframe, or a chart whose data is inline (`data.values`, an array
    /// of rows; the first row names the fields).
    pub fn of(element: &Element) -> Option<Schema> {
        match element {
            Element::Table { columns } | Element::Dataframe { columns, .. } => Some(Schema {
                columns: columns
                    .iter()
                    .map(|c| (c.name.clone(), Some(c.values.kind())))
                    .collect(),
                chart: false,
            }),
            Element::VegaLite { spec, .. } => {
                let rows = spec.get("data")?.get("values")?.as_array()?;
                let columns = match rows.first() {
                    Some(Value::Object(first)) => first
                        .iter()
                        .map(|(name, value)| (name.clone(), type_of_json(value)))
                        .collect(),
                    Some(_) => return None,
                    None => Vec::new(),
                };
                Some(Schema {
                    columns,
                    chart: true,
                })
            }
            _ => None,
        }
    }

    /// Whether the element is a chart (its rows become one JSON object
    /// each in the browser).
    pub fn is_chart(&self) -> bool {
        self.chart
    }

    /// `rows` in the element's column order, or why they do not fit; the
    /// schema changes only when they fit. An element with no columns yet
    /// takes the columns of its first rows. Linear in the columns.
    pub fn accept(&mut self, rows: Vec<Column>) -> Result<Vec<Column>, String> {
        let mut by_name: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(rows.len());
        for (at, column) in rows.iter().enumerate() {
            if by_name.insert(column.name.as_str(), at).is_some() {
                return Err(format!(
                    "add_rows: the new rows have column `{}` twice",
                    column.name
                ));
            }
        }
        if self.columns.is_empty() {
            self.columns = rows
                .iter()
                .map(|c| (c.name.clone(), Some(c.values.kind())))
                .collect();
            return Ok(rows);
        }
        let expected = |columns: &[(String, Option<ColumnType>)]| {
            let mut names = columns
                .iter()
                .take(20)
                .map(|(name, _)| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if columns.len() > 20 {
                names.push_str(&format!(" and {} more", columns.len() - 20));
            }
            names
        };
        if rows.len() != self.columns.len() {
            return Err(format!(
                "add_rows: the element has {} column(s) ({}); the new rows have {}",
                self.columns.len(),
                expected(&self.columns),
                rows.len()
            ));
        }
        let mut order = Vec::with_capacity(rows.len());
        for (name, kind) in &self.columns {
            let Some(&at) = by_name.get(name.as_str()) else {
                return Err(format!(
                    "add_rows: the new rows have no column `{name}`; the element has {}",
                    expected(&self.columns)
                ));
            };
            let new = rows[at].values.kind();
            match *kind {
                Some(old) if old != new && !(self.chart && old.is_number() && new.is_number()) => {
                    return Err(format!(
                        "add_rows: column `{name}` holds {} values; the new rows give it {} values",
                        old.name(),
                        new.name()
                    ))
                }
                _ => {}
            }
            order.push(at);
        }
        drop(by_name);
        // They fit: columns of no type yet take the rows'.
        for ((_, kind), &at) in self.columns.iter_mut().zip(&order) {
            kind.get_or_insert(rows[at].values.kind());
        }
        let mut slots: Vec<Option<Column>> = rows.into_iter().map(Some).collect();
        Ok(order
            .into_iter()
            .filter_map(|at| slots.get_mut(at).and_then(Option::take))
            .collect())
    }
}

/// Adds `rows` (already in `element`'s column order) to the end of a table,
/// a dataframe or rows not yet sent; false for anything else. A chart's
/// rows are not joined here: as one JSON object per row they would take
/// far more memory than their columns, so the browser joins them.
pub fn append(element: &mut Element, rows: &[Column]) -> bool {
    if matches!(element, Element::VegaLite { .. }) {
        return false;
    }
    append_any(element, rows)
}

/// [`append`], charts included (one JSON object per row): for tools that
/// show a run's result as the browser does (AppTest).
pub fn append_any(element: &mut Element, rows: &[Column]) -> bool {
    match element {
        Element::Table { columns }
        | Element::Dataframe { columns, .. }
        | Element::AddRows { columns } => {
            if columns.is_empty() {
                columns.extend(rows.iter().cloned());
                return true;
            }
            if columns.len() != rows.len()
                || columns
                    .iter()
                    .zip(rows)
                    .any(|(a, b)| a.name != b.name || a.values.kind() != b.values.kind())
            {
                return false;
            }
            for (column, new) in columns.iter_mut().zip(rows) {
                column.append(new);
            }
            true
        }
        Element::VegaLite { spec, bytes } => {
            let Some(values) = spec
                .get_mut("data")
                .and_then(|d| d.get_mut("values"))
                .and_then(Value::as_array_mut)
            else {
                return false;
            };
            let added = row_objects(rows);
            *bytes += rows.iter().map(Column::bytes).sum::<usize>();
            values.extend(added);
            true
        }
        _ => false,
    }
}

/// Columns as one JSON object per row, as a chart's data holds them.
pub fn row_objects(columns: &[Column]) -> Vec<Value> {
    let count = columns.first().map_or(0, |c| c.values.len());
    (0..count)
        .map(|r| {
            let row: Map<String, Value> = columns
                .iter()
                .map(|c| (c.name.clone(), c.json_at(r)))
                .collect();
            Value::Object(row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::table::ColumnValues;
    use serde_json::json;

    fn column(name: &str, values: ColumnValues) -> Column {
        Column::new(name, values)
    }

    fn table() -> Element {
        Element::Table {
            columns: vec![
                column("day", ColumnValues::Integer(vec![1, 2])),
                column("name", ColumnValues::Text(vec!["a".into(), "b".into()])),
            ],
        }
    }

    #[test]
    fn new_rows_must_have_the_elements_columns_by_name_and_type() {
        let mut schema = Schema::of(&table()).expect("a table takes rows");
        // Another order is put in the table's.
        let ordered = schema
            .accept(vec![
                column("name", ColumnValues::Text(vec!["c".into()])),
                column("day", ColumnValues::Integer(vec![3])),
            ])
            .expect("the same columns fit");
        assert_eq!(ordered[0].name, "day");
        let missing = schema
            .accept(vec![
                column("day", ColumnValues::Integer(vec![3])),
                column("other", ColumnValues::Text(vec!["c".into()])),
            ])
            .unwrap_err();
        assert!(missing.contains("no column `name`"), "{missing}");
        let typed = schema
            .accept(vec![
                column("day", ColumnValues::Float(vec![3.5])),
                column("name", ColumnValues::Text(vec!["c".into()])),
            ])
            .unwrap_err();
        assert!(
            typed.contains("holds integer values") && typed.contains("float values"),
            "{typed}"
        );
        let fewer = schema
            .accept(vec![column("day", ColumnValues::Integer(vec![3]))])
            .unwrap_err();
        assert!(fewer.contains("`day`, `name`"), "{fewer}");
    }

    #[test]
    fn twice_named_columns_are_refused_and_wide_rows_are_checked_by_name() {
        let mut schema = Schema::of(&table()).unwrap();
        let twice = schema
            .accept(vec![
                column("day", ColumnValues::Integer(vec![3])),
                column("day", ColumnValues::Integer(vec![3])),
            ])
            .unwrap_err();
        assert!(twice.contains("`day` twice"), "{twice}");
        let wide = |n: usize, last: &str| {
            (0..n)
                .map(|i| {
                    let name = if i + 1 == n {
                        last.to_owned()
                    } else {
                        format!("c{i}")
                    };
                    column(&name, ColumnValues::Integer(vec![]))
                })
                .collect::<Vec<_>>()
        };
        // Checked by name lookups: a quadratic check of this many columns
        // would hold the host call for minutes.
        let n = 100_000;
        let mut schema = Schema::of(&Element::Table {
            columns: wide(n, "last"),
        })
        .unwrap();
        assert!(schema.accept(wide(n, "other")).is_err());
        assert!(schema.accept(wide(n, "last")).is_ok());
    }

    #[test]
    fn a_chart_takes_rows_when_its_data_is_inline_and_numbers_are_numbers() {
        let chart = Element::VegaLite {
            spec: json!({"data": {"values": [{"x": 1, "y": 2.5}]}, "mark": "line"}),
            bytes: 0,
        };
        let mut schema = Schema::of(&chart).expect("inline data takes rows");
        assert!(schema
            .accept(vec![
                column("x", ColumnValues::Float(vec![2.0])),
                column("y", ColumnValues::Integer(vec![3])),
            ])
            .is_ok());
        let named = Element::VegaLite {
            spec: json!({"data": {"url": "x.csv"}, "mark": "line"}),
            bytes: 0,
        };
        assert!(Schema::of(&named).is_none());
        assert!(Schema::of(&Element::Divider).is_none());
        // An empty table takes the columns of its first rows.
        let mut empty = Schema::of(&Element::Table { columns: vec![] }).unwrap();
        assert!(empty
            .accept(vec![column("a", ColumnValues::Boolean(vec![true]))])
            .is_ok());
        assert!(empty
            .accept(vec![column("a", ColumnValues::Text(vec!["x".into()]))])
            .is_err());
    }

    #[test]
    fn rows_join_a_table_not_yet_sent_and_a_chart_only_where_asked() {
        let mut t = table();
        let more = [
            column("day", ColumnValues::Integer(vec![3])),
            column("name", ColumnValues::Text(vec!["c".into()])),
        ];
        assert!(append(&mut t, &more));
        let Element::Table { columns } = &t else {
            unreachable!()
        };
        assert_eq!(columns[0].values, ColumnValues::Integer(vec![1, 2, 3]));
        assert!(!append(&mut t, &more[..1]), "a column short is not joined");
        let mut chart = Element::VegaLite {
            spec: json!({"data": {"values": [{"day": 1, "name": "a"}]}}),
            bytes: 10,
        };
        assert!(
            !append(&mut chart, &more),
            "the outbox never expands a chart's rows"
        );
        assert!(append_any(&mut chart, &more));
        let Element::VegaLite { spec, bytes } = &chart else {
            unreachable!()
        };
        assert_eq!(spec["data"]["values"][1], json!({"day": 3, "name": "c"}));
        assert!(*bytes > 10);
        assert!(!append(&mut Element::Divider, &more));
    }
}
