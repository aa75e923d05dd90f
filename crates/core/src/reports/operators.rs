//! Per operator, over the current period. Messages have no author: a
//! person's message and a first response count for the operator the
//! conversation is assigned to now (`None`: nobody), a resolution for the
//! one who had it when it was resolved. The operator is this desktop's user
//! of `assignee_id`, or failing that the user whose e-mail is `assigned_to`
//! (fair assignment on another desktop names the operator by e-mail; a pull
//! leaves `assignee_id` empty when this desktop did not know them yet).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::cycles::{Working, uuid_of};
use super::kept::Kept;
use super::{Durations, OperatorRow};
use crate::ids::UserId;
use crate::{AccountId, ConversationId, Store};

/// An operator's figures before the durations are summed up (the agency
/// adds several accounts' together).
#[derive(Debug, Default, Clone)]
pub(crate) struct OperatorRaw {
    pub conversations: HashSet<ConversationId>,
    pub messages_sent: u32,
    pub resolved: u32,
    pub first_response: Vec<i64>,
    pub resolution: Vec<i64>,
}

/// Who each conversation [`per_operator`] looks up over `[from, to)` is
/// assigned to (those with a reply, or a cycle opened and answered, in the
/// period). Only those are read, packed in one row (`hex(id)` then
/// `hex(assignee)`, 64 characters a pair): an account has tens of thousands
/// of conversations, and sqlx hands rows over one at a time.
pub(crate) async fn assignees(
    store: &Store,
    account: AccountId,
    kept: &Kept,
    from: i64,
    to: i64,
) -> Result<HashMap<ConversationId, UserId>, sqlx::Error> {
    let inside = |at: i64| at >= from && at < to;
    let mut wanted: HashSet<ConversationId> = kept.replies.iter().map(|(c, _)| *c).collect();
    wanted.extend(
        kept.cycles
            .iter()
            .filter(|c| c.responded_at.is_some() && inside(c.opened_at))
            .map(|c| c.conversation),
    );
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = serde_json::to_string(
        &wanted
            .iter()
            .map(|c| c.as_uuid().simple().to_string())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into());
    let packed: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(hex(id) || hex(user), '')
         FROM (SELECT c.id AS id,
                      coalesce(c.assignee_id,
                               (SELECT u.id FROM users u WHERE u.email = c.assigned_to)) AS user
               FROM json_each(?2) j
               JOIN conversations c ON c.account_id = ?1 AND c.id = unhex(j.value))
         WHERE user IS NOT NULL",
    )
    .bind(account)
    .bind(ids)
    .fetch_one(store.pool())
    .await?;
    let packed = packed.unwrap_or_default();
    Ok(packed
        .as_bytes()
        .chunks(64)
        .filter_map(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            let (conversation, user) = (pair.get(..32)?, pair.get(32..)?);
            Some((
                ConversationId::from_uuid(uuid_of(conversation)?),
                UserId::from_uuid(uuid_of(user)?),
            ))
        })
        .collect())
}

/// The period `[from, to)`'s figures per operator.
pub(crate) fn per_operator(
    kept: &Kept,
    assignees: &HashMap<ConversationId, UserId>,
    working: &mut Working<'_>,
    from: i64,
    to: i64,
) -> BTreeMap<Option<UserId>, OperatorRaw> {
    let inside = |at: i64| at >= from && at < to;
    let mut out: BTreeMap<Option<UserId>, OperatorRaw> = BTreeMap::new();
    for &(conversation, sent) in &kept.replies {
        let row = out
            .entry(assignees.get(&conversation).copied())
            .or_default();
        row.messages_sent = row.messages_sent.saturating_add(sent);
        row.conversations.insert(conversation);
    }
    for cycle in &kept.cycles {
        if let Some(responded) = cycle.responded_at
            && inside(cycle.opened_at)
        {
            out.entry(assignees.get(&cycle.conversation).copied())
                .or_default()
                .first_response
                .push(working.ms(cycle.opened_at, responded));
        }
        if let Some(resolved) = cycle.resolved_at
            && inside(resolved)
        {
            let row = out.entry(cycle.resolved_by).or_default();
            row.resolved = row.resolved.saturating_add(1);
            row.conversations.insert(cycle.conversation);
            row.resolution.push(working.ms(cycle.opened_at, resolved));
        }
    }
    out
}

/// Rows with names, the most conversations first, nobody last.
pub(crate) async fn rows(
    store: &Store,
    raw: BTreeMap<Option<UserId>, OperatorRaw>,
) -> Result<Vec<OperatorRow>, sqlx::Error> {
    let names: Vec<(UserId, String)> = sqlx::query_as("SELECT id, name FROM users")
        .fetch_all(store.pool())
        .await?;
    let names: HashMap<UserId, String> = names.into_iter().collect();
    let mut rows: Vec<OperatorRow> = raw
        .into_iter()
        .map(|(user, r)| OperatorRow {
            user_id: user,
            name: user.and_then(|u| names.get(&u).cloned()),
            conversations: u32::try_from(r.conversations.len()).unwrap_or(u32::MAX),
            messages_sent: r.messages_sent,
            resolved: r.resolved,
            first_response: Durations::of(&r.first_response),
            resolution: Durations::of(&r.resolution),
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.user_id.is_none(),
            std::cmp::Reverse(a.conversations),
            &a.name,
        )
            .cmp(&(
                b.user_id.is_none(),
                std::cmp::Reverse(b.conversations),
                &b.name,
            ))
    });
    Ok(rows)
}
