//! `pills`: options as rounded buttons, one or several chosen; and the
//! choice rules it shares with `segmented_control`.

use super::id::hash_json;
use super::parse::{
    check_options, option_from_state, option_state, options_from_state, options_state,
};
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Options shown as buttons: one chosen (or none), or several when `multi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ButtonOptions {
    /// The options, in order.
    pub options: Vec<String>,
    /// Several may be chosen: the value lists their indices.
    pub multi: bool,
    /// The options chosen before the user touches it.
    pub default: Vec<u32>,
}

impl ButtonOptions {
    pub(super) fn check(&self, kind: &str) -> Result<(), String> {
        check_options(kind, &self.options, self.default.iter().copied())?;
        if !self.multi && self.default.len() > 1 {
            return Err(format!(
                "{kind}: {} defaults, but only one option may be chosen (multi is off)",
                self.default.len()
            ));
        }
        let default = &self.default;
        if super::parse::first_repeat(default).is_some() {
            return Err(format!("{kind}: an option is chosen twice in the default"));
        }
        Ok(())
    }

    pub(super) fn default_value(&self) -> WidgetValue {
        if self.multi {
            WidgetValue::Indices(self.default.clone())
        } else {
            WidgetValue::Index(self.default.first().copied())
        }
    }

    pub(super) fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        if !self.multi {
            return input.option(self.options.len(), true);
        }
        let items = input
            .value
            .as_array()
            .ok_or_else(|| input.wrong_type("an array of option indices"))?;
        if items.len() > self.options.len() {
            return Err(format!(
                "{}: too many options chosen ({})",
                input.kind,
                items.len()
            ));
        }
        let chosen = items
            .iter()
            .map(|item| {
                super::parse::index(item, self.options.len()).map_err(|e| {
                    e.map_or_else(
                        || input.wrong_type("an array of option indices"),
                        |e| format!("{} {e}", input.kind),
                    )
                })
            })
            .collect::<Result<Vec<u32>, String>>()?;
        if let Some(i) = super::parse::first_repeat(&chosen) {
            return Err(format!("{}: option {i} is chosen twice", input.kind));
        }
        Ok(WidgetValue::Indices(chosen))
    }

    pub(super) fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        if self.multi {
            options_state(&self.options, value)
        } else {
            option_state(&self.options, value)
        }
    }

    pub(super) fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        if !self.multi {
            return option_from_state(&self.options, input.value, true);
        }
        let indices = options_from_state(&self.options, input.value)?;
        self.validate(&Input {
            kind: input.kind,
            value: &indices,
        })
        .ok()
    }

    pub(super) fn text_bytes(&self) -> usize {
        self.options.iter().map(String::len).sum()
    }
}

/// Options as rounded buttons in a row that wraps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pills {
    #[serde(flatten)]
    pub choice: ButtonOptions,
}

impl Kind for Pills {
    fn check(&self) -> Result<(), String> {
        self.choice.check("pills")
    }

    fn default_value(&self) -> WidgetValue {
        self.choice.default_value()
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        self.choice.validate(input)
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        self.choice.to_state(value)
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        self.choice.read_state(input)
    }

    fn text_bytes(&self) -> usize {
        self.choice.text_bytes()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
