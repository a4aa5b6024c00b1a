//! Hello: text elements and one text box.
use wasmlit::Ui;

#[wasmlit::page]
fn hello(st: &Ui) {
    st.title("Hello");
    st.markdown("A page is a Rust function that runs **top to bottom** on every interaction.");
    let name = st.text_input("Your name", "");
    if name.trim().is_empty() {
        st.info("Type your name above.");
    } else {
        st.success(format!("Hello, {}!", name.trim()));
    }
    st.caption("Served by wasmlit");
}
