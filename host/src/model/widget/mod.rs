//! Widgets on the host: one module per kind (its parameters, their check,
//! its default value, its identity and the validation of every value a
//! client sends), and the enum that dispatches to them.

pub mod display;
mod id;
mod parse;
mod range;

mod button;
mod capture_input;
mod chat_input;
mod checkbox;
mod color_picker;
mod data_editor;
mod dataframe_select;
mod date_input;
mod datetime_input;
mod dialog_dismiss;
mod download_button;
mod feedback;
mod file_uploader;
mod float_range_slider;
mod float_slider;
mod int_range_slider;
mod int_slider;
mod multiselect;
mod number_input;
mod pills;
mod radio;
mod segmented_control;
mod select_slider;
mod selectbox;
mod submit_button;
mod text_area;
mod text_input;
mod time_input;
mod toggle;

pub use button::Button;
pub use capture_input::{AudioInput, CameraInput};
pub use chat_input::{AcceptFile, ChatInput};
pub use checkbox::Checkbox;
pub use color_picker::ColorPicker;
pub use data_editor::{
    Cell, DataEditor, TableEdits, MAX_ADDED_ROWS, MAX_CELL_TEXT_BYTES, MAX_EDITED_CELLS,
};
pub use dataframe_select::{DataframeSelect, SelectCount};
pub use date_input::DateInput;
pub use datetime_input::DatetimeInput;
pub use dialog_dismiss::DialogDismiss;
pub use display::{check_format, check_shortcut, MAX_FORMAT_BYTES};
pub use download_button::DownloadButton;
pub use feedback::Feedback;
pub use file_uploader::{FileUploader, MAX_UPLOADER_FILES};
pub use float_range_slider::FloatRangeSlider;
pub use float_slider::FloatSlider;
pub use id::{widget_id, WidgetId};
pub use int_range_slider::IntRangeSlider;
pub use int_slider::IntSlider;
pub use multiselect::Multiselect;
pub use number_input::NumberInput;
pub use parse::{SliderUnit, MAX_NEW_OPTION_CHARS, MAX_SELECT_OPTIONS};
pub use pills::{ButtonOptions, Pills};
pub use radio::Radio;
pub use segmented_control::SegmentedControl;
pub use select_slider::SelectSlider;
pub use selectbox::Selectbox;
pub use submit_button::SubmitButton;
pub use text_area::TextArea;
pub use text_input::TextInput;
pub use time_input::TimeInput;
pub use toggle::Toggle;

use parse::Input;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hasher;

/// Values reported by a client for the next run, by widget id, not yet
/// validated (a run validates each against the widget that asks for it).
pub type WidgetInputs = HashMap<WidgetId, serde_json::Value>;

/// What every widget kind provides. A new kind is one module implementing
/// this, one line in [`WidgetSpec`], and its renderer in the frontend.
trait Kind {
    /// Checks the parameters a page passed; the error says what is wrong.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }

    /// Whether the value is an event that lasts one run (a click), rather
    /// than state the widget keeps.
    fn is_trigger(&self) -> bool {
        false
    }

    /// The value before the user touches the widget.
    fn default_value(&self) -> WidgetValue;

    /// Validates a value a client sent. The error is shown to the client as
    /// is, so it names the widget kind and the expectation.
    fn validate(&self, input: &Input) -> Result<WidgetValue, String>;

    /// The value as session state holds it under the widget's key (what
    /// the page reads as `st.session_state[key]`): the value itself, or for
    /// a choice among options the option.
    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
    }

    /// The value session state holds under the widget's key (the page may
    /// have set it), if it is one the widget can take.
    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        self.validate(input).ok()
    }

    /// Bytes of text in the parameters, for the output limits.
    fn text_bytes(&self) -> usize {
        0
    }

    /// Whether the parameters hold a table (bounded by `table_bytes`
    /// rather than `element_bytes`).
    fn carries_table(&self) -> bool {
        false
    }

    /// Feeds the parameters that make a widget "the same widget" across
    /// runs (after the kind's name, which the caller feeds).
    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher);
}

/// Declares [`WidgetSpec`] over the kinds, with each kind's name: the `widget`
/// tag on the wire and the prefix of its derived ids.
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A widget's kind and parameters, as the page declared them.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "widget")]
        pub enum WidgetSpec {
            $(
                $(#[$doc])*
                #[serde(rename = $name)]
                $variant($variant),
            )*
        }

        impl WidgetSpec {
            /// The kind's name, as used in ids, messages and the wire.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(WidgetSpec::$variant(_) => $name,)*
                }
            }

            fn as_kind(&self) -> &dyn Kind {
                match self {
                    $(WidgetSpec::$variant(k) => k,)*
                }
            }
        }

        $(
            impl From<$variant> for WidgetSpec {
                fn from(kind: $variant) -> Self {
                    WidgetSpec::$variant(kind)
                }
            }
        )*
    };
}

