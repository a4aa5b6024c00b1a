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
        super::range::check(min, max, step, &[*low, *high])
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::FloatRange(self.default[0], self.default[1])
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let (low, high) = super::range::read(
            input,
            "two numbers, low and high",
            serde_json::Value::as_f64,
            self.min,
            self.max,
        )?;
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
