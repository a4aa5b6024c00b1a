//! `select_slider`: a slider over options, with one handle or two.

use super::id::hash_json;
use super::parse::{check_options, index, options_state};
use super::parse::{option_from_state, option_state};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A slider over options; the value is the chosen option's index, or with
/// two handles the indices `[low, high]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectSlider {
    /// The options, in order; at least one.
    pub options: Vec<String>,
    /// The option chosen before the user touches it (the low handle's).
    pub default: u32,
    /// A second handle's option at first: the value is then a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<u32>,
}

impl Kind for SelectSlider {
    fn check(&self) -> Result<(), String> {
        if self.options.is_empty() {
            return Err("select slider: needs at least one option".into());
        }
        check_options("select slider", &self.options, [self.default])?;
        match self.high {
            Some(high) if high < self.default || high as usize >= self.options.len() => {
                Err(format!(
                    "select slider: the default range {}..={high} is not a range of its {} options",
                    self.default,
                    self.options.len()
                ))
            }
            _ => Ok(()),
        }
    }

    fn default_value(&self) -> WidgetValue {
        match self.high {
            Some(high) => WidgetValue::Indices(vec![self.default, high]),
            None => WidgetValue::Index(Some(self.default)),
        }
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        if self.high.is_none() {
            return input.option(self.options.len(), false);
        }
        let kind = input.kind;
        let expected = "two option indices, low and high";
        let pair = input
            .value
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| input.wrong_type(expected))?;
        let mut ends = [0; 2];
        for (end, item) in ends.iter_mut().zip(pair) {
            *end = index(item, self.options.len()).map_err(|e| {
                e.map_or_else(|| input.wrong_type(expected), |e| format!("{kind} {e}"))
            })?;
        }
        if ends[0] > ends[1] {
            return Err(format!("{kind}: low {} is past high {}", ends[0], ends[1]));
        }
        Ok(WidgetValue::Indices(ends.to_vec()))
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        match self.high {
            Some(_) => options_state(&self.options, value),
            None => option_state(&self.options, value),
        }
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        if self.high.is_none() {
            return option_from_state(&self.options, input.value, false);
        }
        // Two options by their text: each the first option that reads so.
        let names = input.value.as_array()?;
        let at = |name: &serde_json::Value| {
            let name = name.as_str()?;
            self.options.iter().position(|o| o == name)
        };
        let ends: Vec<serde_json::Value> = names
            .iter()
            .map(|n| at(n).map(serde_json::Value::from))
            .collect::<Option<_>>()?;
        self.validate(&Input {
            kind: input.kind,
            value: &serde_json::Value::Array(ends),
        })
        .ok()
    }

    fn text_bytes(&self) -> usize {
        self.options.iter().map(String::len).sum()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
