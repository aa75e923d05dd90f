//! Business hours per account (issue 18, item 3): the weekdays and hours it
//! answers (several intervals a day, such as 08:00–12:00 and 13:00–18:00),
//! its holidays, its time zone by IANA name, and the away message a contact
//! gets when they write while it is closed.
//!
//! They are kept on the account's bot settings row (migrations/sqlite/0025)
//! and share its time zone: one zone per account, for the flows' time
//! conditions and for these hours alike. An account whose business hours are
//! off (or were never saved) has none: [`schedule`] answers `None`, no away
//! message is sent and nothing follows them. [`Schedule`] answers the
//! questions about instants (open now, next opening, working time between
//! two moments); [`save`] refuses what a person could get wrong and refuses
//! agents (`access::Area::Settings`).

mod error;
mod schedule;

use serde::{Deserialize, Serialize};

pub use error::{BusinessHoursError, MAX_HOLIDAYS, MAX_INTERVALS};
pub use schedule::{Schedule, WorkingTime};

use crate::access::{self, Area};
use crate::campaigns::template::MESSAGE_MAX;
use crate::time::now_ms;
use crate::{AccountId, Store, account_open};

/// Minutes in a day: an interval may end at 24:00.
pub const DAY_MINUTES: u16 = 24 * 60;

/// Open from `start` to `end` (minutes of the local day, `end` excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

/// An account's business hours as the settings screen shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BusinessHours {
    /// Off: the account has no business hours (what is below is kept).
    pub enabled: bool,
    /// IANA name (`America/Sao_Paulo`): the account's time zone, the same
    /// the flows' time conditions use.
    pub time_zone: String,
    /// Seven days, Monday first, each with its intervals in order.
    pub week: Vec<Vec<Interval>>,
    /// Dates (`YYYY-MM-DD`) the account is closed all day, in order.
    pub holidays: Vec<String>,
    /// Send `away_message` to a contact who writes while closed (once per
    /// conversation per closed period).
    pub away_enabled: bool,
    pub away_message: String,
    /// The account's campaigns send only inside these hours (and inside
    /// each campaign's own sending window).
    pub campaigns_in_hours: bool,
}

const fn at(h1: u16, h2: u16) -> Interval {
    Interval {
        start: h1 * 60,
        end: h2 * 60,
    }
}

impl Default for BusinessHours {
    /// What the screen offers before anything is saved: off, Monday to
    /// Friday 08:00–12:00 and 13:00–18:00, São Paulo time.
    fn default() -> BusinessHours {
        let workday = vec![at(8, 12), at(13, 18)];
        let mut week = vec![workday; 5];
        week.extend([Vec::new(), Vec::new()]);
        BusinessHours {
            enabled: false,
            time_zone: "America/Sao_Paulo".into(),
            week,
            holidays: Vec::new(),
            away_enabled: false,
            away_message:
                "Olá! Estamos fora do horário de atendimento. Respondemos assim que voltarmos."
                    .into(),
            campaigns_in_hours: false,
        }
    }
}

/// The IANA time zone names jiff knows here (the system's database, or the
/// bundled one), sorted, without the legacy aliases that are not
/// `Area/City` names (`EST5EDT`, `Brazil/East` stay out: the picker offers
/// what a person looks for).
pub fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|name| {
            name == "UTC"
                || [
                    "Africa/",
                    "America/",
                    "Antarctica/",
                    "Asia/",
                    "Atlantic/",
                    "Australia/",
                    "Europe/",
                    "Indian/",
                    "Pacific/",
                ]
                .iter()
                .any(|area| name.starts_with(area))
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// How the week and holidays are stored (the `business_hours` column).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    week: Vec<Vec<Interval>>,
    holidays: Vec<String>,
}

type Row = (String, Option<String>, bool, bool, String, bool);

/// The account's business hours, or the defaults (off) when none were
/// saved; the time zone is the account's either way.
pub async fn get(store: &Store, account: AccountId) -> Result<BusinessHours, BusinessHoursError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT time_zone, business_hours, business_hours_enabled, away_enabled, away_message,
                campaigns_in_hours
         FROM automation_settings WHERE account_id = ?",
    )
    .bind(account)
    .fetch_optional(store.pool())
    .await?;
    Ok(from_row(row))
}

fn from_row(row: Option<Row>) -> BusinessHours {
    let defaults = BusinessHours::default();
    let Some((time_zone, stored, enabled, away_enabled, away_message, campaigns_in_hours)) = row
    else {
        return defaults;
    };
    // A value that does not read (damaged, or a shape of a newer ZapDesk)
    // is as if never saved, and so off: closing an account by mistake would
    // send away messages to everyone.
    let stored: Option<Stored> = stored.and_then(|s| serde_json::from_str(&s).ok());
    let readable = stored.as_ref().is_some_and(|s| s.week.len() == 7);
    let stored = stored.filter(|_| readable);
    BusinessHours {
        enabled: enabled && readable,
        time_zone,
        week: stored.as_ref().map_or(defaults.week, |s| s.week.clone()),
        holidays: stored.map_or_else(Vec::new, |s| s.holidays),
        away_enabled,
        away_message: if away_message.is_empty() {
            defaults.away_message
        } else {
            away_message
        },
        campaigns_in_hours,
    }
}

