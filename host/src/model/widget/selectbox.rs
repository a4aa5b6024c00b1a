//! `selectbox`: a drop-down list.

use super::parse::{check_options, typed_option};
use super::parse::{option_from_state, option_state};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A drop-down list; its value is the chosen option's index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selectbox {
    /// The options, in order.
    pub options: Vec<String>,
    /// The option chosen before the user touches it, if any.
    pub default: Option<u32>,
    /// Shown while nothing is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The user may type an option of their own: the value is then the
    /// option's text ([`WidgetValue::Text`]) or [`WidgetValue::Empty`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept_new_options: bool,
}

impl Kind for Selectbox {
    fn check(&self) -> Result<(), String> {
        check_options("selectbox", &self.options, self.default)
    }

    fn default_value(&self) -> WidgetValue {
        if self.accept_new_options {
            return self
                .default
                .and_then(|i| self.options.get(i as usize))
                .map_or(WidgetValue::Empty, |o| WidgetValue::Text(o.clone()));
        }
        WidgetValue::Index(self.default)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        if !self.accept_new_options {
            return input.option(self.options.len(), true);
        }
        if input.value.is_null() {
            return Ok(WidgetValue::Empty);
        }
        let known = self.options.iter().map(String::as_str).collect();
        typed_option(input.kind, &known, input.value).map(WidgetValue::Text)
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        match value {
            WidgetValue::Text(text) => serde_json::Value::from(text.as_str()),
            _ => option_state(&self.options, value),
        }
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        if self.accept_new_options {
            return self.validate(input).ok();
        }
        option_from_state(&self.options, input.value, true)
    }

    fn text_bytes(&self) -> usize {
        self.options.iter().map(String::len).sum::<usize>()
            + self.placeholder.as_ref().map_or(0, String::len)
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        for o in &self.options {
            h.write(o.as_bytes());
            h.write_u8(0xff);
        }
        h.write_u32(self.default.unwrap_or(u32::MAX));
        if self.accept_new_options {
            h.write(b"new options");
        }
    }
}
