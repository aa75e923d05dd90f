//! A queue row or a session the bot could not handle, again and again (a
//! flow, a keyword or a session's state it cannot read, a bug): the row is
//! taken out of the queue, the session ended, with the reason in the
//! conversation's log, so one bad row never stops every other contact's
//! answers, timers and calls. The message itself stays in the inbox for a
//! person.

use super::{Event, Queued};
use crate::automation::AutomationError;
use crate::automation::engine::EndReason;
use crate::automation::sessions::{end_in, log_in};
use crate::ids::SessionId;
use crate::time::now_ms;
use crate::{AccountId, ConversationId, Store};

/// Removes queue row `item` of `account`, logging `reason` on its
/// conversation (a tag's row has none: only the removal).
pub async fn set_aside(
    store: &Store,
    account: AccountId,
    item: &Queued,
    reason: &str,
) -> Result<(), AutomationError> {
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM automation_queue WHERE account_id = ? AND seq = ?")
        .bind(account)
        .bind(item.seq)
        .execute(&mut *tx)
        .await?;
    if let Event::Message { conversation, .. } = item.event {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(conversation)
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            log_in(
                &mut tx,
                account,
                conversation,
                None,
                "set_aside",
                &format!("not answered: {reason}"),
                now_ms(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Ends the active session `session` of `account` as `broken` (at the node
/// it was on, when its state reads that far), logging `reason` on its
/// conversation. Nothing when it is no longer active.
pub async fn set_aside_session(
    store: &Store,
    account: AccountId,
    session: SessionId,
    reason: &str,
) -> Result<(), AutomationError> {
    let mut tx = store.write().await?;
    let row: Option<(ConversationId, Option<String>)> = sqlx::query_as(
        "SELECT conversation_id, CASE WHEN json_valid(state) THEN json_extract(state, '$.node') END
         FROM flow_sessions WHERE account_id = ? AND id = ? AND status = 'active'",
    )
    .bind(account)
    .bind(session)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((conversation, node)) = row else {
        return Ok(());
    };
    let now = now_ms();
    log_in(
        &mut tx,
        account,
        conversation,
        Some(session),
        "set_aside",
        &format!("not stepped: {reason}"),
        now,
    )
    .await?;
    let node = node.unwrap_or_default();
    end_in(
        &mut tx,
        account,
        conversation,
        session,
        &EndReason::Broken { node },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
