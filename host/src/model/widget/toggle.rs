//! `toggle`: an on/off switch.

use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// An on/off switch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toggle {
    /// On before the user touches it.
    pub default: bool,
}

impl Kind for Toggle {
    fn default_value(&self) -> WidgetValue {
        WidgetValue::Bool(self.default)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.boolean()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
