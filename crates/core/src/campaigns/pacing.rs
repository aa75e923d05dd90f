//! When a campaign may send its next message from a number: allowed hours and
//! weekdays in the account's time zone, a random delay between messages, a
//! daily cap per number and a warm-up ramp for numbers added recently — the
//! defaults protect numbers from WhatsApp's bans. Pure functions of a clock
//! value and a random source, so tests inject both.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::business_hours::Schedule;
use crate::error::{ErrorCode, UserError};
use crate::ids::InstanceId;
use crate::{ContactId, Lang};

const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;

/// How a campaign paces its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Pacing {
    /// The account's offset from UTC, in minutes (Brasília: -180; Brazil has
    /// had no daylight saving time since 2019).
    pub utc_offset_minutes: i32,
    /// Minutes after local midnight: sending allowed from `start` to `end`.
    pub window_start: u32,
    pub window_end: u32,
    /// Monday first.
    pub weekdays: [bool; 7],
    /// Random delay between two messages of one number, in seconds.
    pub delay_min_s: u32,
    pub delay_max_s: u32,
    /// Most messages one number sends per local day.
    pub daily_cap: u32,
    /// Numbers added less than this many days ago ramp up to the cap.
    pub warmup_days: u32,
    /// The cap on a new number's first day; it grows linearly to `daily_cap`.
    pub warmup_start_cap: u32,
}

impl Default for Pacing {
    /// Safe for numbers that write to people who never wrote to them: business
    /// hours on weekdays and Saturday morning-ish, 30–60 s apart, 200 a day,
    /// two weeks of warm-up from 20 a day.
    fn default() -> Self {
        Pacing {
            utc_offset_minutes: -180,
            window_start: 8 * 60,
            window_end: 20 * 60,
            weekdays: [true, true, true, true, true, true, false],
            delay_min_s: 30,
            delay_max_s: 60,
            daily_cap: 200,
            warmup_days: 14,
            warmup_start_cap: 20,
        }
    }
}

/// Why a pacing was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacingError {
    #[error("empty window")]
    Window,
    #[error("no weekday")]
    NoWeekday,
    #[error("delay range")]
    Delay,
    #[error("zero cap")]
    Cap,
}

impl UserError for PacingError {
    fn code(&self) -> ErrorCode {
        ErrorCode::PacingInvalid
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            PacingError::Window => lang.pick(
                "O horário de envio precisa terminar depois de começar (por exemplo, das 08:00 às 20:00).",
                "The sending hours must end after they start (for example 08:00 to 20:00).",
            ),
            PacingError::NoWeekday => lang.pick(
                "Escolha pelo menos um dia da semana para enviar.",
                "Choose at least one weekday to send on.",
            ),
            PacingError::Delay => lang.pick(
                "O intervalo entre mensagens precisa ter mínimo menor ou igual ao máximo, e o máximo até 1 hora.",
                "The delay between messages needs a minimum no larger than its maximum, and at most 1 hour.",
            ),
            PacingError::Cap => lang.pick(
                "O limite diário por número precisa ser de pelo menos 1 mensagem.",
                "The daily cap per number must be at least 1 message.",
            ),
        }
        .to_owned()
    }
}

impl Pacing {
    pub fn check(&self) -> Result<(), PacingError> {
        if self.window_start >= self.window_end || self.window_end > 24 * 60 {
            return Err(PacingError::Window);
        }
        if !self.weekdays.iter().any(|d| *d) {
            return Err(PacingError::NoWeekday);
        }
        if self.delay_min_s > self.delay_max_s || self.delay_max_s > 3600 {
            return Err(PacingError::Delay);
        }
        if self.daily_cap == 0 || self.warmup_start_cap == 0 {
            return Err(PacingError::Cap);
        }
        Ok(())
    }

    /// Start of the local day holding `at` (Unix ms).
    pub fn local_day_start(&self, at: i64) -> i64 {
        let offset = i64::from(self.utc_offset_minutes) * MINUTE;
        (at + offset).div_euclid(DAY) * DAY - offset
    }

    /// Monday = 0 for the local day holding `at`. (1970-01-01 was a Thursday.)
    fn weekday(&self, at: i64) -> usize {
        let offset = i64::from(self.utc_offset_minutes) * MINUTE;
        usize::try_from(((at + offset).div_euclid(DAY) + 3).rem_euclid(7)).unwrap_or(0)
    }

