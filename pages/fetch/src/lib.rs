//! Outbound HTTP: fetch a URL from the page. The request reaches only the
//! hosts the operator granted (`host serve pages --allow-outbound-host
//! https://example.com`); without a grant the page shows the refusal.
use wasmlit::http::Request;
use wasmlit::{CallError, Ui};

#[wasmlit::page]
fn fetch(st: &Ui) {
    st.title("Outbound HTTP");
    st.caption(
        "Pages have no network unless the operator grants hosts: \
         `--allow-outbound-host URL` for one app, `allowed_outbound_hosts` in an app's app.toml.",
    );
    let url = st.text_input("URL", "https://example.com/");
    let method = *st
        .selectbox("Method", &["GET", "HEAD", "POST"], 0)
        .unwrap_or(&"GET");
    let body = if method == "POST" {
        st.text_area("Body", "")
    } else {
        String::new()
    };
    if !st.button("Send") {
        return;
    }
    match Request::new(method, url).body(body).send() {
        Ok(response) => {
            let summary = format!("{} from {}", response.status, response.url);
            if response.is_success() {
                st.success(summary);
            } else {
                st.warning(summary);
            }
            let headers = st.expander("Headers", false);
            for (name, value) in &response.headers {
                headers.text(format!("{name}: {value}"));
            }
            let kind = response.header("content-type").unwrap_or("");
            let language = if kind.contains("json") {
                Some("json")
            } else if kind.contains("html") {
                Some("html")
            } else {
                None
            };
            let text = response.text();
            let shown: String = text.chars().take(20_000).collect();
            st.code(shown, language);
            if text.len() > 20_000 {
                st.caption(format!(
                    "first 20,000 of {} characters",
                    text.chars().count()
                ));
            }
        }
        Err(CallError::Denied(reason)) => {
            st.warning(format!("Not allowed: {reason}"));
        }
        Err(e) => st.error(e.to_string()),
    }
}
