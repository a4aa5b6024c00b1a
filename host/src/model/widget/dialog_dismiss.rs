//! `dialog_dismiss`: drawn inside a dialog as nothing; true in the run the
//! user's closing of that dialog caused.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Tells the page its dialog was closed; its value is that event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialogDismiss;

impl Kind for DialogDismiss {
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
