//! `datetime_input`: a date and a time of day, `YYYY-MM-DDTHH:MM`, within
//! optional bounds; optionally empty.

use super::id::hash_json;
use super::parse::{parse_date, parse_time};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A date and time picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatetimeInput {
    /// The value before the user picks one; `None` starts empty, and the
    /// user may empty it again ([`WidgetValue::Empty`]).
    pub default: Option<String>,
    /// Earliest value, if any.
    pub min: Option<String>,
    /// Latest value, if any.
    pub max: Option<String>,
    /// Minutes between the times offered, 1 to 1440.
    pub step_minutes: Option<u32>,
}

/// A date and time of day as `YYYY-MM-DDTHH:MM`.
pub fn parse_datetime(s: &str) -> Result<(), String> {
    let bad = || format!("{s:?} is not a date and time like \"2026-11-25T09:30\"");
    let (date, time) = s.split_once('T').ok_or_else(bad)?;
    parse_date(date).map_err(|_| bad())?;
    parse_time(time).map_err(|_| bad())?;
    Ok(())
}

impl DatetimeInput {
    fn within(&self, kind: &str, value: &str) -> Result<(), String> {
        parse_datetime(value).map_err(|e| format!("{kind}: {e}"))?;
        // The fixed-width form compares as text.
        if self.min.as_deref().is_some_and(|lo| value < lo)
            || self.max.as_deref().is_some_and(|hi| value > hi)
        {
            return Err(format!("{kind}: {value} is outside the allowed times"));
        }
        Ok(())
    }
}

impl Kind for DatetimeInput {
    fn check(&self) -> Result<(), String> {
        const KIND: &str = "datetime input";
        if self.step_minutes.is_some_and(|m| m == 0 || m > 24 * 60) {
            return Err(format!("{KIND}: step_minutes must be 1 to 1440"));
        }
        for bound in [&self.min, &self.max].into_iter().flatten() {
            parse_datetime(bound).map_err(|e| format!("{KIND}: {e}"))?;
        }
        if let (Some(min), Some(max)) = (&self.min, &self.max) {
            if min > max {
                return Err(format!("{KIND}: min {min} is after max {max}"));
            }
        }
        match &self.default {
            Some(default) => self.within("datetime input: default", default),
            None => Ok(()),
        }
    }

    fn default_value(&self) -> WidgetValue {
        self.default
            .clone()
            .map_or(WidgetValue::Empty, WidgetValue::Text)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        if self.default.is_none() && input.value.is_null() {
            return Ok(WidgetValue::Empty);
        }
        let s = input
            .value
            .as_str()
            .ok_or_else(|| input.wrong_type("a date and time string"))?;
        self.within(input.kind, s)?;
        Ok(WidgetValue::Text(s.to_owned()))
    }

    fn text_bytes(&self) -> usize {
        [&self.default, &self.min, &self.max]
            .into_iter()
            .flatten()
            .map(String::len)
            .sum()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
