//! `multiselect`: several choices among options.

use super::id::hash_json;
use super::parse::{check_options, first_repeat, index, typed_option, MAX_SELECT_OPTIONS};
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
    /// Shown while nothing is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The user may type options of their own: the value is then the
    /// chosen options' texts ([`WidgetValue::Texts`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept_new_options: bool,
}

impl Kind for Multiselect {
    fn check(&self) -> Result<(), String> {
        let default = &self.default;
        check_options("multiselect", &self.options, default.iter().copied())?;
        if first_repeat(default).is_some() {
            return Err("multiselect: an option is chosen twice in the default".into());
        }
        if self
            .max_selections
            .is_some_and(|m| default.len() > m as usize)
        {
            return Err("multiselect: more defaults than max_selections".into());
        }
        if self.accept_new_options && first_repeat(&self.options).is_some() {
            return Err(
                "multiselect: options that accept new ones are known by their text, so no two may \
                 read the same"
                    .into(),
            );
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        if self.accept_new_options {
            let texts = self
                .default
                .iter()
                .filter_map(|i| self.options.get(*i as usize));
            return WidgetValue::Texts(texts.cloned().collect());
        }
        WidgetValue::Indices(self.default.clone())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let kind = input.kind;
        let expected = if self.accept_new_options {
            "an array of options' texts"
        } else {
            "an array of option indices"
        };
        let items = input
            .value
            .as_array()
            .ok_or_else(|| input.wrong_type(expected))?;
        let options = if self.accept_new_options {
            MAX_SELECT_OPTIONS
        } else {
            self.options.len()
        };
        if self
            .max_selections
            .is_some_and(|m| items.len() > m as usize)
            || items.len() > options
        {
            return Err(format!("{kind}: too many options chosen ({})", items.len()));
        }
        if self.accept_new_options {
            let known = self.options.iter().map(String::as_str).collect();
            let texts = items
                .iter()
                .map(|item| typed_option(kind, &known, item))
                .collect::<Result<Vec<String>, String>>()?;
            if let Some(text) = first_repeat(&texts) {
                return Err(format!("{kind}: option {text:?} chosen twice"));
            }
            return Ok(WidgetValue::Texts(texts));
        }
        let chosen = items
            .iter()
            .map(|item| {
                index(item, options).map_err(|e| {
                    e.map_or_else(|| input.wrong_type(expected), |e| format!("{kind} {e}"))
                })
            })
            .collect::<Result<Vec<u32>, String>>()?;
        if let Some(i) = first_repeat(&chosen) {
            return Err(format!("{kind}: option {i} chosen twice"));
        }
        Ok(WidgetValue::Indices(chosen))
    }

    fn to_state(&self, value: &WidgetValue) -> serde_json::Value {
        match value {
            WidgetValue::Texts(texts) => texts
                .iter()
                .map(|t| serde_json::Value::from(t.as_str()))
                .collect(),
            _ => options_state(&self.options, value),
        }
    }

    fn read_state(&self, input: &Input) -> Option<WidgetValue> {
        if self.accept_new_options {
            return self.validate(input).ok();
        }
        let indices = options_from_state(&self.options, input.value)?;
        self.validate(&Input {
            kind: input.kind,
            value: &indices,
        })
        .ok()
    }

    fn text_bytes(&self) -> usize {
        self.options.iter().map(String::len).sum::<usize>()
            + self.placeholder.as_ref().map_or(0, String::len)
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        // The placeholder is no part of the identity (as a selectbox's).
        if self.placeholder.is_none() {
            return hash_json(kind, self, h);
        }
        let bare = Multiselect {
            placeholder: None,
            ..self.clone()
        };
        hash_json(kind, &bare, h)
    }
}
