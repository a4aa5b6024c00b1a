//! The rules both two-handled sliders (integers and floats) share: their
//! parameters' check and the reading of a `[low, high]` value.

use super::Input;
use std::fmt::Display;

/// Checks `min <= max`, a positive `step` and a default range within the
/// bounds (low before high).
pub(super) fn check<T: PartialOrd + Display + Default>(
    min: &T,
    max: &T,
    step: &T,
    [low, high]: &[T; 2],
) -> Result<(), String> {
    if min > max {
        return Err(format!("slider: min {min} is greater than max {max}"));
    }
    if *step <= T::default() {
        return Err(format!("slider: step must be positive, got {step}"));
    }
    if low > high || low < min || high > max {
        return Err(format!(
            "slider: the default range {low}..={high} is not within {min}..={max}"
        ));
    }
    Ok(())
}

/// Reads `[low, high]` (each as `read` takes it) within `min..=max`, low
/// before high; `expected` says what the kind takes.
pub(super) fn read<T: PartialOrd + Display + Copy>(
    input: &Input,
    expected: &str,
    read: fn(&serde_json::Value) -> Option<T>,
    min: T,
    max: T,
) -> Result<(T, T), String> {
    let pair = input
        .value
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or_else(|| input.wrong_type(expected))?;
    let (Some(low), Some(high)) = (read(&pair[0]), read(&pair[1])) else {
        return Err(input.wrong_type(expected));
    };
    if low > high || low < min || high > max {
        return Err(format!(
            "{} range {low}..={high} is not within {min}..={max}",
            input.kind
        ));
    }
    Ok((low, high))
}
