//! `chat_input`: a chat message box whose value lasts one run.

use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A chat message box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatInput {
    /// Shown while the box is empty.
    pub placeholder: Option<String>,
    /// Most characters a message may have.
    pub max_chars: Option<u32>,
}

impl Kind for ChatInput {
    fn is_trigger(&self) -> bool {
        true
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Text(String::new())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.text(self.max_chars)
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
