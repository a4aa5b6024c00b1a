//! Chat: a conversation kept in session state. The message box is drawn
//! first, as Streamlit's chat examples do, and stays at the bottom of the
//! window below the conversation.
use wasmlit::{AcceptFile, Ui};

#[wasmlit::page]
fn chat(st: &Ui) {
    st.title("Chat");
    let mut history: Vec<(String, String)> = st.session_state().get("history").unwrap_or_default();
    // Text files may come with a message: the answer counts their lines.
    if let Some(message) = st.chat_input_files(
        "Ask about the weather",
        Some(500),
        AcceptFile::Multiple,
        &["txt", "csv"],
    ) {
        let mut answer = reply(&message.text);
        for file in &message.files {
            let lines = file.text().lines().count();
            answer.push_str(&format!(" {} has {lines} lines.", file.name));
        }
        let mut said = message.text;
        if !message.files.is_empty() {
            let names: Vec<&str> = message.files.iter().map(|f| f.name.as_str()).collect();
            said.push_str(&format!(" 📎 {}", names.join(", ")));
        }
        history.push(("user".into(), said));
        history.push(("assistant".into(), answer));
        st.session_state().set("history", &history);
    }
    if history.is_empty() {
        st.caption("No messages yet: write one below.");
    }
    for (who, text) in &history {
        let avatar = (who == "assistant").then_some(":material/smart_toy:");
        st.chat_message_with(who, avatar).markdown(text);
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
