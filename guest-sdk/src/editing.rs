//! Interactive tables: a dataframe the user selects rows or columns in
//! (`st.dataframe(…, on_select="rerun")`), and a table the user edits
//! (`st.data_editor`).

use crate::bindings::wasmlit::page::ui::{Column as HostColumn, ColumnValues as V};
use crate::bindings::wasmlit::page::widgets::{self as host, Widget, WidgetValue};
use crate::data::Table;
use crate::values::{Date, DateTime, Time};
use crate::widgets::mismatch;
use crate::Ui;

/// How many of a dataframe's rows, or of its columns, the user may select
/// (Streamlit's `selection_mode`): `Off`, `Single` or `Multi`.
pub use host::SelectCount;

/// What the user selected in a dataframe ([`Ui::dataframe_select`]): rows
/// by their place in the table the page drew (ascending), columns by name
/// (in the table's order). Streamlit's `event.selection`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Selected rows.
    pub rows: Vec<usize>,
    /// Selected columns.
    pub columns: Vec<String>,
}

/// One value the user entered in a data editor, of its column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Emptied (a missing value).
    Null,
    /// Text.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// A date.
    Date(Date),
    /// An instant.
    DateTime(DateTime),
    /// A time of day.
    Time(Time),
}

impl Cell {
    fn from_host(cell: host::Cell) -> Cell {
        match cell {
            host::Cell::Null => Cell::Null,
            host::Cell::Text(t) => Cell::Text(t),
            host::Cell::Integer(i) => Cell::Integer(i),
            host::Cell::Float(f) => Cell::Float(f),
            host::Cell::Boolean(b) => Cell::Boolean(b),
            host::Cell::Date(d) => Cell::Date(Date::from_days(d)),
            host::Cell::Datetime(us) => Cell::DateTime(DateTime::from_unix_micros(us)),
            host::Cell::Time(us) => Time::from_micros(us).map_or(Cell::Null, Cell::Time),
        }
    }
}

/// A cell the user changed: its row (in the table the page drew), its
/// column's name and the new value.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEdit {
    /// The row.
    pub row: usize,
    /// The column's name.
    pub column: String,
    /// The new value.
    pub value: Cell,
}

/// What the user changed in a data editor, each value checked by the host
/// against its column's type and editing settings
/// ([`ColumnConfig::required`](crate::ColumnConfig::required) and the
/// like): Streamlit's `edited_rows`, `added_rows` and `deleted_rows`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edits {
    /// Changed cells of the table's own rows, by row, then by column in
    /// the table's order.
    pub edited: Vec<CellEdit>,
    /// Rows added at the end: one cell per column, in the table's order.
    pub added: Vec<Vec<Cell>>,
    /// The table's rows deleted, ascending.
    pub deleted: Vec<usize>,
}

impl Edits {
    /// Whether the user changed nothing.
    pub fn is_empty(&self) -> bool {
        self.edited.is_empty() && self.added.is_empty() && self.deleted.is_empty()
    }
}

/// A data editor's result ([`Ui::data_editor`]): the table as the user
/// left it, and what they changed.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The page's table with the edits applied: deleted rows left out,
    /// changed cells changed, added rows at the end.
    pub table: Table,
    /// The changes, for writing them back (an `UPDATE` per edited row, an
    /// `INSERT` per added one, a `DELETE` per deleted one).
    pub edits: Edits,
}

/// Options of a data editor ([`Ui::data_editor_with`]).
///
/// ```no_run
/// let options = wasmlit::Editor::new().dynamic_rows(true).disabled(&["id"]).height(300);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Editor {
    height: Option<u32>,
    dynamic_rows: bool,
    disabled: Vec<String>,
}

impl Editor {
    /// A fixed number of rows, every column editable but lists and JSON.
    pub fn new() -> Editor {
        Editor::default()
    }

    /// Rows may be added and deleted (Streamlit's `num_rows="dynamic"`).
    pub fn dynamic_rows(mut self, dynamic: bool) -> Editor {
        self.dynamic_rows = dynamic;
        self
    }

    /// These columns may not be changed (Streamlit's `disabled=[…]`).
    pub fn disabled(mut self, columns: &[&str]) -> Editor {
        self.disabled = columns.iter().map(|c| (*c).to_owned()).collect();
        self
    }

