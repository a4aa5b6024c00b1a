//! Test page for forms: `case=button_in_form` and `case=submit_outside`
//! misuse them; otherwise a form that clears on submit.
use wasmlit::Ui;

#[wasmlit::page]
fn forms(st: &Ui) {
    match st.query_params().get("case").as_deref() {
        Some("button_in_form") => {
            st.form(false).button("Go");
        }
        Some("submit_outside") => {
            st.form_submit_button("Go");
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
