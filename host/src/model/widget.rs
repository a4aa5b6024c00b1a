//! Widgets on the host: their ids, their parameters, and validation of every value a client sends.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hasher;

/// Values reported by a client for the next run, by widget id, not yet
/// validated (a run validates each against the widget that asks for it).
pub type WidgetInputs = HashMap<String, serde_json::Value>;

/// Most options a selectbox may have.
pub const MAX_SELECT_OPTIONS: usize = 10_000;

/// A widget's kind and parameters, as the page declared them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "widget", rename_all = "snake_case")]
pub enum WidgetSpec {
    /// True only in the run its click caused.
    Button,
    /// A checkbox.
    Checkbox { default: bool },
    /// An integer slider.
    IntSlider {
        min: i64,
        max: i64,
        step: i64,
        default: i64,
    },
    /// A floating-point slider.
    FloatSlider {
        min: f64,
        max: f64,
        step: f64,
        default: f64,
    },
    /// A one-line text box.
    TextInput {
        default: String,
        max_chars: Option<u32>,
        placeholder: Option<String>,
    },
    /// A number box.
    NumberInput {
        min: Option<f64>,
        max: Option<f64>,
        step: f64,
        default: f64,
    },
    /// A drop-down list.
    Selectbox {
        options: Vec<String>,
        default: Option<u32>,
    },
    /// An on/off switch.
    Toggle { default: bool },
    /// Submits the form it is in.
    SubmitButton,
    /// Saves a file the page provided; its value is a click.
    DownloadButton { file_name: String, mime: String },
    /// Thumbs (2 options) or stars (5).
    Feedback { options: u32 },
    /// A chat message box; its value lasts one run.
    ChatInput {
        placeholder: Option<String>,
        max_chars: Option<u32>,
    },
    /// Radio buttons.
    Radio {
        options: Vec<String>,
        default: Option<u32>,
        horizontal: bool,
    },
    /// A slider over options.
    SelectSlider { options: Vec<String>, default: u32 },
    /// Several choices among options.
    Multiselect {
        options: Vec<String>,
        default: Vec<u32>,
        max_selections: Option<u32>,
    },
    /// A multi-line text box.
    TextArea {
        default: String,
        max_chars: Option<u32>,
        placeholder: Option<String>,
        height: Option<u32>,
    },
    /// A colour, `#rrggbb`.
    ColorPicker { default: String },
    /// A date, `YYYY-MM-DD`.
    DateInput {
        default: String,
        min: Option<String>,
        max: Option<String>,
    },
    /// A time of day, `HH:MM`.
    TimeInput {
        default: String,
        step_minutes: Option<u32>,
    },
    /// Files the user uploads; its value lists the uploads' ids.
    FileUploader {
        /// Accepted extensions (`csv`) or MIME types (`image/*`); empty: any.
        types: Vec<String>,
        multiple: bool,
        /// The server's size limit per file (`upload_file_bytes`), set by
        /// the host.
        max_bytes: u64,
    },
}

/// Most files one uploader may hold, and most accepted types it may list.
pub const MAX_UPLOADER_FILES: usize = 100;

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
}

