//! Listing conversations and opening one.

use serde::{Deserialize, Serialize};

use super::InboxError;
use super::outbox::MESSAGE_COLUMNS;
use super::work::Owner;
use crate::domain::{ConversationStatus, Direction, Message, MessageKind, MessageStatus};
use crate::ids::UserId;
use crate::time::now_ms;
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

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
    pub owner: Owner,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub unread_count: u32,
    pub last_message_at: Option<i64>,
    pub last_body: Option<String>,
    pub last_kind: Option<MessageKind>,
    pub last_direction: Option<Direction>,
    pub last_status: Option<MessageStatus>,
}

/// Whose conversations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(tag = "kind", content = "user", rename_all = "snake_case")]
pub enum AssigneeFilter {
    Unassigned,
    User(UserId),
}

/// Where the next page of the chat list starts: after this conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
pub struct Cursor {
    pub last_message_at: i64,
    pub id: ConversationId,
}

/// Which conversations to list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
pub struct ListFilter {
    /// One number, or all of the account's.
    pub instance: Option<InstanceId>,
    /// Unassigned ones, or one operator's; `None` for everybody's.
    pub assignee: Option<AssigneeFilter>,
    pub status: Option<ConversationStatus>,
    /// Conversations a campaign opened and nobody answered yet (migration
    /// 0031): `Some(true)` only those, `Some(false)` none of them (the
    /// inbox's lists), `None` whatever (the API).
    #[serde(default)]
    pub campaign_unanswered: Option<bool>,
    /// The page after this one; `None` for the newest.
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// A chat-list line; completed by a `WHERE` on `v` (the conversation).
/// `CROSS JOIN` keeps the conversations as the outer loop: SQLite 3.46 would
/// otherwise start from the four numbers and sort every conversation
/// (measured: 380 ms instead of 1 ms for a page of 100 000).
const SUMMARY: &str = "SELECT v.id, v.contact_id, c.name AS contact_name, c.phone AS contact_phone,
        v.instance_id, i.name AS instance_name, v.status, v.owner, v.assignee_id, COALESCE(u.name, v.assigned_to) AS assignee_name,
        v.unread_count, v.last_message_at,
        m.body AS last_body, m.kind AS last_kind, m.direction AS last_direction, m.status AS last_status
    FROM conversations v
    CROSS JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
    CROSS JOIN instances i ON i.account_id = v.account_id AND i.id = v.instance_id
    LEFT JOIN users u ON u.id = v.assignee_id
    LEFT JOIN messages m ON m.id = v.last_message_id AND m.account_id = v.account_id";

/// The account's conversations, newest first, filtered and paged.
///
/// The SQL names only the filters in use: with `(? IS NULL OR …)` guards the
/// planner cannot know which apply and may sort all conversations instead of
/// walking the recency index (measured: seconds instead of milliseconds on
/// 100 000 conversations).
pub async fn list(
    store: &Store,
    account: AccountId,
    filter: &ListFilter,
) -> Result<Vec<ConversationSummary>, InboxError> {
    let mut sql: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(SUMMARY);
    sql.push(" WHERE v.account_id = ").push_bind(account);
    if let Some(instance) = filter.instance {
        sql.push(" AND v.instance_id = ").push_bind(instance);
    }
    match filter.assignee {
        None => {}
        Some(AssigneeFilter::Unassigned) => {
            // Not given to anyone on any desktop (`assigned_to` syncs).
            sql.push(" AND v.assigned_to IS NULL AND v.assignee_id IS NULL");
        }
        Some(AssigneeFilter::User(user)) => {
            // By e-mail too: a chat pulled before this desktop had the
            // operator's row names them only in `assigned_to`.
            sql.push(" AND (v.assigned_to = (SELECT email FROM users WHERE id = ")
                .push_bind(user)
                .push(") OR v.assignee_id = ")
                .push_bind(user)
                .push(")");
        }
    }
    if let Some(status) = filter.status {
        sql.push(" AND v.status = ").push_bind(status);
    }
    if let Some(only) = filter.campaign_unanswered {
        sql.push(" AND v.campaign_unanswered = ")
            .push_bind(i64::from(only));
    }
    if let Some(after) = filter.after {
        sql.push(" AND (v.last_message_at, v.id) < (")
            .push_bind(after.last_message_at)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    sql.push(" ORDER BY v.last_message_at DESC, v.id DESC LIMIT ")
        .push_bind(filter.limit.clamp(1, 500));
    Ok(sql.build_query_as().fetch_all(store.pool()).await?)
}

/// One line of the chat list.
pub async fn get(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<ConversationSummary, InboxError> {
    sqlx::query_as(&format!("{SUMMARY} WHERE v.account_id = ?1 AND v.id = ?2"))
        .bind(account)
        .bind(conversation)
        .fetch_optional(store.pool())
        .await?
        .ok_or(InboxError::ConversationUnknown(account, conversation))
}

/// How many of the account's conversations have unread messages.
pub async fn unread(store: &Store, account: AccountId) -> Result<i64, InboxError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM conversations WHERE account_id = ? AND unread_count > 0",
    )
    .bind(account)
    .fetch_one(store.pool())
    .await?)
}

