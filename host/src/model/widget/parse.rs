//! The value formats widgets share: option indices, text lengths, colours, dates and times.

use super::WidgetValue;
use serde::{Deserialize, Serialize};

/// Most options a selectbox, radio, select slider or multiselect may have.
pub const MAX_SELECT_OPTIONS: usize = 10_000;

/// Most characters of an option a user types into a selectbox or
/// multiselect that accepts new options.
pub const MAX_NEW_OPTION_CHARS: usize = 1_000;

/// A value a client sent, with the kind of the widget it is for.
pub struct Input<'a> {
    /// The kind's name, as in ids and messages.
    pub kind: &'static str,
    /// The value, not yet validated.
    pub value: &'a serde_json::Value,
}

impl<'a> Input<'a> {
    /// The message for a value of the wrong JSON type.
    pub fn wrong_type(&self, expected: &str) -> String {
        format!(
            "{} expects {expected}, got {}",
            self.kind,
            json_type(self.value)
        )
    }

    /// A JSON object whose keys are among `fields` (`expected` describes
    /// it in the refusal).
    pub fn object(
        &self,
        fields: &[&str],
        expected: &str,
    ) -> Result<&'a serde_json::Map<String, serde_json::Value>, String> {
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.wrong_type(expected))?;
        match object.keys().find(|k| !fields.contains(&k.as_str())) {
            Some(other) => Err(format!(
                "{}: unknown field `{other}`; expected {expected}",
                self.kind
            )),
            None => Ok(object),
        }
    }

    /// `true` or `false`.
    pub fn boolean(&self) -> Result<WidgetValue, String> {
        self.value
            .as_bool()
            .map(WidgetValue::Bool)
            .ok_or_else(|| self.wrong_type("true or false"))
    }

    /// A string of at most `max_chars` characters.
    pub fn text(&self, max_chars: Option<u32>) -> Result<WidgetValue, String> {
        let s = self
            .value
            .as_str()
            .ok_or_else(|| self.wrong_type("a string"))?;
        if let Some(max) = max_chars {
            if s.chars().count() > max as usize {
                return Err(format!(
                    "{} value is longer than {max} characters",
                    self.kind
                ));
            }
        }
        Ok(WidgetValue::Text(s.to_owned()))
    }

    /// An index below `options`, or `null` when `nullable`.
    pub fn option(&self, options: usize, nullable: bool) -> Result<WidgetValue, String> {
        if nullable && self.value.is_null() {
            return Ok(WidgetValue::Index(None));
        }
        let expected = if nullable {
            "an option index or null"
        } else {
            "an option index"
        };
        index(self.value, options)
            .map(|i| WidgetValue::Index(Some(i)))
            .map_err(|e| {
                e.map_or_else(
                    || self.wrong_type(expected),
                    |e| format!("{} {e}", self.kind),
                )
            })
    }
}

/// An option a user chose or typed: one of `options` (a set, so the
/// lookup costs the same however many there are), or new text of at most
/// [`MAX_NEW_OPTION_CHARS`] characters, not blank.
pub fn typed_option(
    kind: &str,
    options: &std::collections::HashSet<&str>,
    value: &serde_json::Value,
) -> Result<String, String> {
    let Some(text) = value.as_str() else {
        return Err(format!(
            "{kind} expects an option's text, got {}",
            json_type(value)
        ));
    };
    if options.contains(text) {
        return Ok(text.to_owned());
    }
    if text.trim().is_empty() || text.chars().count() > MAX_NEW_OPTION_CHARS {
        return Err(format!(
            "{kind}: an option is 1 to {MAX_NEW_OPTION_CHARS} characters, not blank"
        ));
    }
    Ok(text.to_owned())
}

/// The first item seen twice, if any (in linear time: lists of options
/// and choices come from pages and clients).
pub fn first_repeat<T: std::hash::Hash + Eq + Clone>(
    items: impl IntoIterator<Item = T>,
) -> Option<T> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().find(|item| !seen.insert(item.clone()))
}