impl WidgetSpec {
    /// The kind's name, as used in ids and messages.
    pub fn kind(&self) -> &'static str {
        match self {
            WidgetSpec::Button => "button",
            WidgetSpec::Checkbox { .. } => "checkbox",
            WidgetSpec::IntSlider { .. } => "slider",
            WidgetSpec::FloatSlider { .. } => "float_slider",
            WidgetSpec::TextInput { .. } => "text_input",
            WidgetSpec::NumberInput { .. } => "number_input",
            WidgetSpec::Selectbox { .. } => "selectbox",
            WidgetSpec::Toggle { .. } => "toggle",
            WidgetSpec::SubmitButton => "submit_button",
            WidgetSpec::ChatInput { .. } => "chat_input",
            WidgetSpec::DownloadButton { .. } => "download_button",
            WidgetSpec::Feedback { .. } => "feedback",
            WidgetSpec::Radio { .. } => "radio",
            WidgetSpec::SelectSlider { .. } => "select_slider",
            WidgetSpec::Multiselect { .. } => "multiselect",
            WidgetSpec::TextArea { .. } => "text_area",
            WidgetSpec::ColorPicker { .. } => "color_picker",
            WidgetSpec::DateInput { .. } => "date_input",
            WidgetSpec::TimeInput { .. } => "time_input",
            WidgetSpec::FileUploader { .. } => "file_uploader",
        }
    }

    /// Whether the value is an event that lasts one run (a click), rather than
    /// state the widget keeps.
    pub fn is_trigger(&self) -> bool {
        matches!(
            self,
            WidgetSpec::Button
                | WidgetSpec::SubmitButton
                | WidgetSpec::ChatInput { .. }
                | WidgetSpec::DownloadButton { .. }
        )
    }

    /// The value before the user touches the widget.
    pub fn default_value(&self) -> WidgetValue {
        match self {
            WidgetSpec::Button | WidgetSpec::SubmitButton | WidgetSpec::DownloadButton { .. } => {
                WidgetValue::Bool(false)
            }
            WidgetSpec::Feedback { .. } => WidgetValue::Index(None),
            WidgetSpec::ChatInput { .. } => WidgetValue::Text(String::new()),
            WidgetSpec::Checkbox { default } => WidgetValue::Bool(*default),
            WidgetSpec::IntSlider { default, .. } => WidgetValue::Int(*default),
            WidgetSpec::FloatSlider { default, .. } | WidgetSpec::NumberInput { default, .. } => {
                WidgetValue::Float(*default)
            }
            WidgetSpec::TextInput { default, .. } => WidgetValue::Text(default.clone()),
            WidgetSpec::Selectbox { default, .. } | WidgetSpec::Radio { default, .. } => {
                WidgetValue::Index(*default)
            }
            WidgetSpec::Toggle { default } => WidgetValue::Bool(*default),
            WidgetSpec::SelectSlider { default, .. } => WidgetValue::Index(Some(*default)),
            WidgetSpec::Multiselect { default, .. } => WidgetValue::Indices(default.clone()),
            WidgetSpec::TextArea { default, .. }
            | WidgetSpec::ColorPicker { default }
            | WidgetSpec::DateInput { default, .. }
            | WidgetSpec::TimeInput { default, .. } => WidgetValue::Text(default.clone()),
            WidgetSpec::FileUploader { .. } => WidgetValue::Files(Vec::new()),
        }
    }

    /// Bytes of text in the parameters, for the output limits.
    pub fn text_bytes(&self) -> usize {
        match self {
            WidgetSpec::TextInput {
                default,
                placeholder,
                ..
            } => default.len() + placeholder.as_ref().map_or(0, String::len),
            WidgetSpec::Selectbox { options, .. }
            | WidgetSpec::Radio { options, .. }
            | WidgetSpec::SelectSlider { options, .. }
            | WidgetSpec::Multiselect { options, .. } => options.iter().map(String::len).sum(),
            WidgetSpec::TextArea {
                default,
                placeholder,
                ..
            } => default.len() + placeholder.as_ref().map_or(0, String::len),
            WidgetSpec::ColorPicker { default }
            | WidgetSpec::DateInput { default, .. }
            | WidgetSpec::TimeInput { default, .. } => default.len(),
            WidgetSpec::FileUploader { types, .. } => types.iter().map(String::len).sum(),
            _ => 0,
        }
    }

    /// Checks the parameters a page passed; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        match self {
            WidgetSpec::Button | WidgetSpec::Checkbox { .. } => Ok(()),
            WidgetSpec::IntSlider {
                min,
                max,
                step,
                default,
            } => {
                if min > max {
                    return Err(format!("slider: min {min} is greater than max {max}"));
                }
                if *step <= 0 {
                    return Err(format!("slider: step must be positive, got {step}"));
                }
                if default < min || default > max {
                    return Err(format!(
                        "slider: default {default} is outside {min}..={max}"
                    ));
                }
                Ok(())
            }
            WidgetSpec::FloatSlider {
                min,
                max,
                step,
                default,
            } => {
                if ![min, max, step, default].iter().all(|v| v.is_finite()) {
                    return Err("float slider: min, max, step and default must be finite".into());
                }
                if min > max {
                    return Err(format!("float slider: min {min} is greater than max {max}"));
                }
                if *step <= 0.0 {
                    return Err(format!("float slider: step must be positive, got {step}"));
                }
                if default < min || default > max {
                    return Err(format!(
                        "float slider: default {default} is outside {min}..={max}"
                    ));
                }
                Ok(())
            }
            WidgetSpec::TextInput {
                default, max_chars, ..
            } => match max_chars {
                Some(max) if default.chars().count() > *max as usize => Err(format!(
                    "text input: default is longer than max_chars ({max})"
                )),
                _ => Ok(()),
            },
            WidgetSpec::NumberInput {
                min,
                max,
                step,
                default,
            } => {
                let bounds = [min, max].into_iter().flatten();
                if !default.is_finite()
                    || !step.is_finite()
                    || bounds.clone().any(|b| !b.is_finite())
                {
                    return Err("number input: bounds, step and default must be finite".into());
                }
                if *step <= 0.0 {
                    return Err(format!("number input: step must be positive, got {step}"));
                }
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        return Err(format!("number input: min {lo} is greater than max {hi}"));
                    }
                }
                if min.is_some_and(|lo| *default < lo) || max.is_some_and(|hi| *default > hi) {
                    return Err(format!(
                        "number input: default {default} is outside its bounds"
                    ));
                }
                Ok(())
            }
            WidgetSpec::Selectbox { options, default } => {
                if options.len() > MAX_SELECT_OPTIONS {
                    return Err(format!(
                        "selectbox: {} options (at most {MAX_SELECT_OPTIONS})",
                        options.len()
                    ));
                }
                match default {
                    Some(i) if *i as usize >= options.len() => Err(format!(
                        "selectbox: default index {i} but only {} options",
                        options.len()
                    )),
                    _ => Ok(()),
                }
            }
            WidgetSpec::Toggle { .. }
            | WidgetSpec::SubmitButton
            | WidgetSpec::ChatInput { .. }
            | WidgetSpec::Feedback { .. } => Ok(()),
            WidgetSpec::DownloadButton { file_name, .. } => {
                if file_name.is_empty() || file_name.contains(['/', '\\']) {
                    return Err(format!(
                        "download button: {file_name:?} is not a file name (no slashes, not empty)"
                    ));
                }
                Ok(())
            }
            WidgetSpec::Radio {
                options, default, ..
            } => check_options("radio", options, default.iter().copied()),
            WidgetSpec::SelectSlider { options, default } => {
                if options.is_empty() {
                    return Err("select slider: needs at least one option".into());
                }
                check_options("select slider", options, [*default])
            }
            WidgetSpec::Multiselect {
                options,
                default,
                max_selections,
            } => {
                check_options("multiselect", options, default.iter().copied())?;
                if default
                    .iter()
                    .enumerate()
                    .any(|(i, d)| default[..i].contains(d))
                {
                    return Err("multiselect: an option is chosen twice in the default".into());
                }
                if max_selections.is_some_and(|m| default.len() > m as usize) {
                    return Err("multiselect: more defaults than max_selections".into());
                }
                Ok(())
            }
            WidgetSpec::TextArea {
                default, max_chars, ..
            } => match max_chars {
                Some(max) if default.chars().count() > *max as usize => Err(format!(
                    "text area: default is longer than max_chars ({max})"
                )),
                _ => Ok(()),
            },
            WidgetSpec::ColorPicker { default } => parse_color(default)
                .map(drop)
                .map_err(|e| format!("color picker: default {e}")),
            WidgetSpec::DateInput { default, min, max } => {
                for date in [Some(default), min.as_ref(), max.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    parse_date(date).map_err(|e| format!("date input: {e}"))?;
                }
                check_date_bounds(default, min, max).map_err(|e| format!("date input: default {e}"))
            }
            WidgetSpec::TimeInput {
                default,
                step_minutes,
            } => {
                if step_minutes.is_some_and(|m| m == 0 || m > 24 * 60) {
                    return Err("time input: step_minutes must be 1 to 1440".into());
                }
                parse_time(default)
                    .map(drop)
                    .map_err(|e| format!("time input: default {e}"))
            }
            WidgetSpec::FileUploader { types, .. } => {
                if types.len() > MAX_UPLOADER_FILES {
                    return Err(format!(
                        "file uploader: at most {MAX_UPLOADER_FILES} accepted types"
                    ));
                }
                let valid = |t: &String| {
                    !t.is_empty()
                        && t.len() <= 64
                        && t.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "./*-+_".contains(c))
                };
                match types.iter().find(|t| !valid(t)) {
                    Some(t) => Err(format!(
                        "file uploader: `{t}` is not an extension (`csv`) or a MIME type \
                         (`image/*`)"
                    )),
                    None => Ok(()),
                }
            }
        }
    }

    /// Validates a value a client sent for this widget. The error is shown to
    /// the client as is, so it names the widget kind and the expectation.
    pub fn validate(&self, value: &serde_json::Value) -> Result<WidgetValue, String> {
        use serde_json::Value;
        let kind = self.kind();
        let wrong_type =
            |expected: &str| format!("{kind} expects {expected}, got {}", json_type(value));
        match self {
            WidgetSpec::Button
            | WidgetSpec::SubmitButton
            | WidgetSpec::DownloadButton { .. }
            | WidgetSpec::Checkbox { .. }
            | WidgetSpec::Toggle { .. } => match value {
                Value::Bool(b) => Ok(WidgetValue::Bool(*b)),
                _ => Err(wrong_type("true or false")),
            },
            WidgetSpec::IntSlider { min, max, .. } => {
                let v = value.as_i64().ok_or_else(|| wrong_type("an integer"))?;
                if v < *min || v > *max {
                    return Err(format!("{kind} value {v} is outside {min}..={max}"));
                }
                Ok(WidgetValue::Int(v))
            }
            WidgetSpec::FloatSlider { min, max, .. } => {
                let v = value.as_f64().ok_or_else(|| wrong_type("a number"))?;
                if !(*min..=*max).contains(&v) {
                    return Err(format!("{kind} value {v} is outside {min}..={max}"));
                }
                Ok(WidgetValue::Float(v))
            }
            WidgetSpec::NumberInput { min, max, .. } => {
                let v = value.as_f64().ok_or_else(|| wrong_type("a number"))?;
                if min.is_some_and(|lo| v < lo) || max.is_some_and(|hi| v > hi) {
                    return Err(format!("{kind} value {v} is outside its bounds"));
                }
                Ok(WidgetValue::Float(v))
            }
            WidgetSpec::TextInput { max_chars, .. } => {
                let s = value.as_str().ok_or_else(|| wrong_type("a string"))?;
                if let Some(max) = max_chars {
                    if s.chars().count() > *max as usize {
                        return Err(format!("{kind} value is longer than {max} characters"));
                    }
                }
                Ok(WidgetValue::Text(s.to_owned()))
            }
            WidgetSpec::Selectbox { options, .. } => match value {
                Value::Null => Ok(WidgetValue::Index(None)),
                _ => {
                    let i = value
                        .as_u64()
                        .ok_or_else(|| wrong_type("an option index or null"))?;
                    if i >= options.len() as u64 {
                        return Err(format!(
                            "{kind} index {i} is out of range ({} options)",
                            options.len()
                        ));
                    }
                    Ok(WidgetValue::Index(Some(i as u32)))
                }
            },
            WidgetSpec::Radio { options, .. } => match value {
                Value::Null => Ok(WidgetValue::Index(None)),
                _ => index(value, options.len())
                    .map(|i| WidgetValue::Index(Some(i)))
                    .map_err(|e| e.unwrap_or_else(|| wrong_type("an option index or null"))),
            },
            WidgetSpec::Feedback { options } => match value {
                Value::Null => Ok(WidgetValue::Index(None)),
                _ => index(value, *options as usize)
                    .map(|i| WidgetValue::Index(Some(i)))
                    .map_err(|e| e.unwrap_or_else(|| wrong_type("an option index or null"))),
            },
            WidgetSpec::SelectSlider { options, .. } => index(value, options.len())
                .map(|i| WidgetValue::Index(Some(i)))
                .map_err(|e| e.unwrap_or_else(|| wrong_type("an option index"))),
            WidgetSpec::Multiselect {
                options,
                max_selections,
                ..
            } => {
                let items = value
                    .as_array()
                    .ok_or_else(|| wrong_type("an array of option indices"))?;
                if max_selections.is_some_and(|m| items.len() > m as usize)
                    || items.len() > options.len()
                {
                    return Err(format!("{kind}: too many options chosen ({})", items.len()));
                }
                let mut chosen = Vec::with_capacity(items.len());
                for item in items {
                    let i = index(item, options.len()).map_err(|e| {
                        e.unwrap_or_else(|| wrong_type("an array of option indices"))
                    })?;
                    if chosen.contains(&i) {
                        return Err(format!("{kind}: option {i} chosen twice"));
                    }
                    chosen.push(i);
                }
                Ok(WidgetValue::Indices(chosen))
            }
            WidgetSpec::TextArea { max_chars, .. } | WidgetSpec::ChatInput { max_chars, .. } => {
                let s = value.as_str().ok_or_else(|| wrong_type("a string"))?;
                if let Some(max) = max_chars {
                    if s.chars().count() > *max as usize {
                        return Err(format!("{kind} value is longer than {max} characters"));
                    }
                }
                Ok(WidgetValue::Text(s.to_owned()))
            }
            WidgetSpec::ColorPicker { .. } => {
                let s = value
                    .as_str()
                    .ok_or_else(|| wrong_type("a colour string"))?;
                parse_color(s).map_err(|e| format!("{kind}: {e}"))?;
                Ok(WidgetValue::Text(s.to_ascii_lowercase()))
            }
            WidgetSpec::DateInput { min, max, .. } => {
                let s = value.as_str().ok_or_else(|| wrong_type("a date string"))?;
                parse_date(s).map_err(|e| format!("{kind}: {e}"))?;
                check_date_bounds(s, min, max).map_err(|e| format!("{kind}: {e}"))?;
                Ok(WidgetValue::Text(s.to_owned()))
            }
            WidgetSpec::TimeInput { .. } => {
                let s = value.as_str().ok_or_else(|| wrong_type("a time string"))?;
                parse_time(s).map_err(|e| format!("{kind}: {e}"))?;
                Ok(WidgetValue::Text(s.to_owned()))
            }
            WidgetSpec::FileUploader { multiple, .. } => {
                let items = value
                    .as_array()
                    .ok_or_else(|| wrong_type("an array of upload ids"))?;
                let most = if *multiple { MAX_UPLOADER_FILES } else { 1 };
                if items.len() > most {
                    return Err(format!("{kind}: at most {most} files, got {}", items.len()));
                }
                let mut ids: Vec<String> = Vec::with_capacity(items.len());
                for item in items {
                    let id = item
                        .as_str()
                        .filter(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
                        .ok_or_else(|| format!("{kind}: an upload id is 16 hex digits"))?;
                    if ids.iter().any(|seen| seen == id) {
                        return Err(format!("{kind}: file {id} listed twice"));
                    }
                    ids.push(id.to_owned());
                }
                Ok(WidgetValue::Files(ids))
            }
        }
    }

    /// Feeds the parameters that make a widget "the same widget" across runs.
    fn hash_identity(&self, h: &mut impl Hasher) {
        h.write(self.kind().as_bytes());
        match self {
            WidgetSpec::Button => {}
            WidgetSpec::Checkbox { default } => h.write_u8(*default as u8),
            WidgetSpec::IntSlider {
                min,
                max,
                step,
                default,
            } => {
                for v in [min, max, step, default] {
                    h.write_i64(*v);
                }
            }
            WidgetSpec::FloatSlider {
                min,
                max,
                step,
                default,
            } => {
                for v in [min, max, step, default] {
                    h.write_u64(v.to_bits());
                }
            }
            WidgetSpec::TextInput {
                default,
                max_chars,
                placeholder,
            } => {
                h.write(default.as_bytes());
                h.write_u8(0xff);
                h.write_u32(max_chars.unwrap_or(u32::MAX));
                h.write(placeholder.as_deref().unwrap_or("").as_bytes());
            }
            WidgetSpec::NumberInput {
                min,
                max,
                step,
                default,
            } => {
                for v in [
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                    *step,
                    *default,
                ] {
                    h.write_u64(v.to_bits());
                }
            }
            WidgetSpec::Selectbox { options, default } => {
                for o in options {
                    h.write(o.as_bytes());
                    h.write_u8(0xff);
                }
                h.write_u32(default.unwrap_or(u32::MAX));
            }
            // Kinds added later hash their parameters' JSON: stable too.
            other => h.write(&serde_json::to_vec(other).unwrap_or_default()),
        }
    }
}

