//! Widgets: each call draws the widget and returns its current value.

use crate::bindings::wasmlit::page::widgets::{
    self as host, FloatSlider, IntSlider, NumberInput, Selectbox, TextInput, Widget, WidgetOptions,
    WidgetValue,
};
use crate::error::expect_ok;

use crate::Ui;
pub use host::LabelVisibility;

/// How much a button stands out (Streamlit's `type=`); see
/// [`Ui::button_type`].
pub use host::Emphasis as ButtonType;
use std::fmt::Display;
use std::ops::RangeInclusive;

impl Ui {
    pub(crate) fn show(&self, label: &str, widget: Widget) -> WidgetValue {
        let options = WidgetOptions {
            label: label.to_owned(),
            key: self.key.clone(),
            help: self.help.clone(),
            disabled: self.disabled,
            label_visibility: self.label_visibility,
            emphasis: self.emphasis,
            icon: self.icon.clone(),
            stretch: self.stretch,
            on_change: self.on_change.as_ref().map(|(id, args)| host::Callback {
                id: *id,
                args: args.clone(),
            }),
        };
        expect_ok(host::show(self.container, &options, &widget))
    }

    /// A button, like `st.button`: true only in the run its click caused.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Say hello") {
    ///     st.write("Hello!");
    /// }
    /// # }
    /// ```
    pub fn button(&self, label: &str) -> bool {
        match self.show(label, Widget::Button) {
            WidgetValue::Boolean(clicked) => clicked,
            other => mismatch("button", &other),
        }
    }

    /// A checkbox, like `st.checkbox`, starting at `default`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.checkbox("Show raw data", false) {
    ///     st.write(&vec![1, 2, 3]);
    /// }
    /// # }
    /// ```
    pub fn checkbox(&self, label: &str, default: bool) -> bool {
        match self.show(label, Widget::Checkbox(default)) {
            WidgetValue::Boolean(checked) => checked,
            other => mismatch("checkbox", &other),
        }
    }

    /// An integer slider over `range` in steps of 1, starting at `default`,
    /// like `st.slider` with integers.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let n = st.slider("n", 0..=100, 10);
    /// st.write(format!("square: {}", n * n));
    /// # }
    /// ```
    pub fn slider(&self, label: &str, range: RangeInclusive<i64>, default: i64) -> i64 {
        self.slider_step(label, range, default, 1)
    }

    /// An integer slider that moves in steps of `step`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let year = st.slider_step("Year", 1990..=2030, 2020, 5);
    /// # }
    /// ```
    pub fn slider_step(
        &self,
        label: &str,
        range: RangeInclusive<i64>,
        default: i64,
        step: i64,
    ) -> i64 {
        let widget = Widget::IntSlider(IntSlider {
            min: *range.start(),
            max: *range.end(),
            step,
            default,
        });
        match self.show(label, widget) {
            WidgetValue::Integer(value) => value,
            other => mismatch("slider", &other),
        }
    }

    /// A slider over floating-point numbers, like `st.slider` with floats.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let alpha = st.slider_f64("Alpha", 0.0..=1.0, 0.5, 0.05);
    /// # }
    /// ```
    pub fn slider_f64(
        &self,
        label: &str,
        range: RangeInclusive<f64>,
        default: f64,
        step: f64,
    ) -> f64 {
        let widget = Widget::FloatSlider(FloatSlider {
            min: *range.start(),
            max: *range.end(),
            step,
            default,
        });
        match self.show(label, widget) {
            WidgetValue::Float(value) => value,
            other => mismatch("slider_f64", &other),
        }
    }

    /// An integer slider with two handles, like `st.slider` given two
    /// values: returns the range between them, `(low, high)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let (from, to) = st.slider_range("Years", 1990..=2030, (2000, 2020), 1);
    /// # }
    /// ```
    pub fn slider_range(
        &self,
        label: &str,
        range: RangeInclusive<i64>,
        default: (i64, i64),
        step: i64,
    ) -> (i64, i64) {
        let widget = Widget::IntRangeSlider(host::IntRangeSlider {
            min: *range.start(),
            max: *range.end(),
            step,
            low: default.0,
            high: default.1,
        });
        match self.show(label, widget) {
            WidgetValue::IntegerRange(value) => value,
            other => mismatch("slider_range", &other),
        }
    }

    /// A floating-point slider with two handles: `(low, high)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let (low, high) = st.slider_range_f64("Band", 0.0..=1.0, (0.25, 0.75), 0.05);
    /// # }
    /// ```
    pub fn slider_range_f64(
        &self,
        label: &str,
        range: RangeInclusive<f64>,
        default: (f64, f64),
        step: f64,
    ) -> (f64, f64) {
        let widget = Widget::FloatRangeSlider(host::FloatRangeSlider {
            min: *range.start(),
            max: *range.end(),
            step,
            low: default.0,
            high: default.1,
        });
        match self.show(label, widget) {
            WidgetValue::FloatRange(value) => value,
            other => mismatch("slider_range_f64", &other),
        }
    }

    /// A one-line text box, like `st.text_input`, starting as `default`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let name = st.text_input("Your name", "");
    /// # }
    /// ```
    pub fn text_input(&self, label: &str, default: &str) -> String {
        self.text_input_with(label, default, None, None)
    }

