//! `Ui`: the handle a page draws through, which exists only during a run.

use crate::query_params::QueryParams;
use crate::session_state::SessionState;
use std::marker::PhantomData;

/// Container ids fixed by the contract.
const MAIN: u32 = 0;
const SIDEBAR: u32 = 1;

/// The page's handle to the screen during one run.
///
/// The page function receives `&Ui`; every element and widget is a method on
/// it. A `Ui` cannot be created by a page, stored past the run or sent to
/// another thread, so UI calls can only happen inside a genuine run.
///
/// Widget options apply to the widget calls made through the `Ui` they
/// return, so they chain:
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let n = st.key("n").tooltip("How many rows to show").slider("Rows", 1..=100, 10);
/// # }
/// ```
#[derive(Clone)]
pub struct Ui {
    pub(crate) container: u32,
    pub(crate) key: Option<String>,
    pub(crate) help: Option<String>,
    pub(crate) disabled: bool,
    pub(crate) on_change: Option<(u64, Vec<u8>)>,
    pub(crate) label_visibility: crate::LabelVisibility,
    pub(crate) emphasis: crate::ButtonType,
    pub(crate) icon: Option<String>,
    pub(crate) stretch: bool,
    pub(crate) format: Option<String>,
    pub(crate) shortcut: Option<String>,
    /// Neither `Send` nor `Sync`: a run's UI stays on the run's thread.
    _not_send: PhantomData<*const ()>,
}

impl Ui {
    pub(crate) fn main() -> Ui {
        Ui::at(MAIN)
    }

    pub(crate) fn at(container: u32) -> Ui {
        Ui {
            container,
            key: None,
            help: None,
            disabled: false,
            on_change: None,
            label_visibility: crate::LabelVisibility::Visible,
            emphasis: crate::ButtonType::Secondary,
            icon: None,
            stretch: false,
            format: None,
            shortcut: None,
            _not_send: PhantomData,
        }
    }

    /// The sidebar, like `st.sidebar`: elements drawn through it appear in
    /// the side panel, below the page navigation.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let dark = st.sidebar().checkbox("Dark mode", false);
    /// # }
    /// ```
    pub fn sidebar(&self) -> Ui {
        Ui::at(SIDEBAR)
    }

