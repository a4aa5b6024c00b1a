//! Panic: draws one line, then panics with a message the user should see.
use wasmlit::Ui;

#[wasmlit::page]
fn panic(st: &Ui) {
    st.title("Panic");
    st.text("About to panic.");
    let values: Vec<u32> = Vec::new();
    if values.is_empty() {
        panic!("the data set is empty");
    }
}
