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
        super::range::check(min, max, step, &[*low, *high])
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::IntRange(self.default[0], self.default[1])
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let (low, high) = super::range::read(
            input,
            "two integers, low and high",
            serde_json::Value::as_i64,
            self.min,
            self.max,
        )?;
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
