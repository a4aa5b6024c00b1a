//! A data app: orders in a SQL database (SQLite by default, in
//! `pages/shop.db`; PostgreSQL by changing the connection's URL in
//! `pages/app.toml`), shown as a configured dataframe whose selected rows
//! are summed, edited in a data editor and written back, summed by region
//! in a chart, and added to with a form whose values go in as parameters.
use wasmlit::sql::Param;
use wasmlit::{Cell, ColumnConfig, Date, Editor, Edits, SelectCount, Table, Ui, Value};

/// The orders as both tables show them: money as dollars, the region from
/// a list, a total of at least 0.
fn configured(orders: Table) -> Table {
    orders
        .config("id", ColumnConfig::new().label("Order"))
        .config("day", ColumnConfig::format("DD MMM YYYY").label("Day"))
        .config(
            "region",
            ColumnConfig::selectbox(&["north", "south", "east", "west"])
                .label("Region")
                .required(true),
        )
        .config(
            "total",
            ColumnConfig::format("dollar")
                .label("Total")
                .min(0.0)
                .required(true),
        )
        .config("paid", ColumnConfig::checkbox().label("Paid"))
        .config("note", ColumnConfig::new().label("Note").max_chars(200))
}

/// A cell as a statement's parameter.
fn param(cell: &Cell) -> Param {
    match cell {
        Cell::Null => None::<i64>.into(),
        Cell::Text(t) => t.as_str().into(),
        Cell::Integer(i) => (*i).into(),
        Cell::Float(f) => (*f).into(),
        Cell::Boolean(b) => (*b).into(),
        Cell::Date(d) => (*d).into(),
        Cell::DateTime(at) => at.to_string().into(),
        Cell::Time(t) => t.to_string().into(),
    }
}

/// Writes `edits` of the editor showing `orders` back to the database: an
/// `UPDATE` per changed cell, an `INSERT` per added row, a `DELETE` per
/// deleted one; the number of statements run. The rows are the ones the
/// user edited: the host drops edits made against other rows (the table
/// changed since), so a row number finds the order the user saw.
fn save(st: &Ui, orders: &Table, edits: &Edits) -> Result<usize, wasmlit::CallError> {
    let shop = st.connection("shop");
    let id = |row: usize| match orders.value("id", row) {
        Some(Value::Integer(id)) => id,
        _ => -1,
    };
    let mut statements = 0;
    for edit in &edits.edited {
        // Column names come from the table the page queried, never from
        // the browser: the editor refuses any other.
        let column = match edit.column.as_str() {
            c @ ("day" | "region" | "total" | "paid" | "note") => c,
            _ => continue,
        };
        shop.execute(
            &format!("UPDATE orders SET {column} = $1 WHERE id = $2"),
            &[param(&edit.value), id(edit.row).into()],
        )?;
        statements += 1;
    }
    for row in &edits.added {
        let cell = |i: usize| row.get(i).map_or(None::<i64>.into(), param);
        shop.execute(
            "INSERT INTO orders (day, region, total, paid, note) VALUES ($1, $2, $3, $4, $5)",
            &[cell(1), cell(2), cell(3), cell(4), cell(5)],
        )?;
        statements += 1;
    }
    for row in &edits.deleted {
        shop.execute("DELETE FROM orders WHERE id = $1", &[id(*row).into()])?;
        statements += 1;
    }
    Ok(statements)
}

/// Creates the table and a few orders the first time.
fn prepare(st: &Ui) -> Result<(), wasmlit::CallError> {
    let shop = st.connection("shop");
    shop.execute(
        "CREATE TABLE IF NOT EXISTS orders (
            id INTEGER PRIMARY KEY, day DATE NOT NULL, region TEXT NOT NULL,
            total REAL NOT NULL, paid BOOLEAN NOT NULL, note TEXT)",
        &[],
    )?;
    let count = shop.query("SELECT count(*) AS n FROM orders", &[])?;
    if matches!(count.value("n", 0), Some(wasmlit::Value::Integer(0))) {
        for (day, region, total, paid, note) in [
            ("2026-11-02", "north", 120.0, true, Some("first order")),
            ("2026-11-09", "south", 87.5, true, None),
            (
                "2026-11-16",
                "north",
                240.25,
                false,
                Some("awaiting payment"),
            ),
            ("2026-11-23", "east", 64.0, true, None),
            ("2026-11-30", "south", 151.0, false, None),
        ] {
            shop.execute(
                "INSERT INTO orders (day, region, total, paid, note) VALUES ($1, $2, $3, $4, $5)",
                &[
                    day.into(),
                    region.into(),
                    total.into(),
                    paid.into(),
                    note.into(),
                ],
            )?;
        }
    }
    Ok(())
}

