//! `float_slider`: a floating-point slider.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A floating-point slider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloatSlider {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Distance between values; positive.
    pub step: f64,
    /// The value before the user touches it.
    pub default: f64,
}

impl Kind for FloatSlider {
    fn check(&self) -> Result<(), String> {
        let FloatSlider {
            min,
            max,
            step,
            default,
        } = self;
        if ![min, max, step, default].iter().all(|v| v.is_finite()) {
            return Err("float slider: min, max, step and default must be finite".into());
        }
        if min > max {
            return Err(format!("float slider: min {min} is greater than max {max}"));
        }
        if *step <= 0.0 {
            return Err(format!("float slider: step must be positive, got {step}"));
        }
        if default < min || default > max {
            return Err(format!(
                "float slider: default {default} is outside {min}..={max}"
            ));
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Float(self.default)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let (min, max) = (self.min, self.max);
        let v = input
            .value
            .as_f64()
            .ok_or_else(|| input.wrong_type("a number"))?;
        if !(min..=max).contains(&v) {
            return Err(format!("{} value {v} is outside {min}..={max}", input.kind));
        }
        Ok(WidgetValue::Float(v))
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        for v in [self.min, self.max, self.step, self.default] {
            h.write_u64(v.to_bits());
        }
    }
}
