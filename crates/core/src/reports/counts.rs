//! Messages and new contacts per local day, and each number's messages in
//! the period. The local days' bounds are worked out here (each account's
//! time zone) and handed to the store, which adds up each day's quarter
//! hours as triggers keep them (`report_counts`, migrations/sqlite/0039):
//! about a hundred small rows a day instead of every message of the day.
//! Days that do not start on a quarter hour (a zone's historical offset)
//! are counted from the messages themselves, each day by a range of the
//! covering index (migrations/sqlite/0027, [`scanned`]), which is also what
//! the tests hold the kept counts to.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::cycles::MESSAGE_AT;
use super::period::{dates, day_end, day_start};
use crate::{AccountId, InstanceId, Store};

/// The quarter hour `report_counts` keeps counts by, in ms.
const SLOT_MS: i64 = 900_000;

/// Set only by the reports bench (crates/core/benches/reports.rs): every
/// report then counts the messages themselves ([`scanned`]), as before
/// migration 0039, so that the bench times both ways in the same run on
/// the same file.
#[doc(hidden)]
pub static COUNT_FROM_MESSAGES: AtomicBool = AtomicBool::new(false);

/// A number's messages in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumberCounts {
    pub messages_in: u32,
    pub messages_out: u32,
    pub failed: u32,
}

/// Messages in and out and new contacts per local date, over both periods.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// (messages in, messages out, new contacts) per date.
    pub days: BTreeMap<Date, (u32, u32, u32)>,
    /// Of the current period, `[from, to)`.
    pub numbers: HashMap<InstanceId, NumberCounts>,
}

/// `[a, b]` as the store's `json_array` writes it.
fn pair(json: &str) -> [i64; 2] {
    serde_json::from_str(json).unwrap_or_default()
}

fn u(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Each date's `[start, end)` in `tz`.
fn bounds(tz: &TimeZone, days: &[Date]) -> Vec<[i64; 2]> {
    days.iter()
        .map(|&d| [day_start(tz, d), day_end(tz, d)])
        .collect()
}

/// Counts the local dates `first..=last` (`first` starts the previous
/// period); the numbers' counts cover `[from, to)`, the current period.
/// From the kept quarter hours when every bound is one, else [`scanned`].
pub async fn counts(
    store: &Store,
    account: AccountId,
    tz: &TimeZone,
    (first, last): (Date, Date),
    from: i64,
    to: i64,
) -> Result<Counts, sqlx::Error> {
    let days = dates(first, last);
    let bounds = bounds(tz, &days);
    let on_slots = |at: i64| at.rem_euclid(SLOT_MS) == 0;
    if COUNT_FROM_MESSAGES.load(Ordering::Relaxed)
        || !(on_slots(from) && on_slots(to) && bounds.iter().flatten().all(|&at| on_slots(at)))
    {
        return scanned(store, account, tz, (first, last), from, to).await;
    }
    let bounds = serde_json::to_string(&bounds).unwrap_or_else(|_| "[]".into());
    // `[in, out, contacts]` per date, in order (`json_each` gives each its
    // position as `key`).
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT d.key,
                (SELECT json_array(coalesce(sum(messages_in), 0), coalesce(sum(messages_out), 0),
                                   coalesce(sum(contacts), 0))
                 FROM report_counts WHERE account_id = ?1
                   AND slot >= d.value ->> 0 AND slot < d.value ->> 1)
         FROM json_each(?2) d",
    )
    .bind(account)
    .bind(&bounds)
    .fetch_all(store.pool())
    .await?;
    let mut out = Counts::default();
    for (i, counts) in rows {
        let [m_in, m_out, contacts] = serde_json::from_str::<[i64; 3]>(&counts).unwrap_or_default();
        if let Some(&d) = usize::try_from(i).ok().and_then(|i| days.get(i)) {
            out.days.insert(d, (u(m_in), u(m_out), u(contacts)));
        }
    }
    let numbers: Vec<(InstanceId, String)> = sqlx::query_as(
        "SELECT i.id,
                (SELECT json_array(coalesce(sum(messages_in), 0), coalesce(sum(messages_out), 0),
                                   coalesce(sum(failed_out), 0))
                 FROM report_counts WHERE account_id = ?1
                   AND slot >= ?2 AND slot < ?3 AND instance_id = i.id)
         FROM instances i WHERE i.account_id = ?1",
    )
    .bind(account)
    .bind(from)
    .bind(to)
    .fetch_all(store.pool())
    .await?;
    numbers_into(&mut out, numbers);
    Ok(out)
}

fn numbers_into(out: &mut Counts, numbers: Vec<(InstanceId, String)>) {
    for (id, counts) in numbers {
        let [messages_in, messages_out, failed] =
            serde_json::from_str::<[i64; 3]>(&counts).unwrap_or_default();
        out.numbers.insert(
            id,
            NumberCounts {
                messages_in: u(messages_in),
                messages_out: u(messages_out),
                failed: u(failed),
            },
        );
    }
}

/// [`counts`] from the messages and contacts themselves.
pub async fn scanned(
    store: &Store,
    account: AccountId,
    tz: &TimeZone,
    (first, last): (Date, Date),
    from: i64,
    to: i64,
) -> Result<Counts, sqlx::Error> {
    let days = dates(first, last);
    // `[[start, end], …]`, one pair per date, in order: `json_each` gives
    // each its position as `key`.
    let bounds = serde_json::to_string(&bounds(tz, &days)).unwrap_or_else(|_| "[]".into());
    // One range of the index per day and direction; a GROUP BY would sort
    // every message of the period instead.
    // Each day's messages in one range of the index: `[all, inbound]`.
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT d.key,
                (SELECT json_array(count(*), coalesce(sum(direction = 'inbound'), 0)) FROM messages
                 WHERE account_id = ?1
                   AND {MESSAGE_AT} >= d.value ->> 0 AND {MESSAGE_AT} < d.value ->> 1),
                (SELECT count(*) FROM contacts WHERE account_id = ?1
                   AND created_at >= d.value ->> 0 AND created_at < d.value ->> 1)
         FROM json_each(?2) d"
    ))
    .bind(account)
    .bind(&bounds)
    .fetch_all(store.pool())
    .await?;
    let mut out = Counts::default();
    for (i, messages, contacts) in rows {
        let [all, inbound] = pair(&messages);
        if let Some(&d) = usize::try_from(i).ok().and_then(|i| days.get(i)) {
            out.days
                .insert(d, (u(inbound), u(all - inbound), u(contacts)));
        }
    }
    // Per number, the same way: a few numbers, one range each,
    // `[inbound, outbound, failed outbound]`.
    let numbers: Vec<(InstanceId, String)> = sqlx::query_as(&format!(
        "SELECT i.id,
                (SELECT json_array(coalesce(sum(direction = 'inbound'), 0), coalesce(sum(direction <> 'inbound'), 0),
                                   coalesce(sum(direction <> 'inbound' AND status = 'failed'), 0))
                 FROM messages WHERE account_id = ?1
                   AND {MESSAGE_AT} >= ?2 AND {MESSAGE_AT} < ?3 AND instance_id = i.id)
         FROM instances i WHERE i.account_id = ?1"
    ))
    .bind(account)
    .bind(from)
    .bind(to)
    .fetch_all(store.pool())
    .await?;
    numbers_into(&mut out, numbers);
    Ok(out)
}