/// Checks a list of options and the default indices into it.
fn check_options(
    kind: &str,
    options: &[String],
    defaults: impl IntoIterator<Item = u32>,
) -> Result<(), String> {
    if options.len() > MAX_SELECT_OPTIONS {
        return Err(format!(
            "{kind}: {} options (at most {MAX_SELECT_OPTIONS})",
            options.len()
        ));
    }
    for i in defaults {
        if i as usize >= options.len() {
            return Err(format!(
                "{kind}: default index {i} but only {} options",
                options.len()
            ));
        }
    }
    Ok(())
}

/// An option index from a client: `Err(None)` if it is not a
/// non-negative integer, `Err(Some(message))` if it is out of range.
fn index(value: &serde_json::Value, options: usize) -> Result<u32, Option<String>> {
    let i = value.as_u64().ok_or(None)?;
    if i >= options as u64 {
        return Err(Some(format!(
            "index {i} is out of range ({options} options)"
        )));
    }
    Ok(i as u32)
}

/// `#rrggbb` (either case).
fn parse_color(s: &str) -> Result<[u8; 3], String> {
    let hex = s
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| format!("{s:?} is not a colour like \"#ff8800\""))?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    Ok([byte(0), byte(2), byte(4)])
}

/// A real calendar date as `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<(u32, u32, u32), String> {
    let bad = || format!("{s:?} is not a date like \"2026-11-25\"");
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d) = (
        digits(y).ok_or_else(bad)?,
        digits(m).ok_or_else(bad)?,
        digits(d).ok_or_else(bad)?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// ISO dates compare as strings.
fn check_date_bounds(date: &str, min: &Option<String>, max: &Option<String>) -> Result<(), String> {
    if min.as_deref().is_some_and(|lo| date < lo) || max.as_deref().is_some_and(|hi| date > hi) {
        return Err(format!("{date} is outside the allowed dates"));
    }
    Ok(())
}

/// A time of day as `HH:MM`.
/// The number written with ASCII digits only (no sign, no spaces).
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_time(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not a time like \"09:30\"");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m) = (digits(h).ok_or_else(bad)?, digits(m).ok_or_else(bad)?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok((h, m))
}

