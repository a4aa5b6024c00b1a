//! `range_slider`: an integer slider with two handles; its value is the
//! range between them.

use super::parse::SliderUnit;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// An integer slider with two handles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntRangeSlider {
    /// Smallest value.
    pub min: i64,
    /// Largest value.
    pub max: i64,
    /// Distance between values; positive.
    pub step: i64,
    /// Where the handles are before the user touches them.
    pub default: [i64; 2],
    /// What the numbers stand for (dates, times), for the display.
    #[serde(default, skip_serializing_if = "SliderUnit::is_number")]
    pub unit: SliderUnit,
}

impl Kind for IntRangeSlider {
    fn check(&self) -> Result<(), String> {
        let IntRangeSlider {
            min,
            max,
            step,
            default: [low, high],
            unit,
        } = self;
        unit.check("slider", *min, *max)?;
        if min > max {
            return Err(format!("slider: min {min} is greater than max {max}"));
        }
        if *step <= 0 {
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
        WidgetValue::IntRange(self.default[0], self.default[1])
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let (min, max) = (self.min, self.max);
        let expected = "two integers, low and high";
        let pair = input
            .value
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| input.wrong_type(expected))?;
        let (Some(low), Some(high)) = (pair[0].as_i64(), pair[1].as_i64()) else {
            return Err(input.wrong_type(expected));
        };
        if low > high || low < min || high > max {
            return Err(format!(
                "{} range {low}..={high} is not within {min}..={max}",
                input.kind
            ));
        }
        Ok(WidgetValue::IntRange(low, high))
    }

    fn hash_identity(&self, _kind: &str, h: &mut dyn Hasher) {
        for v in [
            self.min,
            self.max,
            self.step,
            self.default[0],
            self.default[1],
        ] {
            h.write_i64(v);
        }
        if !self.unit.is_number() {
            h.write_u8(self.unit as u8);
        }
    }
}
