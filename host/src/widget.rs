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
    /// Selectbox: the chosen option's index.
    Index(Option<u32>),
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
        }
    }

    /// Whether the value is an event that lasts one run (a click), rather than
    /// state the widget keeps.
    pub fn is_trigger(&self) -> bool {
        matches!(self, WidgetSpec::Button)
    }

    /// The value before the user touches the widget.
    pub fn default_value(&self) -> WidgetValue {
        match self {
            WidgetSpec::Button => WidgetValue::Bool(false),
            WidgetSpec::Checkbox { default } => WidgetValue::Bool(*default),
            WidgetSpec::IntSlider { default, .. } => WidgetValue::Int(*default),
            WidgetSpec::FloatSlider { default, .. } | WidgetSpec::NumberInput { default, .. } => {
                WidgetValue::Float(*default)
            }
            WidgetSpec::TextInput { default, .. } => WidgetValue::Text(default.clone()),
            WidgetSpec::Selectbox { default, .. } => WidgetValue::Index(*default),
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
            WidgetSpec::Selectbox { options, .. } => options.iter().map(String::len).sum(),
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
            WidgetSpec::Button | WidgetSpec::Checkbox { .. } => match value {
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
        }
    }
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
