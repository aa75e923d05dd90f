//! When a delay ends: its minutes after now, moved to the first moment inside
//! its allowed hours (a window of `from`–`to` on some weekdays, in the
//! account's time zone) when it has them.
//!
//! A window whose `to` is not after its `from` runs overnight (22:00–06:00
//! opens on its weekday and closes the next morning); `from == to` is a
//! whole day. Local times are turned into instants by jiff with the
//! "compatible" rule: a time skipped by a daylight-saving jump (00:30 on
//! the night Brazil's clocks went forward) is read one hour later, a time
//! that happens twice is the first. The search looks at most nine days
//! ahead, so a window that never opens cannot make it loop.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use crate::automation::flow::Window;

/// `HH:MM` (also `H:MM`, `8h`, `8h30`) as hour and minute.
pub(crate) fn parse_hhmm(text: &str) -> Option<(i8, i8)> {
    let text = text.trim().to_lowercase();
    let (h, m) = match text.split_once([':', 'h']) {
        Some((h, m)) => (h, if m.is_empty() { "00" } else { m }),
        None => return None,
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i8>().ok())
            .flatten()
    };
    let (h, m) = (digits(h, 1..=2)?, digits(m, 2..=2)?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some((h, m))
}

/// When a delay of `minutes` started at `now` ends (Unix ms), and whether its
/// window was left aside because it never opens (no weekday, or a time that
/// does not read).
pub fn delay_end(now: i64, minutes: u32, window: Option<&Window>, tz: &TimeZone) -> (i64, bool) {
    let at = now.saturating_add(i64::from(minutes) * 60_000);
    match window {
        None => (at, false),
        Some(window) => match next_open(at, window, tz) {
            Some(open) => (open, false),
            None => (at, true),
        },
    }
}

