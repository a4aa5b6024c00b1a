//! Status elements: progress bars, spinners, toasts and exceptions.

use crate::bindings::wasmlit::page::ui::{self as host, Element};
use crate::Ui;

/// A progress bar drawn by [`Ui::progress`]; [`set`](Progress::set) moves it.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let bar = st.progress(0.0, "Loading");
/// bar.set(0.5, "Half way");
/// # }
/// ```
pub struct Progress {
    place: Ui,
}

impl Progress {
    /// Moves the bar to `value` (0.0 to 1.0, clamped) with a new `text`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let bar = st.progress(0.0, "Starting");
    /// for i in 1..=10 {
    ///     bar.set(i as f32 / 10.0, &format!("step {i} of 10"));
    /// }
    /// # }
    /// ```
    pub fn set(&self, value: f32, text: &str) {
        draw_progress(&self.place, value, text);
    }
}

fn draw_progress(place: &Ui, value: f32, text: &str) {
    let value = if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    };
    place.emit(Element::Progress(host::Progress {
        value,
        text: (!text.is_empty()).then(|| text.to_owned()),
    }));
}

/// The page's title, icon and layout, for [`Ui::set_page_config`].
///
/// ```no_run
/// let config = wasmlit::PageConfig::new().title("Sales").icon("📈").wide();
/// ```
#[derive(Debug, Clone)]
pub struct PageConfig {
    title: Option<String>,
    icon: Option<String>,
    wide: bool,
    sidebar: SidebarState,
    menu: host::MenuItems,
}

impl Default for PageConfig {
    fn default() -> Self {
        PageConfig {
            title: None,
            icon: None,
            wide: false,
            sidebar: SidebarState::Auto,
            menu: host::MenuItems {
                get_help: None,
                report_a_bug: None,
                about: None,
            },
        }
    }
}

/// How the sidebar starts ([`PageConfig::initial_sidebar_state`]).
pub use host::SidebarState;

impl PageConfig {
    /// The defaults: the page's name as title, no icon, centred layout.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.set_page_config(&wasmlit::PageConfig::new());
    /// # }
    /// ```
    pub fn new() -> PageConfig {
        PageConfig::default()
    }

    /// The window's title.
    ///
    /// ```no_run
    /// let config = wasmlit::PageConfig::new().title("Sales dashboard");
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> PageConfig {
        self.title = Some(title.into());
        self
    }

    /// An emoji shown as the window's icon.
    ///
    /// ```no_run
    /// let config = wasmlit::PageConfig::new().icon("📈");
    /// ```
    pub fn icon(mut self, icon: impl Into<String>) -> PageConfig {
        self.icon = Some(icon.into());
        self
    }

    /// Use the window's full width.
    ///
    /// ```no_run
    /// let config = wasmlit::PageConfig::new().wide();
    /// ```
    pub fn wide(mut self) -> PageConfig {
        self.wide = true;
        self
    }

    /// Whether the sidebar starts open, like `initial_sidebar_state=`:
    /// `Auto` (open on wide windows, closed on narrow ones), `Expanded` or
    /// `Collapsed`. The user opens and closes it either way.
    ///
    /// ```no_run
    /// use wasmlit::SidebarState;
    /// let config = wasmlit::PageConfig::new().initial_sidebar_state(SidebarState::Collapsed);
    /// ```
    pub fn initial_sidebar_state(mut self, state: SidebarState) -> PageConfig {
        self.sidebar = state;
        self
    }

    /// The app menu's entries, like `menu_items=`: a "Get help" and a
    /// "Report a bug" link (http, https or mailto) and an "About" text
    /// (Markdown), each optional. The menu (⋮ at the top right) shows only
    /// when one is given.
    ///
    /// ```no_run
    /// let config = wasmlit::PageConfig::new().menu_items(
    ///     Some("https://example.com/help"),
    ///     Some("mailto:bugs@example.com"),
    ///     Some("**Sales** dashboard, v2"),
    /// );
    /// ```
    pub fn menu_items(
        mut self,
        get_help: Option<&str>,
        report_a_bug: Option<&str>,
        about: Option<&str>,
    ) -> PageConfig {
        self.menu = host::MenuItems {
            get_help: get_help.map(str::to_owned),
            report_a_bug: report_a_bug.map(str::to_owned),
            about: about.map(str::to_owned),
        };
        self
    }
}

impl Ui {
    /// Sets the page's title, icon and layout, like `st.set_page_config`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.set_page_config(&wasmlit::PageConfig::new().title("Sales").wide());
    /// # }
    /// ```
    pub fn set_page_config(&self, config: &PageConfig) {
        crate::error::expect_ok(host::set_page_config(&host::PageConfig {
            title: config.title.clone(),
            icon: config.icon.clone(),
            wide: config.wide,
            initial_sidebar_state: config.sidebar,
            menu_items: config.menu.clone(),
        }));
    }

    /// A progress bar at `value` (0.0 to 1.0), like `st.progress`; the
    /// returned handle moves it.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let bar = st.progress(0.25, "a quarter done");
    /// bar.set(1.0, "done");
    /// # }
    /// ```
    pub fn progress(&self, value: f32, text: &str) -> Progress {
        let place = self.empty();
        draw_progress(&place, value, text);
        Progress { place }
    }

