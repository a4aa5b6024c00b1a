//! More widgets: toggles and choices (radio, select slider, multiselect),
//! and text, colour, date and time inputs.

use crate::bindings::wasmlit::page::widgets::{
    ButtonOptions, DateInput, Multiselect, Radio, SelectSlider, TextArea, TimeInput, Widget,
    WidgetValue,
};
use crate::widgets::mismatch;
use crate::UploadedFile;

/// How many files a chat message may carry ([`Ui::chat_input_files`]):
/// `One` or `Multiple` (`None` takes text only).
pub use crate::bindings::wasmlit::page::widgets::AcceptFile;

/// A chat message the user sent with [`Ui::chat_input_files`].
#[derive(Debug, Clone)]
pub struct ChatMessage {
    /// The text (may be empty when only files were sent).
    pub text: String,
    /// The files sent with it.
    pub files: Vec<UploadedFile>,
}

pub use crate::bindings::wasmlit::page::widgets::FeedbackKind;
use crate::Ui;
use std::fmt::Display;

fn labels<T: Display>(options: &[T]) -> Vec<String> {
    options.iter().map(ToString::to_string).collect()
}

fn index_of(options: usize, default: usize) -> Option<u32> {
    (default < options)
        .then(|| u32::try_from(default).ok())
        .flatten()
}

/// A multiselect's record: the options' labels, the defaults that are
/// indices into them, and the rest as given.
fn multiselect<T: Display>(
    options: &[T],
    default: &[usize],
    max_selections: Option<u32>,
    placeholder: Option<&str>,
    accept_new_options: bool,
) -> Widget {
    Widget::Multiselect(Multiselect {
        options: labels(options),
        default: default
            .iter()
            .filter_map(|d| index_of(options.len(), *d))
            .collect(),
        max_selections,
        placeholder: placeholder.map(str::to_owned),
        accept_new_options,
    })
}

fn single_choice<T: Display>(options: &[T], default: Option<usize>) -> ButtonOptions {
    ButtonOptions {
        options: labels(options),
        multi: false,
        default: default
            .and_then(|d| index_of(options.len(), d))
            .into_iter()
            .collect(),
    }
}

fn multi_choice<T: Display>(options: &[T], default: &[usize]) -> ButtonOptions {
    ButtonOptions {
        options: labels(options),
        multi: true,
        default: default
            .iter()
            .filter_map(|d| index_of(options.len(), *d))
            .collect(),
    }
}

fn one_chosen<'o, T>(value: WidgetValue, options: &'o [T], kind: &str) -> Option<&'o T> {
    match value {
        WidgetValue::Index(index) => index.and_then(|i| options.get(i as usize)),
        other => mismatch(kind, &other),
    }
}

fn all_chosen<'o, T>(value: WidgetValue, options: &'o [T], kind: &str) -> Vec<&'o T> {
    match value {
        WidgetValue::Indices(chosen) => chosen
            .iter()
            .filter_map(|i| options.get(*i as usize))
            .collect(),
        other => mismatch(kind, &other),
    }
}

impl Ui {
    /// An on/off switch, like `st.toggle`, starting at `default`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let live = st.toggle("Live updates", true);
    /// # }
    /// ```
    pub fn toggle(&self, label: &str, default: bool) -> bool {
        match self.show(label, Widget::Toggle(default)) {
            WidgetValue::Boolean(on) => on,
            other => mismatch("toggle", &other),
        }
    }

    /// The button that submits the form it is drawn in, like
    /// `st.form_submit_button`: true in the run its press caused. Ends the
    /// run with an error when drawn outside a [`form`](Ui::form).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let form = st.form(false);
    /// let city = form.text_input("City", "");
    /// if form.form_submit_button("Search") {
    ///     st.write(format!("Searching {city}…"));
    /// }
    /// # }
    /// ```
    pub fn form_submit_button(&self, label: &str) -> bool {
        match self.show(label, Widget::SubmitButton) {
            WidgetValue::Boolean(pressed) => pressed,
            other => mismatch("form_submit_button", &other),
        }
    }

    /// A button that saves `data` as a file, like `st.download_button`:
    /// true in the run its click caused.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let csv = "region,orders\nnorth,120\n";
    /// st.download_button("Download CSV", "orders.csv", "text/csv", csv.as_bytes());
    /// # }
    /// ```
    pub fn download_button(&self, label: &str, file_name: &str, mime: &str, data: &[u8]) -> bool {
        self.download(label, file_name, mime, Some(data.to_vec()), true)
    }

