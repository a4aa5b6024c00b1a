//! `text_area`: a multi-line text box.

use super::id::hash_json;
use super::parse::check_default_text;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A multi-line text box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextArea {
    /// The text before the user types.
    pub default: String,
    /// Most characters the text may have.
    pub max_chars: Option<u32>,
    /// Shown while the box is empty.
    pub placeholder: Option<String>,
    /// Height in lines.
    pub height: Option<u32>,
}

impl Kind for TextArea {
    fn check(&self) -> Result<(), String> {
        check_default_text("text area", &self.default, self.max_chars)
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Text(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.text(self.max_chars)
    }

    fn text_bytes(&self) -> usize {
        self.default.len() + self.placeholder.as_ref().map_or(0, String::len)
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