    /// A text box with a maximum length and a placeholder shown while empty.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let code = st.text_input_with("Code", "", Some(6), Some("6 letters"));
    /// # }
    /// ```
    pub fn text_input_with(
        &self,
        label: &str,
        default: &str,
        max_chars: Option<u32>,
        placeholder: Option<&str>,
    ) -> String {
        self.text_input_full(
            label,
            default,
            &TextInputOptions {
                max_chars,
                placeholder: placeholder.map(str::to_owned),
                ..TextInputOptions::default()
            },
        )
    }

    /// A password box, like `st.text_input(type="password")`: the
    /// characters typed are hidden. Use [`text_input_full`](Self::text_input_full)
    /// for a length limit or an `autocomplete` hint.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let secret = st.password_input("API key");
    /// # }
    /// ```
    pub fn password_input(&self, label: &str) -> String {
        self.text_input_full(
            label,
            "",
            &TextInputOptions {
                password: true,
                autocomplete: Some("off".into()),
                ..TextInputOptions::default()
            },
        )
    }

    /// A text box with every option: [`TextInputOptions`].
    ///
    /// ```no_run
    /// # use wasmlit::TextInputOptions;
    /// # fn page(st: &wasmlit::Ui) {
    /// let email = st.text_input_full(
    ///     "Email",
    ///     "",
    ///     &TextInputOptions { autocomplete: Some("email".into()), placeholder: Some("you@example.com".into()), ..TextInputOptions::default() },
    /// );
    /// # }
    /// ```
    pub fn text_input_full(
        &self,
        label: &str,
        default: &str,
        options: &TextInputOptions,
    ) -> String {
        let widget = Widget::TextInput(TextInput {
            default: default.to_owned(),
            max_chars: options.max_chars,
            placeholder: options.placeholder.clone(),
            password: options.password,
            autocomplete: options.autocomplete.clone(),
        });
        match self.show(label, widget) {
            WidgetValue::Text(value) => value,
            other => mismatch("text_input", &other),
        }
    }

    /// A number box, like `st.number_input`, starting at `default`, with
    /// optional bounds and a step for its +/- buttons.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let price = st.number_input("Price", 9.99, Some(0.0), None, 0.01);
    /// # }
    /// ```
    pub fn number_input(
        &self,
        label: &str,
        default: f64,
        min: Option<f64>,
        max: Option<f64>,
        step: f64,
    ) -> f64 {
        let widget = Widget::NumberInput(NumberInput {
            min,
            max,
            step,
            default,
            integer: false,
        });
        match self.show(label, widget) {
            WidgetValue::Float(value) => value,
            other => mismatch("number_input", &other),
        }
    }

    /// A number box for whole numbers, like `st.number_input` given
    /// integers: returns an `i64`; only whole numbers are accepted.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let guests = st.number_input_int("Guests", 2, Some(1), Some(12), 1);
    /// # }
    /// ```
    pub fn number_input_int(
        &self,
        label: &str,
        default: i64,
        min: Option<i64>,
        max: Option<i64>,
        step: i64,
    ) -> i64 {
        let widget = Widget::NumberInput(NumberInput {
            min: min.map(|m| m as f64),
            max: max.map(|m| m as f64),
            step: step as f64,
            default: default as f64,
            integer: true,
        });
        match self.show(label, widget) {
            WidgetValue::Integer(value) => value,
            other => mismatch("number_input", &other),
        }
    }

    /// A drop-down list, like `st.selectbox`: returns the chosen option, or
    /// `None` when `options` is empty. `default` is the index chosen at first.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let city = st.selectbox("City", &["Oslo", "Lima", "Pune"], 0);
    /// if let Some(city) = city {
    ///     st.write(format!("Weather in {city}"));
    /// }
    /// # }
    /// ```
    pub fn selectbox<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: usize,
    ) -> Option<&'o T> {
        let default = (!options.is_empty()).then_some(default);
        self.selectbox_with(label, options, default, None)
    }

    /// A drop-down choice that may start with nothing chosen, like
    /// `st.selectbox(…, index=None, placeholder=…)`: `None` until the user
    /// picks one; `placeholder` is shown meanwhile.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let city = st.selectbox_with("City", &["Oslo", "Lima"], None, Some("Pick a city"));
    /// # }
    /// ```
    pub fn selectbox_with<'o, T: Display>(
        &self,
        label: &str,
        options: &'o [T],
        default: Option<usize>,
        placeholder: Option<&str>,
    ) -> Option<&'o T> {
        let widget = Widget::Selectbox(Selectbox {
            options: options.iter().map(ToString::to_string).collect(),
            default: default.and_then(|d| u32::try_from(d).ok()),
            placeholder: placeholder.map(str::to_owned),
        });
        match self.show(label, widget) {
            WidgetValue::Index(index) => index.and_then(|i| options.get(i as usize)),
            other => mismatch("selectbox", &other),
        }
    }
}

/// The host broke the contract (a value of the wrong kind); end the run loudly.
pub(crate) fn mismatch(widget: &str, value: &WidgetValue) -> ! {
    panic!("the host returned a value of the wrong kind for {widget}: {value:?}")
}

/// The options of a one-line text box ([`Ui::text_input_full`]).
#[derive(Debug, Clone, Default)]
pub struct TextInputOptions {
    /// Most characters the text may have (`max_chars`).
    pub max_chars: Option<u32>,
    /// Shown while the box is empty.
    pub placeholder: Option<String>,
    /// Hide the characters typed (`type="password"`).
    pub password: bool,
    /// The browser's `autocomplete` hint (`"off"`, `"email"`, `"username"`,
    /// `"current-password"`, …).
    pub autocomplete: Option<String>,
}
