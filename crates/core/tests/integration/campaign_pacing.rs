//! Campaign pacing with an injected clock and seeded randomness: allowed
//! hours and weekdays in the account's time zone, delays, daily caps, warm-up
//! and spreading recipients over numbers. No sleeps: times are numbers.

use rand::SeedableRng;
use rand::rngs::StdRng;
use zapdesk_core::campaigns::pacing::{NumberLoad, Pacing, PacingError, next_send, spread};
use zapdesk_core::ids::InstanceId;
use zapdesk_core::{ContactId, Lang, UserError};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// Monday 2026-11-30 00:00 in Brasília (UTC-3).
const MONDAY: i64 = 1_796_007_600_000;

fn at(day: i64, hour: i64, minute: i64) -> i64 {
    MONDAY + day * DAY + hour * HOUR + minute * MIN
}

fn old_number() -> NumberLoad {
    NumberLoad {
        added_at: MONDAY - 100 * DAY,
        sent_today: 0,
        last_sent_at: None,
    }
}

#[test]
fn sends_only_inside_the_window_and_on_allowed_days() {
    let p = Pacing::default();
    let mut rng = StdRng::seed_from_u64(1);
    // Monday 10:00: now.
    assert_eq!(
        next_send(&p, &old_number(), at(0, 10, 0), &mut rng),
        at(0, 10, 0)
    );
    // Monday 06:30: at the 08:00 opening, plus at most the max delay of spread.
    let early = next_send(&p, &old_number(), at(0, 6, 30), &mut rng);
    assert!((at(0, 8, 0)..=at(0, 8, 1)).contains(&early), "{early}");
    // Monday 20:00 is closed: Tuesday 08:00.
    let late = next_send(&p, &old_number(), at(0, 20, 0), &mut rng);
    assert!((at(1, 8, 0)..=at(1, 8, 1)).contains(&late), "{late}");
    // Saturday is allowed by default, Sunday is not: Saturday 21:00 → Monday 08:00.
    let weekend = next_send(&p, &old_number(), at(5, 21, 0), &mut rng);
    assert!((at(7, 8, 0)..=at(7, 8, 1)).contains(&weekend), "{weekend}");
    // Only Wednesdays, 14:00–15:00.
    let narrow = Pacing {
        weekdays: [false, false, true, false, false, false, false],
        window_start: 14 * 60,
        window_end: 15 * 60,
        ..Pacing::default()
    };
    let wed = next_send(&narrow, &old_number(), at(0, 9, 0), &mut rng);
    assert!((at(2, 14, 0)..=at(2, 14, 1)).contains(&wed), "{wed}");
    // The time zone counts: 10:00 in UTC is 07:00 in Brasília (closed), 10:00 in Lisbon-ish UTC (open).
    let utc = Pacing {
        utc_offset_minutes: 0,
        ..Pacing::default()
    };
    let ten_utc = at(0, 7, 0); // = 10:00 UTC
    assert_eq!(next_send(&utc, &old_number(), ten_utc, &mut rng), ten_utc);
    assert!(next_send(&p, &old_number(), ten_utc, &mut rng) >= at(0, 8, 0));
}

#[test]
fn delays_are_random_within_the_range_and_repeat_with_the_seed() {
    let p = Pacing::default();
    let now = at(0, 10, 0);
    let load = NumberLoad {
        last_sent_at: Some(now),
        ..old_number()
    };
    let mut rng = StdRng::seed_from_u64(42);
    let delays: Vec<i64> = (0..500)
        .map(|_| next_send(&p, &load, now, &mut rng) - now)
        .collect();
    assert!(delays.iter().all(|d| (30_000..=60_000).contains(d)));
    assert!(delays.iter().any(|d| *d < 35_000) && delays.iter().any(|d| *d > 55_000));
    let mut again = StdRng::seed_from_u64(42);
    assert_eq!(next_send(&p, &load, now, &mut again) - now, delays[0]);
    // Long after the last message, no delay is added.
    let rested = NumberLoad {
        last_sent_at: Some(now - HOUR),
        ..old_number()
    };
    assert_eq!(next_send(&p, &rested, now, &mut rng), now);
}

