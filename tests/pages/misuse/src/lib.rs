//! Test page for calls used the wrong way (`case=…`): a button in a form, a
//! submit button outside one, a `javascript:` link, a fragment that draws
//! outside itself, one that asks to rerun every millisecond. Without a case:
//! a form that clears on submit.
use wasmlit::Ui;

/// Draws into the sidebar: fine in the page's run, refused in a rerun of the
/// fragment alone.
fn draws_outside(st: &Ui) {
    st.write("inside");
    st.sidebar().write("outside");
}

#[wasmlit::page]
fn misuse(st: &Ui) {
    match st.query_params().get("case").as_deref() {
        Some("button_in_form") => {
            st.form(false).button("Go");
        }
        Some("submit_outside") => {
            st.form_submit_button("Go");
        }
        Some("bad_link") => st.link_button("Click", "javascript:alert(1)"),
        Some("fragment_outside") => st.fragment(draws_outside),
        Some("fast_fragment") => {
            st.fragment_every(std::time::Duration::from_millis(1), draws_outside)
        }
        _ => {
            let form = st.form(true);
            let name = form.text_input("Name", "nobody");
            if form.form_submit_button("Send") {
                st.write(format!("sent: {name}"));
            } else {
                st.write("not sent");
            }
        }
    }
}
