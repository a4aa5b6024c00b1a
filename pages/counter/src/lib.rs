//! The counter: a button that counts in session state, and a slider.
use wasmlit::Ui;

#[wasmlit::page]
fn counter(st: &Ui) {
    st.title("Counter");

    let state = st.session_state();
    let mut count: i64 = state.get("count").unwrap_or(0);
    if st.button("Increment") {
        count += 1;
        state.set("count", &count);
    }
    st.write(format!("count: {count}"));

    let n = st.slider("n", 0..=100, 0);
    st.write(format!("square: {}", n * n));
}
