//! Business hours as instants: whether an account is open at a moment, when
//! it opens next, since when it has been closed, and how much working time
//! lies between two moments (first response and resolution times in the
//! reports).
//!
//! Every local time is turned into an instant by the IANA database (jiff)
//! for the day it belongs to, with the "compatible" rule: a time skipped by a
//! daylight-saving jump (00:30 on the night Brazil's clocks went forward in
//! 2018) is read one hour later, a time that happens twice is the first. So
//! an interval of 00:00–06:00 on such a night lasts five hours, and on the
//! night clocks go back seven. A holiday is the whole local date closed.
//! Nothing here reads the store or the clock: times come in as Unix ms.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::{BusinessHours, DAY_MINUTES};

/// How far [`Schedule::next_open`] and [`Schedule::closed_since`] look,
/// in days: past a year of holidays, a schedule that never opens answers
/// "never" instead of looping.
const SEARCH_DAYS: i64 = 400;

/// An account's business hours, ready to answer questions about instants.
#[derive(Debug, Clone)]
pub struct Schedule {
    tz: TimeZone,
    /// Monday first; each day's intervals in order, in minutes of the day.
    week: [Vec<(u16, u16)>; 7],
    holidays: BTreeSet<Date>,
}

impl Schedule {
    /// The schedule of saved (valid) business hours; `None` when the time
    /// zone is unknown here (a zone named by a newer tz database on another
    /// desktop) — callers then behave as without business hours.
    pub fn new(hours: &BusinessHours) -> Option<Schedule> {
        let tz = TimeZone::get(hours.time_zone.trim()).ok()?;
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        for (day, intervals) in hours.week.iter().take(7).enumerate() {
            week[day] = intervals
                .iter()
                .filter(|i| i.start < i.end && i.end <= DAY_MINUTES)
                .map(|i| (i.start, i.end))
                .collect();
        }
        let holidays = hours
            .holidays
            .iter()
            .filter_map(|d| d.parse::<Date>().ok())
            .collect();
        Some(Schedule { tz, week, holidays })
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The local date of `at`.
    fn date_of(&self, at: i64) -> Option<Date> {
        Some(
            Timestamp::from_millisecond(at)
                .ok()?
                .to_zoned_datetime(self.tz.clone())
                .date(),
        )
    }

    /// The instant of `minute` (0..=1440) of local `date`; 1440 is the next
    /// day's midnight.
    fn instant(&self, date: Date, minute: u16) -> Option<i64> {
        let (date, minute) = if minute >= DAY_MINUTES {
            (date.tomorrow().ok()?, 0)
        } else {
            (date, minute)
        };
        let hour = i8::try_from(minute / 60).ok()?;
        let min = i8::try_from(minute % 60).ok()?;
        let at = self.tz.to_timestamp(date.at(hour, min, 0, 0)).ok()?;
        Some(at.as_millisecond())
    }

    /// The open intervals of local `date` as instants `[start, end)`, in
    /// order; none on a holiday.
    fn day(&self, date: Date) -> Vec<(i64, i64)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        self.week[weekday]
            .iter()
            .filter_map(|&(start, end)| {
                let start = self.instant(date, start)?;
                let end = self.instant(date, end)?;
                (end > start).then_some((start, end))
            })
            .collect()
    }

