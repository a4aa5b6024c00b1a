//! Who is looking (Streamlit's `st.context`): the headers, cookies and
//! address of the request that opened the session, and what the browser
//! says of its language, time zone, URL and theme.

use crate::bindings::wasmlit::page::context as host;

/// The request context of this run's session; from
/// [`Ui::context`](crate::Ui::context).
///
/// Headers come without `cookie` and `authorization` (and any header the
/// operator hides); cookies only as the operator allows (`[context]
/// cookies = ["name"]` in app.toml). What the browser says of itself
/// (locale, time zone, URL, theme) is the browser's word: use it for
/// display, never to decide who may see what.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let context = st.context();
/// st.write(format!("language: {}", context.locale.as_deref().unwrap_or("unknown")));
/// if let Some(agent) = context.header("user-agent") {
///     st.caption(agent);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// Who logged in (`st.user`), if anyone did.
    pub user: Option<User>,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The cookies the operator lets the app read.
    pub cookies: Vec<(String, String)>,
    /// The client's address as the server saw it.
    pub ip_address: Option<String>,
    /// The browser's preferred language (`en-US`).
    pub locale: Option<String>,
    /// The browser's IANA time zone (`Europe/Oslo`).
    pub timezone: Option<String>,
    /// Minutes to add to local time to get UTC (JavaScript's
    /// `getTimezoneOffset`).
    pub timezone_offset: Option<i32>,
    /// The page's URL in the browser.
    pub url: String,
    /// `light` or `dark`.
    pub theme: Option<String>,
}

/// A logged-in user (Streamlit's `st.user`), as the app's login provider
/// said in its verified ID token.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// match st.user() {
///     Some(user) => st.write(format!("Hello, {}", user.name.as_deref().unwrap_or("you"))),
///     None => {
///         if st.button("Log in") {
///             st.login();
///         }
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The provider's identifier of the user.
    pub subject: String,
    /// The e-mail address, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider verified the e-mail address.
    pub email_verified: bool,
    /// The display name, if given.
    pub name: Option<String>,
}

impl Context {
    pub(crate) fn read() -> Context {
        let c = crate::error::expect_ok(host::get());
        Context {
            user: c.user.map(|u| User {
                subject: u.subject,
                email: u.email,
                email_verified: u.email_verified,
                name: u.name,
            }),
            headers: c.headers,
            cookies: c.cookies,
            ip_address: c.ip_address,
            locale: c.locale,
            timezone: c.timezone,
            timezone_offset: c.timezone_offset,
            url: c.url,
            theme: c.theme,
        }
    }

    /// The value of header `name` (any case); the first if it repeats.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let host = st.context().header("Host");
    /// # }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of cookie `name`, if the operator lets the app read it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let plan = st.context().cookie("plan");
    /// # }
    /// ```
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
