//! `slider`: an integer slider (its kind name is `slider`, as in its ids).

use super::parse::SliderUnit;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// An integer slider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntSlider {
    /// Smallest value.
    pub min: i64,
    /// Largest value.
    pub max: i64,
    /// Distance between values; positive.
    pub step: i64,
    /// The value before the user touches it.
    pub default: i64,
    /// What the numbers stand for (dates, times), for the display.
    #[serde(default, skip_serializing_if = "SliderUnit::is_number")]
    pub unit: SliderUnit,
}

impl Kind for IntSlider {
    fn check(&self) -> Result<(), String> {
        let IntSlider {
            min,
            max,
            step,
            default,
            unit,
        } = self;
        unit.check("slider", *min, *max)?;
        if min > max {
            return Err(format!("slider: min {min} is greater than max {max}"));
        }
        if *step <= 0 {
            return Err(format!("slider: step must be positive, got {step}"));
        }
        if default < min || default > max {
            return Err(format!(
                "slider: default {default} is outside {min}..={max}"
            ));
        }
        Ok(())
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Int(self.default)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let (min, max) = (self.min, self.max);
        let v = input
            .value
            .as_i64()
            .ok_or_else(|| input.wrong_type("an integer"))?;
        if v < min || v > max {
            return Err(format!("{} value {v} is outside {min}..={max}", input.kind));
        }
        Ok(WidgetValue::Int(v))
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        for v in [self.min, self.max, self.step, self.default] {
            h.write_i64(v);
        }
        if !self.unit.is_number() {
            h.write_u8(self.unit as u8);
        }
    }
}