/// The id the browser reports a widget's value under. With a key it is the
/// key (so the widget keeps its value when its label or parameters change);
/// without one it is derived from the kind, label and parameters, like
/// Streamlit's. Stable across processes and versions of the host.
pub fn widget_id(spec: &WidgetSpec, label: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("key:{key}"),
        None => {
            let mut h = Fnv1a::default();
            h.write(label.as_bytes());
            h.write_u8(0xff);
            spec.hash_identity(&mut h);
            format!("{}:{:016x}", spec.kind(), h.finish())
        }
    }
}

fn json_type(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// 64-bit FNV-1a: a fixed, seedless hash, so ids are the same in every process.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// One spec of every kind, as pages draw them.
#[cfg(test)]
pub(crate) fn one_of_each() -> Vec<WidgetSpec> {
    let options = || vec!["a".to_owned(), "b".to_owned()];
    let all = vec![
        WidgetSpec::Button,
        WidgetSpec::Checkbox { default: true },
        WidgetSpec::IntSlider {
            min: 0,
            max: 100,
            step: 1,
            default: 0,
        },
        WidgetSpec::FloatSlider {
            min: 0.0,
            max: 1.0,
            step: 0.1,
            default: 0.5,
        },
        WidgetSpec::TextInput {
            default: "x".into(),
            max_chars: Some(10),
            placeholder: None,
        },
        WidgetSpec::NumberInput {
            min: Some(0.0),
            max: None,
            step: 1.0,
            default: 2.0,
        },
        WidgetSpec::Selectbox {
            options: options(),
            default: Some(0),
        },
        WidgetSpec::Toggle { default: false },
        WidgetSpec::SubmitButton,
        WidgetSpec::DownloadButton {
            file_name: "a.csv".into(),
            mime: "text/csv".into(),
        },
        WidgetSpec::Feedback { options: 5 },
        WidgetSpec::ChatInput {
            placeholder: Some("say".into()),
            max_chars: None,
        },
        WidgetSpec::Radio {
            options: options(),
            default: None,
            horizontal: true,
        },
        WidgetSpec::SelectSlider {
            options: options(),
            default: 1,
        },
        WidgetSpec::Multiselect {
            options: options(),
            default: vec![1],
            max_selections: None,
        },
        WidgetSpec::TextArea {
            default: String::new(),
            max_chars: None,
            placeholder: None,
            height: Some(3),
        },
        WidgetSpec::ColorPicker {
            default: "#ff0000".into(),
        },
        WidgetSpec::DateInput {
            default: "2026-12-01".into(),
            min: None,
            max: Some("2027-01-01".into()),
        },
        WidgetSpec::TimeInput {
            default: "12:00".into(),
            step_minutes: Some(15),
        },
        WidgetSpec::FileUploader {
            types: vec!["csv".into()],
            multiple: false,
            max_bytes: 1 << 20,
        },
    ];
    // Adding a widget kind stops this from compiling until it has a sample.
    for spec in &all {
        match spec {
            WidgetSpec::Button
            | WidgetSpec::Checkbox { .. }
            | WidgetSpec::IntSlider { .. }
            | WidgetSpec::FloatSlider { .. }
            | WidgetSpec::TextInput { .. }
            | WidgetSpec::NumberInput { .. }
            | WidgetSpec::Selectbox { .. }
            | WidgetSpec::Toggle { .. }
            | WidgetSpec::SubmitButton
            | WidgetSpec::DownloadButton { .. }
            | WidgetSpec::Feedback { .. }
            | WidgetSpec::ChatInput { .. }
            | WidgetSpec::Radio { .. }
            | WidgetSpec::SelectSlider { .. }
            | WidgetSpec::Multiselect { .. }
            | WidgetSpec::TextArea { .. }
            | WidgetSpec::ColorPicker { .. }
            | WidgetSpec::DateInput { .. }
            | WidgetSpec::TimeInput { .. }
            | WidgetSpec::FileUploader { .. } => {}
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slider() -> WidgetSpec {
        WidgetSpec::IntSlider {
            min: 0,
            max: 100,
            step: 1,
            default: 0,
        }
    }

    #[test]
    fn ids_are_stable_and_depend_on_label_and_params() {
        let a = widget_id(&slider(), "n", None);
        assert_eq!(a, widget_id(&slider(), "n", None));
        assert_ne!(a, widget_id(&slider(), "m", None));
        let wider = WidgetSpec::IntSlider {
            min: 0,
            max: 200,
            step: 1,
            default: 0,
        };
        assert_ne!(a, widget_id(&wider, "n", None));
        assert_eq!(
            widget_id(&wider, "n", Some("k")),
            widget_id(&slider(), "x", Some("k"))
        );
        assert!(a.starts_with("slider:"), "{a}");
    }

    /// Browsers and parked sessions know widgets by these ids: a change to
    /// how any kind derives its id loses every session's values of it.
    #[test]
    fn every_kinds_id_is_the_same_as_before() {
        let ids: Vec<String> = super::one_of_each()
            .iter()
            .map(|spec| widget_id(spec, "Label", None))
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
        ];
        assert_eq!(ids, expected);
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
        let spec = WidgetSpec::Selectbox {
            options: vec!["a".into(), "b".into()],
            default: Some(0),
        };
        assert_eq!(spec.validate(&json!(1)), Ok(WidgetValue::Index(Some(1))));
        assert!(spec.validate(&json!(2)).is_err());
        assert!(spec.validate(&json!(-1)).is_err());
        assert_eq!(spec.validate(&json!(null)), Ok(WidgetValue::Index(None)));
    }

    #[test]
    fn new_kinds_validate_their_values() {
        let multi = WidgetSpec::Multiselect {
            options: vec!["a".into(), "b".into(), "c".into()],
            default: vec![],
            max_selections: Some(2),
        };
        assert_eq!(
            multi.validate(&json!([2, 0])),
            Ok(WidgetValue::Indices(vec![2, 0]))
        );
        assert!(multi.validate(&json!([0, 0])).is_err());
        assert!(multi.validate(&json!([0, 1, 2])).is_err());
        assert!(multi.validate(&json!([3])).is_err());
        assert!(multi.validate(&json!("0")).is_err());
        let color = WidgetSpec::ColorPicker {
            default: "#000000".into(),
        };
        assert_eq!(
            color.validate(&json!("#FF8800")),
            Ok(WidgetValue::Text("#ff8800".into()))
        );
        assert!(color.validate(&json!("red")).is_err());
        let date = WidgetSpec::DateInput {
            default: "2026-11-25".into(),
            min: Some("2026-01-01".into()),
            max: None,
        };
        assert!(
            date.validate(&json!("2026-02-29")).is_err(),
            "not a leap year"
        );
        assert!(date.validate(&json!("2025-12-31")).is_err(), "before min");
        assert!(date.validate(&json!("2028-02-29")).is_ok());
        let time = WidgetSpec::TimeInput {
            default: "09:30".into(),
            step_minutes: None,
        };
        assert!(time.validate(&json!("24:00")).is_err());
        assert!(time.validate(&json!("23:59")).is_ok());
        let slider = WidgetSpec::SelectSlider {
            options: vec!["S".into(), "M".into()],
            default: 0,
        };
        assert!(slider.validate(&json!(null)).is_err());
        assert_eq!(slider.validate(&json!(1)), Ok(WidgetValue::Index(Some(1))));
    }

    #[test]
    fn bad_parameters_from_a_page_are_refused() {
        assert!(WidgetSpec::IntSlider {
            min: 5,
            max: 1,
            step: 1,
            default: 3
        }
        .check()
        .is_err());
        assert!(WidgetSpec::FloatSlider {
            min: 0.0,
            max: f64::NAN,
            step: 0.1,
            default: 0.0
        }
        .check()
        .is_err());
        assert!(WidgetSpec::Selectbox {
            options: vec![],
            default: Some(0)
        }
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
    pub widget: String,
    /// What the user is told, naming the widget.
    pub message: String,
}
