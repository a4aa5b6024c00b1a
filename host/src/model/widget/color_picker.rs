//! `color_picker`: a colour, `#rrggbb`.

use super::id::hash_json;
use super::parse::parse_color;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A colour picker; the value is `#rrggbb` in lower case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColorPicker {
    /// The colour before the user picks one.
    pub default: String,
}

impl Kind for ColorPicker {
    fn check(&self) -> Result<(), String> {
        parse_color(&self.default)
            .map(drop)
            .map_err(|e| format!("color picker: default {e}"))
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Text(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let s = input
            .value
            .as_str()
            .ok_or_else(|| input.wrong_type("a colour string"))?;
        parse_color(s).map_err(|e| format!("{}: {e}", input.kind))?;
        Ok(WidgetValue::Text(s.to_ascii_lowercase()))
    }

    fn text_bytes(&self) -> usize {
        self.default.len()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