    /// Shows a spinner with `text` while `work` runs, then removes it, like
    /// `with st.spinner(text):`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let total = st.spinner("Adding up…", || (1..=1000u64).sum::<u64>());
    /// # }
    /// ```
    pub fn spinner<T>(&self, text: &str, work: impl FnOnce() -> T) -> T {
        let place = self.empty();
        place.emit(Element::Spinner(text.to_owned()));
        let result = work();
        place.emit(Element::Empty);
        result
    }

    /// A link styled as a button, like `st.link_button`; opens in a new tab.
    /// Only `http`, `https` and `mailto` links are accepted. `help`,
    /// `type`, `icon`, `disabled` and width come from the `Ui` it is drawn
    /// through, as for a button ([`tooltip`](Ui::tooltip),
    /// [`button_type`](Ui::button_type), [`icon`](Ui::icon),
    /// [`disabled`](Ui::disabled), [`use_container_width`](Ui::use_container_width)).
    ///
    /// ```no_run
    /// # use wasmlit::ButtonType;
    /// # fn page(st: &wasmlit::Ui) {
    /// st.link_button("Open the docs", "https://example.com/docs");
    /// st.button_type(ButtonType::Primary)
    ///     .icon(":material/open_in_new:")
    ///     .tooltip("The API reference")
    ///     .link_button("API", "https://example.com/api");
    /// # }
    /// ```
    pub fn link_button(&self, label: &str, url: &str) {
        self.emit(Element::LinkButton(host::Link {
            label: label.to_owned(),
            url: url.to_owned(),
            help: self.help.clone(),
            style: match self.emphasis {
                crate::ButtonType::Primary => host::LinkStyle::Primary,
                crate::ButtonType::Secondary => host::LinkStyle::Secondary,
                crate::ButtonType::Tertiary => host::LinkStyle::Tertiary,
            },
            icon: self.icon.clone(),
            disabled: self.disabled,
            stretch: self.stretch,
        }));
    }

    /// Ends this run and opens page `name` of the app, like
    /// `st.switch_page`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Go to the counter") {
    ///     st.switch_page("counter");
    /// }
    /// # }
    /// ```
    ///
    /// Ends the run with an error if the app has no page `name`.
    pub fn switch_page(&self, name: &str) -> ! {
        self.switch_page_with(name, &[])
    }

    /// A link to page `name` of the app, like `st.page_link`: labelled
    /// with the page's title, opened in place. Ends the run with an error
    /// if the app has no such page.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.page_link("counter");
    /// # }
    /// ```
    pub fn page_link(&self, name: &str) {
        self.page_link_with(name, None, None);
    }

    /// [`page_link`](Self::page_link) with a label (Markdown) and an icon
    /// (an emoji or `:material/name:`). `help`, `disabled` and width come
    /// from the `Ui` it is drawn through ([`tooltip`](Ui::tooltip),
    /// [`disabled`](Ui::disabled), [`use_container_width`](Ui::use_container_width)).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.page_link_with("counter", Some("Count **clicks**"), Some(":material/add:"));
    /// # }
    /// ```
    pub fn page_link_with(&self, name: &str, label: Option<&str>, icon: Option<&str>) {
        self.emit(Element::PageLink(
            crate::bindings::wasmlit::page::ui::PageLink {
                page: name.to_owned(),
                label: label.map(str::to_owned),
                icon: icon.map(str::to_owned),
                help: self.help.clone(),
                disabled: self.disabled,
                stretch: self.stretch,
            },
        ));
    }

    /// [`switch_page`](Self::switch_page), opening the page with these
    /// query parameters, like `st.switch_page(page, query_params=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Show the north region") {
    ///     st.switch_page_with("sales", &[("region", "north")]);
    /// }
    /// # }
    /// ```
    pub fn switch_page_with(&self, name: &str, query: &[(&str, &str)]) -> ! {
        self.emit(Element::SwitchPage(
            crate::bindings::wasmlit::page::ui::SwitchPage {
                page: name.to_owned(),
                query: query
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        ));
        self.stop()
    }

    /// Balloons float up the window, like `st.balloons`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Celebrate") {
    ///     st.balloons();
    /// }
    /// # }
    /// ```
    pub fn balloons(&self) {
        self.emit(Element::Balloons);
    }

    /// A short message in the corner of the window, like `st.toast`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.toast("Saved.");
    /// # }
    /// ```
    pub fn toast(&self, text: &str) {
        self.emit(Element::Toast(text.to_owned()));
    }

    /// An error box with the error's message and where this call was made,
    /// like `st.exception`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Err(e) = "x".parse::<i32>() {
    ///     st.exception(&e);
    /// }
    /// # }
    /// ```
    #[track_caller]
    pub fn exception(&self, error: &dyn std::fmt::Display) {
        let at = std::panic::Location::caller();
        self.emit(Element::Exception(host::Exception {
            message: error.to_string(),
            location: Some(format!("{}:{}:{}", at.file(), at.line(), at.column())),
        }));
    }
}
