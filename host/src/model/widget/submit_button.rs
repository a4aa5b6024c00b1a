//! `submit_button`: submits the form it is in.

use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A form's submit button; its value is a click.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitButton;

impl Kind for SubmitButton {
    fn is_trigger(&self) -> bool {
        true
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Bool(false)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.boolean()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, &serde_json::Map::new(), h)
    }
}
