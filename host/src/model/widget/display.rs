//! Display options a page may give some kinds: a number or date `format`
//! and a button's keyboard `shortcut`, each checked against the kind.

use super::{SliderUnit, WidgetSpec};

/// Longest `format` a widget takes, in bytes.
pub const MAX_FORMAT_BYTES: usize = 64;

/// Tokens a date or time `format` may use (longest first, so `YYYY` is
/// read before `YY`); anything else in it must not be a letter.
const DATE_TOKENS: &[&str] = &[
    "YYYY", "YY", "MMMM", "MMM", "MM", "M", "DD", "D", "dddd", "ddd", "HH", "H", "hh", "h", "mm",
    "m", "ss", "s", "A", "a",
];

/// What a kind's `format` formats.
enum Shown {
    Numbers,
    /// Shown only (sliders): any date token.
    Dates,
    /// Shown and typed back (date inputs): tokens the browser reads back,
    /// with the year, month and day (and hour and minute for a datetime).
    TypedDates {
        with_time: bool,
    },
}

/// Tokens a date input's `format` may use: the browser reads them back.
const TYPED_TOKENS: &[&str] = &["YYYY", "YY", "MM", "M", "DD", "D", "HH", "H", "mm", "m"];

fn shown(spec: &WidgetSpec) -> Option<Shown> {
    let unit = |u: &SliderUnit| {
        if u.is_number() {
            Shown::Numbers
        } else {
            Shown::Dates
        }
    };
    match spec {
        WidgetSpec::IntSlider(s) => Some(unit(&s.unit)),
        WidgetSpec::IntRangeSlider(s) => Some(unit(&s.unit)),
        WidgetSpec::FloatSlider(_)
        | WidgetSpec::FloatRangeSlider(_)
        | WidgetSpec::NumberInput(_) => Some(Shown::Numbers),
        WidgetSpec::DateInput(_) => Some(Shown::TypedDates { with_time: false }),
        WidgetSpec::DatetimeInput(_) => Some(Shown::TypedDates { with_time: true }),
        _ => None,
    }
}

/// Checks a widget's `format`: printf-style with one conversion for
/// numbers, date tokens for dates and times.
pub fn check_format(spec: &WidgetSpec, format: &str) -> Result<(), String> {
    let kind = spec.kind();
    if format.is_empty() || format.len() > MAX_FORMAT_BYTES || format.chars().any(char::is_control)
    {
        return Err(format!(
            "{kind}: a format is 1 to {MAX_FORMAT_BYTES} bytes of printable text"
        ));
    }
    match shown(spec) {
        None => Err(format!(
            "{kind} takes no format (sliders, number inputs and date inputs do)"
        )),
        Some(Shown::Numbers) => {
            check_printf(format).map_err(|e| format!("{kind}: format {format:?} {e}"))
        }
        Some(Shown::Dates) => {
            check_date_format(format).map_err(|e| format!("{kind}: format {format:?} {e}"))
        }
        Some(Shown::TypedDates { with_time }) => check_date_format(format)
            .and_then(|()| check_typed_date_format(format, with_time))
            .map_err(|e| format!("{kind}: format {format:?} {e}")),
    }
}

/// One conversion (`%d`, `%i`, `%u`, `%f`, `%e`, `%g`, `%x`, `%o`, upper
/// case too) with optional flags (`-+ 0#,'`), width and precision (each at
/// most 2 digits); `%%` is a percent sign.
pub fn check_printf(format: &str) -> Result<(), String> {
    let bytes = format.as_bytes();
    let mut conversions = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        while bytes.get(i).is_some_and(|b| b"-+ 0#,'".contains(b)) {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let start = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - start
        };
        if digits(&mut i) > 2 {
            return Err("has a width of more than 2 digits".into());
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) > 2 {
                return Err("has a precision of more than 2 digits".into());
            }
        }
        match bytes.get(i) {
            Some(c) if b"diufFeEgGxXo".contains(c) => conversions += 1,
            _ => return Err(
                "has a `%` that is not a conversion like %d or %.2f (write %% for a percent sign)"
                    .into(),
            ),
        }
        i += 1;
    }
    if conversions != 1 {
        return Err(format!(
            "needs exactly one conversion like %d or %.2f, has {conversions}"
        ));
    }
    Ok(())
}

