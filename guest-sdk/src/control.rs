//! Ending a run early (`rerun`, `stop`) and the session's navigation.

use crate::bindings::wasmlit::page::control;
use crate::Ui;

impl Ui {
    /// Ends this run now and runs the page again from the top, like
    /// `st.rerun()`. Useful after changing session state that earlier
    /// elements already displayed.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Reset") {
    ///     st.session_state().remove("count");
    ///     st.rerun();
    /// }
    /// # }
    /// ```
    pub fn rerun(&self) -> ! {
        control::rerun();
        unreachable!("the host ends the run on rerun")
    }

    /// Ends this run now and runs again only the fragment being rerun,
    /// like `st.rerun(scope="fragment")`. Called in a run of the whole page
    /// (a fragment drawn for the first time), it reruns the whole page, as
    /// [`rerun`](Self::rerun) does.
    ///
    /// ```no_run
    /// # fn tally(st: &wasmlit::Ui) {
    /// if st.button("Reset the tally") {
    ///     st.session_state().remove("tally");
    ///     st.rerun_fragment();
    /// }
    /// # }
    /// ```
    pub fn rerun_fragment(&self) -> ! {
        control::rerun_fragment();
        unreachable!("the host ends the run on rerun")
    }

    /// Ends this run now, keeping what it drew, like `st.stop()`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let name = st.text_input("Name", "");
    /// if name.is_empty() {
    ///     st.info("Enter a name to continue.");
    ///     st.stop();
    /// }
    /// st.write(format!("Hello, {name}!"));
    /// # }
    /// ```
    pub fn stop(&self) -> ! {
        control::stop();
        unreachable!("the host ends the run on stop")
    }
}

/// One page of a navigation, like Streamlit's `st.Page`: a page of this
/// app by name, with the label, icon and section it is listed with.
///
/// ```no_run
/// use wasmlit::Page;
/// let home = Page::new("home").title("Home").icon(":material/home:").default();
/// let report = Page::new("report").section("Reports");
/// ```
#[derive(Debug, Clone)]
pub struct Page {
    page: String,
    title: Option<String>,
    icon: Option<String>,
    section: Option<String>,
    default: bool,
}

impl Page {
    /// Page `name` of this app (its `.wasm` file or crate), listed with the
    /// app's own title for it.
    pub fn new(name: impl Into<String>) -> Page {
        Page {
            page: name.into(),
            title: None,
            icon: None,
            section: None,
            default: false,
        }
    }

    /// The label in the navigation.
    pub fn title(mut self, title: impl Into<String>) -> Page {
        self.title = Some(title.into());
        self
    }

    /// An icon before the label: an emoji or `:material/name:`.
    pub fn icon(mut self, icon: impl Into<String>) -> Page {
        self.icon = Some(icon.into());
        self
    }

    /// The heading it is listed under (Streamlit's sections: the keys of
    /// the dictionary given to `st.navigation`).
    pub fn section(mut self, section: impl Into<String>) -> Page {
        self.section = Some(section.into());
        self
    }

    /// The page the app's root opens (the first page when none is).
    pub fn default(mut self) -> Page {
        self.default = true;
        self
    }
}

/// Where the navigation is shown ([`Ui::navigation`]).
pub use control::NavPosition;

impl Ui {
    /// Sets this session's navigation, like `st.navigation(pages,
    /// position=…)`: from the end of this run on, only `pages` are listed,
    /// and only they can be opened in this session (by link, URL or
    /// [`switch_page`](Ui::switch_page)), until a run sets another list.
    /// Pages an app lists only after a login are marked `hidden` in its
    /// `wasmlit.toml`, so a new session cannot open them before.
    ///
    /// Ends the run with an error for a page the app does not have, a page
    /// listed twice, or two defaults.
    ///
    /// ```no_run
    /// use wasmlit::{NavPosition, Page};
    /// # fn page(st: &wasmlit::Ui) {
    /// let signed_in = st.session_state().get::<bool>("signed_in").unwrap_or(false);
    /// let mut pages = vec![Page::new("home").title("Home").default()];
    /// if signed_in {
    ///     pages.push(Page::new("admin").title("Admin").section("Account"));
    /// }
    /// st.navigation(&pages, NavPosition::Sidebar);
    /// # }
    /// ```
    pub fn navigation(&self, pages: &[Page], position: NavPosition) {
        let pages: Vec<control::NavPage> = pages
            .iter()
            .map(|p| control::NavPage {
                page: p.page.clone(),
                title: p.title.clone(),
                icon: p.icon.clone(),
                section: p.section.clone(),
                default: p.default,
            })
            .collect();
        crate::error::expect_ok(control::navigation(&pages, position));
    }
}
