//! A report's period: whole local days, from a first to a last date
//! (inclusive), and the previous period of the same length that ends the day
//! before. Each account reads the dates in its own time zone (the one of its
//! business hours), so "today" on the dashboard is the account's today.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};

use super::ReportError;

/// The longest period a report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// The dates a report covers, as the UI sends them: `YYYY-MM-DD`, both
/// included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

/// A checked period and the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
    pub previous_from: Date,
    pub previous_to: Date,
}

impl Period {
    /// Refused: a date that does not read, an end before the start, more
    /// than [`MAX_DAYS`] days.
    pub fn parse(range: &DateRange) -> Result<Period, ReportError> {
        let invalid = || ReportError::PeriodInvalid {
            from: range.from.clone(),
            to: range.to.clone(),
        };
        let from: Date = range.from.trim().parse().map_err(|_| invalid())?;
        let to: Date = range.to.trim().parse().map_err(|_| invalid())?;
        if to < from {
            return Err(invalid());
        }
        let days = Period::count(from, to);
        if days > MAX_DAYS {
            return Err(invalid());
        }
        let previous_to = from.yesterday().map_err(|_| invalid())?;
        let previous_from = from
            .checked_add(Span::new().days(-days))
            .map_err(|_| invalid())?;
        Ok(Period {
            from,
            to,
            previous_from,
            previous_to,
        })
    }

    /// How many days from `from` to `to`, both included.
    fn count(from: Date, to: Date) -> i64 {
        i64::from((to - from).get_days()) + 1
    }

    pub fn days(&self) -> i64 {
        Period::count(self.from, self.to)
    }

    /// The dates of the period, in order.
    pub fn dates(&self) -> Vec<Date> {
        dates(self.from, self.to)
    }
}

pub(crate) fn dates(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = Some(from);
    while let Some(d) = day.filter(|d| *d <= to) {
        out.push(d);
        day = d.tomorrow().ok();
    }
    out
}

/// The instant local `date` starts in `tz` (Unix ms); a midnight skipped by
/// a daylight-saving change is the first moment of the day that exists.
pub(crate) fn day_start(tz: &TimeZone, date: Date) -> i64 {
    tz.to_timestamp(date.at(0, 0, 0, 0))
        .map_or(0, Timestamp::as_millisecond)
}

/// The instant the day after `date` starts.
pub(crate) fn day_end(tz: &TimeZone, date: Date) -> i64 {
    date.tomorrow().map_or(i64::MAX, |next| day_start(tz, next))
}

/// The local date of `at` (Unix ms) in `tz`.
pub(crate) fn date_of(tz: &TimeZone, at: i64) -> Option<Date> {
    Some(
        Timestamp::from_millisecond(at)
            .ok()?
            .to_zoned_datetime(tz.clone())
            .date(),
    )
}

pub(crate) fn iso(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}