/// The first moment at or after `at` (Unix ms) inside `window`; `None` when
/// the window never opens.
pub fn next_open(at: i64, window: &Window, tz: &TimeZone) -> Option<i64> {
    let (fh, fm) = parse_hhmm(&window.from)?;
    let (th, tm) = parse_hhmm(&window.to)?;
    let days: Vec<i8> = window
        .weekdays
        .iter()
        .filter_map(|d| i8::try_from(*d).ok())
        .filter(|d| (1..=7).contains(d))
        .collect();
    if days.is_empty() {
        return None;
    }
    let today = Timestamp::from_millisecond(at)
        .ok()?
        .to_zoned_datetime(tz.clone())
        .date();
    let instant = |date: Date, h: i8, m: i8| -> Option<i64> {
        Some(tz.to_timestamp(date.at(h, m, 0, 0)).ok()?.as_millisecond())
    };
    // From yesterday: an overnight window opened yesterday may still be open.
    for offset in -1..=8i64 {
        let day = today.checked_add(Span::new().days(offset)).ok()?;
        if !days.contains(&day.weekday().to_monday_one_offset()) {
            continue;
        }
        let start = instant(day, fh, fm)?;
        let end_day = if (th, tm) <= (fh, fm) {
            day.tomorrow().ok()?
        } else {
            day
        };
        let end = instant(end_day, th, tm)?;
        if end > at && end > start {
            return Some(at.max(start));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn ms(tz: &TimeZone, text: &str) -> i64 {
        let dt: jiff::civil::DateTime = text.parse().unwrap();
        tz.to_timestamp(dt).unwrap().as_millisecond()
    }

    fn local(tz: &TimeZone, at: i64) -> String {
        Timestamp::from_millisecond(at)
            .unwrap()
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M %:z")
            .to_string()
    }

    fn window(from: &str, to: &str, weekdays: &[u8]) -> Window {
        Window {
            from: from.into(),
            to: to.into(),
            weekdays: weekdays.to_vec(),
        }
    }

    #[test]
    fn times_of_day_read_as_people_write_them() {
        assert_eq!(parse_hhmm("08:00"), Some((8, 0)));
        assert_eq!(parse_hhmm("8:05"), Some((8, 5)));
        assert_eq!(parse_hhmm("8h"), Some((8, 0)));
        assert_eq!(parse_hhmm("18h30"), Some((18, 30)));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("12:60"), None);
        assert_eq!(parse_hhmm("12:5"), None);
        assert_eq!(parse_hhmm("1200"), None);
        assert_eq!(parse_hhmm(""), None);
    }

    #[test]
    fn a_delay_waits_for_business_hours_across_the_weekend() {
        let sp = tz("America/Sao_Paulo");
        let business = window("08:00", "18:00", &[1, 2, 3, 4, 5]);
        // Friday 17:30 + 60 minutes = 18:30, closed: Monday 08:00.
        let now = ms(&sp, "2025-06-06T17:30");
        let (at, ignored) = delay_end(now, 60, Some(&business), &sp);
        assert!(!ignored);
        assert_eq!(local(&sp, at), "2025-06-09 08:00 -03:00");
        // Inside the window, the delay ends when it ends.
        let (at, _) = delay_end(now, 20, Some(&business), &sp);
        assert_eq!(local(&sp, at), "2025-06-06 17:50 -03:00");
        // Saturday morning: Monday.
        let (at, _) = delay_end(ms(&sp, "2025-06-07T09:00"), 0, Some(&business), &sp);
        assert_eq!(local(&sp, at), "2025-06-09 08:00 -03:00");
        // Days of delay: 3 days from Wednesday 10:00 is Saturday: Monday.
        let (at, _) = delay_end(
            ms(&sp, "2025-06-04T10:00"),
            3 * 24 * 60,
            Some(&business),
            &sp,
        );
        assert_eq!(local(&sp, at), "2025-06-09 08:00 -03:00");
        // Only Sunday, before it opens: that Sunday.
        let sunday = window("10:00", "12:00", &[7]);
        let (at, _) = delay_end(ms(&sp, "2025-06-04T10:00"), 0, Some(&sunday), &sp);
        assert_eq!(local(&sp, at), "2025-06-08 10:00 -03:00");
        // Just after it closes on Sunday: the next Sunday.
        let (at, _) = delay_end(ms(&sp, "2025-06-08T12:00"), 0, Some(&sunday), &sp);
        assert_eq!(local(&sp, at), "2025-06-15 10:00 -03:00");
    }

    #[test]
    fn the_same_instant_opens_by_the_accounts_zone() {
        let business = window("08:00", "18:00", &[1, 2, 3, 4, 5]);
        let utc = TimeZone::UTC;
        let sp = tz("America/Sao_Paulo");
        // Monday 2025-06-09 09:00 UTC: open in UTC, 06:00 and closed in São Paulo.
        let now = ms(&utc, "2025-06-09T09:00");
        assert_eq!(delay_end(now, 0, Some(&business), &utc).0, now);
        assert_eq!(
            local(&sp, delay_end(now, 0, Some(&business), &sp).0),
            "2025-06-09 08:00 -03:00"
        );
    }

    #[test]
    fn overnight_windows_close_the_next_morning() {
        let sp = tz("America/Sao_Paulo");
        let night = window("22:00", "06:00", &[5]);
        // Saturday 03:00 is inside Friday's night.
        let now = ms(&sp, "2025-06-07T03:00");
        assert_eq!(delay_end(now, 0, Some(&night), &sp).0, now);
        // Saturday 07:00: next Friday 22:00.
        let (at, _) = delay_end(ms(&sp, "2025-06-07T07:00"), 0, Some(&night), &sp);
        assert_eq!(local(&sp, at), "2025-06-13 22:00 -03:00");
        // from == to: the whole day.
        let all_day = window("00:00", "00:00", &[6]);
        let (at, _) = delay_end(ms(&sp, "2025-06-06T15:00"), 0, Some(&all_day), &sp);
        assert_eq!(local(&sp, at), "2025-06-07 00:00 -03:00");
    }

    #[test]
    fn daylight_saving_jumps_are_crossed_safely() {
        // New York springs forward on 2024-03-10 at 02:00 (to 03:00).
        let ny = tz("America/New_York");
        let early = window("02:30", "05:00", &[7]);
        let (at, _) = delay_end(ms(&ny, "2024-03-09T12:00"), 0, Some(&early), &ny);
        assert_eq!(local(&ny, at), "2024-03-10 03:30 -04:00");
        // A 24-hour delay across the jump is 24 real hours: 13:00 EDT.
        let (at, _) = delay_end(ms(&ny, "2024-03-09T12:00"), 24 * 60, None, &ny);
        assert_eq!(local(&ny, at), "2024-03-10 13:00 -04:00");
        // Brazil's last DST began on 2018-11-04 at 00:00 (to 01:00): a window
        // opening at midnight that Sunday opens at 01:00.
        let sp = tz("America/Sao_Paulo");
        let midnight = window("00:00", "08:00", &[7]);
        let (at, _) = delay_end(ms(&sp, "2018-11-03T20:00"), 0, Some(&midnight), &sp);
        assert_eq!(local(&sp, at), "2018-11-04 01:00 -02:00");
        // And ended on 2019-02-17 at 00:00 (back to 23:00 on the 16th): a
        // window from 23:30 on Saturday opens at the first 23:30.
        let late = window("23:30", "23:45", &[6]);
        let (at, _) = delay_end(ms(&sp, "2019-02-16T12:00"), 0, Some(&late), &sp);
        assert_eq!(local(&sp, at), "2019-02-16 23:30 -02:00");
    }

    #[test]
    fn a_window_that_never_opens_is_left_aside_not_looped_on() {
        let sp = tz("America/Sao_Paulo");
        let now = ms(&sp, "2025-06-06T17:30");
        for never in [
            window("08:00", "18:00", &[]),
            window("08:00", "18:00", &[0, 8, 200]),
            window("oito", "18:00", &[1]),
        ] {
            assert_eq!(delay_end(now, 5, Some(&never), &sp), (now + 300_000, true));
        }
        // The far end of time does not panic.
        let w = window("08:00", "18:00", &[1]);
        assert_eq!(next_open(i64::MAX, &w, &sp), None);
        let _ = delay_end(i64::MAX - 5, u32::MAX, Some(&w), &sp);
    }
}
