//! `button`: true only in the run its click caused.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A button; its value is a click.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Button;

impl Kind for Button {
    fn is_trigger(&self) -> bool {
        true
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Bool(false)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.boolean()
    }

    fn hash_identity(&self, _kind: &str, _h: &mut dyn Hasher) {}
}
