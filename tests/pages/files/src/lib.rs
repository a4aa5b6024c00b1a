//! Test page for an app's capabilities: reads `/data/hello.txt`, lists
//! `/data`, and tries to write `/data/new.txt`, drawing what happened; with
//! `?html=1`, draws Markdown with raw HTML (`unsafe_allow_html`) instead.
use wasmlit::Ui;

#[wasmlit::page]
fn files(st: &Ui) {
    if st.query_params().get("html").is_some() {
        st.markdown_unsafe(
            "**kept** <span style='color: teal' onclick='alert(1)'>teal</span><script>alert(2)</script>",
        );
        return;
    }
    match std::fs::read_to_string("/data/hello.txt") {
        Ok(text) => st.text(format!("read: {}", text.trim())),
        Err(e) => st.text(format!("read failed: {e}")),
    }
    match std::fs::read_dir("/data") {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            st.text(format!("list: {}", names.join(", ")));
        }
        Err(e) => st.text(format!("list failed: {e}")),
    }
    match std::fs::write("/data/new.txt", b"written") {
        Ok(()) => st.text("write: succeeded"),
        Err(e) => st.text(format!("write failed: {e}")),
    }
}