/// The account's schedule when its business hours are on; `None` when it
/// has none.
pub async fn schedule(
    store: &Store,
    account: AccountId,
) -> Result<Option<Schedule>, BusinessHoursError> {
    let hours = get(store, account).await?;
    Ok(hours.enabled.then(|| Schedule::new(&hours)).flatten())
}

/// The schedule the account's campaigns follow: its business hours when
/// they are on and the account asked campaigns to keep to them; `None`
/// otherwise (each campaign's own window alone decides).
pub async fn campaign_schedule(
    store: &Store,
    account: AccountId,
) -> Result<Option<Schedule>, sqlx::Error> {
    let hours = get(store, account).await.map_err(|e| match e {
        BusinessHoursError::Database(e) => e,
        // `get` fails only on the database.
        other => sqlx::Error::Protocol(other.to_string()),
    })?;
    Ok((hours.enabled && hours.campaigns_in_hours)
        .then(|| Schedule::new(&hours))
        .flatten())
}

/// Checks `hours` and writes them as the account's, in one transaction; the
/// hours as stored (time zone trimmed, holidays in order without repeats).
/// Refused, with nothing written: an agent at this desktop, an archived or
/// unknown account, and whatever [`validate`] refuses.
pub async fn save(
    store: &Store,
    account: AccountId,
    hours: &BusinessHours,
) -> Result<BusinessHours, BusinessHoursError> {
    access::require(store, Area::Settings).await?;
    let clean = validate(hours)?;
    let stored = serde_json::to_string(&Stored {
        week: clean.week.clone(),
        holidays: clean.holidays.clone(),
    })
    .unwrap_or_default();
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    // The rest of the bot's settings keep their values (or their defaults,
    // when the row is new): only these columns and the zone are written.
    sqlx::query(
        "INSERT INTO automation_settings (account_id, time_zone, business_hours, business_hours_enabled,
                                          away_enabled, away_message, campaigns_in_hours, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET
            time_zone = excluded.time_zone, business_hours = excluded.business_hours,
            business_hours_enabled = excluded.business_hours_enabled,
            away_enabled = excluded.away_enabled, away_message = excluded.away_message,
            campaigns_in_hours = excluded.campaigns_in_hours, updated_at = excluded.updated_at",
    )
    .bind(account)
    .bind(&clean.time_zone)
    .bind(stored)
    .bind(clean.enabled)
    .bind(clean.away_enabled)
    .bind(&clean.away_message)
    .bind(clean.campaigns_in_hours)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(clean)
}

/// Refused: a time zone that is no IANA name, a week without 7 days, an
/// interval that ends before it starts or past 24:00, two intervals of a day
/// that overlap or are out of order, more than [`MAX_INTERVALS`] a day, a
/// holiday that is no `YYYY-MM-DD` date, more than [`MAX_HOLIDAYS`], an away
/// message that is on but empty, or longer than WhatsApp takes.
pub fn validate(input: &BusinessHours) -> Result<BusinessHours, BusinessHoursError> {
    let time_zone = input.time_zone.trim().to_owned();
    if jiff::tz::TimeZone::get(&time_zone).is_err() {
        return Err(BusinessHoursError::TimeZoneUnknown(input.time_zone.clone()));
    }
    if input.week.len() != 7 {
        return Err(BusinessHoursError::WeekLength(input.week.len()));
    }
    for (day, intervals) in input.week.iter().enumerate() {
        if intervals.len() > MAX_INTERVALS {
            return Err(BusinessHoursError::TooManyIntervals(day));
        }
        for i in intervals {
            if i.start >= i.end || i.end > DAY_MINUTES {
                return Err(BusinessHoursError::IntervalInvalid {
                    day,
                    start: i.start,
                    end: i.end,
                });
            }
        }
        // Touching is fine (08:00–12:00 then 12:00–13:00); overlapping or
        // out of order is a typing mistake worth naming.
        for pair in intervals.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(BusinessHoursError::IntervalsOverlap {
                    day,
                    first: (pair[0].start, pair[0].end),
                    second: (pair[1].start, pair[1].end),
                });
            }
        }
    }
    let mut holidays = Vec::with_capacity(input.holidays.len());
    for text in &input.holidays {
        let date: jiff::civil::Date = text
            .trim()
            .parse()
            .map_err(|_| BusinessHoursError::HolidayInvalid(text.clone()))?;
        holidays.push(date);
    }
    holidays.sort();
    holidays.dedup();
    if holidays.len() > MAX_HOLIDAYS {
        return Err(BusinessHoursError::TooManyHolidays);
    }
    let away_message = input.away_message.trim().to_owned();
    if input.away_enabled && away_message.is_empty() {
        return Err(BusinessHoursError::AwayMessageEmpty);
    }
    if away_message.chars().count() > MESSAGE_MAX {
        return Err(BusinessHoursError::AwayMessageTooLong);
    }
    Ok(BusinessHours {
        enabled: input.enabled,
        time_zone,
        week: input.week.clone(),
        holidays: holidays
            .iter()
            .map(|d| d.strftime("%Y-%m-%d").to_string())
            .collect(),
        away_enabled: input.away_enabled,
        away_message,
        campaigns_in_hours: input.campaigns_in_hours,
    })
}