/// Date tokens (`YYYY`, `MMM`, `DD`, `HH`, `mm`, …) between characters
/// that are not letters.
pub fn check_date_format(format: &str) -> Result<(), String> {
    let mut rest = format;
    let mut tokens = 0;
    while let Some(c) = rest.chars().next() {
        if let Some(token) = DATE_TOKENS.iter().find(|t| rest.starts_with(**t)) {
            tokens += 1;
            rest = &rest[token.len()..];
        } else if c.is_alphabetic() {
            return Err(format!(
                "has {c:?}, which is not a date token (YYYY, YY, MMMM, MMM, MM, M, DD, D, dddd, ddd, HH, H, hh, h, mm, m, ss, s, A, a)"
            ));
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    if tokens == 0 {
        return Err("has no date token (YYYY, MM, DD, …)".into());
    }
    Ok(())
}

/// A date input's format: only tokens the browser reads back (numbers),
/// and every part of the value among them.
fn check_typed_date_format(format: &str, with_time: bool) -> Result<(), String> {
    let mut rest = format;
    let mut found: Vec<&str> = Vec::new();
    while let Some(c) = rest.chars().next() {
        match DATE_TOKENS.iter().find(|t| rest.starts_with(**t)) {
            Some(token) => {
                if !TYPED_TOKENS.contains(token) {
                    return Err(format!(
                        "has {token}, which a date input cannot read back (it takes YYYY, YY, MM, M, DD, D, HH, H, mm, m)"
                    ));
                }
                found.push(token);
                rest = &rest[token.len()..];
            }
            None => rest = &rest[c.len_utf8()..],
        }
    }
    let has = |first: char| found.iter().any(|t| t.starts_with(first));
    let mut needed = vec![('Y', "the year"), ('M', "the month"), ('D', "the day")];
    if with_time {
        needed.extend([('H', "the hour"), ('m', "the minute")]);
    }
    match needed.iter().find(|(first, _)| !has(*first)) {
        Some((_, part)) => Err(format!("leaves out {part}")),
        None => Ok(()),
    }
}

/// Keys a shortcut may name besides one letter or digit.
const NAMED_KEYS: &[&str] = &[
    "enter",
    "escape",
    "space",
    "tab",
    "backspace",
    "delete",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "f6",
    "f7",
    "f8",
    "f9",
    "f10",
    "f11",
    "f12",
];

/// Modifiers a shortcut may hold (`mod`: Cmd on a Mac, Ctrl elsewhere).
const MODIFIERS: &[&str] = &["ctrl", "alt", "shift", "meta", "cmd", "mod"];

/// Checks a button's keyboard shortcut and gives it in the form the
/// browser matches: lower case, modifiers in a fixed order, then the key
/// (`ctrl+shift+s`).
pub fn check_shortcut(spec: &WidgetSpec, shortcut: &str) -> Result<String, String> {
    let kind = spec.kind();
    if !matches!(
        spec,
        WidgetSpec::Button(_) | WidgetSpec::DownloadButton(_) | WidgetSpec::SubmitButton(_)
    ) {
        return Err(format!("{kind} takes no shortcut (buttons do)"));
    }
    let bad = |why: &str| format!("{kind}: shortcut {shortcut:?} {why}");
    if shortcut.len() > 32 {
        return Err(bad("is longer than 32 bytes"));
    }
    let lower = shortcut.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('+').map(str::trim).collect();
    let key = parts.pop().unwrap_or_default();
    let one_char = key.len() == 1 && key.bytes().all(|b| b.is_ascii_alphanumeric());
    if !one_char && !NAMED_KEYS.contains(&key) {
        return Err(bad("does not end with a key (a letter, a digit, or enter, escape, space, tab, an arrow, f1–f12, …)"));
    }
    let mut held: Vec<&str> = Vec::new();
    for part in parts {
        let part = if part == "cmd" { "meta" } else { part };
        if !MODIFIERS.contains(&part) {
            return Err(bad(
                "has a part that is not ctrl, alt, shift, meta, cmd or mod",
            ));
        }
        if held.contains(&part) {
            return Err(bad("names a modifier twice"));
        }
        held.push(part);
    }
    if held.is_empty() && key == "c" {
        return Err(bad(
            "is the app's own key (c clears the cache); add a modifier",
        ));
    }
    if key == "escape" {
        return Err(bad("uses escape, which closes dialogs and stops a run"));
    }
    held.sort_by_key(|m| MODIFIERS.iter().position(|x| x == m));
    held.push(key);
    Ok(held.join("+"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::widget::{Button, Checkbox, FloatSlider, IntSlider};

    fn slider(unit: SliderUnit) -> WidgetSpec {
        WidgetSpec::IntSlider(IntSlider {
            min: 0,
            max: 100,
            step: 1,
            default: 0,
            unit,
        })
    }

    #[test]
    fn a_number_format_has_one_printf_conversion() {
        let float = WidgetSpec::FloatSlider(FloatSlider {
            min: 0.0,
            max: 1.0,
            step: 0.1,
            default: 0.5,
        });
        for good in ["%d", "%.2f", "$%,.0f", "%d%%", "%+05.1f kg", "%e", "%X"] {
            assert!(check_format(&float, good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "%",
            "%s",
            "%d %d",
            "plain",
            "%100d",
            "%.123f",
            "%n",
            "a\nb",
            &"%d".repeat(40),
        ] {
            assert!(check_format(&float, bad).is_err(), "{bad:?}");
        }
        assert!(check_format(&slider(SliderUnit::Number), "%d items").is_ok());
    }

    #[test]
    fn a_date_format_is_made_of_date_tokens() {
        let date = slider(SliderUnit::Date);
        for good in [
            "YYYY-MM-DD",
            "DD.MM.YYYY",
            "MMM D, YYYY",
            "ddd HH:mm",
            "h:mm a",
        ] {
            assert!(check_format(&date, good).is_ok(), "{good}");
        }
        for bad in ["%d", "YYYY-QQ", "--", "Year YYYY"] {
            assert!(check_format(&date, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_date_inputs_format_is_one_the_browser_reads_back() {
        let date = WidgetSpec::DateInput(crate::model::widget::DateInput {
            default: None,
            min: None,
            max: None,
            range: false,
            end: None,
        });
        for good in ["DD.MM.YYYY", "YYYY/M/D", "D-M-YY"] {
            assert!(check_format(&date, good).is_ok(), "{good}");
        }
        for bad in ["MMM D, YYYY", "DD.MM", "dddd DD.MM.YYYY", "YYYY-MM-DD hh A"] {
            assert!(check_format(&date, bad).is_err(), "{bad:?}");
        }
        let datetime = WidgetSpec::DatetimeInput(crate::model::widget::DatetimeInput {
            default: None,
            min: None,
            max: None,
            step_minutes: None,
        });
        assert!(check_format(&datetime, "DD.MM.YYYY HH:mm").is_ok());
        assert!(check_format(&datetime, "DD.MM.YYYY").is_err(), "no time");
    }

    #[test]
    fn kinds_without_a_format_or_shortcut_refuse_one() {
        let check = WidgetSpec::Checkbox(Checkbox { default: false });
        assert!(check_format(&check, "%d").is_err());
        assert!(check_shortcut(&check, "k").is_err());
    }

    #[test]
    fn a_shortcut_is_modifiers_then_one_key() {
        let button = WidgetSpec::Button(Button);
        assert_eq!(
            check_shortcut(&button, "Shift+Ctrl+S"),
            Ok("ctrl+shift+s".into())
        );
        assert_eq!(
            check_shortcut(&button, "cmd+enter"),
            Ok("meta+enter".into())
        );
        assert_eq!(check_shortcut(&button, "k"), Ok("k".into()));
        for bad in [
            "",
            "c",
            "escape",
            "ctrl+escape",
            "ctrl+",
            "ctrl+ctrl+s",
            "hyper+s",
            "ctrl+ab",
            "s+ctrl",
            &"ctrl+".repeat(10),
        ] {
            assert!(check_shortcut(&button, bad).is_err(), "{bad:?}");
        }
    }
}
