//! First response and resolution, from a conversation's messages and
//! resolutions in time order.
//!
//! A conversation goes through *cycles*. A cycle **opens** with the contact's
//! first message (inbound) while no cycle is open: the first of the
//! conversation, or the first after it was resolved. Its **first response**
//! is the first message a *person* sent in the conversation after that
//! opening: outbound, not written by the bot (`bot_source` NULL — flows,
//! keywords and the away or hand-off replies carry one), not a campaign's
//! message (a `campaign_recipients.message_id`), not failed. A message
//! typed on the phone itself counts: it is a person answering. The cycle
//! **ends** when the conversation is resolved (`conversation_resolutions`).
//! A resolution while no cycle is open (a chat an operator started and
//! closed) ends nothing.
//!
//! **First response time** is the working time (the account's business
//! hours, `Schedule::working_ms`; plain elapsed time when the account has
//! none) from the opening to the first response, counted in the period the
//! opening falls in; a cycle without a response yet is not measured.
//! **Resolution time** is the working time from the opening to the
//! resolution, counted in the period the resolution falls in.
//!
//! The reports read the cycles SQLite keeps by these rules as messages,
//! resolutions and campaign recipients change (`response_cycles`,
//! migrations/sqlite/0033; [`super::kept`]). [`scan`] works them out from
//! scratch from the messages: the tests check the kept table against it,
//! and the benchmark measures it as the time before.
//!
//! The scan starts [`LOOKBACK_DAYS`] before the earlier period, every
//! conversation closed there: a cycle opened longer ago than that and still
//! open is seen as opening at its next contact message (the kept table
//! knows its true opening).

use std::collections::HashMap;

use crate::business_hours::{Schedule, WorkingTime};
use crate::ids::UserId;
use crate::{AccountId, ConversationId, Store};

/// How far before the periods the scan starts, in days.
pub const LOOKBACK_DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;

/// The time of a message in reports (migrations/sqlite/0027: the
/// `messages_reports` index is on this very expression).
pub(crate) const MESSAGE_AT: &str = "CASE WHEN sent_at > 0 THEN sent_at ELSE created_at END";

/// One cycle of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    pub conversation: ConversationId,
    pub opened_at: i64,
    /// Only replies from the scan's `from` on are seen: of a cycle opened
    /// in the lookback, this may be a later reply (never measured).
    pub responded_at: Option<i64>,
    pub resolved_at: Option<i64>,
    /// Who had the conversation when it was resolved.
    pub resolved_by: Option<UserId>,
}

/// What the scan found between the lookback and the end of the period.
#[derive(Debug, Default)]
pub struct Scan {
    pub cycles: Vec<Cycle>,
    /// Messages people sent (as above), with their conversation and time.
    pub replies: Vec<(ConversationId, i64)>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Inbound,
    Reply,
    Resolved(Option<UserId>),
}

