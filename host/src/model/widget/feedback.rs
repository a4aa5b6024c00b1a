//! `feedback`: thumbs (2 options), stars or faces (5).

use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Thumbs, stars or faces; the value is the chosen option's index, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// 2 (thumbs) or 5 (stars or faces).
    pub options: u32,
    /// Five faces, sad to happy, instead of stars.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub faces: bool,
}

impl Kind for Feedback {
    fn default_value(&self) -> WidgetValue {
        WidgetValue::Index(None)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.option(self.options as usize, true)
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