kinds! {
    /// True only in the run its click caused.
    Button = "button",
    /// A checkbox.
    Checkbox = "checkbox",
    /// An integer slider.
    IntSlider = "slider",
    /// A floating-point slider.
    FloatSlider = "float_slider",
    /// A one-line text box.
    TextInput = "text_input",
    /// A number box.
    NumberInput = "number_input",
    /// A drop-down list.
    Selectbox = "selectbox",
    /// An on/off switch.
    Toggle = "toggle",
    /// Submits the form it is in.
    SubmitButton = "submit_button",
    /// Saves a file the page provided; its value is a click.
    DownloadButton = "download_button",
    /// Thumbs (2 options) or stars (5).
    Feedback = "feedback",
    /// A chat message box; its value lasts one run.
    ChatInput = "chat_input",
    /// Radio buttons.
    Radio = "radio",
    /// A slider over options.
    SelectSlider = "select_slider",
    /// Several choices among options.
    Multiselect = "multiselect",
    /// A multi-line text box.
    TextArea = "text_area",
    /// A colour, `#rrggbb`.
    ColorPicker = "color_picker",
    /// A date, `YYYY-MM-DD`.
    DateInput = "date_input",
    /// A time of day, `HH:MM`.
    TimeInput = "time_input",
    /// Files the user uploads; its value lists the uploads' ids.
    FileUploader = "file_uploader",
    /// Options as rounded buttons; one or several chosen.
    Pills = "pills",
    /// Options as one row of joined buttons; one or several chosen.
    SegmentedControl = "segmented_control",
    /// An integer slider with two handles: a range.
    IntRangeSlider = "range_slider",
    /// A floating-point slider with two handles: a range.
    FloatRangeSlider = "float_range_slider",
    /// A date and time, `YYYY-MM-DDTHH:MM`.
    DatetimeInput = "datetime_input",
    /// A photo from the camera, through the upload path.
    CameraInput = "camera_input",
    /// A recording from the microphone, through the upload path.
    AudioInput = "audio_input",
    /// Nothing to see: true in the run its dialog's closing caused.
    DialogDismiss = "dialog_dismiss",
    /// A dataframe whose rows or columns the user selects.
    DataframeSelect = "dataframe_select",
    /// A table the user edits.
    DataEditor = "data_editor",
}

/// A widget's value. Serialized as plain JSON (`true`, `3`, `0.5`, `"text"`, `null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum WidgetValue {
    /// Button and checkbox.
    Bool(bool),
    /// Integer slider.
    Int(i64),
    /// Float slider and number input.
    Float(f64),
    /// Text input.
    Text(String),
    /// Selectbox, radio, select slider: the chosen option's index.
    Index(Option<u32>),
    /// Multiselect: the chosen options' indices, in the order chosen.
    Indices(Vec<u32>),
    /// File uploader: the ids of the uploaded files, in order.
    Files(Vec<String>),
    /// Integer range slider: low and high (`[low, high]`).
    IntRange(i64, i64),
    /// Floating-point range slider: low and high (`[low, high]`).
    FloatRange(f64, f64),
    /// No value (`null`): an input left empty.
    Empty,
    /// A date range: first and last (`["2026-01-01", "2026-01-31"]`).
    TextRange(String, String),
    /// Options by their text: a multiselect that accepts new options.
    Texts(Vec<String>),
    /// A chat message with files (their upload ids), in the run its
    /// sending caused.
    Chat {
        /// The text sent.
        text: String,
        /// The ids of the files sent with it.
        files: Vec<String>,
    },
    /// A dataframe's selected rows (ascending) and columns (by name).
    Selection {
        /// Row numbers.
        rows: Vec<u32>,
        /// Column names, in the table's order.
        columns: Vec<String>,
    },
    /// What the user changed in a data editor.
    Edits(TableEdits),
}

impl WidgetSpec {
    /// Whether the value is an event that lasts one run (a click), rather than
    /// state the widget keeps.
    pub fn is_trigger(&self) -> bool {
        self.as_kind().is_trigger()
    }

    /// The value before the user touches the widget.
    pub fn default_value(&self) -> WidgetValue {
        self.as_kind().default_value()
    }

    /// The value as session state holds it under the widget's key.
    pub fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        self.as_kind().to_state(value)
    }

    /// The value session state holds under the widget's key, if the widget
    /// can take it.
    pub fn read_state(&self, value: &serde_json::Value) -> Option<WidgetValue> {
        self.as_kind().read_state(&Input {
            kind: self.kind(),
            value,
        })
    }

    /// Bytes of text in the parameters, for the output limits.
    pub fn text_bytes(&self) -> usize {
        self.as_kind().text_bytes()
    }

    /// Whether the parameters hold a table.
    pub fn carries_table(&self) -> bool {
        self.as_kind().carries_table()
    }

    /// Checks the parameters a page passed; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        self.as_kind().check()
    }

    /// Validates a value a client sent for this widget. The error is shown to
    /// the client as is, so it names the widget kind and the expectation.
    pub fn validate(&self, value: &serde_json::Value) -> Result<WidgetValue, String> {
        self.as_kind().validate(&Input {
            kind: self.kind(),
            value,
        })
    }

    /// Feeds the parameters that make a widget "the same widget" across runs.
    fn hash_identity(&self, h: &mut dyn Hasher) {
        let kind = self.kind();
        h.write(kind.as_bytes());
        self.as_kind().hash_identity(kind, h);
    }
}