#[test]
fn the_daily_cap_moves_sending_to_the_next_allowed_day() {
    let p = Pacing {
        daily_cap: 50,
        ..Pacing::default()
    };
    let mut rng = StdRng::seed_from_u64(3);
    let capped = NumberLoad {
        sent_today: 50,
        ..old_number()
    };
    let next = next_send(&p, &capped, at(0, 11, 0), &mut rng);
    assert!((at(1, 8, 0)..=at(1, 8, 1)).contains(&next), "{next}");
    let below = NumberLoad {
        sent_today: 49,
        ..old_number()
    };
    assert_eq!(next_send(&p, &below, at(0, 11, 0), &mut rng), at(0, 11, 0));
    // Capped on Saturday: Monday.
    let sat = next_send(&p, &capped, at(5, 9, 0), &mut rng);
    assert!((at(7, 8, 0)..=at(7, 8, 1)).contains(&sat), "{sat}");
}

#[test]
fn new_numbers_warm_up_linearly_to_the_cap() {
    let p = Pacing {
        daily_cap: 200,
        warmup_days: 10,
        warmup_start_cap: 20,
        ..Pacing::default()
    };
    let added = at(0, 15, 0);
    let caps: Vec<u32> = (0..12).map(|d| p.cap_on(added, at(d, 9, 0))).collect();
    assert_eq!(
        caps,
        [20, 38, 56, 74, 92, 110, 128, 146, 164, 182, 200, 200]
    );
    // A new number that sent its 20 today waits for tomorrow.
    let mut rng = StdRng::seed_from_u64(9);
    let load = NumberLoad {
        added_at: added,
        sent_today: 20,
        last_sent_at: Some(at(0, 16, 0)),
    };
    assert!(next_send(&p, &load, at(0, 16, 0), &mut rng) >= at(1, 8, 0));
}

#[test]
fn recipients_stay_with_their_number_and_the_rest_spread_evenly() {
    let (a, b, c) = (InstanceId::new(), InstanceId::new(), InstanceId::new());
    let outside = InstanceId::new();
    let people: Vec<(ContactId, Vec<InstanceId>)> = (0..30)
        .map(|i| {
            let talks_to = match i {
                0..=5 => vec![b],
                6 => vec![outside, c],
                7 => vec![outside],
                _ => vec![],
            };
            (ContactId::new(), talks_to)
        })
        .collect();
    let chosen = spread(&people, &[a, b, c]);
    assert!(chosen[..6].iter().all(|n| *n == Some(b)));
    assert_eq!(chosen[6], Some(c));
    let count = |n| chosen.iter().filter(|x| **x == Some(n)).count();
    assert_eq!((count(a), count(b), count(c)), (10, 10, 10));
    assert!(spread(&people, &[]).iter().all(Option::is_none));
}

#[test]
fn impossible_pacing_is_refused_in_words() {
    let bad = [
        (
            Pacing {
                window_start: 20 * 60,
                window_end: 8 * 60,
                ..Pacing::default()
            },
            PacingError::Window,
        ),
        (
            Pacing {
                weekdays: [false; 7],
                ..Pacing::default()
            },
            PacingError::NoWeekday,
        ),
        (
            Pacing {
                delay_min_s: 90,
                delay_max_s: 60,
                ..Pacing::default()
            },
            PacingError::Delay,
        ),
        (
            Pacing {
                daily_cap: 0,
                ..Pacing::default()
            },
            PacingError::Cap,
        ),
    ];
    for (pacing, want) in bad {
        let err = pacing.check().unwrap_err();
        assert_eq!(err, want);
        assert_ne!(err.message(Lang::PtBr), err.message(Lang::En));
    }
    assert!(Pacing::default().check().is_ok());
}
