//! Messages and new contacts per local day, and each number's messages in
//! the period. The local days' bounds are worked out here (each account's
//! time zone) and handed to the store, which counts each day by a range of
//! the covering index (migrations/sqlite/0027): a few hundred numbers cross
//! over instead of a row per quarter hour, and nothing is sorted to group.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::cycles::MESSAGE_AT;
use super::period::{dates, day_end, day_start};
use crate::{AccountId, InstanceId, Store};

/// A number's messages in the period.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NumberCounts {
    pub messages_in: u32,
    pub messages_out: u32,
    pub failed: u32,
}

/// Messages in and out and new contacts per local date, over both periods.
#[derive(Debug, Default)]
pub(crate) struct Counts {
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

/// Counts the local dates `first..=last` (`first` starts the previous
/// period); the numbers' counts cover `[from, to)`, the current period.
pub(crate) async fn counts(
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
    let bounds = serde_json::to_string(
        &days
            .iter()
            .map(|&d| [day_start(tz, d), day_end(tz, d)])
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into());
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
    Ok(out)
}
