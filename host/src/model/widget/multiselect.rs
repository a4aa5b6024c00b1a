//! `multiselect`: several choices among options.

use super::id::hash_json;
use super::parse::{check_options, index};
use super::parse::{options_from_state, options_state};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Several choices among options; the value lists their indices in the order chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Multiselect {
    /// The options, in order.
    pub options: Vec<String>,
    /// The options chosen before the user touches it.
    pub default: Vec<u32>,
    /// Most options that may be chosen.
    pub max_selections: Option<u32>,
}

impl Kind for Multiselect {
    fn check(&self) -> Result<(), String> {
        let default = &self.default;
        check_options("multiselect", &self.options, default.iter().copied())?;
        if default
            .iter()
            .enumerate()
            .any(|(i, d)| default[..i].contains(d))
        {
            return Err("multiselect: an option is chosen twice in the default".into());
        }
        if self
            .max_selections
            .is_some_and(|m| default.len() > m as usize)
        {
            return Err("multiselect: more defaults than max_selections".into());
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Indices(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let kind = input.kind;
        let expected = "an array of option indices";
        let items = input
            .value
            .as_array()
            .ok_or_else(|| input.wrong_type(expected))?;
        let options = self.options.len();
        if self
            .max_selections
            .is_some_and(|m| items.len() > m as usize)
            || items.len() > options
        {
            return Err(format!("{kind}: too many options chosen ({})", items.len()));
        }
        let mut chosen = Vec::with_capacity(items.len());
        for item in items {
            let i = index(item, options).map_err(|e| {
                e.map_or_else(|| input.wrong_type(expected), |e| format!("{kind} {e}"))
            })?;
            if chosen.contains(&i) {
                return Err(format!("{kind}: option {i} chosen twice"));
            }
            chosen.push(i);
        }
        Ok(WidgetValue::Indices(chosen))
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        options_state(&self.options, value)
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        let indices = options_from_state(&self.options, input.value)?;
        self.validate(&Input {
            kind: input.kind,
            value: &indices,
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