/// A small table of every editable column type: `n` (integers), `price`
/// (floats, 0 to 100), `name` (text, required, at most 8 characters),
/// `region` (text among `north`/`south`), `ok` (booleans), `day` (dates),
/// `at` (datetimes), `opens` (times), `tags` (text lists), three rows.
#[cfg(test)]
pub(crate) fn sample_table() -> std::sync::Arc<Vec<crate::model::table::Column>> {
    use crate::model::table::{Column, ColumnConfig, ColumnEditing, ColumnValues};
    let editing = |e: ColumnEditing| {
        Some(ColumnConfig {
            editing: Some(e),
            ..ColumnConfig::default()
        })
    };
    let mut price = Column::new("price", ColumnValues::Float(vec![1.5, 2.5, 3.5]));
    price.config = editing(ColumnEditing {
        min: Some(0.0),
        max: Some(100.0),
        ..ColumnEditing::default()
    });
    let mut name = Column::new(
        "name",
        ColumnValues::Text(vec!["a".into(), "b".into(), "c".into()]),
    );
    name.config = editing(ColumnEditing {
        required: true,
        max_chars: Some(8),
        ..ColumnEditing::default()
    });
    let mut region = Column::new(
        "region",
        ColumnValues::Text(vec!["north".into(), "south".into(), "north".into()]),
    );
    region.config = editing(ColumnEditing {
        options: Some(vec!["north".into(), "south".into()]),
        ..ColumnEditing::default()
    });
    std::sync::Arc::new(vec![
        Column::new("n", ColumnValues::Integer(vec![1, 2, 3])),
        price,
        name,
        region,
        Column::new("ok", ColumnValues::Boolean(vec![true, false, true])),
        Column::new("day", ColumnValues::Date(vec![0, 1, 2])),
        Column::new("at", ColumnValues::Datetime(vec![0, 1, 2])),
        Column::new("opens", ColumnValues::Time(vec![0, 1, 2])),
        Column::new(
            "tags",
            ColumnValues::TextList(vec![vec![], vec!["x".into()], vec![]]),
        ),
    ])
}

