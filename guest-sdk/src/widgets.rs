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
            format: self.format.clone(),
            shortcut: self.shortcut.clone(),
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
            unit: host::SliderUnit::Number,
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
            unit: host::SliderUnit::Number,
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
        let options = NumberInputOptions::new(Some(default)).step(step);
        let options = NumberInputOptions {
            min,
            max,
            ..options
        };
        match self.number_input_full(label, &options) {
            Some(value) => value,
            None => panic!("the host left number_input `{label}` empty though it has a default"),
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
        let options = NumberInputOptions::new(Some(default)).step(step);
        let options = NumberInputOptions {
            min,
            max,
            ..options
        };
        match self.number_input_full(label, &options) {
            Some(value) => value,
            None => panic!("the host left number_input `{label}` empty though it has a default"),
        }
    }

    /// A number box with every option ([`NumberInputOptions`]), like
    /// `st.number_input(value=None, placeholder=…)`: `f64` or whole numbers
    /// (`i64`). With no default it starts empty and returns `None` until
    /// the user types a number (and again if they empty it).
    ///
    /// ```no_run
    /// # use wasmlit::NumberInputOptions;
    /// # fn page(st: &wasmlit::Ui) {
    /// let age: Option<i64> = st.number_input_full(
    ///     "Age",
    ///     &NumberInputOptions::new(None).min(0).max(130).placeholder("Your age"),
    /// );
    /// # }
    /// ```
    pub fn number_input_full<N: NumberValue>(
        &self,
        label: &str,
        options: &NumberInputOptions<N>,
    ) -> Option<N> {
        let widget = Widget::NumberInput(NumberInput {
            min: options.min.map(NumberValue::to_f64),
            max: options.max.map(NumberValue::to_f64),
            step: options.step.to_f64(),
            default: options.default.map(NumberValue::to_f64),
            integer: N::WHOLE,
            placeholder: options.placeholder.clone(),
        });
        let value = self.show(label, widget);
        match N::from_value(&value) {
            Some(number) => number,
            None => mismatch("number_input", &value),
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
        let widget = selectbox(options, default, placeholder, false);
        match self.show(label, widget) {
            WidgetValue::Index(index) => index.and_then(|i| options.get(i as usize)),
            other => mismatch("selectbox", &other),
        }
    }

    /// A drop-down choice the user may also type a new option into, like
    /// `st.selectbox(…, accept_new_options=True)`: returns the chosen or
    /// typed option's text, or `None` while there is none.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let tag = st.selectbox_accept_new("Tag", &["bug", "idea"], None, Some("Pick or type a tag"));
    /// # }
    /// ```
    pub fn selectbox_accept_new<T: Display>(
        &self,
        label: &str,
        options: &[T],
        default: Option<usize>,
        placeholder: Option<&str>,
    ) -> Option<String> {
        let widget = selectbox(options, default, placeholder, true);
        match self.show(label, widget) {
            WidgetValue::Text(text) => Some(text),
            WidgetValue::Empty => None,
            other => mismatch("selectbox", &other),
        }
    }
}

/// A selectbox's record: the options' labels and the rest as given.
fn selectbox<T: Display>(
    options: &[T],
    default: Option<usize>,
    placeholder: Option<&str>,
    accept_new_options: bool,
) -> Widget {
    Widget::Selectbox(Selectbox {
        options: options.iter().map(ToString::to_string).collect(),
        default: default.and_then(|d| u32::try_from(d).ok()),
        placeholder: placeholder.map(str::to_owned),
        accept_new_options,
    })
}

/// The host broke the contract (a value of the wrong kind); end the run loudly.
pub(crate) fn mismatch(widget: &str, value: &WidgetValue) -> ! {
    panic!("the host returned a value of the wrong kind for {widget}: {value:?}")
}

/// A number a [`Ui::number_input_full`] box holds: `f64`, or `i64` for
/// whole numbers only. Not for other types.
pub trait NumberValue: Copy + sealed::Sealed {
    /// Whole numbers only.
    #[doc(hidden)]
    const WHOLE: bool;
    /// The step when none is given.
    #[doc(hidden)]
    const ONE: Self;
    /// As the contract carries it.
    #[doc(hidden)]
    fn to_f64(self) -> f64;
    /// From the host's value: `Some(None)` when empty.
    #[doc(hidden)]
    fn from_value(value: &WidgetValue) -> Option<Option<Self>>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for i64 {}
}

impl NumberValue for f64 {
    const WHOLE: bool = false;
    const ONE: f64 = 1.0;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_value(value: &WidgetValue) -> Option<Option<f64>> {
        match value {
            WidgetValue::Float(v) => Some(Some(*v)),
            WidgetValue::Empty => Some(None),
            _ => None,
        }
    }
}

impl NumberValue for i64 {
    const WHOLE: bool = true;
    const ONE: i64 = 1;
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_value(value: &WidgetValue) -> Option<Option<i64>> {
        match value {
            WidgetValue::Integer(v) => Some(Some(*v)),
            WidgetValue::Empty => Some(None),
            _ => None,
        }
    }
}

/// The options of a number box ([`Ui::number_input_full`]).
#[derive(Debug, Clone)]
pub struct NumberInputOptions<N> {
    /// The value at first; `None` starts empty (`value=None`).
    pub default: Option<N>,
    /// Smallest value, if any.
    pub min: Option<N>,
    /// Largest value, if any.
    pub max: Option<N>,
    /// What the +/- buttons add or take away; positive.
    pub step: N,
    /// Shown while the box is empty.
    pub placeholder: Option<String>,
}

impl<N: NumberValue> NumberInputOptions<N> {
    /// A box starting at `default` (or empty), unbounded, in steps of 1.
    pub fn new(default: Option<N>) -> Self {
        NumberInputOptions {
            default,
            min: None,
            max: None,
            step: N::ONE,
            placeholder: None,
        }
    }

    /// The smallest value.
    pub fn min(self, min: N) -> Self {
        NumberInputOptions {
            min: Some(min),
            ..self
        }
    }

    /// The largest value.
    pub fn max(self, max: N) -> Self {
        NumberInputOptions {
            max: Some(max),
            ..self
        }
    }

    /// What the +/- buttons add or take away.
    pub fn step(self, step: N) -> Self {
        NumberInputOptions { step, ..self }
    }

    /// Shown while the box is empty.
    pub fn placeholder(self, placeholder: impl Into<String>) -> Self {
        NumberInputOptions {
            placeholder: Some(placeholder.into()),
            ..self
        }
    }
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