/// Every conversation of a contact (on any number of the account), newest first.
pub async fn of_contact(
    store: &Store,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<ConversationSummary>, InboxError> {
    Ok(sqlx::query_as(&format!("{SUMMARY} WHERE v.account_id = ?1 AND v.contact_id = ?2 ORDER BY v.last_message_at DESC, v.id DESC"))
        .bind(account)
        .bind(contact)
        .fetch_all(store.pool())
        .await?)
}

/// A contact's conversations (on any number of the account) as (id,
/// number), the most recent first: what picking the number to send from
/// needs, without [`of_contact`]'s joins for the chat list.
pub async fn numbers_of_contact(
    store: &Store,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<(ConversationId, InstanceId)>, InboxError> {
    Ok(sqlx::query_as(
        "SELECT id, instance_id FROM conversations WHERE account_id = ? AND contact_id = ?
         ORDER BY last_message_at DESC, id DESC",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?)
}

/// `Ok` when the account has this conversation.
pub(crate) async fn ensure(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(), InboxError> {
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversations WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(conversation)
    .fetch_one(store.pool())
    .await?;
    if exists {
        Ok(())
    } else {
        Err(InboxError::ConversationUnknown(account, conversation))
    }
}

/// Messages of a conversation, oldest first; `before` (a `created_at`) pages back.
pub async fn thread(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Message>, InboxError> {
    super::conversations::ensure(store, account, conversation).await?;
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

/// Messages of a conversation, oldest first, paged back by a `(created_at,
/// id)` cursor: the messages strictly before `before` in the thread's order,
/// so messages sharing a millisecond are neither skipped nor repeated (the
/// local API's `before`; [`thread`] pages by time alone).
pub async fn thread_before(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    before: Option<(i64, MessageId)>,
    limit: u32,
) -> Result<Vec<Message>, InboxError> {
    super::conversations::ensure(store, account, conversation).await?;
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM (
             SELECT {MESSAGE_COLUMNS} FROM messages
             WHERE account_id = ?1 AND conversation_id = ?2
               AND (?3 IS NULL OR created_at < ?3 OR (created_at = ?3 AND id < ?4))
             ORDER BY created_at DESC, id DESC LIMIT ?5
         ) ORDER BY created_at, id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(account)
        .bind(conversation)
        .bind(before.map(|(at, _)| at))
        .bind(before.map(|(_, id)| id))
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
    let mut tx = store.write().await?;
    let id = super::ingest::conversation_for(&mut tx, account, instance, contact, now_ms()).await?;
    tx.commit().await?;
    Ok(id)
}
