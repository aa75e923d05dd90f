//! The response cycles a report needs, read from the table SQLite keeps up
//! to date as messages, resolutions and campaign recipients change
//! (`response_cycles`, migrations/sqlite/0033; the rules are those of
//! [`super::cycles`]), and the person's messages of the period per
//! conversation.
//!
//! The kept table knows every cycle from the conversation's first message,
//! where [`super::cycles::scan`] starts [`super::cycles::LOOKBACK_DAYS`]
//! before the periods: a cycle opened before that and still open is here
//! at its true opening, not at its next contact message.

use std::sync::atomic::{AtomicBool, Ordering};

use super::cycles::{Cycle, MESSAGE_AT, uuid_of};
use crate::ids::UserId;
use crate::{AccountId, ConversationId, Store};

const DAY_MS: i64 = 86_400_000;

/// Read the cycles through 0033's indexes, which do not hold `resolved_by`
/// and `resolved_to` (each cycle then a second search in the table), as
/// before migration 0040. Only the reports bench sets it, on a copy where
/// it created those indexes again, to time both ways in the same run; the
/// app never does (0040 dropped them).
#[doc(hidden)]
pub static CYCLES_BEFORE_0040: AtomicBool = AtomicBool::new(false);

/// What a report reads about cycles and replies.
#[derive(Debug, Default)]
pub struct Kept {
    /// The cycles opened or resolved in `[start, to)`, as they stood at
    /// `to`: a response or resolution from `to` on is not known yet.
    pub cycles: Vec<Cycle>,
    /// Messages people sent in `[from, to)`, per conversation.
    pub replies: Vec<(ConversationId, u32)>,
}

/// The account's cycles opened or resolved in `[start, to)` and its
/// conversations' replies in `[from, to)`.
pub async fn kept(
    store: &Store,
    account: AccountId,
    start: i64,
    from: i64,
    to: i64,
) -> Result<Kept, sqlx::Error> {
    Ok(Kept {
        cycles: cycles(store, account, start, to).await?,
        replies: replies(store, account, from, to).await?,
    })
}

/// The kept cycles opened or resolved in `[start, to)`, packed in one row
/// (sqlx hands rows over one at a time, some µs each): the conversation in
/// hex, the opening, the first response, the resolution and who had it
/// (empty when none), split by `:`, entries by `;`. Who had it is the user
/// of that moment, or failing that the user with the e-mail the
/// conversation was assigned to (a resolution pulled before this desktop
/// knew the operator).
pub async fn cycles(
    store: &Store,
    account: AccountId,
    start: i64,
    to: i64,
) -> Result<Vec<Cycle>, sqlx::Error> {
    // Both halves are served by 0040's indexes alone (they hold every
    // column named here): no search in the table per cycle.
    let (opened, resolved) = if CYCLES_BEFORE_0040.load(Ordering::Relaxed) {
        (
            "INDEXED BY response_cycles_opened",
            "INDEXED BY response_cycles_resolved",
        )
    } else {
        ("", "")
    };
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT group_concat(hex(conversation_id) || ':' || opened_at || ':'
                || coalesce(first_response_at, '') || ':' || coalesce(resolved_at, '') || ':'
                || coalesce(hex(coalesce(resolved_by,
                       (SELECT u.id FROM users u WHERE u.email = resolved_to))), ''), ';')
         FROM (SELECT conversation_id, opened_at, first_response_at, resolved_at, resolved_by, resolved_to
               FROM response_cycles {opened}
               WHERE account_id = ?1 AND opened_at >= ?2 AND opened_at < ?3
               UNION ALL
               SELECT conversation_id, opened_at, first_response_at, resolved_at, resolved_by, resolved_to
               FROM response_cycles {resolved}
               WHERE account_id = ?1 AND resolved_at >= ?2 AND resolved_at < ?3 AND opened_at < ?2)"
    ))
    .bind(account)
    .bind(start)
    .bind(to)
    .fetch_one(store.pool())
    .await?;
    let packed = packed.unwrap_or_default();
    let mut out = Vec::with_capacity(packed.len() / 60);
    for entry in packed.split(';') {
        let mut f = entry.split(':');
        let (Some(conversation), Some(opened), Some(responded), Some(resolved), Some(by)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            continue;
        };
        let (Some(conversation), Ok(opened_at)) = (uuid_of(conversation), opened.parse::<i64>())
        else {
            continue;
        };
        // As the period's end saw it: later answers are the future's.
        let before_end = |text: &str| text.parse::<i64>().ok().filter(|&at| at < to);
        let resolved_at = before_end(resolved);
        out.push(Cycle {
            conversation: ConversationId::from_uuid(conversation),
            opened_at,
            responded_at: before_end(responded),
            resolved_at,
            resolved_by: resolved_at.and_then(|_| uuid_of(by)).map(UserId::from_uuid),
        });
    }
    Ok(out)
}

/// How many messages people sent in each conversation in `[from, to)`
/// (outbound, not the bot's, not failed, not a campaign's), packed as
/// `hex(conversation):count` split by `;`. Campaign messages are told apart
/// by their recipient row, queued in the transaction that wrote the
/// message (a day either side for clocks).
async fn replies(
    store: &Store,
    account: AccountId,
    from: i64,
    to: i64,
) -> Result<Vec<(ConversationId, u32)>, sqlx::Error> {
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT group_concat(hex(conversation_id) || ':' || n, ';')
         FROM (SELECT conversation_id, count(*) AS n FROM messages
               WHERE account_id = ?1 AND {MESSAGE_AT} >= ?2 AND {MESSAGE_AT} < ?3
                 AND direction = 'outbound' AND bot_source IS NULL AND status <> 'failed'
                 AND id NOT IN (SELECT message_id FROM campaign_recipients
                                WHERE account_id = ?1 AND queued_at >= ?4 AND queued_at < ?5
                                  AND message_id IS NOT NULL)
               GROUP BY conversation_id)"
    ))
    .bind(account)
    .bind(from)
    .bind(to)
    .bind(from.saturating_sub(DAY_MS))
    .bind(to.saturating_add(DAY_MS))
    .fetch_one(store.pool())
    .await?;
    Ok(packed
        .unwrap_or_default()
        .split(';')
        .filter_map(|entry| {
            let (conversation, n) = entry.split_once(':')?;
            Some((
                ConversationId::from_uuid(uuid_of(conversation)?),
                n.parse().ok()?,
            ))
        })
        .collect())
}
