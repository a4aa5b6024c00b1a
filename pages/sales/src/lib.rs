//! A data app: orders in a SQL database (SQLite by default, in
//! `pages/shop.db`; PostgreSQL by changing the connection's URL in
//! `pages/app.toml`), shown as a typed table, summed by region in a chart,
//! and added to with a form whose values go in as parameters.
use wasmlit::{Date, Table, Ui};

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
    st.subheader(format!("{} orders", orders.num_rows()));
    st.write(&orders);

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