    /// Today's cap for a number added at `added_at`.
    pub fn cap_on(&self, added_at: i64, at: i64) -> u32 {
        let age_days = (self.local_day_start(at) - self.local_day_start(added_at)) / DAY;
        if self.warmup_days == 0 || age_days >= i64::from(self.warmup_days) {
            return self.daily_cap;
        }
        let start = u64::from(self.warmup_start_cap.min(self.daily_cap));
        let span = u64::from(self.daily_cap) - start;
        let ramp = start
            + span * u64::try_from(age_days.max(0)).unwrap_or(0) / u64::from(self.warmup_days);
        u32::try_from(ramp).unwrap_or(self.daily_cap)
    }

    /// The earliest moment at or after `at` inside an allowed window.
    pub fn next_open(&self, at: i64) -> i64 {
        let mut day = self.local_day_start(at);
        for _ in 0..8 {
            let open = day + i64::from(self.window_start) * MINUTE;
            let close = day + i64::from(self.window_end) * MINUTE;
            if self.weekdays[self.weekday(day)] && at < close {
                return at.max(open);
            }
            day += DAY;
        }
        // `check` guarantees a weekday; unreachable for a checked pacing.
        at
    }
}

/// What one sending number has done, as the store counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberLoad {
    pub added_at: i64,
    /// Campaign messages it sent since the start of the local day of `now`.
    pub sent_today: u32,
    pub last_sent_at: Option<i64>,
}

/// When the number may send its next campaign message, given that it is `now`.
pub fn next_send(pacing: &Pacing, load: &NumberLoad, now: i64, rng: &mut impl Rng) -> i64 {
    next_send_within(pacing, load, now, rng, None)
}

/// How many times [`open_within`] moves between the campaign's window and
/// the business hours before it gives up (two schedules that never meet).
const MEET_TRIES: usize = 64;

/// The first moment at or after `at` inside both the campaign's window and
/// the business hours; `None` when they do not meet within a year or so.
fn open_within(pacing: &Pacing, hours: &Schedule, at: i64) -> Option<i64> {
    let mut at = at;
    for _ in 0..MEET_TRIES {
        let window = pacing.next_open(at);
        let open = hours.next_open(window)?;
        if open == window {
            return Some(open);
        }
        at = open;
    }
    None
}

/// [`next_send`] for an account whose campaigns keep to its business hours
/// (`hours`, read in its time zone by name, so a daylight-saving change
/// moves the opening as the clocks do): the message also waits for them.
/// Hours that never meet the campaign's window wait a day at a time.
pub fn next_send_within(
    pacing: &Pacing,
    load: &NumberLoad,
    now: i64,
    rng: &mut impl Rng,
    hours: Option<&Schedule>,
) -> i64 {
    let mut at = now;
    if let Some(last) = load.last_sent_at {
        let delay_s = rng.random_range(pacing.delay_min_s..=pacing.delay_max_s);
        at = at.max(last + i64::from(delay_s) * 1000);
    }
    if load.sent_today >= pacing.cap_on(load.added_at, now) {
        // Capped today: the next local day's window (its own cap starts at 0).
        at = at.max(pacing.local_day_start(now) + DAY);
    }
    let open = match hours {
        None => pacing.next_open(at),
        Some(hours) => open_within(pacing, hours, at).unwrap_or(at + DAY),
    };
    if open > at {
        // Opening time: spread the numbers over the first minutes instead of
        // having every number fire at 08:00:00.
        open + i64::from(rng.random_range(0..=pacing.delay_max_s)) * 1000
    } else {
        open
    }
}

/// Which number sends to each recipient: the number the contact already talks
/// to when it is one of the campaign's, otherwise the least loaded one (ties
/// in the given order). `talks_to` holds, per recipient, the numbers of their
/// existing conversations.
pub fn spread(
    recipients: &[(ContactId, Vec<InstanceId>)],
    numbers: &[InstanceId],
) -> Vec<Option<InstanceId>> {
    let mut load = vec![0usize; numbers.len()];
    let mut out = vec![None; recipients.len()];
    // First those who already talk to one of the numbers, so the rest fill around them.
    for (i, (_, talks_to)) in recipients.iter().enumerate() {
        if let Some(n) = numbers.iter().position(|n| talks_to.contains(n)) {
            load[n] += 1;
            out[i] = Some(numbers[n]);
        }
    }
    for slot in out.iter_mut() {
        if slot.is_some() || numbers.is_empty() {
            continue;
        }
        let (n, _) = load
            .iter()
            .enumerate()
            .min_by_key(|&(n, l)| (*l, n))
            .unwrap_or((0, &0));
        load[n] += 1;
        *slot = Some(numbers[n]);
    }
    out
}
