//! A campaign over time, for the detail page's chart: per hour, how many of
//! its messages were queued, how many WhatsApp took, and how many
//! recipients first wrote back. Hours are Unix ms of the hour's start (in UTC;
//! Brazil's offsets are whole hours, so each is also a local hour), and only
//! hours with something in them are listed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::CampaignError;
use super::store::get;
use crate::ids::CampaignId;
use crate::{AccountId, Store};

pub const HOUR_MS: i64 = 3_600_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct TimelineBucket {
    /// Start of the hour, Unix ms.
    pub hour: i64,
    pub queued: u32,
    pub sent: u32,
    pub replied: u32,
}

/// The campaign's hours, oldest first.
pub async fn timeline(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
) -> Result<Vec<TimelineBucket>, CampaignError> {
    get(store, account, campaign).await?;
    // One row per queued recipient: when it was queued, when WhatsApp took
    // it (its `sent_at` once echoed, else the queueing time), and its first
    // reply after the campaign's message.
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT r.queued_at,
                CASE WHEN m.status IN ('sent', 'delivered', 'read', 'played')
                     THEN coalesce(m.sent_at, r.queued_at) END,
                (SELECT min(coalesce(reply.sent_at, reply.created_at)) FROM messages reply
                  WHERE reply.account_id = m.account_id AND reply.conversation_id = m.conversation_id
                    AND reply.direction = 'inbound'
                    AND coalesce(reply.sent_at, reply.created_at) >= r.queued_at)
         FROM campaign_recipients r
         JOIN messages m ON m.account_id = r.account_id AND m.id = r.message_id
         WHERE r.account_id = ? AND r.campaign_id = ? AND r.queued_at IS NOT NULL",
    )
    .bind(account)
    .bind(campaign)
    .fetch_all(store.pool())
    .await?;
    let mut hours: BTreeMap<i64, TimelineBucket> = BTreeMap::new();
    let mut add = |at: i64, pick: fn(&mut TimelineBucket) -> &mut u32| {
        let hour = at.div_euclid(HOUR_MS) * HOUR_MS;
        let bucket = hours.entry(hour).or_insert(TimelineBucket {
            hour,
            ..TimelineBucket::default()
        });
        *pick(bucket) += 1;
    };
    for (queued_at, sent_at, replied_at) in rows {
        add(queued_at, |b| &mut b.queued);
        if let Some(at) = sent_at {
            add(at, |b| &mut b.sent);
        }
        if let Some(at) = replied_at {
            add(at, |b| &mut b.replied);
        }
    }
    Ok(hours.into_values().collect())
}