/// One spec of every kind, as pages draw them.
#[cfg(test)]
pub(crate) fn one_of_each() -> Vec<WidgetSpec> {
    let options = || vec!["a".to_owned(), "b".to_owned()];
    let all = vec![
        WidgetSpec::Button(Button),
        WidgetSpec::Checkbox(Checkbox { default: true }),
        WidgetSpec::IntSlider(IntSlider {
            min: 0,
            max: 100,
            step: 1,
            default: 0,
            unit: SliderUnit::Number,
        }),
        WidgetSpec::FloatSlider(FloatSlider {
            min: 0.0,
            max: 1.0,
            step: 0.1,
            default: 0.5,
        }),
        WidgetSpec::TextInput(TextInput {
            default: "x".into(),
            max_chars: Some(10),
            placeholder: None,
            password: false,
            autocomplete: None,
        }),
        WidgetSpec::NumberInput(NumberInput {
            min: Some(0.0),
            max: None,
            step: 1.0,
            default: Some(2.0),
            integer: false,
            placeholder: None,
        }),
        WidgetSpec::Selectbox(Selectbox {
            options: options(),
            default: Some(0),
            placeholder: None,
            accept_new_options: false,
        }),
        WidgetSpec::Toggle(Toggle { default: false }),
        WidgetSpec::SubmitButton(SubmitButton),
        WidgetSpec::DownloadButton(DownloadButton {
            file_name: "a.csv".into(),
            mime: "text/csv".into(),
            lazy: false,
            ignore_click: false,
        }),
        WidgetSpec::Feedback(Feedback {
            options: 5,
            faces: false,
        }),
        WidgetSpec::ChatInput(ChatInput {
            placeholder: Some("say".into()),
            max_chars: None,
            accept_file: AcceptFile::None,
            file_types: Vec::new(),
            max_bytes: None,
        }),
        WidgetSpec::Radio(Radio {
            options: options(),
            default: None,
            horizontal: true,
            captions: Vec::new(),
        }),
        WidgetSpec::SelectSlider(SelectSlider {
            options: options(),
            default: 1,
            high: None,
        }),
        WidgetSpec::Multiselect(Multiselect {
            options: options(),
            default: vec![1],
            max_selections: None,
            placeholder: None,
            accept_new_options: false,
        }),
        WidgetSpec::TextArea(TextArea {
            default: String::new(),
            max_chars: None,
            placeholder: None,
            height: Some(3),
        }),
        WidgetSpec::ColorPicker(ColorPicker {
            default: "#ff0000".into(),
        }),
        WidgetSpec::DateInput(DateInput {
            default: Some("2026-12-01".into()),
            min: None,
            max: Some("2027-01-01".into()),
            range: false,
            end: None,
        }),
        WidgetSpec::TimeInput(TimeInput {
            default: "12:00".into(),
            step_minutes: Some(15),
        }),
        WidgetSpec::FileUploader(FileUploader {
            types: vec!["csv".into()],
            multiple: false,
            max_bytes: 1 << 20,
        }),
        WidgetSpec::Pills(Pills {
            choice: ButtonOptions {
                options: options(),
                multi: true,
                default: vec![1],
            },
        }),
        WidgetSpec::SegmentedControl(SegmentedControl {
            choice: ButtonOptions {
                options: options(),
                multi: false,
                default: vec![0],
            },
        }),
        WidgetSpec::IntRangeSlider(IntRangeSlider {
            min: 0,
            max: 10,
            step: 1,
            default: [2, 8],
            unit: SliderUnit::Number,
        }),
        WidgetSpec::FloatRangeSlider(FloatRangeSlider {
            min: 0.0,
            max: 1.0,
            step: 0.1,
            default: [0.2, 0.8],
        }),
        WidgetSpec::DatetimeInput(DatetimeInput {
            default: Some("2026-12-01T09:30".into()),
            min: None,
            max: None,
            step_minutes: None,
        }),
        WidgetSpec::CameraInput(CameraInput { max_bytes: 1 << 20 }),
        WidgetSpec::AudioInput(AudioInput { max_bytes: 1 << 20 }),
        WidgetSpec::DialogDismiss(DialogDismiss),
        WidgetSpec::DataframeSelect(DataframeSelect {
            columns: sample_table(),
            height: None,
            select_rows: SelectCount::Multi,
            select_columns: SelectCount::Single,
        }),
        WidgetSpec::DataEditor(DataEditor {
            digest: crate::model::table::table_digest(&sample_table()),
            columns: sample_table(),
            height: None,
            dynamic_rows: true,
            disabled: vec!["n".into()],
        }),
    ];
    // Adding a widget kind stops this from compiling until it has a sample.
    for spec in &all {
        match spec {
            WidgetSpec::Button(Button)
            | WidgetSpec::Checkbox(Checkbox { .. })
            | WidgetSpec::IntSlider(IntSlider { .. })
            | WidgetSpec::FloatSlider(FloatSlider { .. })
            | WidgetSpec::TextInput(TextInput { .. })
            | WidgetSpec::NumberInput(NumberInput { .. })
            | WidgetSpec::Selectbox(Selectbox { .. })
            | WidgetSpec::Toggle(Toggle { .. })
            | WidgetSpec::SubmitButton(SubmitButton)
            | WidgetSpec::DownloadButton(DownloadButton { .. })
            | WidgetSpec::Feedback(Feedback { .. })
            | WidgetSpec::ChatInput(ChatInput { .. })
            | WidgetSpec::Radio(Radio { .. })
            | WidgetSpec::SelectSlider(SelectSlider { .. })
            | WidgetSpec::Multiselect(Multiselect { .. })
            | WidgetSpec::TextArea(TextArea { .. })
            | WidgetSpec::ColorPicker(ColorPicker { .. })
            | WidgetSpec::DateInput(DateInput { .. })
            | WidgetSpec::TimeInput(TimeInput { .. })
            | WidgetSpec::FileUploader(FileUploader { .. })
            | WidgetSpec::Pills(Pills { .. })
            | WidgetSpec::SegmentedControl(SegmentedControl { .. })
            | WidgetSpec::IntRangeSlider(IntRangeSlider { .. })
            | WidgetSpec::FloatRangeSlider(FloatRangeSlider { .. })
            | WidgetSpec::DatetimeInput(DatetimeInput { .. })
            | WidgetSpec::CameraInput(CameraInput { .. })
            | WidgetSpec::AudioInput(AudioInput { .. })
            | WidgetSpec::DialogDismiss(DialogDismiss)
            | WidgetSpec::DataframeSelect(DataframeSelect { .. })
            | WidgetSpec::DataEditor(DataEditor { .. }) => {}
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_password_is_a_text_input_with_its_limits_and_a_checked_hint() {
        let password = |autocomplete: Option<&str>| {
            WidgetSpec::TextInput(TextInput {
                default: String::new(),
                max_chars: Some(4),
                placeholder: None,
                password: true,
                autocomplete: autocomplete.map(str::to_owned),
            })
        };
        let spec = password(Some("current-password"));
        assert!(spec.check().is_ok());
        assert_eq!(
            spec.validate(&json!("abcd")),
            Ok(WidgetValue::Text("abcd".into()))
        );
        assert!(
            spec.validate(&json!("abcde")).is_err(),
            "longer than max_chars"
        );
        assert!(spec.validate(&json!(1234)).is_err(), "not text");
        for bad in ["", "on\"off", "a<b", &"x".repeat(65)] {
            assert!(password(Some(bad)).check().is_err(), "{bad:?}");
        }
        // Hiding what is typed makes it another widget than a plain box.
        let plain = WidgetSpec::TextInput(TextInput {
            default: String::new(),
            max_chars: Some(4),
            placeholder: None,
            password: false,
            autocomplete: None,
        });
        assert_ne!(
            WidgetId::of(&plain, "Key", None),
            WidgetId::of(&password(None), "Key", None)
        );
    }

    #[test]
    fn pills_take_one_option_or_several_and_keep_options_in_session_state() {
        let pills = |multi: bool, default: Vec<u32>| {
            WidgetSpec::Pills(Pills {
                choice: ButtonOptions {
                    options: vec!["a".into(), "b".into(), "c".into()],
                    multi,
                    default,
                },
            })
        };
        let single = pills(false, vec![1]);
        assert!(single.check().is_ok());
        assert_eq!(single.default_value(), WidgetValue::Index(Some(1)));
        assert_eq!(single.validate(&json!(2)), Ok(WidgetValue::Index(Some(2))));
        assert_eq!(single.validate(&json!(null)), Ok(WidgetValue::Index(None)));
        assert!(single.validate(&json!(3)).is_err(), "past the options");
        assert!(single.validate(&json!([0])).is_err(), "one, not a list");
        assert!(
            pills(false, vec![0, 1]).check().is_err(),
            "two defaults for one"
        );
        assert!(pills(true, vec![0, 0]).check().is_err(), "twice");
        assert!(pills(true, vec![5]).check().is_err(), "past the options");
        let multi = pills(true, vec![]);
        assert_eq!(
            multi.validate(&json!([2, 0])),
            Ok(WidgetValue::Indices(vec![2, 0]))
        );
        assert!(multi.validate(&json!([1, 1])).is_err());
        assert!(multi.validate(&json!([0, 1, 2, 0])).is_err());
        assert!(multi.validate(&json!(1)).is_err());
        assert_eq!(multi.to_state(&WidgetValue::Indices(vec![2])), json!(["c"]));
        assert_eq!(
            single.read_state(&json!("c")),
            Some(WidgetValue::Index(Some(2)))
        );
        assert_eq!(
            multi.read_state(&json!(["b"])),
            Some(WidgetValue::Indices(vec![1]))
        );
    }

    #[test]
    fn a_number_box_of_whole_numbers_checks_its_parameters_and_values() {
        let whole = |min: Option<f64>, step: f64, default: f64| {
            WidgetSpec::NumberInput(NumberInput {
                min,
                max: Some(10.0),
                step,
                default: Some(default),
                integer: true,
                placeholder: None,
            })
        };
        let spec = whole(Some(0.0), 1.0, 2.0);
        assert!(spec.check().is_ok());
        assert_eq!(spec.default_value(), WidgetValue::Int(2));
        assert_eq!(spec.validate(&json!(7)), Ok(WidgetValue::Int(7)));
        assert_eq!(spec.validate(&json!(7.0)), Ok(WidgetValue::Int(7)));
        assert!(spec.validate(&json!(7.5)).is_err());
        assert!(spec.validate(&json!(11)).is_err());
        assert!(spec.validate(&json!("7")).is_err());
        assert!(whole(Some(0.5), 1.0, 2.0).check().is_err());
        assert!(whole(None, 0.5, 2.0).check().is_err());
        assert!(whole(None, 1.0, 2.5).check().is_err());
        assert!(
            whole(None, 1.0, 1e300).check().is_err(),
            "past what a browser holds"
        );
    }

    #[test]
    fn choices_keep_their_options_in_session_state() {
        let options = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let select = WidgetSpec::Selectbox(Selectbox {
            options: options.clone(),
            default: Some(0),
            placeholder: None,
            accept_new_options: false,
        });
        assert_eq!(select.to_state(&WidgetValue::Index(Some(1))), json!("b"));
        assert_eq!(select.to_state(&WidgetValue::Index(None)), json!(null));
        assert_eq!(
            select.read_state(&json!("c")),
            Some(WidgetValue::Index(Some(2)))
        );
        assert_eq!(
            select.read_state(&json!(null)),
            Some(WidgetValue::Index(None))
        );
        assert_eq!(select.read_state(&json!("d")), None);
        assert_eq!(
            select.read_state(&json!(1)),
            None,
            "an index is not an option"
        );
        let slider = WidgetSpec::SelectSlider(SelectSlider {
            options: options.clone(),
            default: 0,
            high: None,
        });
        assert_eq!(
            slider.read_state(&json!(null)),
            None,
            "a slider always has one"
        );
        let multi = WidgetSpec::Multiselect(Multiselect {
            options,
            default: vec![],
            max_selections: Some(2),
            placeholder: None,
            accept_new_options: false,
        });
        assert_eq!(
            multi.to_state(&WidgetValue::Indices(vec![2, 0])),
            json!(["c", "a"])
        );
        assert_eq!(
            multi.read_state(&json!(["b", "a"])),
            Some(WidgetValue::Indices(vec![1, 0]))
        );
        assert_eq!(
            multi.read_state(&json!(["a", "b", "c"])),
            None,
            "past max_selections"
        );
        assert_eq!(multi.read_state(&json!(["a", "x"])), None);
        // Options that read the same keep their own places.
        let twice = WidgetSpec::Multiselect(Multiselect {
            options: vec!["a".into(), "b".into(), "a".into()],
            default: vec![],
            max_selections: None,
            placeholder: None,
            accept_new_options: false,
        });
        let chosen = WidgetValue::Indices(vec![0, 2]);
        assert_eq!(twice.to_state(&chosen), json!(["a", "a"]));
        assert_eq!(twice.read_state(&twice.to_state(&chosen)), Some(chosen));
        // Other kinds keep their value as it is.
        let check = WidgetSpec::Checkbox(Checkbox { default: false });
        assert_eq!(check.to_state(&WidgetValue::Bool(true)), json!(true));
        assert_eq!(
            check.read_state(&json!(true)),
            Some(WidgetValue::Bool(true))
        );
    }

    #[test]
    fn a_number_box_may_start_empty_and_be_emptied_again() {
        let empty = |default: Option<f64>| {
            WidgetSpec::NumberInput(NumberInput {
                min: Some(0.0),
                max: Some(10.0),
                step: 1.0,
                default,
                integer: false,
                placeholder: Some("How many?".into()),
            })
        };
        let none = empty(None);
        assert!(none.check().is_ok());
        assert_eq!(none.default_value(), WidgetValue::Empty);
        assert_eq!(none.validate(&json!(null)), Ok(WidgetValue::Empty));
        assert_eq!(none.validate(&json!(3.5)), Ok(WidgetValue::Float(3.5)));
        assert!(none.validate(&json!(11)).is_err(), "past max");
        let given = empty(Some(1.0));
        assert!(
            given.validate(&json!(null)).is_err(),
            "a box that started with a number keeps one"
        );
        assert_ne!(widget_id(&none, "n", None), widget_id(&given, "n", None));
    }

    #[test]
    fn a_date_input_takes_one_date_a_range_or_none() {
        let date = |default: Option<&str>, end: Option<&str>, range: bool| {
            WidgetSpec::DateInput(DateInput {
                default: default.map(str::to_owned),
                min: Some("2026-01-01".into()),
                max: Some("2026-12-31".into()),
                range,
                end: end.map(str::to_owned),
            })
        };
        let range = date(Some("2026-03-01"), Some("2026-03-31"), true);
        assert!(range.check().is_ok());
        assert_eq!(
            range.default_value(),
            WidgetValue::TextRange("2026-03-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            range.validate(&json!(["2026-05-01", "2026-05-01"])),
            Ok(WidgetValue::TextRange(
                "2026-05-01".into(),
                "2026-05-01".into()
            ))
        );
        for bad in [
            json!(["2026-05-02", "2026-05-01"]),
            json!(["2025-12-31", "2026-01-02"]),
            json!(["2026-05-01"]),
            json!("2026-05-01"),
            json!(null),
            json!(["2026-02-30", "2026-03-01"]),
        ] {
            assert!(range.validate(&bad).is_err(), "{bad}");
        }
        assert!(date(Some("2026-03-31"), Some("2026-03-01"), true)
            .check()
            .is_err());
        assert!(date(Some("2026-03-01"), None, true).check().is_err());
        assert!(date(Some("2026-03-01"), Some("2026-03-02"), false)
            .check()
            .is_err());
        assert!(
            date(Some("2027-01-01"), None, false).check().is_err(),
            "past max"
        );
        let none = date(None, None, false);
        assert_eq!(none.default_value(), WidgetValue::Empty);
        assert_eq!(none.validate(&json!(null)), Ok(WidgetValue::Empty));
        let none_range = date(None, None, true);
        assert_eq!(none_range.validate(&json!(null)), Ok(WidgetValue::Empty));
        assert!(date(Some("2026-06-01"), None, false)
            .validate(&json!(null))
            .is_err());
    }

    #[test]
    fn a_datetime_input_checks_its_form_and_bounds() {
        let spec = WidgetSpec::DatetimeInput(DatetimeInput {
            default: Some("2026-12-01T09:30".into()),
            min: Some("2026-12-01T08:00".into()),
            max: Some("2026-12-31T18:00".into()),
            step_minutes: Some(30),
        });
        assert!(spec.check().is_ok());
        assert_eq!(
            spec.validate(&json!("2026-12-24T17:45")),
            Ok(WidgetValue::Text("2026-12-24T17:45".into()))
        );
        for bad in [
            json!("2026-12-01T07:59"),
            json!("2027-01-01T00:00"),
            json!("2026-12-01 09:30"),
            json!("2026-12-01T24:00"),
            json!("2026-02-30T10:00"),
            json!(null),
            json!(7),
        ] {
            assert!(spec.validate(&bad).is_err(), "{bad}");
        }
        let bad_default = WidgetSpec::DatetimeInput(DatetimeInput {
            default: Some("2026-11-30T09:30".into()),
            min: Some("2026-12-01T08:00".into()),
            max: None,
            step_minutes: None,
        });
        assert!(bad_default.check().is_err());
    }

    #[test]
    fn a_select_slider_with_two_handles_takes_a_range_of_options() {
        let spec = WidgetSpec::SelectSlider(SelectSlider {
            options: vec!["XS".into(), "S".into(), "M".into(), "L".into()],
            default: 1,
            high: Some(2),
        });
        assert!(spec.check().is_ok());
        assert_eq!(spec.default_value(), WidgetValue::Indices(vec![1, 2]));
        assert_eq!(
            spec.validate(&json!([0, 3])),
            Ok(WidgetValue::Indices(vec![0, 3]))
        );
        for bad in [
            json!([3, 0]),
            json!([0, 4]),
            json!(1),
            json!([0]),
            json!(["XS", "L"]),
        ] {
            assert!(spec.validate(&bad).is_err(), "{bad}");
        }
        assert_eq!(
            spec.to_state(&WidgetValue::Indices(vec![0, 3])),
            json!(["XS", "L"])
        );
        assert_eq!(
            spec.read_state(&json!(["S", "L"])),
            Some(WidgetValue::Indices(vec![1, 3]))
        );
        assert_eq!(spec.read_state(&json!(["L", "S"])), None);
        let backwards = WidgetSpec::SelectSlider(SelectSlider {
            options: vec!["a".into(), "b".into()],
            default: 1,
            high: Some(0),
        });
        assert!(backwards.check().is_err());
    }

    #[test]
    fn choices_that_accept_new_options_take_typed_text() {
        let select = WidgetSpec::Selectbox(Selectbox {
            options: vec!["a".into(), "b".into()],
            default: Some(1),
            placeholder: None,
            accept_new_options: true,
        });
        assert_eq!(select.default_value(), WidgetValue::Text("b".into()));
        assert_eq!(
            select.validate(&json!("zebra")),
            Ok(WidgetValue::Text("zebra".into()))
        );
        assert_eq!(select.validate(&json!(null)), Ok(WidgetValue::Empty));
        assert!(select.validate(&json!(1)).is_err(), "an index is not text");
        assert!(select.validate(&json!("   ")).is_err(), "blank");
        assert!(select
            .validate(&json!("x".repeat(MAX_NEW_OPTION_CHARS + 1)))
            .is_err());
        assert_eq!(
            select.to_state(&WidgetValue::Text("zebra".into())),
            json!("zebra")
        );
        let multi = WidgetSpec::Multiselect(Multiselect {
            options: vec!["a".into()],
            default: vec![0],
            max_selections: Some(2),
            placeholder: Some("Tags".into()),
            accept_new_options: true,
        });
        assert_eq!(multi.default_value(), WidgetValue::Texts(vec!["a".into()]));
        assert_eq!(
            multi.validate(&json!(["new", "a"])),
            Ok(WidgetValue::Texts(vec!["new".into(), "a".into()]))
        );
        assert!(multi.validate(&json!(["x", "x"])).is_err(), "twice");
        assert!(
            multi.validate(&json!(["x", "y", "z"])).is_err(),
            "past max_selections"
        );
        assert!(
            multi.validate(&json!([0])).is_err(),
            "indices are not texts"
        );
        assert_eq!(
            multi.read_state(&json!(["q"])),
            Some(WidgetValue::Texts(vec!["q".into()]))
        );
    }

    #[test]
    fn temporal_sliders_keep_to_their_units_values() {
        let slider = |unit, min, max| {
            WidgetSpec::IntSlider(IntSlider {
                min,
                max,
                step: 1,
                default: min,
                unit,
            })
        };
        assert!(slider(SliderUnit::Time, 0, 1439).check().is_ok());
        assert!(slider(SliderUnit::Time, 0, 1440).check().is_err());
        assert!(slider(SliderUnit::Date, 20_000, 20_400).check().is_ok());
        assert!(slider(SliderUnit::Date, 0, i64::MAX).check().is_err());
        assert!(slider(SliderUnit::Datetime, -1, 10).check().is_ok());
        assert_ne!(
            widget_id(&slider(SliderUnit::Date, 0, 10), "d", None),
            widget_id(&slider(SliderUnit::Number, 0, 10), "d", None)
        );
    }

    #[test]
    fn a_download_button_that_ignores_clicks_refuses_one_and_a_lazy_one_must_rerun() {
        let button = |lazy, ignore_click| {
            WidgetSpec::DownloadButton(DownloadButton {
                file_name: "a.csv".into(),
                mime: "text/csv".into(),
                lazy,
                ignore_click,
            })
        };
        assert!(button(false, true).check().is_ok());
        assert!(button(false, true).validate(&json!(true)).is_err());
        assert_eq!(
            button(false, true).validate(&json!(false)),
            Ok(WidgetValue::Bool(false))
        );
        assert!(button(true, true).check().is_err());
        assert_eq!(
            button(true, false).validate(&json!(true)),
            Ok(WidgetValue::Bool(true))
        );
    }

    #[test]
    fn camera_and_audio_inputs_hold_one_upload() {
        for spec in [
            WidgetSpec::CameraInput(CameraInput { max_bytes: 1 }),
            WidgetSpec::AudioInput(AudioInput { max_bytes: 1 }),
        ] {
            assert_eq!(spec.default_value(), WidgetValue::Files(vec![]));
            let id = "0123456789abcdef";
            assert_eq!(
                spec.validate(&json!([id])),
                Ok(WidgetValue::Files(vec![id.into()]))
            );
            assert!(
                spec.validate(&json!([id, "fedcba9876543210"])).is_err(),
                "two"
            );
            assert!(spec.validate(&json!(["../etc/passwd"])).is_err());
            assert!(spec.validate(&json!(id)).is_err(), "a list");
        }
    }

    fn slider() -> WidgetSpec {
        WidgetSpec::IntSlider(IntSlider {
            min: 0,
            max: 100,
            step: 1,
            default: 0,
            unit: SliderUnit::Number,
        })
    }

    #[test]
    fn ids_are_stable_and_depend_on_label_and_params() {
        let a = widget_id(&slider(), "n", None);
        assert_eq!(a, widget_id(&slider(), "n", None));
        assert_ne!(a, widget_id(&slider(), "m", None));
        let wider = WidgetSpec::IntSlider(IntSlider {
            min: 0,
            max: 200,
            step: 1,
            default: 0,
            unit: SliderUnit::Number,
        });
        assert_ne!(a, widget_id(&wider, "n", None));
        assert_eq!(
            widget_id(&wider, "n", Some("k")),
            widget_id(&slider(), "x", Some("k"))
        );
        assert!(a.as_str().starts_with("slider:"), "{a}");
    }

    /// Browsers and parked sessions know widgets by these ids: a change to
    /// how any kind derives its id loses every session's values of it.
    #[test]
    fn every_kinds_id_is_the_same_as_before() {
        let ids: Vec<String> = super::one_of_each()
            .iter()
            .map(|spec| widget_id(spec, "Label", None).to_string())
            .collect();
        let expected: &[&str] = &[
            "button:31c0c76a49604226",
            "checkbox:23222acacb8b4d16",
            "slider:4c8ee6f78aa687ee",
            "float_slider:b60f12cae1abef89",
            "text_input:41029748cafce8f9",
            "number_input:c533d8348d9c67e8",
            "selectbox:d3152b16ec7610a4",
            "toggle:26edfcf90aa9645c",
            "submit_button:dc4b75714349d478",
            "download_button:b56cdd85a7312999",
            "feedback:8ce3c5054a841149",
            "chat_input:d51577f2da991fff",
            "radio:2526486d85815a89",
            "select_slider:004511d01ecdf27b",
            "multiselect:55d4ba553177e82a",
            "text_area:fc63f2eec83db67e",
            "color_picker:792273fcac4ebe2c",
            "date_input:d20ccfb6aab48ca3",
            "time_input:41c1865aab5ca87a",
            "file_uploader:23387c0b084fb92d",
            "pills:7cf0a2ec11e23152",
            "segmented_control:8b80fe0d0d497bde",
            "range_slider:f6446bab9cd337a0",
            "float_range_slider:10c5e13014ede776",
            "datetime_input:2c8492425670091a",
            "camera_input:e4c1a9b15db42392",
            "audio_input:9ef95f7a3ef0b193",
            "dialog_dismiss:c0985f346e402ce1",
            "dataframe_select:8247a4404c80b496",
            "data_editor:e0ae93b2567bfe03",
        ];
        assert_eq!(ids, expected);
    }

    /// One name per kind: the `widget` tag on the wire is the kind's name,
    /// which also starts its derived ids; and a spec reads back as written.
    #[test]
    fn every_kind_is_one_name_on_the_wire_and_reads_back() {
        for spec in super::one_of_each() {
            let json = serde_json::to_value(&spec).expect("a spec serializes");
            assert_eq!(json["widget"], spec.kind(), "{json}");
            let back: WidgetSpec = serde_json::from_value(json).expect("a spec reads back");
            assert_eq!(back, spec);
        }
    }

    #[test]
    fn a_keyed_id_gives_its_key_and_a_derived_one_none() {
        assert_eq!(WidgetId::keyed("n").key(), Some("n"));
        assert_eq!(widget_id(&slider(), "n", Some("k")).key(), Some("k"));
        assert_eq!(widget_id(&slider(), "n", None).key(), None);
    }

    #[test]
    fn slider_value_out_of_range_is_refused() {
        let err = slider().validate(&json!(101)).unwrap_err();
        assert_eq!(err, "slider value 101 is outside 0..=100");
    }

    #[test]
    fn slider_value_of_wrong_type_is_refused() {
        let err = slider().validate(&json!("7")).unwrap_err();
        assert_eq!(err, "slider expects an integer, got a string");
        assert_eq!(slider().validate(&json!(7)), Ok(WidgetValue::Int(7)));
    }

    #[test]
    fn selectbox_index_is_bounded() {
        let spec = WidgetSpec::Selectbox(Selectbox {
            options: vec!["a".into(), "b".into()],
            default: Some(0),
            placeholder: None,
            accept_new_options: false,
        });
        assert_eq!(spec.validate(&json!(1)), Ok(WidgetValue::Index(Some(1))));
        assert!(spec.validate(&json!(2)).is_err());
        assert!(spec.validate(&json!(-1)).is_err());
        assert_eq!(spec.validate(&json!(null)), Ok(WidgetValue::Index(None)));
    }

    #[test]
    fn new_kinds_validate_their_values() {
        let multi = WidgetSpec::Multiselect(Multiselect {
            options: vec!["a".into(), "b".into(), "c".into()],
            default: vec![],
            max_selections: Some(2),
            placeholder: None,
            accept_new_options: false,
        });
        assert_eq!(
            multi.validate(&json!([2, 0])),
            Ok(WidgetValue::Indices(vec![2, 0]))
        );
        assert!(multi.validate(&json!([0, 0])).is_err());
        assert!(multi.validate(&json!([0, 1, 2])).is_err());
        assert!(multi.validate(&json!([3])).is_err());
        assert!(multi.validate(&json!("0")).is_err());
        let color = WidgetSpec::ColorPicker(ColorPicker {
            default: "#000000".into(),
        });
        assert_eq!(
            color.validate(&json!("#FF8800")),
            Ok(WidgetValue::Text("#ff8800".into()))
        );
        assert!(color.validate(&json!("red")).is_err());
        let date = WidgetSpec::DateInput(DateInput {
            default: Some("2026-11-25".into()),
            min: Some("2026-01-01".into()),
            max: None,
            range: false,
            end: None,
        });
        assert!(
            date.validate(&json!("2026-02-29")).is_err(),
            "not a leap year"
        );
        assert!(date.validate(&json!("2025-12-31")).is_err(), "before min");
        assert!(date.validate(&json!("2028-02-29")).is_ok());
        let time = WidgetSpec::TimeInput(TimeInput {
            default: "09:30".into(),
            step_minutes: None,
        });
        assert!(time.validate(&json!("24:00")).is_err());
        assert!(time.validate(&json!("23:59")).is_ok());
        let slider = WidgetSpec::SelectSlider(SelectSlider {
            options: vec!["S".into(), "M".into()],
            default: 0,
            high: None,
        });
        assert!(slider.validate(&json!(null)).is_err());
        assert_eq!(slider.validate(&json!(1)), Ok(WidgetValue::Index(Some(1))));
    }

    #[test]
    fn bad_parameters_from_a_page_are_refused() {
        assert!(WidgetSpec::IntSlider(IntSlider {
            min: 5,
            max: 1,
            step: 1,
            default: 3,
            unit: SliderUnit::Number,
        })
        .check()
        .is_err());
        assert!(WidgetSpec::FloatSlider(FloatSlider {
            min: 0.0,
            max: f64::NAN,
            step: 0.1,
            default: 0.0
        })
        .check()
        .is_err());
        assert!(WidgetSpec::Selectbox(Selectbox {
            options: vec![],
            default: Some(0),
            placeholder: None,
            accept_new_options: false,
        })
        .check()
        .is_err());
        assert!(slider().check().is_ok());
    }
}

/// What the browser and the page are told about a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileInfo {
    /// The upload's id: what the widget's value lists.
    pub id: String,
    /// The file's name.
    pub name: String,
    /// Its MIME type.
    pub mime: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A widget value that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The widget's id.
    pub widget: WidgetId,
    /// What the user is told, naming the widget.
    pub message: String,
}
