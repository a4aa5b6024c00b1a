//! Chat: a conversation kept in session state. The message box is drawn
//! first, as Streamlit's chat examples do, and stays at the bottom of the
//! window below the conversation.
use wasmlit::Ui;

#[wasmlit::page]
fn chat(st: &Ui) {
    st.title("Chat");
    let mut history: Vec<(String, String)> = st.session_state().get("history").unwrap_or_default();
    if let Some(text) = st.chat_input_with("Ask about the weather", Some(500)) {
        let answer = reply(&text);
        history.push(("user".into(), text));
        history.push(("assistant".into(), answer));
        st.session_state().set("history", &history);
    }
    if history.is_empty() {
        st.caption("No messages yet: write one below.");
    }
    for (who, text) in &history {
        st.chat_message(who).markdown(text);
    }
}

/// A canned answer that shows the message was read.
fn reply(text: &str) -> String {
    let words = text.split_whitespace().count();
    if text.to_lowercase().contains("rain") {
        format!("No rain is forecast. (You wrote {words} words.)")
    } else {
        format!("It is sunny and 21 °C. (You wrote {words} words.)")
    }
}
