//! Each number's health as the store knows it: campaign messages queued
//! today against today's cap, its warm-up day, its messages and failures in
//! the period. Whether it is connected right now is the fleet's to say: the
//! app puts the live status over the stored one.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::NumberRow;
use super::counts::NumberCounts;
use super::period::{date_of, day_start};
use crate::campaigns::pacing::Pacing;
use crate::domain::{InstanceKind, InstanceStatus};
use crate::{AccountId, InstanceId, Store};

type Row = (
    InstanceId,
    String,
    InstanceKind,
    Option<String>,
    InstanceStatus,
    i64,
);

/// The account's numbers, by name.
pub(crate) async fn numbers(
    store: &Store,
    account: AccountId,
    tz: &TimeZone,
    now: i64,
    counts: &HashMap<InstanceId, NumberCounts>,
) -> Result<Vec<NumberRow>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, kind, phone, status, created_at FROM instances
         WHERE account_id = ? ORDER BY name COLLATE NOCASE, id",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    let today = date_of(tz, now).map_or(now, |d| day_start(tz, d));
    let sent: Vec<(InstanceId, i64)> = sqlx::query_as(
        "SELECT instance_id, count(*) FROM campaign_recipients
         WHERE account_id = ? AND queued_at >= ? AND message_id IS NOT NULL AND instance_id IS NOT NULL
         GROUP BY instance_id",
    )
    .bind(account)
    .bind(today)
    .fetch_all(store.pool())
    .await?;
    let sent: HashMap<InstanceId, i64> = sent.into_iter().collect();
    // The pacing of every campaign that may still send, with its numbers.
    let active: Vec<(String, String)> = sqlx::query_as(
        "SELECT numbers, pacing FROM campaigns
         WHERE account_id = ? AND status IN ('scheduled', 'running', 'paused')",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    let active: Vec<(Vec<InstanceId>, Pacing)> = active
        .into_iter()
        .filter_map(|(numbers, pacing)| {
            Some((
                serde_json::from_str(&numbers).ok()?,
                serde_json::from_str(&pacing).ok()?,
            ))
        })
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, name, kind, phone, status, added_at)| {
            let mut pacings: Vec<&Pacing> = active
                .iter()
                .filter(|(numbers, _)| numbers.contains(&id))
                .map(|(_, p)| p)
                .collect();
            let default = Pacing::default();
            if pacings.is_empty() {
                pacings.push(&default);
            }
            // The strictest campaign decides what the number may send today.
            let (daily_cap, pacing) = pacings
                .iter()
                .map(|p| (p.cap_on(added_at, now), *p))
                .min_by_key(|(cap, _)| *cap)
                .unwrap_or((default.daily_cap, &default));
            let age = match (date_of(tz, added_at), date_of(tz, now)) {
                (Some(added), Some(today)) => i64::from((today - added).get_days()).max(0),
                _ => 0,
            };
            let warmup_day = (age < i64::from(pacing.warmup_days))
                .then(|| u32::try_from(age + 1).unwrap_or(u32::MAX));
            let c = counts.get(&id).copied().unwrap_or_default();
            NumberRow {
                account_id: account,
                instance_id: id,
                name,
                kind,
                phone,
                status,
                sent_today: u32::try_from(sent.get(&id).copied().unwrap_or(0)).unwrap_or(u32::MAX),
                daily_cap,
                warmup_day,
                warmup_days: pacing.warmup_days,
                messages_in: c.messages_in,
                messages_out: c.messages_out,
                failed: c.failed,
            }
        })
        .collect())
}
