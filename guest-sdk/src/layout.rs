//! Layout: blocks that hold containers of their own — containers, columns,
//! tabs, expanders, popovers and placeholders. Each call returns `Ui`s that
//! draw into the new containers, so layouts nest.

use crate::bindings::wasmlit::page::ui::{self as host, Block, ColumnsBlock, ContainerBlock};
use crate::error::expect_ok;
use crate::Ui;

pub use host::{DialogWidth, Gap, StatusState};

/// A status block drawn by [`Ui::status`]: draw into it through
/// [`ui`](Status::ui), change its label and state with
/// [`update`](Status::update).
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let status = st.status("Downloading data…");
/// status.ui().write("fetched 3 files");
/// status.update("Done", wasmlit::StatusState::Complete, false);
/// # }
/// ```
pub struct Status {
    ui: Ui,
}

impl Status {
    /// Where the block's content goes.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let status = st.status("Working");
    /// status.ui().write("step 1 done");
    /// # }
    /// ```
    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    /// Changes the label and state (the content stays), like
    /// `status.update(label=…, state="complete")`.
    ///
    /// ```no_run
    /// # use wasmlit::StatusState;
    /// # fn page(st: &wasmlit::Ui) {
    /// let status = st.status("Downloading data…");
    /// status.ui().write("Found 3 files.");
    /// status.update("Download complete", StatusState::Complete, false);
    /// # }
    /// ```
    pub fn update(&self, label: &str, state: StatusState, expanded: bool) {
        expect_ok(host::update_block(
            self.ui.container,
            &Block::Status(host::StatusBlock {
                label: label.to_owned(),
                state,
                expanded,
            }),
        ));
    }
}

impl Ui {
    fn open(&self, block: Block) -> Vec<Ui> {
        expect_ok(host::open_block(self.container, &block))
            .into_iter()
            .map(Ui::at)
            .collect()
    }

    fn open_one(&self, block: Block) -> Ui {
        self.open(block)
            .pop()
            .unwrap_or_else(|| panic!("the host opened no container for a block"))
    }

    /// A container at this point of the page, like `st.container()`:
    /// elements drawn through the returned `Ui` go inside it, in order, even
    /// when drawn after later elements of the page. With `border` it is
    /// drawn in a box. A job started with [`spawn_in`](Ui::spawn_in) on it
    /// draws there.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let results = st.container(true);
    /// st.write("drawn below the container");
    /// results.write("drawn inside it");
    /// # }
    /// ```
    pub fn container(&self, border: bool) -> Ui {
        self.open_one(Block::Container(ContainerBlock {
            border,
            height: None,
        }))
    }

    /// A bordered container `height` pixels tall whose content scrolls, like
    /// `st.container(height=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let log = st.scroll_container(200);
    /// for i in 0..100 {
    ///     log.text(format!("line {i}"));
    /// }
    /// # }
    /// ```
    pub fn scroll_container(&self, height: u32) -> Ui {
        self.open_one(Block::Container(ContainerBlock {
            border: true,
            height: Some(height),
        }))
    }

    /// `n` columns of equal width side by side, like `st.columns(n)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let cols = st.columns(3);
    /// cols[0].write("left");
    /// cols[1].write("middle");
    /// cols[2].write("right");
    /// # }
    /// ```
    pub fn columns(&self, n: usize) -> Vec<Ui> {
        self.columns_with(&vec![1.0; n], Gap::Medium)
    }

    /// Columns with relative `widths` and a `gap`, like
    /// `st.columns([2, 1], gap="large")`.
    ///
    /// ```no_run
    /// # use wasmlit::Gap;
    /// # fn page(st: &wasmlit::Ui) {
    /// let cols = st.columns_with(&[2.0, 1.0], Gap::Large);
    /// cols[0].write("twice as wide");
    /// # }
    /// ```
    pub fn columns_with(&self, widths: &[f32], gap: Gap) -> Vec<Ui> {
        self.open(Block::Columns(ColumnsBlock {
            widths: widths.to_vec(),
            gap,
        }))
    }

    /// Tabs with these labels, like `st.tabs`: one `Ui` per tab. The first
    /// tab is shown first; switching tabs happens in the browser, without a
    /// rerun.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tabs = st.tabs(&["Chart", "Data"]);
    /// tabs[0].write("the chart");
    /// tabs[1].write("the data");
    /// # }
    /// ```
    pub fn tabs(&self, labels: &[&str]) -> Vec<Ui> {
        self.open(Block::Tabs(labels.iter().map(|l| l.to_string()).collect()))
    }

    /// A section under `label` that the user opens and closes, like
    /// `st.expander`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let details = st.expander("Details", false);
    /// details.write("shown when opened");
    /// # }
    /// ```
    pub fn expander(&self, label: &str, expanded: bool) -> Ui {
        self.open_one(Block::Expander(host::ExpanderBlock {
            label: label.to_string(),
            expanded,
        }))
    }

    /// A button labelled `label` that opens a panel over the page, like
    /// `st.popover`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let settings = st.popover("Settings");
    /// let dark = settings.checkbox("Dark plots", false);
    /// # }
    /// ```
    pub fn popover(&self, label: &str) -> Ui {
        self.open_one(Block::Popover(label.to_string()))
    }

