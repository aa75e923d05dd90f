//! Listing conversations and opening one.

use serde::Serialize;

use super::InboxError;
use super::outbox::MESSAGE_COLUMNS;
use crate::domain::{ConversationStatus, Direction, Message, MessageKind, MessageStatus};
use crate::time::now_ms;
use crate::{AccountId, ContactId, ConversationId, InstanceId, Store};

/// A line of the chat list.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub contact_id: ContactId,
    pub contact_name: Option<String>,
    pub contact_phone: String,
    pub instance_id: InstanceId,
    pub instance_name: String,
    pub status: ConversationStatus,
    pub unread_count: u32,
    pub last_message_at: Option<i64>,
    pub last_body: Option<String>,
    pub last_kind: Option<MessageKind>,
    pub last_direction: Option<Direction>,
    pub last_status: Option<MessageStatus>,
}

/// The account's conversations, newest first; all numbers or one.
pub async fn list(
    store: &Store,
    account: AccountId,
    instance: Option<InstanceId>,
    limit: u32,
) -> Result<Vec<ConversationSummary>, InboxError> {
    Ok(sqlx::query_as(
        "SELECT v.id, v.contact_id, c.name AS contact_name, c.phone AS contact_phone,
                v.instance_id, i.name AS instance_name, v.status, v.unread_count, v.last_message_at,
                m.body AS last_body, m.kind AS last_kind, m.direction AS last_direction, m.status AS last_status
         FROM conversations v
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         JOIN instances i ON i.account_id = v.account_id AND i.id = v.instance_id
         LEFT JOIN messages m ON m.id = (
             SELECT id FROM messages WHERE account_id = v.account_id AND conversation_id = v.id
             ORDER BY created_at DESC, id DESC LIMIT 1)
         WHERE v.account_id = ?1 AND (?2 IS NULL OR v.instance_id = ?2)
         ORDER BY v.last_message_at IS NULL, v.last_message_at DESC, v.id DESC
         LIMIT ?3",
    )
    .bind(account)
    .bind(instance)
    .bind(limit.clamp(1, 500))
    .fetch_all(store.pool())
    .await?)
}

/// Messages of a conversation, oldest first; `before` (a `created_at`) pages back.
pub async fn thread(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Message>, InboxError> {
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversations WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(conversation)
    .fetch_one(store.pool())
    .await?;
    if !exists {
        return Err(InboxError::ConversationUnknown(account, conversation));
    }
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM (
             SELECT {MESSAGE_COLUMNS} FROM messages
             WHERE account_id = ?1 AND conversation_id = ?2 AND (?3 IS NULL OR created_at < ?3)
             ORDER BY created_at DESC, id DESC LIMIT ?4
         ) ORDER BY created_at, id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(account)
        .bind(conversation)
        .bind(before)
        .bind(limit.clamp(1, 500))
        .fetch_all(store.pool())
        .await?)
}

/// Marks a conversation read; returns its number and the contact's phone so
/// the caller can send the read receipt.
pub async fn mark_read(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(InstanceId, String), InboxError> {
    let found: Option<(InstanceId, String)> = sqlx::query_as(
        "UPDATE conversations SET unread_count = 0, updated_at = ?
         WHERE account_id = ? AND id = ?
         RETURNING instance_id, (SELECT phone FROM contacts WHERE account_id = conversations.account_id AND id = conversations.contact_id)",
    )
    .bind(now_ms())
    .bind(account)
    .bind(conversation)
    .fetch_optional(store.pool())
    .await?;
    found.ok_or(InboxError::ConversationUnknown(account, conversation))
}

/// The conversation between a contact and a number, created if new (to write first).
pub async fn open(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    contact: ContactId,
) -> Result<ConversationId, InboxError> {
    let mut tx = store.pool().begin().await?;
    let id = super::ingest::conversation_for(&mut tx, account, instance, contact).await?;
    tx.commit().await?;
    Ok(id)
}