    /// Scrolls within `pixels` (400 by default).
    pub fn height(mut self, pixels: u32) -> Editor {
        self.height = Some(pixels);
        self
    }
}

impl Ui {
    /// A dataframe whose rows or columns the user selects, like
    /// `st.dataframe(df, on_select="rerun", selection_mode=…)`: returns the
    /// selection. A change reruns the page. Its identity is its key (see
    /// [`Ui::key`]), the modes and the column names, not the rows; two in a
    /// run with the same columns need keys.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::SelectCount;
    /// let t = wasmlit::Table::new().column("city", vec!["Oslo", "Bergen"]);
    /// let picked = st.dataframe_select(&t, SelectCount::Multi, SelectCount::Off);
    /// st.write(format!("rows {:?}", picked.rows));
    /// # }
    /// ```
    pub fn dataframe_select(
        &self,
        table: &Table,
        rows: SelectCount,
        columns: SelectCount,
    ) -> Selection {
        let widget = Widget::DataframeSelect(host::DataframeSelect {
            data: table.wit(),
            height: Some(400),
            rows,
            columns,
        });
        match self.show("", widget) {
            WidgetValue::Selection(s) => Selection {
                rows: s.rows.into_iter().map(|r| r as usize).collect(),
                columns: s.columns,
            },
            other => mismatch("dataframe_select", &other),
        }
    }

    /// A table the user edits, like `st.data_editor`: a double click (or
    /// Enter) on a cell opens a box of its column's type. Returns the
    /// edited table and the edits, each value checked by the host. A fixed
    /// number of rows; see [`data_editor_with`](Self::data_editor_with)
    /// for added and deleted rows and read-only columns.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new().column("item", vec!["tea"]).column("qty", vec![2i64]);
    /// let edited = st.data_editor(&t);
    /// st.write(format!("{} cells changed", edited.edits.edited.len()));
    /// # }
    /// ```
    pub fn data_editor(&self, table: &Table) -> Edited {
        self.data_editor_with(table, &Editor::new())
    }

    /// [`data_editor`](Self::data_editor) with `options`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let t = wasmlit::Table::new().column("id", vec![1i64]).column("qty", vec![2i64]);
    /// let edited = st.data_editor_with(&t, &wasmlit::Editor::new().dynamic_rows(true).disabled(&["id"]));
    /// st.write(format!("{} rows now", edited.table.num_rows()));
    /// # }
    /// ```
    pub fn data_editor_with(&self, table: &Table, options: &Editor) -> Edited {
        let widget = Widget::DataEditor(host::DataEditor {
            data: table.wit(),
            height: options.height.or(Some(400)),
            dynamic_rows: options.dynamic_rows,
            disabled: options.disabled.clone(),
        });
        let edits = match self.show("", widget) {
            WidgetValue::Edits(e) => Edits {
                edited: e
                    .edited
                    .into_iter()
                    .map(|c| CellEdit {
                        row: c.row as usize,
                        column: c.column,
                        value: Cell::from_host(c.value),
                    })
                    .collect(),
                added: e
                    .added
                    .into_iter()
                    .map(|row| row.into_iter().map(Cell::from_host).collect())
                    .collect(),
                deleted: e.deleted.into_iter().map(|r| r as usize).collect(),
            },
            other => mismatch("data_editor", &other),
        };
        Edited {
            table: table.with_edits(&edits),
            edits,
        }
    }
}

/// Where a row of an edited column comes from.
enum Source<'a> {
    /// The page's row.
    Row(usize),
    /// A value the user entered.
    Cell(&'a Cell),
}

/// The cell of an added row that has none for a column.
static NULL: Cell = Cell::Null;

