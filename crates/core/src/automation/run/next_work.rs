//! What the bot has to do next on this desktop, across every account: the
//! queue's rows in order, the sessions due, the calls a restart found. The
//! runner is one loop for the desktop, so these read every account's rows
//! (the scoping test lists this file as cross-account); each item carries
//! its account, and everything done with it is scoped again.
//!
//! Only what this desktop runs is returned (`runs_here`: the numbers whose
//! lease it holds), except queue rows of other numbers old enough to be
//! dropped (`KEEP_ELSEWHERE`), which `handle_queued` drops with a log line.

use super::{Event, KEEP_ELSEWHERE, Queued};
use crate::automation::AutomationError;
use crate::ids::{SessionId, TagId};
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

/// Rows read per page while filtering.
const PAGE: i64 = 200;

type QueueRow = (
    i64,
    AccountId,
    ContactId,
    String,
    Option<ConversationId>,
    Option<MessageId>,
    Option<TagId>,
    i64,
    Option<InstanceId>,
);

/// The queue's next rows, oldest first, at most `limit`: messages of the
/// numbers this desktop runs (and of others, once `KEEP_ELSEWHERE` has
/// passed since they were queued or since `since`, the runner's start,
/// whichever is later), and tags. A conversation whose session waits on an
/// outside call keeps its rows queued until the answer.
pub async fn next_queued(
    store: &Store,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
    since: i64,
    now: i64,
    limit: usize,
) -> Result<Vec<Queued>, AutomationError> {
    let mut out = Vec::new();
    let mut after = 0i64;
    while out.len() < limit {
        let rows: Vec<QueueRow> = sqlx::query_as(
            "SELECT q.seq, q.account_id, q.contact_id, q.event, q.conversation_id, q.message_id, q.tag_id,
                    q.created_at, v.instance_id
             FROM automation_queue q
             LEFT JOIN conversations v ON v.account_id = q.account_id AND v.id = q.conversation_id
             WHERE q.seq > ?
               AND NOT EXISTS (SELECT 1 FROM flow_sessions s
                               WHERE s.account_id = q.account_id AND s.conversation_id = q.conversation_id
                                 AND s.status = 'active' AND json_extract(s.state, '$.wait.for') = 'call')
             ORDER BY q.seq LIMIT ?",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(store.pool())
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (seq, account, contact, event, conversation, message, tag, created_at, instance) in rows
        {
            let event = match (event.as_str(), conversation, message, tag) {
                ("message", Some(conversation), Some(message), _) => Event::Message {
                    conversation,
                    message,
                },
                ("tag_added", _, _, Some(tag)) => Event::TagAdded { tag },
                // Not a row this ZapDesk writes: left alone.
                _ => continue,
            };
            let waits_from = created_at.max(since);
            let here = match (&event, instance) {
                (Event::Message { .. }, Some(instance)) => {
                    runs_here(instance) || now - waits_from >= KEEP_ELSEWHERE
                }
                _ => true,
            };
            if here {
                out.push(Queued {
                    seq,
                    account,
                    contact,
                    event,
                    instance,
                    created_at,
                    waits_from,
                });
                if out.len() == limit {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// A session to step without a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub account: AccountId,
    pub session: SessionId,
    /// Give it back to `handle_due`: the step fires only if it is still
    /// the session's.
    pub wake_at: i64,
    pub instance: InstanceId,
}

type SessionRow = (AccountId, SessionId, i64, InstanceId);

/// Active sessions of the numbers this desktop runs whose `wake_at` has
/// come, earliest first, at most `limit`.
pub async fn due(
    store: &Store,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
    now: i64,
    limit: usize,
) -> Result<Vec<Due>, AutomationError> {
    let mut out = Vec::new();
    let mut after = (i64::MIN, SessionId::from_uuid(uuid::Uuid::nil()));
    while out.len() < limit {
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT s.account_id, s.id, s.wake_at, v.instance_id
             FROM flow_sessions s
             JOIN conversations v ON v.account_id = s.account_id AND v.id = s.conversation_id
             WHERE s.status = 'active' AND s.wake_at IS NOT NULL AND s.wake_at <= ?
               AND (s.wake_at > ? OR (s.wake_at = ? AND s.id > ?))
             ORDER BY s.wake_at, s.id LIMIT ?",
        )
        .bind(now)
        .bind(after.0)
        .bind(after.0)
        .bind(after.1)
        .bind(PAGE)
        .fetch_all(store.pool())
        .await?;
        let Some(last) = rows.last() else { break };
        after = (last.2, last.1);
        for (account, session, wake_at, instance) in rows {
            if runs_here(instance) {
                out.push(Due {
                    account,
                    session,
                    wake_at,
                    instance,
                });
                if out.len() == limit {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The earliest `wake_at` of the active sessions of the numbers this
/// desktop runs, due or not: when the runner's timer must go off.
pub async fn next_wake_at(
    store: &Store,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
) -> Result<Option<i64>, AutomationError> {
    let mut after = (i64::MIN, SessionId::from_uuid(uuid::Uuid::nil()));
    loop {
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT s.account_id, s.id, s.wake_at, v.instance_id
             FROM flow_sessions s
             JOIN conversations v ON v.account_id = s.account_id AND v.id = s.conversation_id
             WHERE s.status = 'active' AND s.wake_at IS NOT NULL
               AND (s.wake_at > ? OR (s.wake_at = ? AND s.id > ?))
             ORDER BY s.wake_at, s.id LIMIT ?",
        )
        .bind(after.0)
        .bind(after.0)
        .bind(after.1)
        .bind(PAGE)
        .fetch_all(store.pool())
        .await?;
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        after = (last.2, last.1);
        if let Some(first) = rows.iter().find(|r| runs_here(r.3)) {
            return Ok(Some(first.2));
        }
    }
}

/// Sessions of the numbers this desktop runs waiting on an outside call
/// that `started` (left before a crash or a stop: to be answered
/// "interrupted") or not (saved, never made: to be made now).
async fn calls(
    store: &Store,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
    started: bool,
) -> Result<Vec<(AccountId, SessionId)>, AutomationError> {
    let rows: Vec<(AccountId, SessionId, InstanceId)> = sqlx::query_as(
        "SELECT s.account_id, s.id, v.instance_id
         FROM flow_sessions s
         JOIN conversations v ON v.account_id = s.account_id AND v.id = s.conversation_id
         WHERE s.status = 'active' AND json_extract(s.state, '$.wait.for') = 'call'
           AND COALESCE(json_extract(s.state, '$.wait.started'), 0) = ?
         ORDER BY s.updated_at, s.id",
    )
    .bind(started)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, instance)| runs_here(*instance))
        .map(|(account, session, _)| (account, session))
        .collect())
}

/// At start-up: calls that left and were never answered here (a crash, a
/// stop), or that a call of this runner is making (skip those). Each is
/// answered with `CallOutcome::Failed { reason: "interrupted" }` through
/// `handle_interrupted`: the error branch, once; a request that may have
/// had effects is never sent twice.
pub async fn interrupted_calls(
    store: &Store,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
) -> Result<Vec<(AccountId, SessionId)>, AutomationError> {
    calls(store, runs_here, true).await
}

/// At start-up: calls a turn saved that never left (the app stopped between
/// the turn's commit and `mark_call_started`): safe to make now.
pub async fn waiting_calls(
    store: &Store,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
) -> Result<Vec<(AccountId, SessionId)>, AutomationError> {
    calls(store, runs_here, false).await
}
