//! Test page: a dataframe of `?rows=N` rows (100,000 by default) in five
//! columns (integer, float, text, boolean, date), for measuring how it
//! travels and how the browser scrolls and sorts it.
use wasmlit::{Date, Table, Ui};

#[wasmlit::page]
fn big_table(st: &Ui) {
    let rows: i64 = st
        .query_params()
        .get("rows")
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let ids: Vec<i64> = (0..rows).collect();
    let prices: Vec<f64> = ids
        .iter()
        .map(|i| ((i * 7919) % 10_007) as f64 / 3.0)
        .collect();
    let regions: Vec<String> = ids
        .iter()
        .map(|i| ["north", "south", "east", "west"][(i % 4) as usize].to_owned())
        .collect();
    let even: Vec<bool> = ids.iter().map(|i| i % 2 == 0).collect();
    let days: Vec<Date> = ids
        .iter()
        .map(|i| Date::from_days((i % 3_650) as i32 + 19_000))
        .collect();
    let table = Table::new()
        .column("id", ids)
        .column("price", prices)
        .column("region", regions)
        .column("even", even)
        .column("day", days);
    st.dataframe_with_height(&table, 500);
}