    /// A download button whose click does not rerun the page, like
    /// `st.download_button(…, on_click="ignore")`: the file is saved and
    /// nothing else happens.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.download_button_no_rerun("Save log", "log.txt", "text/plain", b"ok\n");
    /// # }
    /// ```
    pub fn download_button_no_rerun(&self, label: &str, file_name: &str, mime: &str, data: &[u8]) {
        self.download(label, file_name, mime, Some(data.to_vec()), false);
    }

    /// A download button whose file is made only once it is clicked, like
    /// `st.download_button` given a callable: `make` runs in the run the
    /// click caused, and the browser then saves what it returns. Nothing is
    /// sent with other runs. True in the run its click caused.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.download_button_lazy("Export", "report.csv", "text/csv", || {
    ///     "region,orders\nnorth,120\n".as_bytes().to_vec()
    /// });
    /// # }
    /// ```
    pub fn download_button_lazy(
        &self,
        label: &str,
        file_name: &str,
        mime: &str,
        make: impl FnOnce() -> Vec<u8>,
    ) -> bool {
        let clicked = self.download(label, file_name, mime, None, true);
        if clicked {
            crate::error::expect_ok(crate::bindings::wasmlit::page::widgets::offer_download(
                file_name,
                mime,
                &make(),
            ));
        }
        clicked
    }

    fn download(
        &self,
        label: &str,
        file_name: &str,
        mime: &str,
        data: Option<Vec<u8>>,
        rerun: bool,
    ) -> bool {
        let widget = Widget::DownloadButton(crate::bindings::wasmlit::page::widgets::Download {
            file_name: file_name.to_owned(),
            mime: mime.to_owned(),
            data,
            rerun,
        });
        match self.show(label, widget) {
            WidgetValue::Boolean(clicked) => clicked,
            other => mismatch("download_button", &other),
        }
    }

    /// Thumbs, stars or faces, like `st.feedback`: the index chosen (0 is
    /// thumbs down, one star, or the saddest face), or `None` before the
    /// user chooses.
    ///
    /// ```no_run
    /// # use wasmlit::FeedbackKind;
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(stars) = st.feedback("Rate this answer", FeedbackKind::Stars) {
    ///     st.write(format!("{} stars, thank you", stars + 1));
    /// }
    /// # }
    /// ```
    pub fn feedback(&self, label: &str, kind: FeedbackKind) -> Option<u32> {
        match self.show(label, Widget::Feedback(kind)) {
            WidgetValue::Index(choice) => choice,
            other => mismatch("feedback", &other),
        }
    }

    /// A chat message box, like `st.chat_input`: the text the user sent,
    /// in the run its sending caused; `None` in every other run.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(prompt) = st.chat_input("Ask something") {
    ///     st.chat_message("user").write(&prompt);
    ///     st.chat_message("assistant").write(format!("You asked: {prompt}"));
    /// }
    /// # }
    /// ```
    pub fn chat_input(&self, placeholder: &str) -> Option<String> {
        self.chat_input_with(placeholder, None)
    }

    /// [`chat_input`](Self::chat_input) taking at most `max_chars`
    /// characters, like `st.chat_input(…, max_chars=…)`; longer messages
    /// are refused.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let prompt = st.chat_input_with("Ask briefly", Some(280));
    /// # }
    /// ```
    pub fn chat_input_with(&self, placeholder: &str, max_chars: Option<u32>) -> Option<String> {
        let widget = Widget::ChatInput(crate::bindings::wasmlit::page::widgets::ChatInput {
            placeholder: (!placeholder.is_empty()).then(|| placeholder.to_owned()),
            max_chars,
            accept_file: AcceptFile::None,
            file_types: Vec::new(),
        });
        match self.show(placeholder, widget) {
            WidgetValue::Text(text) => (!text.is_empty()).then_some(text),
            other => mismatch("chat_input", &other),
        }
    }

    /// A chat input that takes files with a message, like
    /// `st.chat_input(accept_file=True)` (or `"multiple"` with
    /// [`AcceptFile::Multiple`]): the message, with its text (which may be
    /// empty) and files, in the run its sending caused. `types` lists
    /// accepted extensions or MIME types, as for
    /// [`file_uploader`](Ui::file_uploader); empty accepts any.
    ///
    /// ```no_run
    /// use wasmlit::AcceptFile;
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(message) = st.chat_input_files("Ask about a file", None, AcceptFile::One, &["csv"]) {
    ///     for file in &message.files {
    ///         st.write(format!("{}: {} bytes", file.name, file.size));
    ///     }
    /// }
    /// # }
    /// ```
    pub fn chat_input_files(
        &self,
        placeholder: &str,
        max_chars: Option<u32>,
        accept: AcceptFile,
        types: &[&str],
    ) -> Option<ChatMessage> {
        let widget = Widget::ChatInput(crate::bindings::wasmlit::page::widgets::ChatInput {
            placeholder: (!placeholder.is_empty()).then(|| placeholder.to_owned()),
            max_chars,
            accept_file: accept,
            file_types: types.iter().map(|t| (*t).to_owned()).collect(),
        });
        match self.show(placeholder, widget) {
            WidgetValue::Chat(message) => (!message.text.is_empty() || !message.files.is_empty())
                .then(|| ChatMessage {
                    text: message.text,
                    files: message.files.into_iter().map(UploadedFile::from).collect(),
                }),
            // Text only: the host was asked for no files.
            WidgetValue::Text(text) => (!text.is_empty()).then_some(ChatMessage {
                text,
                files: Vec::new(),
            }),
            other => mismatch("chat_input_files", &other),
        }
    }

    /// Radio buttons, like `st.radio`: returns the chosen option (`None`
    /// only if `options` is empty). `default` is the index chosen at first.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let unit = st.radio("Unit", &["°C", "°F"], 0);
    /// # }
    /// ```
    pub fn radio<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: usize,
    ) -> Option<&'o T> {
        self.radio_with(label, options, default, false)
    }

