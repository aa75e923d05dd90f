//! How a campaign is doing: one count per outcome, from the recipients and
//! the state of the messages the outbox sent for them (acks and replies
//! arrive through the numbers, so the report is always current).

use serde::Serialize;

use super::error::CampaignError;
use crate::ids::CampaignId;
use crate::{AccountId, Store};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct CampaignReport {
    pub total: u32,
    /// Not yet claimed.
    pub pending: u32,
    /// In the outbox, not yet accepted by WhatsApp.
    pub queued: u32,
    pub sent: u32,
    pub delivered: u32,
    pub read: u32,
    pub failed: u32,
    pub skipped: u32,
    pub cancelled: u32,
    /// Wrote back after the campaign's message.
    pub replied: u32,
    /// Opted out after the campaign's message.
    pub opted_out: u32,
}

pub async fn report(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
) -> Result<CampaignReport, CampaignError> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT r.state, m.status, count(*) FROM campaign_recipients r
         LEFT JOIN messages m ON m.account_id = r.account_id AND m.id = r.message_id
         WHERE r.account_id = ? AND r.campaign_id = ? GROUP BY r.state, m.status",
    )
    .bind(account)
    .bind(campaign)
    .fetch_all(store.pool())
    .await?;
    let mut out = CampaignReport::default();
    for (state, status, n) in rows {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        out.total += n;
        let slot = match (state.as_str(), status.as_deref()) {
            ("pending", _) => &mut out.pending,
            ("skipped", _) => &mut out.skipped,
            ("cancelled", _) => &mut out.cancelled,
            (_, Some("sent")) => &mut out.sent,
            (_, Some("delivered")) => &mut out.delivered,
            (_, Some("read" | "played")) => &mut out.read,
            (_, Some("failed")) => &mut out.failed,
            _ => &mut out.queued,
        };
        *slot += n;
    }
    let (replied, opted_out): (i64, i64) = sqlx::query_as(
        "SELECT
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM messages reply WHERE reply.account_id = m.account_id
               AND reply.conversation_id = m.conversation_id AND reply.direction = 'inbound'
               AND coalesce(reply.sent_at, reply.created_at) >= r.queued_at)),
           count(*) FILTER (WHERE c.opted_out_at >= r.queued_at)
         FROM campaign_recipients r
         JOIN messages m ON m.account_id = r.account_id AND m.id = r.message_id
         JOIN contacts c ON c.account_id = r.account_id AND c.id = r.contact_id
         WHERE r.account_id = ? AND r.campaign_id = ?",
    )
    .bind(account)
    .bind(campaign)
    .fetch_one(store.pool())
    .await?;
    out.replied = u32::try_from(replied).unwrap_or(u32::MAX);
    out.opted_out = u32::try_from(opted_out).unwrap_or(u32::MAX);
    Ok(out)
}
