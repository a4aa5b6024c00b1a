//! Greets whoever is looking: the logged-in user (when the app has a login
//! provider, `[auth.oidc]` in its app.toml), and what the browser says of
//! its language and time zone.
use wasmlit::Ui;

#[wasmlit::page]
fn greeting(st: &Ui) {
    let context = st.context();
    match st.user() {
        Some(user) => {
            let name = user
                .name
                .clone()
                .or(user.email.clone())
                .unwrap_or(user.subject.clone());
            st.title(format!("Hello, {name}"));
            if let Some(email) = &user.email {
                st.caption(format!(
                    "Signed in as {email}{}",
                    if user.email_verified {
                        ""
                    } else {
                        " (not verified)"
                    }
                ));
            }
            if st.button("Log out") {
                st.logout();
            }
        }
        None => {
            st.title("Hello, stranger");
            st.write("Nobody is logged in. With a login provider (`[auth.oidc]` in the app's app.toml), this button signs you in:");
            if st.button("Log in") {
                st.login();
            }
        }
    }
    st.divider();
    st.write(format!(
        "Your browser speaks **{}** and lives in **{}**.",
        context.locale.as_deref().unwrap_or("an unknown language"),
        context
            .timezone
            .as_deref()
            .unwrap_or("an unknown time zone"),
    ));
}
