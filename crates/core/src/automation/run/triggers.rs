//! Rules 5 to 7: the flows a message starts when no keyword fired — the
//! contact's first message on the number, a reply to a campaign, no other
//! match — and a tag a person added. Only flows that are on and published
//! start; of two with the same trigger, the older.

use sqlx::{Sqlite, Transaction};

use super::apply;
use super::config::{Conv, FlowEntry};
use crate::automation::AutomationError;
use crate::automation::flows::Trigger;
use crate::ids::{CampaignId, FlowId, TagId};
use crate::{AccountId, InstanceId, MessageId};

fn startable(flow: &FlowEntry) -> bool {
    flow.enabled && flow.published.is_some()
}

fn in_scope(numbers: &[InstanceId], instance: InstanceId) -> bool {
    numbers.is_empty() || numbers.contains(&instance)
}

/// Rule 5: the conversation's first inbound message (the first ever from
/// the contact on this number: none stored before it, whatever came after
/// while it waited in the queue) starts the flow triggered by it.
pub(super) async fn first_message(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conv: &Conv,
    flows: &[FlowEntry],
    message: MessageId,
) -> Result<Option<FlowId>, AutomationError> {
    let Some(flow) = flows.iter().find(|f| {
        startable(f)
            && f.triggers.iter().any(|t| {
                matches!(t, Trigger::FirstMessage { numbers } if in_scope(numbers, conv.instance))
            })
    }) else {
        return Ok(None);
    };
    let earlier: bool = sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1 FROM messages other JOIN messages this ON this.account_id = other.account_id AND this.id = ?
             WHERE other.account_id = ? AND other.conversation_id = ? AND other.direction = 'inbound'
               AND (other.created_at < this.created_at OR (other.created_at = this.created_at AND other.id < this.id)))",
    )
    .bind(message)
    .bind(account)
    .bind(conv.id)
    .fetch_one(&mut **tx)
    .await?;
    Ok((!earlier).then_some(flow.id))
}

/// Rule 6: a reply to a campaign whose message to this contact went out in
/// this conversation, the contact's first message after it, with
/// "when a recipient replies, start flow X" set: the campaign and X. The
/// newest such campaign; one already answered (its mark) starts nothing.
pub(super) async fn campaign_reply(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conv: &Conv,
    flows: &[FlowEntry],
    message: MessageId,
) -> Result<Option<(CampaignId, FlowId)>, AutomationError> {
    let found: Option<(CampaignId, FlowId)> = sqlx::query_as(
        "SELECT r.campaign_id, c.reply_flow_id
         FROM campaign_recipients r
         JOIN campaigns c ON c.account_id = r.account_id AND c.id = r.campaign_id
         JOIN messages m ON m.account_id = r.account_id AND m.id = r.message_id
         JOIN messages reply ON reply.account_id = m.account_id AND reply.id = ?
         WHERE r.account_id = ? AND r.contact_id = ? AND r.state = 'queued' AND c.reply_flow_id IS NOT NULL
           AND m.conversation_id = ? AND m.status IN ('sending', 'sent', 'delivered', 'read', 'played')
           AND m.created_at <= reply.created_at
           AND NOT EXISTS (
               SELECT 1 FROM messages other
               WHERE other.account_id = m.account_id AND other.conversation_id = m.conversation_id
                 AND other.direction = 'inbound' AND other.id <> reply.id
                 AND other.created_at >= m.created_at AND other.created_at <= reply.created_at)
         ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
    )
    .bind(message)
    .bind(account)
    .bind(conv.contact)
    .bind(conv.id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((campaign, flow)) = found else {
        return Ok(None);
    };
    if !flows.iter().any(|f| f.id == flow && startable(f)) {
        return Ok(None);
    }
    let what = format!("campaign:{campaign}");
    if apply::mark(tx, account, conv.contact, &what)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    Ok(Some((campaign, flow)))
}

/// Marks a campaign's reply flow started for the contact.
pub(super) async fn campaign_answered(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conv: &Conv,
    campaign: CampaignId,
    now: i64,
) -> Result<(), AutomationError> {
    apply::set_mark(
        tx,
        account,
        conv.contact,
        &format!("campaign:{campaign}"),
        now,
    )
    .await?;
    Ok(())
}

/// Rule 7: a message nothing answered starts the "no other match" flow, at
/// most once per contact per its `hours` (the `no_match` mark, set here).
pub(super) async fn no_match(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conv: &Conv,
    flows: &[FlowEntry],
    now: i64,
) -> Result<Option<FlowId>, AutomationError> {
    let found = flows.iter().find_map(|f| {
        if !startable(f) {
            return None;
        }
        f.triggers.iter().find_map(|t| match t {
            Trigger::NoMatch { hours, numbers } if in_scope(numbers, conv.instance) => {
                Some((f.id, *hours))
            }
            _ => None,
        })
    });
    let Some((flow, hours)) = found else {
        return Ok(None);
    };
    let last = apply::mark(tx, account, conv.contact, "no_match").await?;
    if last.is_some_and(|at| now - at < i64::from(hours) * 3_600_000) {
        return Ok(None);
    }
    apply::set_mark(tx, account, conv.contact, "no_match", now).await?;
    Ok(Some(flow))
}

/// The flow a person's tag starts.
pub(super) fn tag_added(flows: &[FlowEntry], tag: TagId) -> Option<FlowId> {
    flows
        .iter()
        .find(|f| {
            startable(f)
                && f.triggers
                    .iter()
                    .any(|t| matches!(t, Trigger::TagAdded { tag: wanted } if *wanted == tag))
        })
        .map(|f| f.id)
}