/// `column` rebuilt from `rows`: its own values where they come from its
/// rows, the user's where entered (a null where one is null or not of
/// the column's type).
fn rebuilt(column: &HostColumn, rows: &[Source<'_>]) -> HostColumn {
    let mut nulls = Vec::new();
    macro_rules! rebuild {
        ($values:expr, $variant:ident, $cell:expr, $empty:expr) => {{
            let mut out = Vec::with_capacity(rows.len());
            for (i, source) in rows.iter().enumerate() {
                match source {
                    Source::Row(r) => {
                        if column.nulls.binary_search(&(*r as u32)).is_ok() {
                            nulls.push(i as u32);
                        }
                        out.push($values[*r].clone());
                    }
                    Source::Cell(c) => match $cell(*c) {
                        Some(v) => out.push(v),
                        None => {
                            nulls.push(i as u32);
                            out.push($empty);
                        }
                    },
                }
            }
            V::$variant(out)
        }};
    }
    let values = match &column.values {
        V::Text(v) => rebuild!(
            v,
            Text,
            |c: &Cell| match c {
                Cell::Text(t) => Some(t.clone()),
                _ => None,
            },
            String::new()
        ),
        V::Integer(v) => rebuild!(
            v,
            Integer,
            |c: &Cell| match c {
                Cell::Integer(i) => Some(*i),
                _ => None,
            },
            0
        ),
        V::Float(v) => rebuild!(
            v,
            Float,
            |c: &Cell| match c {
                Cell::Float(f) => Some(*f),
                Cell::Integer(i) => Some(*i as f64),
                _ => None,
            },
            f64::NAN
        ),
        V::Boolean(v) => rebuild!(
            v,
            Boolean,
            |c: &Cell| match c {
                Cell::Boolean(b) => Some(*b),
                _ => None,
            },
            false
        ),
        V::Date(v) => rebuild!(
            v,
            Date,
            |c: &Cell| match c {
                Cell::Date(d) => Some(d.days()),
                _ => None,
            },
            0
        ),
        V::Datetime(v) => rebuild!(
            v,
            Datetime,
            |c: &Cell| match c {
                Cell::DateTime(d) => Some(d.unix_micros()),
                _ => None,
            },
            0
        ),
        V::Time(v) => rebuild!(
            v,
            Time,
            |c: &Cell| match c {
                Cell::Time(t) => Some(t.micros()),
                _ => None,
            },
            0
        ),
        V::NumberList(v) => rebuild!(v, NumberList, |_: &Cell| None::<Vec<f64>>, Vec::new()),
        V::TextList(v) => rebuild!(v, TextList, |_: &Cell| None::<Vec<String>>, Vec::new()),
        V::Json(v) => rebuild!(v, Json, |_: &Cell| None::<String>, "null".to_owned()),
    };
    HostColumn {
        name: column.name.clone(),
        values,
        format: column.format.clone(),
        nulls,
        time_zone: column.time_zone.clone(),
        config: column.config.clone(),
    }
}

impl Table {
    /// This table with `edits` applied: deleted rows left out, changed
    /// cells changed, added rows at the end (what
    /// [`Edited::table`] holds).
    ///
    /// ```no_run
    /// use wasmlit::{Cell, CellEdit, Edits, Table};
    /// let t = Table::new().column("qty", vec![1i64, 2]);
    /// let edits = Edits {
    ///     edited: vec![CellEdit { row: 1, column: "qty".into(), value: Cell::Integer(5) }],
    ///     added: vec![vec![Cell::Integer(9)]],
    ///     deleted: vec![0],
    /// };
    /// let after = t.with_edits(&edits);
    /// assert_eq!(after.value("qty", 0), Some(wasmlit::Value::Integer(5)));
    /// assert_eq!(after.value("qty", 1), Some(wasmlit::Value::Integer(9)));
    /// ```
    pub fn with_edits(&self, edits: &Edits) -> Table {
        let rows = self.num_rows();
        let columns = self.columns_ref();
        let kept: Vec<usize> = (0..rows)
            .filter(|r| edits.deleted.binary_search(r).is_err())
            .collect();
        let changed: std::collections::HashMap<(usize, &str), &Cell> = edits
            .edited
            .iter()
            .map(|e| ((e.row, e.column.as_str()), &e.value))
            .collect();
        let rebuilt_columns = columns
            .iter()
            .enumerate()
            .map(|(j, column)| {
                let mut sources: Vec<Source<'_>> = kept
                    .iter()
                    .map(|r| {
                        changed
                            .get(&(*r, column.name.as_str()))
                            .map_or(Source::Row(*r), |c| Source::Cell(c))
                    })
                    .collect();
                sources.extend(
                    edits
                        .added
                        .iter()
                        .map(|row| Source::Cell(row.get(j).unwrap_or(&NULL))),
                );
                rebuilt(column, &sources)
            })
            .collect();
        Table::from_columns(rebuilt_columns)
    }
}
