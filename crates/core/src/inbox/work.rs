//! Working a conversation: assigning it, moving it between open, pending and
//! resolved, taking it over from automation (or handing it back), internal
//! notes, and the draft of an unsent reply.

use serde::{Deserialize, Serialize};

use super::{InboxError, TEXT_MAX};
use crate::domain::ConversationStatus;
use crate::ids::UserId;
use crate::time::now_ms;
use crate::{AccountId, ConversationId, Store};

/// Who answers a conversation. While a person owns it, automation stays quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, specta::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Owner {
    Bot,
    Human,
}

/// An internal note: seen by operators only, never sent to WhatsApp.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Note {
    pub id: crate::ids::MessageId,
    pub conversation_id: ConversationId,
    pub author_id: Option<UserId>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: i64,
}

fn touched(
    done: sqlx::sqlite::SqliteQueryResult,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(), InboxError> {
    if done.rows_affected() == 0 {
        return Err(InboxError::ConversationUnknown(account, conversation));
    }
    Ok(())
}

/// Assigns the conversation to an operator, or to nobody. Assigning to a
/// person is a person taking over: automation stops answering, and the
/// conversation's flow session ends.
pub async fn assign(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    user: Option<UserId>,
) -> Result<(), InboxError> {
    let mut tx = store.write().await?;
    if let Some(user) = user {
        // Not to someone removed from the team (their row stays, for
        // history), nor to an agent not given the account.
        if crate::assignment::operator_in(&mut tx, account, user)
            .await?
            .is_none()
        {
            return Err(InboxError::UserUnknown(user));
        }
    }
    let done = sqlx::query(
        // `assigned_to` (the operator's e-mail) is what other desktops see
        // (crates/core/src/assignment); a person's choice ends any wait in
        // the queue.
        "UPDATE conversations SET assignee_id = ?, owner = CASE WHEN ? IS NULL THEN owner ELSE 'human' END,
                assigned_to = (SELECT email FROM users WHERE id = ?), assigned_at = ?,
                waiting_since = NULL, updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(user)
    .bind(user)
    .bind(user)
    .bind(now_ms())
    .bind(now_ms())
    .bind(account)
    .bind(conversation)
    .execute(&mut *tx)
    .await?;
    touched(done, account, conversation)?;
    if user.is_some() {
        stop_bot(&mut tx, account, conversation).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A person took the conversation: its flow session, if any, ends
/// (`stopped`) with the change, and the bot's messages still waiting for
/// their typing pause do not leave (failed, `BOT_STOPPED`): nothing of the
/// bot reaches the contact after the person has the chat (docs/automation.md,
/// "People first"). A message the sender claimed already (`sending`) may
/// be in WhatsApp's hands: it is left alone. The hand-off reply the contact
/// asked for (`system`) still goes.
pub(crate) async fn stop_bot(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(), InboxError> {
    let now = now_ms();
    crate::automation::sessions::end_active_in(
        tx,
        account,
        conversation,
        &crate::automation::engine::EndReason::Stopped,
        now,
    )
    .await?;
    super::outbox::cancel_waiting_bot_in(
        tx,
        account,
        super::outbox::Waiting::Conversation(conversation),
        super::outbox::BOT_STOPPED,
        now,
    )
    .await?;
    Ok(())
}

/// Moves the conversation to open, pending or resolved. Resolving hands it
/// back to automation, ready for the contact's next visit.
pub async fn set_status(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    status: ConversationStatus,
) -> Result<(), InboxError> {
    let done = sqlx::query(
        // A resolved conversation leaves the assignment queue (and frees a
        // place under its operator's cap).
        "UPDATE conversations SET status = ?, owner = CASE WHEN ? = 'resolved' THEN 'bot' ELSE owner END,
                waiting_since = CASE WHEN ? = 'resolved' THEN NULL ELSE waiting_since END, updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(status)
    .bind(status)
    .bind(status)
    .bind(now_ms())
    .bind(account)
    .bind(conversation)
    .execute(store.pool())
    .await?;
    touched(done, account, conversation)
}

/// A person takes the conversation (`Human`: its flow session ends) or
/// gives it back to automation (`Bot`).
pub async fn set_owner(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    owner: Owner,
) -> Result<(), InboxError> {
    let mut tx = store.write().await?;
    let done = sqlx::query(
        "UPDATE conversations SET owner = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(owner)
    .bind(now_ms())
    .bind(account)
    .bind(conversation)
    .execute(&mut *tx)
    .await?;
    touched(done, account, conversation)?;
    if owner == Owner::Human {
        stop_bot(&mut tx, account, conversation).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Who answers the conversation now.
pub async fn owner(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Owner, InboxError> {
    sqlx::query_scalar("SELECT owner FROM conversations WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(conversation)
        .fetch_optional(store.pool())
        .await?
        .ok_or(InboxError::ConversationUnknown(account, conversation))
}

/// Adds an internal note.
pub async fn add_note(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    author: Option<UserId>,
    body: &str,
) -> Result<Note, InboxError> {
    let id = crate::ids::MessageId::new();
    add_note_once(store, account, conversation, id, author, body).await
}

/// [`add_note`] under an id the UI chose for one press of its button: asked
/// twice (a double click), the note is added once.
pub async fn add_note_once(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    id: crate::ids::MessageId,
    author: Option<UserId>,
    body: &str,
) -> Result<Note, InboxError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(InboxError::Empty);
    }
    if body.chars().count() > TEXT_MAX {
        return Err(InboxError::TooLong);
    }
    super::conversations::ensure(store, account, conversation).await?;
    // A repeat of the same action changes nothing; an id of another
    // conversation's note is not found below and refused.
    // The author's name goes with the note to desktops without their row.
    sqlx::query("INSERT INTO notes (id, account_id, conversation_id, author_id, author_name, body, created_at)
                 VALUES (?, ?, ?, ?, (SELECT name FROM users WHERE id = ?), ?, ?)
                 ON CONFLICT (id) DO NOTHING")
        .bind(id)
        .bind(account)
        .bind(conversation)
        .bind(author)
        .bind(author)
        .bind(body)
        .bind(now_ms())
        .execute(store.pool())
        .await?;
    let mut all = notes(store, account, conversation).await?;
    all.retain(|n| n.id == id);
    all.pop()
        .ok_or(InboxError::ConversationUnknown(account, conversation))
}

/// The conversation's notes, oldest first.
pub async fn notes(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Vec<Note>, InboxError> {
    Ok(sqlx::query_as(
        "SELECT n.id, n.conversation_id, n.author_id, COALESCE(u.name, n.author_name) AS author_name, n.body, n.created_at
         FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.account_id = ? AND n.conversation_id = ? ORDER BY n.created_at, n.id",
    )
    .bind(account)
    .bind(conversation)
    .fetch_all(store.pool())
    .await?)
}

/// Keeps what the operator typed; an empty draft is removed.
pub async fn save_draft(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    body: &str,
) -> Result<(), InboxError> {
    if body.trim().is_empty() {
        sqlx::query("DELETE FROM drafts WHERE account_id = ? AND conversation_id = ?")
            .bind(account)
            .bind(conversation)
            .execute(store.pool())
            .await?;
        return Ok(());
    }
    let body: String = body.chars().take(TEXT_MAX).collect();
    sqlx::query(
        "INSERT INTO drafts (account_id, conversation_id, body, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id, conversation_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(account)
    .bind(conversation)
    .bind(body)
    .bind(now_ms())
    .execute(store.pool())
    .await
    .map_err(|e| match e.as_database_error() {
        Some(db) if db.is_foreign_key_violation() => InboxError::ConversationUnknown(account, conversation),
        _ => InboxError::Database(e),
    })?;
    Ok(())
}

/// The unsent draft of a conversation, if any.
pub async fn draft(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Option<String>, InboxError> {
    Ok(
        sqlx::query_scalar("SELECT body FROM drafts WHERE account_id = ? AND conversation_id = ?")
            .bind(account)
            .bind(conversation)
            .fetch_optional(store.pool())
            .await?,
    )
}
