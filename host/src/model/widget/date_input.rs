//! `date_input`: a date, `YYYY-MM-DD`, within optional bounds.

use super::id::hash_json;
use super::parse::{check_date_bounds, parse_date};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A date picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateInput {
    /// The date before the user picks one.
    pub default: String,
    /// Earliest date, if any.
    pub min: Option<String>,
    /// Latest date, if any.
    pub max: Option<String>,
}

impl Kind for DateInput {
    fn check(&self) -> Result<(), String> {
        for date in [Some(&self.default), self.min.as_ref(), self.max.as_ref()]
            .into_iter()
            .flatten()
        {
            parse_date(date).map_err(|e| format!("date input: {e}"))?;
        }
        check_date_bounds(&self.default, &self.min, &self.max)
            .map_err(|e| format!("date input: default {e}"))
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Text(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let kind = input.kind;
        let s = input
            .value
            .as_str()
            .ok_or_else(|| input.wrong_type("a date string"))?;
        parse_date(s).map_err(|e| format!("{kind}: {e}"))?;
        check_date_bounds(s, &self.min, &self.max).map_err(|e| format!("{kind}: {e}"))?;
        Ok(WidgetValue::Text(s.to_owned()))
    }

    fn text_bytes(&self) -> usize {
        self.default.len()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
