//! `time_input`: a time of day, `HH:MM`.

use super::id::hash_json;
use super::parse::parse_time;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A time picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeInput {
    /// The time before the user picks one.
    pub default: String,
    /// Minutes between the times offered, 1 to 1440.
    pub step_minutes: Option<u32>,
}

impl Kind for TimeInput {
    fn check(&self) -> Result<(), String> {
        if self.step_minutes.is_some_and(|m| m == 0 || m > 24 * 60) {
            return Err("time input: step_minutes must be 1 to 1440".into());
        }
        parse_time(&self.default)
            .map(drop)
            .map_err(|e| format!("time input: default {e}"))
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Text(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let s = input
            .value
            .as_str()
            .ok_or_else(|| input.wrong_type("a time string"))?;
        parse_time(s).map_err(|e| format!("{}: {e}", input.kind))?;
        Ok(WidgetValue::Text(s.to_owned()))
    }

    fn text_bytes(&self) -> usize {
        self.default.len()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