/// Row numbers of a table of `rows` rows as a client sent them (`what`:
/// "selected", "deleted"): each below `rows`, none twice; ascending.
pub fn row_numbers(
    kind: &str,
    what: &str,
    items: &[serde_json::Value],
    rows: usize,
) -> Result<Vec<u32>, String> {
    let mut numbers = items
        .iter()
        .map(|v| match v.as_u64() {
            Some(r) if (r as usize) < rows => Ok(r as u32),
            _ => Err(format!(
                "{kind}: a {what} row is a row number below {rows}, got {v}"
            )),
        })
        .collect::<Result<Vec<u32>, String>>()?;
    if let Some(r) = first_repeat(&numbers) {
        return Err(format!("{kind}: row {r} {what} twice"));
    }
    numbers.sort_unstable();
    Ok(numbers)
}

/// Checks a list of options and the default indices into it.
pub fn check_options(
    kind: &str,
    options: &[String],
    defaults: impl IntoIterator<Item = u32>,
) -> Result<(), String> {
    if options.len() > MAX_SELECT_OPTIONS {
        return Err(format!(
            "{kind}: {} options (at most {MAX_SELECT_OPTIONS})",
            options.len()
        ));
    }
    for i in defaults {
        if i as usize >= options.len() {
            return Err(format!(
                "{kind}: default index {i} but only {} options",
                options.len()
            ));
        }
    }
    Ok(())
}

/// A default text no longer than `max_chars`.
pub fn check_default_text(kind: &str, default: &str, max_chars: Option<u32>) -> Result<(), String> {
    match max_chars {
        Some(max) if default.chars().count() > max as usize => {
            Err(format!("{kind}: default is longer than max_chars ({max})"))
        }
        _ => Ok(()),
    }
}

/// An option index from a client: `Err(None)` if it is not a
/// non-negative integer, `Err(Some(message))` if it is out of range.
pub fn index(value: &serde_json::Value, options: usize) -> Result<u32, Option<String>> {
    let i = value.as_u64().ok_or(None)?;
    if i >= options as u64 {
        return Err(Some(format!(
            "index {i} is out of range ({options} options)"
        )));
    }
    Ok(i as u32)
}

/// `#rrggbb` (either case).
pub fn parse_color(s: &str) -> Result<[u8; 3], String> {
    let hex = s
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| format!("{s:?} is not a colour like \"#ff8800\""))?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    Ok([byte(0), byte(2), byte(4)])
}

/// A real calendar date as `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<(u32, u32, u32), String> {
    let bad = || format!("{s:?} is not a date like \"2026-11-25\"");
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d) = (
        digits(y).ok_or_else(bad)?,
        digits(m).ok_or_else(bad)?,
        digits(d).ok_or_else(bad)?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// ISO dates compare as strings.
pub fn check_date_bounds(
    date: &str,
    min: &Option<String>,
    max: &Option<String>,
) -> Result<(), String> {
    if min.as_deref().is_some_and(|lo| date < lo) || max.as_deref().is_some_and(|hi| date > hi) {
        return Err(format!("{date} is outside the allowed dates"));
    }
    Ok(())
}

/// A time of day as `HH:MM`.
pub fn parse_time(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not a time like \"09:30\"");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m) = (digits(h).ok_or_else(bad)?, digits(m).ok_or_else(bad)?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok((h, m))
}

/// What an integer slider's numbers stand for. Only the browser's display
/// and the bounds depend on it: values are integers either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SliderUnit {
    /// Plain numbers.
    #[default]
    Number,
    /// Days since 1970-01-01.
    Date,
    /// Minutes since midnight.
    Time,
    /// Minutes since 1970-01-01T00:00.
    Datetime,
}

