//! `segmented_control`: options as one row of joined buttons, one or
//! several chosen (the rules are `pills`').

use super::id::hash_json;
use super::pills::ButtonOptions;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Options as one row of joined buttons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentedControl {
    #[serde(flatten)]
    pub choice: ButtonOptions,
}

impl Kind for SegmentedControl {
    fn check(&self) -> Result<(), String> {
        self.choice.check("segmented_control")
    }

    fn default_value(&self) -> WidgetValue {
        self.choice.default_value()
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        self.choice.validate(input)
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        self.choice.to_state(value)
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        self.choice.read_state(input)
    }

    fn text_bytes(&self) -> usize {
        self.choice.text_bytes()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
