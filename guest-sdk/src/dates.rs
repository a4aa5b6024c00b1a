//! Dates and times: sliders over dates, times of day and both, and
//! `datetime_input`. Values are text as the other date widgets give them
//! (`YYYY-MM-DD`, `HH:MM`, `YYYY-MM-DDTHH:MM`); a slider carries them as
//! days or minutes, which this module converts.

use crate::bindings::wasmlit::page::widgets::{
    DatetimeInput, IntRangeSlider, IntSlider, SliderUnit, Widget, WidgetValue,
};
use crate::widgets::mismatch;
use crate::Ui;
use std::ops::RangeInclusive;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_date(year: i64, month: i64, day: i64) -> i64 {
    // Count from March, so the leap day ends a year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
pub(crate) fn date_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `n` written with exactly `width` ASCII digits.
fn number(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` as days since 1970-01-01, if it is a real date.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (year, month, day) = (
        number(parts.next()?, 4)?,
        number(parts.next()?, 2)?,
        number(parts.next()?, 2)?,
    );
    if parts.next().is_some() || !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    let days = days_from_date(year, month, day);
    // A day past the month's end comes back as another date.
    (date_from_days(days) == (year, month, day)).then_some(days)
}

/// `HH:MM` as minutes since midnight.
fn parse_time(text: &str) -> Option<i64> {
    let (hours, minutes) = text.split_once(':')?;
    let (hours, minutes) = (number(hours, 2)?, number(minutes, 2)?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// `YYYY-MM-DDTHH:MM` as minutes since 1970-01-01T00:00.
fn parse_datetime(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    Some(parse_date(date)? * MINUTES_PER_DAY + parse_time(time)?)
}

fn show_date(days: i64) -> String {
    let (year, month, day) = date_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

fn show_time(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn show_datetime(minutes: i64) -> String {
    let (days, minutes) = (
        minutes.div_euclid(MINUTES_PER_DAY),
        minutes.rem_euclid(MINUTES_PER_DAY),
    );
    format!("{}T{}", show_date(days), show_time(minutes))
}

/// What a temporal slider's integers stand for, and how to read and write them.
#[derive(Clone, Copy)]
struct Unit {
    unit: SliderUnit,
    name: &'static str,
    example: &'static str,
    parse: fn(&str) -> Option<i64>,
    show: fn(i64) -> String,
}

const DATE: Unit = Unit {
    unit: SliderUnit::Date,
    name: "date_slider",
    example: "2026-11-25",
    parse: parse_date,
    show: show_date,
};
const TIME: Unit = Unit {
    unit: SliderUnit::Time,
    name: "time_slider",
    example: "09:30",
    parse: parse_time,
    show: show_time,
};
const DATETIME: Unit = Unit {
    unit: SliderUnit::Datetime,
    name: "datetime_slider",
    example: "2026-11-25T09:30",
    parse: parse_datetime,
    show: show_datetime,
};

impl Unit {
    /// The page's text as a number of this unit; a page that passes
    /// something else ends its run with an error naming it.
    fn read(&self, text: &str) -> i64 {
        match (self.parse)(text) {
            Some(n) => n,
            None => panic!("{}: {text:?} is not like \"{}\"", self.name, self.example),
        }
    }
}

impl Ui {
    fn temporal(
        &self,
        label: &str,
        unit: Unit,
        range: &RangeInclusive<&str>,
        default: (&str, Option<&str>),
        step: i64,
    ) -> (String, Option<String>) {
        let (min, max) = (unit.read(range.start()), unit.read(range.end()));
        let low = unit.read(default.0);
        let widget = match default.1 {
            None => Widget::IntSlider(IntSlider {
                min,
                max,
                step,
                default: low,
                unit: unit.unit,
            }),
            Some(high) => Widget::IntRangeSlider(IntRangeSlider {
                min,
                max,
                step,
                low,
                high: unit.read(high),
                unit: unit.unit,
            }),
        };
        match self.show(label, widget) {
            WidgetValue::Integer(v) => ((unit.show)(v), None),
            WidgetValue::IntegerRange((low, high)) => ((unit.show)(low), Some((unit.show)(high))),
            other => mismatch(unit.name, &other),
        }
    }

    fn temporal_range(
        &self,
        label: &str,
        unit: Unit,
        range: &RangeInclusive<&str>,
        default: (&str, &str),
        step: i64,
    ) -> (String, String) {
        match self.temporal(label, unit, range, (default.0, Some(default.1)), step) {
            (low, Some(high)) => (low, high),
            (low, None) => mismatch(unit.name, &WidgetValue::Text(low)),
        }
    }

    /// A slider over dates, like `st.slider` given dates: `range` and
    /// `default` as `YYYY-MM-DD`, one day per step; returns the chosen
    /// date the same way.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let day = st.date_slider("Day", "2026-01-01"..="2026-12-31", "2026-06-15");
    /// # }
    /// ```
    pub fn date_slider(&self, label: &str, range: RangeInclusive<&str>, default: &str) -> String {
        self.temporal(label, DATE, &range, (default, None), 1).0
    }

    /// A slider over dates with two handles: the first and last day.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let (from, to) = st.date_range_slider("Period", "2026-01-01"..="2026-12-31", ("2026-03-01", "2026-05-31"));
    /// # }
    /// ```
    pub fn date_range_slider(
        &self,
        label: &str,
        range: RangeInclusive<&str>,
        default: (&str, &str),
    ) -> (String, String) {
        self.temporal_range(label, DATE, &range, default, 1)
    }

    /// A slider over times of day (`HH:MM`), `step_minutes` apart, like
    /// `st.slider` given times.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let at = st.time_slider("Start", "08:00"..="18:00", "09:00", 15);
    /// # }
    /// ```
    pub fn time_slider(
        &self,
        label: &str,
        range: RangeInclusive<&str>,
        default: &str,
        step_minutes: u32,
    ) -> String {
        self.temporal(label, TIME, &range, (default, None), step_minutes.into())
            .0
    }

    /// A slider over times of day with two handles.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let (open, close) = st.time_range_slider("Hours", "00:00"..="23:59", ("09:00", "17:00"), 30);
    /// # }
    /// ```
    pub fn time_range_slider(
        &self,
        label: &str,
        range: RangeInclusive<&str>,
        default: (&str, &str),
        step_minutes: u32,
    ) -> (String, String) {
        self.temporal_range(label, TIME, &range, default, step_minutes.into())
    }

    /// A slider over dates and times (`YYYY-MM-DDTHH:MM`), `step_minutes`
    /// apart, like `st.slider` given datetimes.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let at = st.datetime_slider("When", "2026-12-01T00:00"..="2026-12-07T00:00", "2026-12-03T12:00", 60);
    /// # }
    /// ```
    pub fn datetime_slider(
        &self,
        label: &str,
        range: RangeInclusive<&str>,
        default: &str,
        step_minutes: u32,
    ) -> String {
        self.temporal(
            label,
            DATETIME,
            &range,
            (default, None),
            step_minutes.into(),
        )
        .0
    }

    /// A slider over dates and times with two handles.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let (from, to) = st.datetime_range_slider(
    ///     "Window",
    ///     "2026-12-01T00:00"..="2026-12-07T00:00",
    ///     ("2026-12-02T08:00", "2026-12-02T20:00"),
    ///     60,
    /// );
    /// # }
    /// ```
    pub fn datetime_range_slider(
        &self,
        label: &str,
        range: RangeInclusive<&str>,
        default: (&str, &str),
        step_minutes: u32,
    ) -> (String, String) {
        self.temporal_range(label, DATETIME, &range, default, step_minutes.into())
    }

    /// A date and time of day, like `st.datetime_input`, as
    /// `YYYY-MM-DDTHH:MM` (`default` too); `None` starts empty and returns
    /// `None` until the user picks one.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let at = st.datetime_input("Meeting", Some("2026-12-03T09:30"));
    /// # }
    /// ```
    pub fn datetime_input(&self, label: &str, default: Option<&str>) -> Option<String> {
        self.datetime_input_with(label, default, None, None, None)
    }

    /// [`datetime_input`](Self::datetime_input) within `min..=max` (each
    /// optional), offering times `step_minutes` apart (15 when `None`).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let at = st.datetime_input_with("Pick-up", None, Some("2026-12-01T08:00"), None, Some(30));
    /// # }
    /// ```
    pub fn datetime_input_with(
        &self,
        label: &str,
        default: Option<&str>,
        min: Option<&str>,
        max: Option<&str>,
        step_minutes: Option<u32>,
    ) -> Option<String> {
        let widget = Widget::DatetimeInput(DatetimeInput {
            default: default.map(str::to_owned),
            min: min.map(str::to_owned),
            max: max.map(str::to_owned),
            step_minutes,
        });
        match self.show(label, widget) {
            WidgetValue::Text(value) => Some(value),
            WidgetValue::Empty => None,
            other => mismatch("datetime_input", &other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_convert_both_ways() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("1969-12-31"), Some(-1));
        // Years 1 to 9999: the dates a slider shows.
        for days in (-719_162..=2_932_896).step_by(997) {
            assert_eq!(parse_date(&show_date(days)), Some(days), "{days}");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "20260101",
            "x",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("2024-02-29").map(show_date),
            Some("2024-02-29".into())
        );
    }

    #[test]
    fn times_and_datetimes_convert_both_ways() {
        assert_eq!(parse_time("23:59"), Some(1439));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(show_time(545), "09:05");
        let at = parse_datetime("2026-12-03T09:30").unwrap_or_default();
        assert_eq!(show_datetime(at), "2026-12-03T09:30");
        assert_eq!(show_datetime(-1), "1969-12-31T23:59");
    }
}
