//! Widgets: one of each, with the value each returns.
use wasmlit::Ui;

#[wasmlit::page]
fn widgets(st: &Ui) {
    st.title("Widgets");

    let clicked = st.button("Click me");
    st.write(format!("button: {clicked}"));

    let checked = st.checkbox("Check me", false);
    st.write(format!("checkbox: {checked}"));

    let level = st.slider("Level", 0..=10, 3);
    st.write(format!("slider: {level}"));

    let ratio = st.slider_f64("Ratio", 0.0..=1.0, 0.25, 0.05);
    st.write(format!("float slider: {ratio:.2}"));

    let text = st.text_input("Text", "hello");
    st.write(format!("text input: {text}"));

    let amount = st.number_input("Amount", 1.5, Some(0.0), Some(100.0), 0.5);
    st.write(format!("number input: {amount}"));

    let fruit = st.selectbox("Fruit", &["apple", "banana", "cherry"], 0);
    st.write(format!("selectbox: {}", fruit.copied().unwrap_or("none")));

    st.divider();
    st.tooltip("A widget can be disabled")
        .disabled(true)
        .checkbox("Disabled", true);
    st.code("let n = st.slider(\"n\", 0..=100, 0);", Some("rust"));
}
