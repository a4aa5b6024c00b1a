//! Test page for calls used the wrong way (`case=…`): a button in a form, a
//! submit button outside one, a `javascript:` link. Without a case: a form
//! that clears on submit.
use wasmlit::Ui;

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