    /// The local dates from `from` to `to` (inclusive), each with its
    /// intervals.
    fn days(&self, from: Date, to: Date) -> impl Iterator<Item = (i64, i64)> + '_ {
        let mut next = Some(from);
        std::iter::from_fn(move || {
            let date = next.filter(|d| *d <= to)?;
            next = date.tomorrow().ok();
            Some(self.day(date))
        })
        .flatten()
    }

    fn around(&self, at: i64, before: i64, after: i64) -> Option<(Date, Date)> {
        let date = self.date_of(at)?;
        Some((
            date.checked_add(Span::new().days(-before)).ok()?,
            date.checked_add(Span::new().days(after)).ok()?,
        ))
    }

    /// Whether the account is open at `at` (Unix ms).
    pub fn is_open(&self, at: i64) -> bool {
        // The day before and after too: around a daylight-saving change at
        // midnight, an instant of one local date can belong to an interval
        // of the next.
        self.around(at, 1, 1)
            .is_some_and(|(from, to)| self.days(from, to).any(|(s, e)| s <= at && at < e))
    }

    /// The first moment at or after `at` when the account is open (`at`
    /// itself when open now); `None` when it does not open within a year
    /// or so (no hours on any day, or only holidays).
    pub fn next_open(&self, at: i64) -> Option<i64> {
        let (from, to) = self.around(at, 1, SEARCH_DAYS)?;
        self.days(from, to)
            .find(|&(_, end)| end > at)
            .map(|(start, _)| start.max(at))
    }

    /// When the closed period `at` falls in began: the end of the last open
    /// interval before it. `None` when the account is open at `at`;
    /// `Some(i64::MIN)` when it was not open within the search (closed for
    /// as long as anyone can tell).
    pub fn closed_since(&self, at: i64) -> Option<i64> {
        if self.is_open(at) {
            return None;
        }
        let Some((from, to)) = self.around(at, SEARCH_DAYS, 1) else {
            return Some(i64::MIN);
        };
        Some(
            self.days(from, to)
                .filter(|&(_, end)| end <= at)
                .map(|(_, end)| end)
                .max()
                .unwrap_or(i64::MIN),
        )
    }

    /// The time inside business hours between `from` and `to` (Unix ms), in
    /// ms: 0 when `to` is not after `from`.
    pub fn working_ms(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (Some(first), Some(last)) = (self.date_of(from), self.date_of(to)) else {
            return 0;
        };
        let (Ok(first), Ok(last)) = (first.yesterday(), last.tomorrow()) else {
            return 0;
        };
        overlap(self.days(first, last), from, to)
    }

    /// [`Schedule::working_ms`] for many pairs of instants (a report): each
    /// local date's intervals are turned into instants once, not once per
    /// pair.
    pub fn working_time(&self) -> WorkingTime<'_> {
        WorkingTime {
            schedule: self,
            days: HashMap::new(),
        }
    }
}

/// The time of `intervals` inside `[from, to)`.
fn overlap(intervals: impl Iterator<Item = (i64, i64)>, from: i64, to: i64) -> i64 {
    intervals
        .map(|(start, end)| (end.min(to) - start.max(from)).max(0))
        .sum()
}

/// A schedule's working time, remembering each local date's intervals.
#[derive(Debug)]
pub struct WorkingTime<'a> {
    schedule: &'a Schedule,
    days: HashMap<Date, Vec<(i64, i64)>>,
}

impl WorkingTime<'_> {
    /// The same as [`Schedule::working_ms`], over the same dates.
    pub fn working_ms(&mut self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let s = self.schedule;
        let (Some(first), Some(last)) = (s.date_of(from), s.date_of(to)) else {
            return 0;
        };
        let (Ok(first), Ok(last)) = (first.yesterday(), last.tomorrow()) else {
            return 0;
        };
        let mut total = 0;
        let mut next = Some(first);
        while let Some(date) = next.filter(|d| *d <= last) {
            next = date.tomorrow().ok();
            let intervals = self.days.entry(date).or_insert_with(|| s.day(date));
            total += overlap(intervals.iter().copied(), from, to);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_hours::Interval;

    /// The remembered days give what a fresh count gives, pair by pair,
    /// across the night São Paulo's clocks went forward (2018-11-04, at
    /// midnight) and a holiday, whatever order the pairs come in.
    #[test]
    fn working_time_matches_working_ms() {
        let mut hours = BusinessHours {
            enabled: true,
            holidays: vec!["2018-11-02".into()],
            ..BusinessHours::default()
        };
        hours.week[6] = vec![Interval { start: 0, end: 360 }];
        let schedule = Schedule::new(&hours).expect("known zone");
        let start = schedule
            .instant("2018-10-28".parse().expect("date"), 0)
            .expect("instant");
        let mut cached = schedule.working_time();
        let step = 3_600_000 * 7 + 123_457;
        for i in (0..60).rev() {
            for len in [0, 1, 3_600_000, 86_400_000, 5 * 86_400_000] {
                let from = start + i * step;
                let to = from + len;
                assert_eq!(
                    cached.working_ms(from, to),
                    schedule.working_ms(from, to),
                    "{from}..{to}"
                );
            }
        }
    }
}