/// Scans the account's messages and resolutions in `[from - lookback, to)`.
pub async fn scan(
    store: &Store,
    account: AccountId,
    from: i64,
    to: i64,
) -> Result<Scan, sqlx::Error> {
    let start = from.saturating_sub(LOOKBACK_DAYS * DAY_MS);
    // One row holds every message the cycles need, packed as text: sqlx
    // hands rows over one by one (some µs each), and a month of messages is
    // a hundred thousand of them. `i` a contact's message, `r` a person's
    // reply; then the time and the conversation in hex, entries split by
    // `;`. Campaign messages are told apart by their recipient row, written
    // in the transaction that queued them (a day either side for clocks).
    // Replies before `from` are left out: they could only answer a cycle
    // opened in the lookback, whose first response is never measured.
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT group_concat(
                    CASE WHEN direction = 'inbound' THEN 'i' ELSE 'r' END
                    || {MESSAGE_AT} || ':' || hex(conversation_id), ';')
         FROM messages
         WHERE account_id = ?1 AND {MESSAGE_AT} >= ?2 AND {MESSAGE_AT} < ?3
           AND (direction = 'inbound'
                OR ({MESSAGE_AT} >= ?6 AND bot_source IS NULL AND status <> 'failed'
                    AND id NOT IN (SELECT message_id FROM campaign_recipients
                                   WHERE account_id = ?1 AND queued_at >= ?4 AND queued_at < ?5
                                     AND message_id IS NOT NULL)))"
    ))
    .bind(account)
    .bind(start)
    .bind(to)
    .bind(start.saturating_sub(DAY_MS))
    .bind(to.saturating_add(DAY_MS))
    .bind(from)
    .fetch_one(store.pool())
    .await?;
    // The resolutions packed the same way: the conversation, the time, and
    // who had it (`-` for nobody), entries split by `;`.
    let resolutions: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(hex(conversation_id) || ':' || at || ':' || coalesce(hex(assignee_id), '-'), ';')
         FROM conversation_resolutions WHERE account_id = ? AND at >= ? AND at < ?",
    )
    .bind(account)
    .bind(start)
    .bind(to)
    .fetch_one(store.pool())
    .await?;
    let resolutions = resolutions.unwrap_or_default();

    let packed = packed.unwrap_or_default();
    let mut events: Vec<(i64, ConversationId, Event)> =
        Vec::with_capacity(packed.len() / 40 + resolutions.len() / 40);
    let mut replies = Vec::new();
    for entry in packed.split(';').filter(|e| !e.is_empty()) {
        let Some((at, conversation)) = unpack(entry) else {
            continue;
        };
        if entry.starts_with('i') {
            events.push((at, conversation, Event::Inbound));
        } else {
            events.push((at, conversation, Event::Reply));
            if at >= from {
                replies.push((conversation, at));
            }
        }
    }
    for entry in resolutions.split(';') {
        let mut fields = entry.split(':');
        let (Some(conversation), Some(at), Some(by)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (Some(conversation), Ok(at)) = (uuid_of(conversation), at.parse()) else {
            continue;
        };
        let by = uuid_of(by).map(UserId::from_uuid);
        events.push((
            at,
            ConversationId::from_uuid(conversation),
            Event::Resolved(by),
        ));
    }
    // In time order; at the same millisecond the contact's message comes
    // before the answer, and both before the resolution. The messages
    // usually arrive in the index's order already: the stable sort finds
    // those runs and merges, where sorting from scratch took most of the
    // scan's time in Rust.
    events.sort_by_key(|(at, _, event)| (*at, *event));

    let mut open: HashMap<ConversationId, Cycle> = HashMap::new();
    let mut cycles = Vec::new();
    for (at, conversation, event) in events {
        match event {
            Event::Inbound => {
                open.entry(conversation).or_insert(Cycle {
                    conversation,
                    opened_at: at,
                    responded_at: None,
                    resolved_at: None,
                    resolved_by: None,
                });
            }
            Event::Reply => {
                if let Some(cycle) = open.get_mut(&conversation)
                    && cycle.responded_at.is_none()
                {
                    cycle.responded_at = Some(at);
                }
            }
            Event::Resolved(by) => {
                if let Some(mut cycle) = open.remove(&conversation) {
                    cycle.resolved_at = Some(at);
                    cycle.resolved_by = by;
                    cycles.push(cycle);
                }
            }
        }
    }
    cycles.extend(open.into_values());
    Ok(Scan { cycles, replies })
}

/// One packed message (`i1700000000000:0123…`): its time and conversation.
fn unpack(entry: &str) -> Option<(i64, ConversationId)> {
    let (at, conversation) = entry.get(1..)?.split_once(':')?;
    Some((
        at.parse().ok()?,
        ConversationId::from_uuid(uuid_of(conversation)?),
    ))
}

/// A UUID written by SQLite's `hex()`; `None` for anything else.
pub(crate) fn uuid_of(hex: &str) -> Option<uuid::Uuid> {
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(hex, 16)
        .ok()
        .map(uuid::Uuid::from_u128)
}

/// Working time from `from` to `to`: inside the business hours when the
/// account has them, all of it otherwise.
pub fn working(schedule: Option<&Schedule>, from: i64, to: i64) -> i64 {
    match schedule {
        Some(s) => s.working_ms(from, to),
        None => (to - from).max(0),
    }
}

/// [`working`] for every cycle of a report: with business hours, each local
/// date's open intervals are worked out once for the whole report.
pub(crate) struct Working<'a>(Option<WorkingTime<'a>>);

impl<'a> Working<'a> {
    pub(crate) fn new(schedule: Option<&'a Schedule>) -> Working<'a> {
        Working(schedule.map(Schedule::working_time))
    }

    pub(crate) fn ms(&mut self, from: i64, to: i64) -> i64 {
        match &mut self.0 {
            Some(w) => w.working_ms(from, to),
            None => (to - from).max(0),
        }
    }
}
