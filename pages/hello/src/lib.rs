//! Hello: text elements and one text box.
use wasmlit::Ui;

#[wasmlit::page]
fn hello(st: &Ui) {
    st.title("Hello");
    st.markdown("A page is a Rust function that runs **top to bottom** on every interaction.");
    // `/hello?name=Ada` greets Ada until a name is typed.
    let typed = st.text_input("Your name", "");
    let name = if typed.trim().is_empty() {
        st.query_params().get("name").unwrap_or_default()
    } else {
        typed
    };
    if name.trim().is_empty() {
        st.info("Type your name above.");
    } else {
        st.success(format!("Hello, {}!", name.trim()));
    }
    st.caption("Served by wasmlit");
}