    /// This session's state. See [`SessionState`].
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let count: i64 = st.session_state().get("count").unwrap_or(0);
    /// # }
    /// ```
    pub fn session_state(&self) -> SessionState<'_> {
        SessionState::new()
    }

    /// The app's secrets. See [`secrets`](crate::secrets).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let token: Option<String> = st.secrets().get("api.token");
    /// # }
    /// ```
    pub fn secrets(&self) -> crate::secrets::Secrets {
        crate::secrets::Secrets
    }

    /// The app's SQL connection `name` (Streamlit's `st.connection`). See
    /// [`sql`](crate::sql).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) -> Result<(), wasmlit::CallError> {
    /// let orders = st.connection("shop").query("SELECT * FROM orders LIMIT 100", &[])?;
    /// st.dataframe(&orders);
    /// # Ok(()) }
    /// ```
    pub fn connection(&self, name: &str) -> crate::sql::Connection {
        crate::sql::connection(name)
    }

    /// Who is looking: headers, allowed cookies, address, locale, time
    /// zone, URL and theme (Streamlit's `st.context`). See [`Context`](crate::Context).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let zone = st.context().timezone.unwrap_or_else(|| "UTC".into());
    /// # }
    /// ```
    pub fn context(&self) -> crate::Context {
        crate::Context::read()
    }

    /// The logged-in user (Streamlit's `st.user`), or `None` when nobody
    /// logged in. An app whose operator lists `viewers` is only ever opened
    /// by a logged-in viewer.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(user) = st.user() {
    ///     st.write(format!("Signed in as {}", user.email.unwrap_or(user.subject)));
    /// }
    /// # }
    /// ```
    pub fn user(&self) -> Option<crate::User> {
        crate::Context::read().user
    }

    /// Sends the browser to the app's login provider; it comes back to this
    /// page logged in (Streamlit's `st.login`). Ends the run. An app without
    /// a login provider refuses it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.user().is_none() && st.button("Log in") {
    ///     st.login();
    /// }
    /// # }
    /// ```
    pub fn login(&self) {
        self.emit(crate::bindings::wasmlit::page::ui::Element::Login);
        self.stop();
    }

    /// Forgets the login and opens the app again (Streamlit's
    /// `st.logout`). Ends the run.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.user().is_some() && st.button("Log out") {
    ///     st.logout();
    /// }
    /// # }
    /// ```
    pub fn logout(&self) {
        self.emit(crate::bindings::wasmlit::page::ui::Element::Logout);
        self.stop();
    }

    /// The page URL's query parameters. See [`QueryParams`].
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tab = st.query_params().get("tab");
    /// # }
    /// ```
    pub fn query_params(&self) -> QueryParams<'_> {
        QueryParams::new()
    }

    /// The next widget drawn through the returned `Ui` gets this stable
    /// identity, like Streamlit's `key=`. Keys must be unique within a run;
    /// a keyed widget keeps its value when its label or parameters change.
    /// Its value is also in session state under the key: a choice
    /// (`selectbox`, `radio`, `select_slider`) as the option's text, a
    /// `multiselect` as the list of chosen options' texts, any other widget
    /// as its value. Setting the key in session state before the widget is
    /// drawn sets the widget (to its default when the value does not fit).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let a = st.key("first").text_input("Name", "");
    /// let b = st.key("second").text_input("Name", "");
    /// # }
    /// ```
    pub fn key(&self, key: impl Into<String>) -> Ui {
        Ui {
            key: Some(key.into()),
            ..self.clone()
        }
    }

    /// Widgets drawn through the returned `Ui` show `help` as a tooltip,
    /// like Streamlit's `help=` parameter.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let go = st.tooltip("Runs the query again").button("Refresh");
    /// # }
    /// ```
    pub fn tooltip(&self, help: impl Into<String>) -> Ui {
        Ui {
            help: Some(help.into()),
            ..self.clone()
        }
    }

    /// The next widget drawn through the returned `Ui` calls
    /// `callback(st, args)` when the user changes it (or clicks it), at the
    /// start of the next run, before the page draws anything — Streamlit's
    /// `on_change=callback, args=…`. `callback` is a function (or a closure
    /// that captures nothing); `args` any `serde` value.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// fn reset(st: &wasmlit::Ui, to: i64) {
    ///     st.session_state().set("count", &to);
    /// }
    /// st.on_change(reset, 0).button("Reset");
    /// # }
    /// ```
    pub fn on_change<F, A>(&self, callback: F, args: A) -> Ui
    where
        F: Fn(&Ui, A) + Copy + 'static,
        A: serde::Serialize + serde::de::DeserializeOwned,
    {
        let _ = callback;
        let args = match serde_json::to_vec(&args) {
            Ok(bytes) => bytes,
            Err(e) => panic!("the arguments of an on_change callback do not serialize: {e}"),
        };
        Ui {
            on_change: Some((crate::callbacks::entry_id::<F, A>(), args)),
            ..self.clone()
        }
    }

    /// Widgets drawn through the returned `Ui` show their label as asked,
    /// like `label_visibility=`: `Hidden` keeps its space, `Collapsed` does
    /// not. The label still names the widget (and reaches screen readers).
    ///
    /// ```no_run
    /// # use wasmlit::LabelVisibility;
    /// # fn page(st: &wasmlit::Ui) {
    /// let q = st.label_visibility(LabelVisibility::Collapsed).text_input("Search", "");
    /// # }
    /// ```
    pub fn label_visibility(&self, visibility: crate::LabelVisibility) -> Ui {
        Ui {
            label_visibility: visibility,
            ..self.clone()
        }
    }

    /// Widgets drawn through the returned `Ui` are greyed out when
    /// `disabled` is true; they keep returning their current value.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let locked = st.checkbox("Lock", true);
    /// let n = st.disabled(locked).slider("n", 0..=10, 5);
    /// # }
    /// ```
    pub fn disabled(&self, disabled: bool) -> Ui {
        Ui {
            disabled,
            ..self.clone()
        }
    }

    /// Buttons drawn through the returned `Ui` have this emphasis, like
    /// Streamlit's `type=`: `Primary` (filled), `Secondary` (outlined, the
    /// default) or `Tertiary` (text only).
    ///
    /// ```no_run
    /// # use wasmlit::ButtonType;
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button_type(ButtonType::Primary).button("Save") {
    ///     st.success("Saved");
    /// }
    /// # }
    /// ```
    pub fn button_type(&self, emphasis: crate::ButtonType) -> Ui {
        Ui {
            emphasis,
            ..self.clone()
        }
    }

    /// Widgets drawn through the returned `Ui` show an icon, like
    /// Streamlit's `icon=`: before a button's label, inside a text box. An
    /// emoji (`"🔥"`) or a Material icon (`":material/search:"`).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let query = st.icon(":material/search:").text_input("Search", "");
    /// # }
    /// ```
    pub fn icon(&self, icon: impl Into<String>) -> Ui {
        Ui {
            icon: Some(icon.into()),
            ..self.clone()
        }
    }

    /// Buttons drawn through the returned `Ui` stretch to their
    /// container's width, like `use_container_width=True` or
    /// `width="stretch"`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.sidebar().use_container_width().button("Log out");
    /// # }
    /// ```
    pub fn use_container_width(&self) -> Ui {
        Ui {
            stretch: true,
            ..self.clone()
        }
    }

    /// Sliders, number inputs and date inputs drawn through the returned
    /// `Ui` show their values in this format, like Streamlit's `format=`:
    /// printf-style for numbers (`"%d%%"`, `"%.2f kg"`, `"$%,.0f"`: one
    /// conversion among `d i u f e g x o`, with flags, width and precision),
    /// date tokens for dates and times (`"DD.MM.YYYY"`, `"MMM D"`,
    /// `"h:mm a"`; a date input, where the user types dates so written,
    /// takes the numeric tokens `YYYY YY MM M DD D HH H mm m` with the year,
    /// month and day). The value the page gets is unchanged.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let share = st.format("%d%%").slider("Share", 0..=100, 40);
    /// let day = st.format("DD.MM.YYYY").date_input("Day", "2026-11-25");
    /// # }
    /// ```
    pub fn format(&self, format: impl Into<String>) -> Ui {
        Ui {
            format: Some(format.into()),
            ..self.clone()
        }
    }

    /// Buttons drawn through the returned `Ui` are also pressed by this
    /// keyboard shortcut, like Streamlit's `shortcut=`: modifiers
    /// (`ctrl`, `alt`, `shift`, `meta`/`cmd`, and `mod` for Cmd on a Mac and
    /// Ctrl elsewhere) and one key, joined by `+` (`"ctrl+s"`,
    /// `"shift+enter"`, `"k"`). A shortcut without modifiers is not taken
    /// while the user types in a text box.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.shortcut("mod+s").button("Save") {
    ///     st.success("Saved");
    /// }
    /// # }
    /// ```
    pub fn shortcut(&self, shortcut: impl Into<String>) -> Ui {
        Ui {
            shortcut: Some(shortcut.into()),
            ..self.clone()
        }
    }
}
