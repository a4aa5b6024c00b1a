//! `radio`: radio buttons.

use super::id::hash_json;
use super::parse::check_options;
use super::parse::{option_from_state, option_state};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Radio buttons; the value is the chosen option's index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Radio {
    /// The options, in order.
    pub options: Vec<String>,
    /// The option chosen before the user touches it, if any.
    pub default: Option<u32>,
    /// Options side by side instead of one per line.
    pub horizontal: bool,
    /// Smaller text under each option, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<String>,
}

impl Kind for Radio {
    fn check(&self) -> Result<(), String> {
        check_options("radio", &self.options, self.default)?;
        if self.captions.len() > self.options.len() {
            return Err(format!(
                "radio: {} captions for {} options",
                self.captions.len(),
                self.options.len()
            ));
        }
        Ok(())
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
            + self.captions.iter().map(String::len).sum::<usize>()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
