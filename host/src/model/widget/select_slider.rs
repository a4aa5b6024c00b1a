//! `select_slider`: a slider over options.

use super::id::hash_json;
use super::parse::check_options;
use super::parse::{option_from_state, option_state};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A slider over options; the value is the chosen option's index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectSlider {
    /// The options, in order; at least one.
    pub options: Vec<String>,
    /// The option chosen before the user touches it.
    pub default: u32,
}

impl Kind for SelectSlider {
    fn check(&self) -> Result<(), String> {
        if self.options.is_empty() {
            return Err("select slider: needs at least one option".into());
        }
        check_options("select slider", &self.options, [self.default])
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Index(Some(self.default))
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.option(self.options.len(), false)
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        option_state(&self.options, value)
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        option_from_state(&self.options, input.value, false)
    }

    fn text_bytes(&self) -> usize {
        self.options.iter().map(String::len).sum()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
