//! `date_input`: a date, `YYYY-MM-DD`, or a range of two, within optional
//! bounds; optionally empty.

use super::id::hash_json;
use super::parse::{check_date_bounds, parse_date};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A date picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateInput {
    /// The date before the user picks one (a range's first); `None` starts
    /// empty, and the user may empty it again ([`WidgetValue::Empty`]).
    pub default: Option<String>,
    /// Earliest date, if any.
    pub min: Option<String>,
    /// Latest date, if any.
    pub max: Option<String>,
    /// Two dates, first and last: the value is [`WidgetValue::TextRange`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub range: bool,
    /// A range's last date at first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

impl DateInput {
    /// Checks one date: a real one, within the bounds.
    fn date(&self, kind: &str, date: &str) -> Result<(), String> {
        parse_date(date).map_err(|e| format!("{kind}: {e}"))?;
        check_date_bounds(date, &self.min, &self.max).map_err(|e| format!("{kind}: {e}"))
    }
}

impl Kind for DateInput {
    fn check(&self) -> Result<(), String> {
        for date in [self.min.as_ref(), self.max.as_ref()].into_iter().flatten() {
            parse_date(date).map_err(|e| format!("date input: {e}"))?;
        }
        if let (Some(min), Some(max)) = (&self.min, &self.max) {
            if min > max {
                return Err(format!("date input: min {min} is after max {max}"));
            }
        }
        match (&self.default, &self.end, self.range) {
            (_, Some(_), false) => Err("date input: `end` is for a range".into()),
            (Some(_), None, true) | (None, Some(_), true) => {
                Err("date input: a range's default is two dates (or none)".into())
            }
            (Some(first), Some(last), true) if first > last => Err(format!(
                "date input: the default range starts ({first}) after it ends ({last})"
            )),
            _ => [&self.default, &self.end]
                .into_iter()
                .flatten()
                .try_for_each(|d| self.date("date input: default", d)),
        }
    }

    fn default_value(&self) -> WidgetValue {
        match (&self.default, &self.end) {
            (Some(first), Some(last)) => WidgetValue::TextRange(first.clone(), last.clone()),
            (Some(date), None) => WidgetValue::Text(date.clone()),
            (None, _) => WidgetValue::Empty,
        }
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let kind = input.kind;
        if self.default.is_none() && input.value.is_null() {
            return Ok(WidgetValue::Empty);
        }
        if !self.range {
            let s = input
                .value
                .as_str()
                .ok_or_else(|| input.wrong_type("a date string"))?;
            self.date(kind, s)?;
            return Ok(WidgetValue::Text(s.to_owned()));
        }
        let expected = "two date strings, first and last";
        let pair = input
            .value
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| input.wrong_type(expected))?;
        let (Some(first), Some(last)) = (pair[0].as_str(), pair[1].as_str()) else {
            return Err(input.wrong_type(expected));
        };
        self.date(kind, first)?;
        self.date(kind, last)?;
        if first > last {
            return Err(format!(
                "{kind}: the range starts ({first}) after it ends ({last})"
            ));
        }
        Ok(WidgetValue::TextRange(first.to_owned(), last.to_owned()))
    }

    fn text_bytes(&self) -> usize {
        [&self.default, &self.end, &self.min, &self.max]
            .into_iter()
            .flatten()
            .map(String::len)
            .sum()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
