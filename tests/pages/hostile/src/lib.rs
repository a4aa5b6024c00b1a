//! Test page: hostile behaviour chosen by `?case=…` (filled in by the hostile-page suite).
use wasmlit::Ui;

#[wasmlit::page]
fn hostile(st: &Ui) {
    st.write("no case");
}
