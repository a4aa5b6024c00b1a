//! `selectbox`: a drop-down list.

use super::parse::check_options;
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
}

impl Kind for Selectbox {
    fn check(&self) -> Result<(), String> {
        check_options("selectbox", &self.options, self.default)
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Index(self.default)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.option(self.options.len(), true)
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        option_state(&self.options, value)
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
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
    }
}