    /// A form, like `st.form`: widgets drawn through the returned `Ui` keep
    /// their changes in the browser until its
    /// [`form_submit_button`](Ui::form_submit_button) is pressed; then the
    /// page reruns once with all of them. With `clear_on_submit` the
    /// widgets show their defaults again after a submit (the run the submit
    /// caused still gets the submitted values).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let form = st.form(true);
    /// let name = form.text_input("Name", "");
    /// let age = form.slider("Age", 0..=120, 30);
    /// if form.form_submit_button("Save") {
    ///     st.success(format!("Saved {name}, {age}"));
    /// }
    /// # }
    /// ```
    ///
    /// Enter in one of its text inputs submits it, and it has a border; see
    /// [`form_with`](Self::form_with).
    pub fn form(&self, clear_on_submit: bool) -> Ui {
        self.form_with(clear_on_submit, true, true)
    }

    /// [`form`](Self::form) with `border` and `enter_to_submit` (Enter in
    /// one of its text inputs submits it) as Streamlit has them.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let form = st.form_with(false, false, false);
    /// let note = form.text_input("Note", "");
    /// form.form_submit_button("Add");
    /// # }
    /// ```
    pub fn form_with(&self, clear_on_submit: bool, border: bool, enter_to_submit: bool) -> Ui {
        self.open_one(Block::Form(host::FormBlock {
            clear_on_submit,
            border,
            enter_to_submit,
        }))
    }

    /// A modal window titled `title` over the page, like `st.dialog`; the
    /// user closes it (or presses Esc). Draw it in the run where it should
    /// open, e.g. after a button click.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Delete…") {
    ///     let dialog = st.dialog("Delete the report?");
    ///     dialog.write("This cannot be undone.");
    /// }
    /// # }
    /// ```
    pub fn dialog(&self, title: &str) -> Ui {
        self.dialog_with(title, DialogWidth::Small, true)
    }

    /// [`dialog`](Self::dialog) with Streamlit's `width` (`Small`,
    /// `Medium`, `Large`) and `dismissible`: when false the user cannot
    /// close it (no close button, Esc ignored); a run that does not draw it
    /// closes it.
    ///
    /// ```no_run
    /// use wasmlit::DialogWidth;
    /// # fn page(st: &wasmlit::Ui) {
    /// let terms = st.dialog_with("Terms of use", DialogWidth::Large, false);
    /// if terms.button("I agree") {
    ///     st.session_state().set("agreed", &true);
    /// }
    /// # }
    /// ```
    pub fn dialog_with(&self, title: &str, width: DialogWidth, dismissible: bool) -> Ui {
        self.open_one(Block::Dialog(host::DialogBlock {
            title: title.to_owned(),
            width,
            dismissible,
        }))
    }

    /// A dismissible dialog that tells the page when the user closes it,
    /// like `@st.dialog(…, on_dismiss="rerun")`: closing it (the close
    /// button or Esc) reruns the page. With a callback set
    /// through [`on_change`](Ui::on_change) on the `Ui` this is called on,
    /// the callback runs first, as Streamlit's callable `on_dismiss`.
    ///
    /// ```no_run
    /// use wasmlit::DialogWidth;
    /// # fn page(st: &wasmlit::Ui) {
    /// fn closed(st: &wasmlit::Ui, _: ()) {
    ///     st.session_state().set("show_dialog", &false);
    /// }
    /// if st.session_state().get::<bool>("show_dialog").unwrap_or(true) {
    ///     let d = st.on_change(closed, ()).dialog_on_dismiss("Welcome", DialogWidth::Medium);
    ///     d.write("Close me: the page is told.");
    /// }
    /// # }
    /// ```
    pub fn dialog_on_dismiss(&self, title: &str, width: DialogWidth) -> Ui {
        let dialog = self.dialog_with(title, width, true);
        let mut probe = Ui::at(dialog.container);
        probe.on_change.clone_from(&self.on_change);
        probe.key.clone_from(&self.key);
        let _dismissed = probe.show(
            title,
            crate::bindings::wasmlit::page::widgets::Widget::DialogDismiss,
        );
        dialog
    }

    /// A block with a label and a state icon for a long task, like
    /// `st.status`: open while running; see [`Status`].
    ///
    /// ```no_run
    /// # use wasmlit::StatusState;
    /// # fn page(st: &wasmlit::Ui) {
    /// let status = st.status("Crunching…");
    /// status.ui().write("step 1 done");
    /// status.update("Crunched", StatusState::Complete, false);
    /// # }
    /// ```
    pub fn status(&self, label: &str) -> Status {
        let ui = self.open_one(Block::Status(host::StatusBlock {
            label: label.to_owned(),
            state: StatusState::Running,
            expanded: true,
        }));
        Status { ui }
    }

    /// A chat message from `name`, like `st.chat_message`: `"user"` and
    /// `"assistant"` get their own avatars, other names their initial.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.chat_message("assistant").write("How can I help?");
    /// # }
    /// ```
    pub fn chat_message(&self, name: &str) -> Ui {
        self.chat_message_with(name, None)
    }

    /// [`chat_message`](Self::chat_message) with an avatar: an emoji, or a
    /// Material icon named `:material/name:`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.chat_message_with("assistant", Some("🤖")).write("Hello! Ask me anything.");
    /// # }
    /// ```
    pub fn chat_message_with(&self, name: &str, avatar: Option<&str>) -> Ui {
        self.open_one(Block::ChatMessage(host::ChatMessageBlock {
            name: name.to_owned(),
            avatar: avatar.map(str::to_owned),
        }))
    }

    /// A placeholder holding one element, like `st.empty()`: each element
    /// drawn through the returned `Ui` replaces the previous one.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let status = st.empty();
    /// status.info("Working…");
    /// // ... the work ...
    /// status.success("Done.");
    /// # }
    /// ```
    pub fn empty(&self) -> Ui {
        self.open_one(Block::Empty)
    }
}
