//! `number_input`: a number box with optional bounds.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A number box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberInput {
    /// Smallest value, if any.
    pub min: Option<f64>,
    /// Largest value, if any.
    pub max: Option<f64>,
    /// What the arrows add or take away; positive.
    pub step: f64,
    /// The value before the user touches it; `None` starts empty, and the
    /// box may be emptied again (the value is then [`WidgetValue::Empty`]).
    pub default: Option<f64>,
    /// Whole numbers only; the value is an integer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
    /// Shown while the box is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

/// Largest whole number a number box takes in integer mode: every whole
/// number up to it is exact as a browser's number.
const MAX_WHOLE: f64 = 9_007_199_254_740_991.0;

/// Whether `v` is a whole number a browser holds exactly.
fn whole(v: f64) -> bool {
    v.fract() == 0.0 && v.abs() <= MAX_WHOLE
}

impl Kind for NumberInput {
    fn check(&self) -> Result<(), String> {
        let NumberInput {
            min,
            max,
            step,
            default,
            integer,
            placeholder: _,
        } = self;
        let bounds = [min, max].into_iter().flatten();
        let given = || {
            [Some(step), default.as_ref()]
                .into_iter()
                .flatten()
                .chain(bounds.clone())
        };
        if !given().all(|v| v.is_finite()) {
            return Err("number input: bounds, step and default must be finite".into());
        }
        if *integer && !given().all(|v| whole(*v)) {
            return Err(
                "number input: in integer mode, bounds, step and default must be whole numbers"
                    .into(),
            );
        }
        if *step <= 0.0 {
            return Err(format!("number input: step must be positive, got {step}"));
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return Err(format!("number input: min {lo} is greater than max {hi}"));
            }
        }
        if let Some(default) = default {
            if min.is_some_and(|lo| *default < lo) || max.is_some_and(|hi| *default > hi) {
                return Err(format!(
                    "number input: default {default} is outside its bounds"
                ));
            }
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        match self.default {
            None => WidgetValue::Empty,
            Some(v) if self.integer => WidgetValue::Int(v as i64),
            Some(v) => WidgetValue::Float(v),
        }
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        if self.default.is_none() && input.value.is_null() {
            return Ok(WidgetValue::Empty);
        }
        let v = input
            .value
            .as_f64()
            .ok_or_else(|| input.wrong_type("a number"))?;
        if self.min.is_some_and(|lo| v < lo) || self.max.is_some_and(|hi| v > hi) {
            return Err(format!("{} value {v} is outside its bounds", input.kind));
        }
        if self.integer {
            if !whole(v) {
                return Err(format!("{} value {v} is not a whole number", input.kind));
            }
            return Ok(WidgetValue::Int(v as i64));
        }
        Ok(WidgetValue::Float(v))
    }

    fn text_bytes(&self) -> usize {
        self.placeholder.as_ref().map_or(0, String::len)
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        for v in [
            self.min.unwrap_or(f64::NEG_INFINITY),
            self.max.unwrap_or(f64::INFINITY),
            self.step,
        ] {
            h.write_u64(v.to_bits());
        }
        match self.default {
            Some(v) => h.write_u64(v.to_bits()),
            None => h.write(b"empty"),
        }
        if self.integer {
            h.write(b"integer");
        }
    }
}