#[wasmlit::page]
fn sales(st: &Ui) {
    st.title("Sales");
    st.caption("Orders from the app's SQL connection `shop`; the page never sees its URL.");
    if let Err(e) = prepare(st) {
        st.error(format!("The database is not ready: {e}"));
        return;
    }
    let shop = st.connection("shop");

    let form = st.form(true);
    form.subheader("Add an order");
    let day = form.date_input("Day", "2026-12-01");
    let regions = ["north", "south", "east", "west"];
    let region = form
        .selectbox("Region", &regions, 0)
        .copied()
        .unwrap_or("north");
    let total = form.number_input("Total", 100.0, Some(0.0), None, 10.0);
    let paid = form.checkbox("Paid", false);
    if form.form_submit_button("Add") {
        let day = Date::parse(&day).map_or(wasmlit::sql::Param::from(day.as_str()), Into::into);
        match shop.execute(
            "INSERT INTO orders (day, region, total, paid) VALUES ($1, $2, $3, $4)",
            &[day, region.into(), total.into(), paid.into()],
        ) {
            Ok(_) => st.toast("Order added"),
            Err(e) => st.error(e.to_string()),
        }
    }

    let orders = match shop.query(
        "SELECT id, day, region, total, paid, note FROM orders ORDER BY day, id",
        &[],
    ) {
        Ok(orders) => orders,
        Err(e) => {
            st.error(e.to_string());
            return;
        }
    };
    let orders = configured(orders);
    st.subheader(format!("{} orders", orders.num_rows()));
    let picked = st.dataframe_select(&orders, SelectCount::Multi, SelectCount::Off);
    if !picked.rows.is_empty() {
        let sum: f64 = picked
            .rows
            .iter()
            .filter_map(|r| match orders.value("total", *r) {
                Some(Value::Float(t)) => Some(t),
                _ => None,
            })
            .sum();
        st.info(format!("{} selected, ${sum:.2} in all", picked.rows.len()));
    }

    st.subheader("Edit orders");
    st.caption("Double-click a cell to change it; add or delete rows, then save.");
    // A new key after each save starts the editor afresh on the saved rows.
    let version: u64 = st.session_state().get("editor_version").unwrap_or(0);
    let edited = st
        .key(format!("orders-{version}"))
        .data_editor_with(&orders, &Editor::new().dynamic_rows(true).disabled(&["id"]));
    if !edited.edits.is_empty() {
        st.caption(format!(
            "{} changed cells, {} new rows, {} deleted rows not saved yet",
            edited.edits.edited.len(),
            edited.edits.added.len(),
            edited.edits.deleted.len()
        ));
        if st.button("Save changes") {
            // The editor starts afresh on what the database holds now,
            // whether every statement went through or not (one that failed
            // leaves those before it done: saving the same edits again
            // would repeat them).
            st.session_state().set("editor_version", &(version + 1));
            match save(st, &orders, &edited.edits) {
                Ok(n) => {
                    st.toast(&format!("Saved ({n} statements)"));
                    st.rerun();
                }
                Err(e) => st.error(format!("Not all saved: {e}. The table shows what was.")),
            }
        }
    }

    match shop.query(
        "SELECT region, SUM(total) AS revenue FROM orders GROUP BY region ORDER BY region",
        &[],
    ) {
        Ok(by_region) => {
            st.subheader("Revenue by region");
            st.bar_chart(&by_region, "region", &["revenue"]);
        }
        Err(e) => st.error(e.to_string()),
    }
    let unpaid: Table = shop
        .query(
            "SELECT id, day, total FROM orders WHERE NOT paid ORDER BY day",
            &[],
        )
        .unwrap_or_default();
    if unpaid.num_rows() > 0 {
        st.warning(format!("{} orders are not paid yet", unpaid.num_rows()));
    }
}
