//! `checkbox`: a box the user ticks.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A checkbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkbox {
    /// Ticked before the user touches it.
    pub default: bool,
}

impl Kind for Checkbox {
    fn default_value(&self) -> WidgetValue {
        WidgetValue::Bool(self.default)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.boolean()
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        h.write_u8(self.default as u8)
    }
}