    /// [`radio`](Self::radio) with the options in a row when `horizontal`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let size = st.radio_with("Size", &["S", "M", "L"], 1, true);
    /// # }
    /// ```
    pub fn radio_with<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: usize,
        horizontal: bool,
    ) -> Option<&'o T> {
        self.radio_full(label, options, Some(default), horizontal, &[])
    }

    /// Radio buttons with every option, like `st.radio(…, index=None,
    /// horizontal=…, captions=[…])`: `default` may be `None` (nothing chosen
    /// until the user picks), and `captions` puts a line of smaller text
    /// under each option, in order.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let plan = st.radio_full(
    ///     "Plan",
    ///     &["Free", "Pro"],
    ///     None,
    ///     false,
    ///     &["For trying it out", "For teams"],
    /// );
    /// # }
    /// ```
    pub fn radio_full<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: Option<usize>,
        horizontal: bool,
        captions: &[&str],
    ) -> Option<&'o T> {
        let widget = Widget::Radio(Radio {
            options: labels(options),
            default: default.and_then(|d| index_of(options.len(), d)),
            horizontal,
            captions: captions.iter().map(|c| (*c).to_owned()).collect(),
        });
        match self.show(label, widget) {
            WidgetValue::Index(index) => index.and_then(|i| options.get(i as usize)),
            other => mismatch("radio", &other),
        }
    }

    /// A slider over `options`, like `st.select_slider`; returns the chosen
    /// one. Ends the run with an error if `options` is empty.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let size = st.select_slider("Size", &["S", "M", "L", "XL"], 1);
    /// # }
    /// ```
    pub fn select_slider<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: usize,
    ) -> &'o T {
        let widget = Widget::SelectSlider(SelectSlider {
            options: labels(options),
            default: index_of(options.len(), default).unwrap_or(0),
            high: None,
        });
        match self.show(label, widget) {
            WidgetValue::Index(Some(i)) if (i as usize) < options.len() => &options[i as usize],
            other => mismatch("select_slider", &other),
        }
    }

    /// A slider over `options` with two handles, like `st.select_slider`
    /// given two values: the options at the low and high handles. `default`
    /// holds their indices. Ends the run with an error if `options` is
    /// empty.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let (from, to) = st.select_slider_range("Sizes", &["S", "M", "L", "XL"], (1, 2));
    /// # }
    /// ```
    pub fn select_slider_range<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: (usize, usize),
    ) -> (&'o T, &'o T) {
        let widget = Widget::SelectSlider(SelectSlider {
            options: labels(options),
            default: index_of(options.len(), default.0).unwrap_or(0),
            high: Some(index_of(options.len(), default.1).unwrap_or(u32::MAX)),
        });
        match self.show(label, widget) {
            WidgetValue::Indices(ends) => match (
                ends.first().and_then(|i| options.get(*i as usize)),
                ends.get(1).and_then(|i| options.get(*i as usize)),
            ) {
                (Some(low), Some(high)) => (low, high),
                _ => mismatch("select_slider_range", &WidgetValue::Indices(ends)),
            },
            other => mismatch("select_slider_range", &other),
        }
    }

    /// Several choices, like `st.multiselect`: returns the chosen options
    /// in the order the user chose them. `default` holds indices.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let regions = st.multiselect("Regions", &["north", "south", "east"], &[0]);
    /// # }
    /// ```
    pub fn multiselect<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: &[usize],
    ) -> Vec<&'o T> {
        self.multiselect_with(label, options, default, None)
    }

    /// [`multiselect`](Self::multiselect) allowing at most `max_selections`
    /// options, like `st.multiselect(…, max_selections=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let two = st.multiselect_with("Pick two", &["a", "b", "c"], &[], Some(2));
    /// # }
    /// ```
    pub fn multiselect_with<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: &[usize],
        max_selections: Option<u32>,
    ) -> Vec<&'o T> {
        self.multiselect_full(label, options, default, max_selections, None)
    }

    /// [`multiselect_with`](Self::multiselect_with) with a `placeholder`
    /// shown while nothing is chosen.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let picked = st.multiselect_full("Fruit", &["apple", "pear"], &[], None, Some("Pick fruit"));
    /// # }
    /// ```
    pub fn multiselect_full<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: &[usize],
        max_selections: Option<u32>,
        placeholder: Option<&str>,
    ) -> Vec<&'o T> {
        let widget = multiselect(options, default, max_selections, placeholder, false);
        match self.show(label, widget) {
            WidgetValue::Indices(chosen) => chosen
                .iter()
                .filter_map(|i| options.get(*i as usize))
                .collect(),
            other => mismatch("multiselect", &other),
        }
    }

    /// A multiselect the user may also type new options into, like
    /// `st.multiselect(…, accept_new_options=True)`: returns the chosen
    /// options' texts, in the order chosen.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tags = st.multiselect_accept_new("Tags", &["bug", "idea"], &[], None, Some("Type tags"));
    /// # }
    /// ```
    pub fn multiselect_accept_new<T: Display>(
        &self,
        label: &str,
        options: &[T],
        default: &[usize],
        max_selections: Option<u32>,
        placeholder: Option<&str>,
    ) -> Vec<String> {
        let widget = multiselect(options, default, max_selections, placeholder, true);
        match self.show(label, widget) {
            WidgetValue::Texts(texts) => texts,
            other => mismatch("multiselect_accept_new", &other),
        }
    }

    /// Options as rounded buttons, like `st.pills(…, selection_mode="single")`:
    /// the chosen one, or none (pressing the chosen one again takes it back).
    /// `default` is an index into `options`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let mood = st.pills("Mood", &["😀", "😐", "😞"], None);
    /// # }
    /// ```
    pub fn pills<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: Option<usize>,
    ) -> Option<&'o T> {
        let widget = Widget::Pills(single_choice(options, default));
        one_chosen(self.show(label, widget), options, "pills")
    }

    /// Options as rounded buttons, several chosen, like
    /// `st.pills(…, selection_mode="multi")`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tags = st.pills_multi("Tags", &["red", "green", "blue"], &[0]);
    /// # }
    /// ```
    pub fn pills_multi<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: &[usize],
    ) -> Vec<&'o T> {
        let widget = Widget::Pills(multi_choice(options, default));
        all_chosen(self.show(label, widget), options, "pills")
    }

    /// Options as one row of joined buttons, like `st.segmented_control`:
    /// the chosen one, or none.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let period = st.segmented_control("Period", &["Day", "Week", "Month"], Some(1));
    /// # }
    /// ```
    pub fn segmented_control<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: Option<usize>,
    ) -> Option<&'o T> {
        let widget = Widget::SegmentedControl(single_choice(options, default));
        one_chosen(self.show(label, widget), options, "segmented_control")
    }

    /// A segmented control with several options chosen, like
    /// `st.segmented_control(…, selection_mode="multi")`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let days = st.segmented_control_multi("Days", &["Mo", "Tu", "We", "Th", "Fr"], &[0, 2]);
    /// # }
    /// ```
    pub fn segmented_control_multi<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: &[usize],
    ) -> Vec<&'o T> {
        let widget = Widget::SegmentedControl(multi_choice(options, default));
        all_chosen(self.show(label, widget), options, "segmented_control")
    }

    /// A multi-line text box, like `st.text_area`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let notes = st.text_area("Notes", "");
    /// # }
    /// ```
    pub fn text_area(&self, label: &str, default: &str) -> String {
        self.text_area_with(label, default, None, None, None)
    }

    /// [`text_area`](Self::text_area) with Streamlit's `max_chars`,
    /// `placeholder` and `height` (in pixels).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let bio = st.text_area_with("Bio", "", Some(500), Some("A few lines about you"), Some(160));
    /// # }
    /// ```
    pub fn text_area_with(
        &self,
        label: &str,
        default: &str,
        max_chars: Option<u32>,
        placeholder: Option<&str>,
        height: Option<u32>,
    ) -> String {
        let widget = Widget::TextArea(TextArea {
            default: default.to_owned(),
            max_chars,
            placeholder: placeholder.map(str::to_owned),
            height,
        });
        match self.show(label, widget) {
            WidgetValue::Text(text) => text,
            other => mismatch("text_area", &other),
        }
    }

    /// A colour picker, like `st.color_picker`: returns `#rrggbb`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let colour = st.color_picker("Line colour", "#e0484f");
    /// # }
    /// ```
    pub fn color_picker(&self, label: &str, default: &str) -> String {
        match self.show(label, Widget::ColorPicker(default.to_owned())) {
            WidgetValue::Text(colour) => colour,
            other => mismatch("color_picker", &other),
        }
    }

    /// A date, like `st.date_input`, as `YYYY-MM-DD` (`default` too).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let day = st.date_input("Day", "2026-11-25");
    /// # }
    /// ```
    pub fn date_input(&self, label: &str, default: &str) -> String {
        self.date_input_between(label, default, None, None)
    }

    /// [`date_input`](Self::date_input) limited to `min..=max`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let day = st.date_input_between("Day", "2026-12-01", Some("2026-01-01"), Some("2026-12-31"));
    /// # }
    /// ```
    pub fn date_input_between(
        &self,
        label: &str,
        default: &str,
        min: Option<&str>,
        max: Option<&str>,
    ) -> String {
        match self.date_input_optional(label, Some(default), min, max) {
            Some(date) => date,
            None => panic!("the host left date_input `{label}` empty though it has a default"),
        }
    }

    /// A date that may be left empty, like `st.date_input(value=None)`:
    /// `None` until the user picks one (and again if they clear it).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let due = st.date_input_optional("Due", None, Some("2026-01-01"), None);
    /// # }
    /// ```
    pub fn date_input_optional(
        &self,
        label: &str,
        default: Option<&str>,
        min: Option<&str>,
        max: Option<&str>,
    ) -> Option<String> {
        let widget = Widget::DateInput(DateInput {
            default: default.map(str::to_owned),
            end: None,
            range: false,
            min: min.map(str::to_owned),
            max: max.map(str::to_owned),
        });
        match self.show(label, widget) {
            WidgetValue::Text(date) => Some(date),
            WidgetValue::Empty => None,
            other => mismatch("date_input", &other),
        }
    }

    /// A range of dates, like `st.date_input` given two dates: the first
    /// and the last (`YYYY-MM-DD`), or `None` when `default` is `None`
    /// and the user has not picked both.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some((from, to)) = st.date_input_range("Stay", Some(("2026-12-20", "2026-12-27")), None, None) {
    ///     st.write(format!("{from} to {to}"));
    /// }
    /// # }
    /// ```
    pub fn date_input_range(
        &self,
        label: &str,
        default: Option<(&str, &str)>,
        min: Option<&str>,
        max: Option<&str>,
    ) -> Option<(String, String)> {
        let widget = Widget::DateInput(DateInput {
            default: default.map(|d| d.0.to_owned()),
            end: default.map(|d| d.1.to_owned()),
            range: true,
            min: min.map(str::to_owned),
            max: max.map(str::to_owned),
        });
        match self.show(label, widget) {
            WidgetValue::TextRange(range) => Some(range),
            WidgetValue::Empty => None,
            other => mismatch("date_input_range", &other),
        }
    }

    /// A time of day, like `st.time_input`, as `HH:MM` (`default` too).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let at = st.time_input("Meeting", "09:30");
    /// # }
    /// ```
    pub fn time_input(&self, label: &str, default: &str) -> String {
        self.time_input_of(label, default, None)
    }

    /// [`time_input`](Self::time_input) whose choices are `step_minutes`
    /// apart, like `st.time_input(…, step=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let slot = st.time_input_step("Slot", "09:00", 30);
    /// # }
    /// ```
    pub fn time_input_step(&self, label: &str, default: &str, step_minutes: u32) -> String {
        self.time_input_of(label, default, Some(step_minutes))
    }

    fn time_input_of(&self, label: &str, default: &str, step_minutes: Option<u32>) -> String {
        let widget = Widget::TimeInput(TimeInput {
            default: default.to_owned(),
            step_minutes,
        });
        match self.show(label, widget) {
            WidgetValue::Text(time) => time,
            other => mismatch("time_input", &other),
        }
    }
}
