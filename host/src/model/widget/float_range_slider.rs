//! `float_range_slider`: a floating-point slider with two handles; its
//! value is the range between them.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A floating-point slider with two handles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloatRangeSlider {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Distance between values; positive.
    pub step: f64,
    /// Where the handles are before the user touches them.
    pub default: [f64; 2],
}

impl Kind for FloatRangeSlider {
    fn check(&self) -> Result<(), String> {
        let FloatRangeSlider {
            min,
            max,
            step,
            default: [low, high],
        } = self;
        if ![min, max, step, low, high].iter().all(|v| v.is_finite()) {
            return Err("slider: bounds, step and default must be finite".into());
        }
        if min > max {
            return Err(format!("slider: min {min} is greater than max {max}"));
        }
        if *step <= 0.0 {
            return Err(format!("slider: step must be positive, got {step}"));
        }
        if low > high || low < min || high > max {
            return Err(format!(
                "slider: the default range {low}..={high} is not within {min}..={max}"
            ));
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::FloatRange(self.default[0], self.default[1])
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let (min, max) = (self.min, self.max);
        let expected = "two numbers, low and high";
        let pair = input
            .value
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| input.wrong_type(expected))?;
        let (Some(low), Some(high)) = (pair[0].as_f64(), pair[1].as_f64()) else {
            return Err(input.wrong_type(expected));
        };
        if low > high || low < min || high > max {
            return Err(format!(
                "{} range {low}..={high} is not within {min}..={max}",
                input.kind
            ));
        }
        Ok(WidgetValue::FloatRange(low, high))
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        for v in [
            self.min,
            self.max,
            self.step,
            self.default[0],
            self.default[1],
        ] {
            h.write_u64(v.to_bits());
        }
    }
}
