//! `dataframe_select`: a dataframe whose rows or columns the user selects.

use super::parse::{first_repeat, row_numbers};
use super::{Input, Kind, WidgetValue};
use crate::model::table::Column;
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// How many rows (or columns) may be selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectCount {
    /// None.
    Off,
    /// At most one.
    Single,
    /// Any number.
    Multi,
}

impl SelectCount {
    /// Whether `n` selected are allowed.
    fn allows(self, n: usize) -> bool {
        match self {
            SelectCount::Off => n == 0,
            SelectCount::Single => n <= 1,
            SelectCount::Multi => true,
        }
    }
}

/// A dataframe whose rows or columns the user selects; the value names
/// them ([`WidgetValue::Selection`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataframeSelect {
    /// The table (shared: a run's record of the widget and the session's
    /// copy do not copy it).
    pub columns: std::sync::Arc<Vec<Column>>,
    /// Scrolls within this many pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// How many rows may be selected.
    pub select_rows: SelectCount,
    /// How many columns may be selected.
    pub select_columns: SelectCount,
}

impl DataframeSelect {
    fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }
}

impl Kind for DataframeSelect {
    fn check(&self) -> Result<(), String> {
        if self.select_rows == SelectCount::Off && self.select_columns == SelectCount::Off {
            return Err("dataframe_select: let the user select rows, columns or both".into());
        }
        if let Some(name) = crate::model::table::repeated_name(&self.columns) {
            return Err(format!(
                "dataframe_select: a selection names columns, so no two may be named `{name}`"
            ));
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Selection {
            rows: Vec::new(),
            columns: Vec::new(),
        }
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let kind = input.kind;
        let expected = "an object {\"rows\": [row numbers], \"columns\": [column names]}";
        let object = input.object(&["rows", "columns"], expected)?;
        let empty = Vec::new();
        let list = |name: &str| match object.get(name) {
            None => Ok(&empty),
            Some(v) => v
                .as_array()
                .ok_or_else(|| format!("{kind}: `{name}` must be an array")),
        };
        let (row_items, column_items) = (list("rows")?, list("columns")?);
        let count = self.rows();
        let rows = row_numbers(kind, "selected", row_items, count)?;
        let names = column_items
            .iter()
            .map(|v| {
                v.as_str()
                    .filter(|name| self.columns.iter().any(|c| c.name == *name))
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        format!("{kind}: a selected column is one of the table's names, got {v}")
                    })
            })
            .collect::<Result<Vec<String>, String>>()?;
        if let Some(name) = first_repeat(&names) {
            return Err(format!("{kind}: column `{name}` selected twice"));
        }
        if !self.select_rows.allows(rows.len()) {
            return Err(format!(
                "{kind}: {} rows selected where {:?} may be",
                rows.len(),
                self.select_rows
            ));
        }
        if !self.select_columns.allows(names.len()) {
            return Err(format!(
                "{kind}: {} columns selected where {:?} may be",
                names.len(),
                self.select_columns
            ));
        }
        // Columns in the table's order.
        let columns = self
            .columns
            .iter()
            .filter(|c| names.contains(&c.name))
            .map(|c| c.name.clone())
            .collect();
        Ok(WidgetValue::Selection { rows, columns })
    }

    fn text_bytes(&self) -> usize {
        self.columns.iter().map(Column::bytes).sum()
    }

    fn carries_table(&self) -> bool {
        true
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        // The rows are no part of the identity: a selection is kept while
        // the data changes, as far as it still fits.
        h.write(format!("{:?}{:?}", self.select_rows, self.select_columns).as_bytes());
        for c in self.columns.iter() {
            h.write(c.name.as_bytes());
            h.write(&[0]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn select(rows: SelectCount, columns: SelectCount) -> DataframeSelect {
        DataframeSelect {
            columns: crate::model::widget::sample_table(),
            height: None,
            select_rows: rows,
            select_columns: columns,
        }
    }

    fn check(s: &DataframeSelect, value: serde_json::Value) -> Result<WidgetValue, String> {
        s.validate(&Input {
            kind: "dataframe_select",
            value: &value,
        })
    }

    #[test]
    fn a_selection_names_rows_of_the_table_and_its_columns() {
        let s = select(SelectCount::Multi, SelectCount::Multi);
        assert_eq!(
            check(&s, json!({"rows": [2, 0], "columns": ["ok", "n"]})),
            Ok(WidgetValue::Selection {
                rows: vec![0, 2],
                columns: vec!["n".into(), "ok".into()],
            })
        );
        assert_eq!(check(&s, json!({})), Ok(s.default_value()));
        for (bad, says) in [
            (json!({"rows": [3]}), "below 3"),
            (json!({"rows": [-1]}), "below 3"),
            (json!({"rows": ["0"]}), "below 3"),
            (json!({"rows": [1, 1]}), "twice"),
            (json!({"columns": ["nope"]}), "one of the table's names"),
            (json!({"columns": ["n", "n"]}), "twice"),
            (json!({"rows": 1}), "must be an array"),
            (json!({"cells": []}), "unknown field"),
            (json!([0]), "expects"),
        ] {
            let error = check(&s, bad.clone()).expect_err(&bad.to_string());
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn the_modes_bound_how_many_are_selected() {
        let single_row = select(SelectCount::Single, SelectCount::Off);
        assert!(check(&single_row, json!({"rows": [1]})).is_ok());
        assert!(check(&single_row, json!({"rows": [0, 1]})).is_err());
        assert!(check(&single_row, json!({"columns": ["n"]})).is_err());
        assert!(select(SelectCount::Off, SelectCount::Off).check().is_err());
    }

    #[test]
    fn the_identity_is_the_columns_and_modes_not_the_rows() {
        use crate::model::table::ColumnValues;
        let id = |s: &DataframeSelect| {
            crate::model::widget::widget_id(&WidgetSpec::DataframeSelect(s.clone()), "", None)
        };
        let a = select(SelectCount::Multi, SelectCount::Off);
        let mut more_rows = a.clone();
        std::sync::Arc::make_mut(&mut more_rows.columns)[0].values =
            ColumnValues::Integer(vec![9, 9, 9]);
        assert_eq!(id(&a), id(&more_rows));
        assert_ne!(id(&a), id(&select(SelectCount::Single, SelectCount::Off)));
    }

    use crate::model::widget::WidgetSpec;
}
