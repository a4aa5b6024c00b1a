//! Typed cell values of a [`Table`](crate::Table): dates, instants and times
//! of day, and one cell read back as a [`Value`].

use std::fmt;

/// A calendar date (no time, no zone), kept as days since 1970-01-01.
///
/// ```no_run
/// let d = wasmlit::Date::from_ymd(2026, 12, 2).unwrap();
/// assert_eq!(d.to_string(), "2026-12-02");
/// assert_eq!(wasmlit::Date::parse("2026-12-02"), Some(d));
/// ```
/// The default is 1970-01-01.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// An instant, kept as microseconds since 1970-01-01T00:00:00Z; a table
/// column of them is shown in the time zone given with
/// [`Table::time_zone`](crate::Table::time_zone).
///
/// ```no_run
/// let t = wasmlit::DateTime::from_unix_seconds(1_764_669_600);
/// assert_eq!(t.to_string(), "2025-12-02T10:00:00Z");
/// ```
/// The default is 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(i64);

/// A time of day, kept as microseconds since midnight.
///
/// ```no_run
/// let t = wasmlit::Time::from_hms(9, 30, 0).unwrap();
/// assert_eq!(t.to_string(), "09:30:00");
/// ```
/// The default is midnight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

const DAY_MICROS: i64 = 86_400_000_000;

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date, or `None` when there is no such day.
    ///
    /// ```no_run
    /// assert!(wasmlit::Date::from_ymd(2026, 2, 30).is_none());
    /// ```
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        i32::try_from(crate::dates::days_from_date(
            year.into(),
            month.into(),
            day.into(),
        ))
        .ok()
        .map(Date)
    }

    /// The date `days` after 1970-01-01 (before it when negative).
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::Date::from_days(0).to_string(), "1970-01-01");
    /// ```
    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01.
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::Date::from_days(3).days(), 3);
    /// ```
    pub fn days(self) -> i32 {
        self.0
    }

    /// Reads `YYYY-MM-DD`.
    ///
    /// ```no_run
    /// assert!(wasmlit::Date::parse("2026-13-01").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Date::from_ymd(year, month, day)
    }

    /// (year, month, day).
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::Date::from_days(0).ymd(), (1970, 1, 1));
    /// ```
    pub fn ymd(self) -> (i64, u32, u32) {
        let (y, m, d) = crate::dates::date_from_days(i64::from(self.0));
        (y, m as u32, d as u32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl DateTime {
    /// The instant `micros` microseconds after 1970-01-01T00:00:00Z.
    ///
    /// ```no_run
    /// let t = wasmlit::DateTime::from_unix_micros(0);
    /// ```
    pub fn from_unix_micros(micros: i64) -> DateTime {
        DateTime(micros)
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z.
    ///
    /// ```no_run
    /// let t = wasmlit::DateTime::from_unix_seconds(60);
    /// ```
    pub fn from_unix_seconds(seconds: i64) -> DateTime {
        DateTime(seconds.saturating_mul(1_000_000))
    }

    /// The instant at `time` on `date`, in UTC.
    ///
    /// ```no_run
    /// use wasmlit::{Date, DateTime, Time};
    /// let t = DateTime::new(Date::from_ymd(2026, 1, 1).unwrap(), Time::from_hms(12, 0, 0).unwrap());
    /// ```
    pub fn new(date: Date, time: Time) -> DateTime {
        DateTime(i64::from(date.0) * DAY_MICROS + time.0)
    }

    /// Microseconds since 1970-01-01T00:00:00Z.
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::DateTime::from_unix_seconds(1).unix_micros(), 1_000_000);
    /// ```
    pub fn unix_micros(self) -> i64 {
        self.0
    }

    /// Its date in UTC.
    ///
    /// ```no_run
    /// let d = wasmlit::DateTime::from_unix_seconds(90_000).date();
    /// ```
    pub fn date(self) -> Date {
        Date(self.0.div_euclid(DAY_MICROS) as i32)
    }

    /// Its time of day in UTC.
    ///
    /// ```no_run
    /// let t = wasmlit::DateTime::from_unix_seconds(90_000).time();
    /// ```
    pub fn time(self) -> Time {
        Time(self.0.rem_euclid(DAY_MICROS))
    }
}

impl fmt::Display for DateTime {
    /// RFC 3339 in UTC: `2026-12-02T10:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}Z", self.date(), self.time())
    }
}

impl Time {
    /// The time `hour:minute:second`, or `None` past 23:59:59.
    ///
    /// ```no_run
    /// assert!(wasmlit::Time::from_hms(24, 0, 0).is_none());
    /// ```
    pub fn from_hms(hour: u32, minute: u32, second: u32) -> Option<Time> {
        (hour < 24 && minute < 60 && second < 60).then(|| {
            Time((i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)) * 1_000_000)
        })
    }

    /// The time `micros` microseconds after midnight, or `None` past the day.
    ///
    /// ```no_run
    /// let noon = wasmlit::Time::from_micros(43_200_000_000).unwrap();
    /// ```
    pub fn from_micros(micros: i64) -> Option<Time> {
        (0..DAY_MICROS).contains(&micros).then_some(Time(micros))
    }

    /// Microseconds since midnight.
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::Time::from_hms(0, 0, 1).unwrap().micros(), 1_000_000);
    /// ```
    pub fn micros(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Time {
    /// `HH:MM:SS`, with microseconds when there are any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0 / 1_000_000;
        write!(
            f,
            "{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )?;
        match self.0 % 1_000_000 {
            0 => Ok(()),
            fraction => write!(f, ".{fraction:06}"),
        }
    }
}

/// One cell of a [`Table`](crate::Table), read with
/// [`Table::value`](crate::Table::value).
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A missing value.
    Null,
    /// Text.
    Text(&'a str),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// A date.
    Date(Date),
    /// An instant, with the column's time zone, if any.
    DateTime(DateTime, Option<&'a str>),
    /// A time of day.
    Time(Time),
    /// A list of numbers.
    NumberList(&'a [f64]),
    /// A list of texts.
    TextList(&'a [String]),
    /// A JSON document's text.
    Json(&'a str),
}

impl Value<'_> {
    /// The cell as JSON: dates, instants and times as ISO 8601 text, a JSON
    /// document parsed.
    ///
    /// ```no_run
    /// assert_eq!(wasmlit::Value::Integer(3).to_json(), serde_json::json!(3));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        let float = |f: f64| serde_json::Number::from_f64(f).map_or(J::Null, J::Number);
        match self {
            Value::Null => J::Null,
            Value::Text(t) => J::from(*t),
            Value::Integer(i) => J::from(*i),
            Value::Float(f) => float(*f),
            Value::Boolean(b) => J::from(*b),
            Value::Date(d) => J::from(d.to_string()),
            Value::DateTime(t, _) => J::from(t.to_string()),
            Value::Time(t) => J::from(t.to_string()),
            Value::NumberList(l) => J::Array(l.iter().map(|f| float(*f)).collect()),
            Value::TextList(l) => J::from(l.to_vec()),
            Value::Json(text) => serde_json::from_str(text).unwrap_or(J::Null),
        }
    }

    /// Whether the cell is missing.
    ///
    /// ```no_run
    /// assert!(wasmlit::Value::Null.is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl fmt::Display for Value<'_> {
    /// The cell as a table shows it (empty for null).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Text(t) | Value::Json(t) => f.write_str(t),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::DateTime(t, _) => write!(f, "{t}"),
            Value::Time(t) => write!(f, "{t}"),
            Value::NumberList(l) => write!(f, "{l:?}"),
            Value::TextList(l) => write!(f, "{l:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (1969, 12, 31),
            (2026, 12, 2),
            (1, 1, 1),
        ] {
            let date = Date::from_ymd(y, m, d).unwrap();
            assert_eq!(date.ymd(), (i64::from(y), m, d));
        }
        assert_eq!(Date::from_ymd(2026, 12, 2).unwrap().days(), 20_789);
        assert!(Date::from_ymd(2025, 2, 29).is_none());
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn instants_and_times_print_as_iso() {
        assert_eq!(
            DateTime::from_unix_seconds(-1).to_string(),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(Time::from_micros(1).unwrap().to_string(), "00:00:00.000001");
    }
}
