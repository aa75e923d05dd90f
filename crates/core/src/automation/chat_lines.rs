//! The last messages of a session's conversation, as an AI node sends them
//! to the model for context: what the contact wrote and what was answered
//! (by the bot or a person), oldest first, text only.

use super::AutomationError;
use crate::ids::SessionId;
use crate::{AccountId, Store};

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatText {
    /// The contact wrote it (else: the bot, an operator or the phone).
    pub from_contact: bool,
    /// The message's text, or a file's caption.
    pub text: String,
}

/// The last `limit` messages with text of the conversation `session` runs
/// in, oldest first; empty when the session is gone.
pub async fn of_session(
    store: &Store,
    account: AccountId,
    session: SessionId,
    limit: usize,
) -> Result<Vec<ChatText>, AutomationError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.direction, m.body FROM messages m
         JOIN flow_sessions s ON s.account_id = m.account_id AND s.conversation_id = m.conversation_id
         WHERE s.account_id = ? AND s.id = ? AND m.account_id = ? AND m.body <> ''
           AND m.status <> 'failed'
         ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
    )
    .bind(account)
    .bind(session)
    .bind(account)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|(direction, text)| ChatText {
            from_contact: direction == "inbound",
            text,
        })
        .collect())
}