/// Days from 1970-01-01 to 0001-01-01 and to 9999-12-31: dates a slider
/// may show.
const DAYS: (i64, i64) = (-719_162, 2_932_896);

impl SliderUnit {
    /// Whether this is the plain unit (the default, left out of ids).
    pub fn is_number(&self) -> bool {
        *self == SliderUnit::Number
    }

    /// The values this unit can show (years 1 to 9999, times of one day).
    pub fn bounds(&self) -> (i64, i64) {
        match self {
            SliderUnit::Number => (i64::MIN, i64::MAX),
            SliderUnit::Date => DAYS,
            SliderUnit::Time => (0, 24 * 60 - 1),
            SliderUnit::Datetime => (DAYS.0 * 24 * 60, DAYS.1 * 24 * 60 + 24 * 60 - 1),
        }
    }

    /// Checks that `min` and `max` are values of this unit.
    pub fn check(&self, kind: &str, min: i64, max: i64) -> Result<(), String> {
        let (lo, hi) = self.bounds();
        if min < lo || max > hi {
            return Err(format!(
                "{kind}: {min}..={max} is outside the {} a slider shows ({lo}..={hi})",
                match self {
                    SliderUnit::Number => "numbers",
                    SliderUnit::Date => "days (years 1 to 9999)",
                    SliderUnit::Time => "minutes of a day",
                    SliderUnit::Datetime => "minutes (years 1 to 9999)",
                }
            ));
        }
        Ok(())
    }
}

/// The number written with ASCII digits only (no sign, no spaces).
pub fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn json_type(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A chosen option as session state holds it under the widget's key: the
/// option itself, as in Streamlit (`null` for none).
pub fn option_state(options: &[String], value: &WidgetValue) -> serde_json::Value {
    match value {
        WidgetValue::Index(Some(i)) => options
            .get(*i as usize)
            .map_or(serde_json::Value::Null, |o| {
                serde_json::Value::from(o.as_str())
            }),
        _ => serde_json::Value::Null,
    }
}

/// The choice session state names (an option, or `null` where nothing may
/// be chosen), if it is one of `options`.
pub fn option_from_state(
    options: &[String],
    raw: &serde_json::Value,
    nullable: bool,
) -> Option<WidgetValue> {
    match raw {
        serde_json::Value::Null if nullable => Some(WidgetValue::Index(None)),
        serde_json::Value::String(name) => options
            .iter()
            .position(|o| o == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(|i| WidgetValue::Index(Some(i))),
        _ => None,
    }
}

/// Chosen options as session state holds them: the options themselves.
pub fn options_state(options: &[String], value: &WidgetValue) -> serde_json::Value {
    match value {
        WidgetValue::Indices(chosen) => chosen
            .iter()
            .filter_map(|i| options.get(*i as usize))
            .map(|o| serde_json::Value::from(o.as_str()))
            .collect(),
        _ => serde_json::Value::Array(Vec::new()),
    }
}

/// The indices of the options session state names, as a client would send
/// them (checked by the widget like any value), if each is one of `options`.
pub fn options_from_state(
    options: &[String],
    raw: &serde_json::Value,
) -> Option<serde_json::Value> {
    let names = raw.as_array()?;
    // Where each text occurs, in order: an option text given twice names
    // its next occurrence, so options that read the same keep their own
    // places. Linear in the options and the names.
    let mut places: std::collections::HashMap<&str, std::collections::VecDeque<usize>> =
        std::collections::HashMap::new();
    for (i, option) in options.iter().enumerate() {
        places.entry(option.as_str()).or_default().push_back(i);
    }
    let mut chosen: Vec<usize> = Vec::with_capacity(names.len().min(options.len()));
    for name in names {
        let at = places.get_mut(name.as_str()?)?.pop_front()?;
        chosen.push(at);
    }
    Some(serde_json::Value::Array(
        chosen.into_iter().map(serde_json::Value::from).collect(),
    ))
}
