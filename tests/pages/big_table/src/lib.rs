//! Test page: a dataframe of `?rows=N` rows (100,000 by default) in four
//! columns, for measuring how the browser scrolls and sorts it.
use wasmlit::{Table, Ui};

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
    let table = Table::new()
        .column("id", ids)
        .column("price", prices)
        .column("region", regions)
        .column("even", even);
    st.dataframe_with_height(&table, 500);
}
