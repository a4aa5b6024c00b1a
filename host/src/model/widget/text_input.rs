//! `text_input`: a one-line text box.

use super::parse::check_default_text;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A one-line text box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextInput {
    /// The text before the user types.
    pub default: String,
    /// Most characters the text may have.
    pub max_chars: Option<u32>,
    /// Shown while the box is empty.
    pub placeholder: Option<String>,
    /// Typed characters are hidden.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password: bool,
    /// The browser's `autocomplete` hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
}

impl Kind for TextInput {
    fn check(&self) -> Result<(), String> {
        check_default_text("text input", &self.default, self.max_chars)?;
        if let Some(hint) = &self.autocomplete {
            let fits = !hint.is_empty()
                && hint.len() <= 64
                && hint
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
            if !fits {
                return Err(format!(
                    "text input: autocomplete {hint:?} is not a hint (letters, digits, spaces \
                     and dashes, at most 64)"
                ));
            }
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Text(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.text(self.max_chars)
    }

    fn text_bytes(&self) -> usize {
        self.default.len()
            + self.placeholder.as_ref().map_or(0, String::len)
            + self.autocomplete.as_ref().map_or(0, String::len)
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        h.write(self.default.as_bytes());
        h.write_u8(0xff);
        h.write_u32(self.max_chars.unwrap_or(u32::MAX));
        h.write(self.placeholder.as_deref().unwrap_or("").as_bytes());
        if self.password {
            h.write(b"password");
        }
    }
}
