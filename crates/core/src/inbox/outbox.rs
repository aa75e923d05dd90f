//! The durable outbox. An operator's reply is first a row (`pending`); the
//! number that owns the conversation claims it (`sending`), sends it with an
//! id derived from the row, and records the result (`sent`, then acks move it
//! to `delivered`, `read`, `played`, or `failed`). After a crash, rows still
//! `sending` are sent again with the same id, and the bridge asks WhatsApp
//! first whether it already has that id: nothing is lost, nothing goes twice.

use serde::Serialize;

use super::{InboxError, TEXT_MAX};
use crate::api_tokens::idempotency::{Claim, KeyClaim};
use crate::domain::{BotSource, Message, MessageKind, MessageStatus};
use crate::time::now_ms;
use crate::{AccountId, ConversationId, InstanceId, MessageId, Store};

pub(crate) const MESSAGE_COLUMNS: &str = "id, account_id, conversation_id, instance_id, wa_message_id, direction, kind, body, status, error, media_path, media_mime, media_name, media_size, media_error, sent_at, created_at, updated_at, bot_source, bot_ref, bot_node";

/// What a number has to send next.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Job {
    pub message: MessageId,
    pub conversation: ConversationId,
    /// The contact's phone, E.164.
    pub phone: String,
    pub kind: MessageKind,
    pub body: String,
    pub media_path: Option<String>,
    pub media_mime: Option<String>,
    pub media_name: Option<String>,
}

/// Queues a text reply in a conversation; its number sends it when connected.
pub async fn enqueue_text(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    text: &str,
) -> Result<Message, InboxError> {
    enqueue_text_once(store, account, conversation, MessageId::new(), text).await
}

/// [`enqueue_text`] under an id the UI chose for one action (one press of
/// Enviar): asking again with that id (a double click, a retry after an
/// answer that got lost) queues nothing more and returns the same message.
/// Debouncing in the UI is not enough: two clicks can both leave before the
/// first answer comes back.
pub async fn enqueue_text_once(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
    text: &str,
) -> Result<Message, InboxError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InboxError::Empty);
    }
    if text.chars().count() > TEXT_MAX {
        return Err(InboxError::TooLong);
    }
    insert_outbound(
        store,
        id,
        account,
        conversation,
        MessageKind::Text,
        text,
        None,
    )
    .await
}

/// A file already written under the data folder, for its outbound row.
pub(crate) struct StoredFile<'a> {
    pub(crate) path: &'a str,
    pub(crate) mime: &'a str,
    pub(crate) name: &'a str,
    pub(crate) size: i64,
}

/// The outbound row, and the conversation brought to the top, in one transaction.
async fn insert_outbound(
    store: &Store,
    id: MessageId,
    account: AccountId,
    conversation: ConversationId,
    kind: MessageKind,
    body: &str,
    file: Option<StoredFile<'_>>,
) -> Result<Message, InboxError> {
    let mut tx = store.write().await?;
    if let Some(done) = already_queued(&mut tx, account, conversation, id).await? {
        return Ok(done);
    }
    // A person's or an integration's send: refused at the month's limit (the
    // bot's own replies are not, crates/core/src/plans).
    crate::plans::check(&mut tx, account, crate::plans::Limit::Messages, 1).await?;
    let message = insert_outbound_in(&mut tx, id, account, conversation, kind, body, file).await?;
    tx.commit().await?;
    Ok(message)
}

/// One text of [`enqueue_texts_once`]: what [`enqueue_text_once`] takes,
/// and the API's idempotency key when the request gave one.
#[derive(Debug, Clone)]
pub struct TextToQueue {
    pub account: AccountId,
    pub conversation: ConversationId,
    pub id: MessageId,
    pub text: String,
    pub key: Option<KeyClaim>,
}

/// What became of one text of [`enqueue_texts_once`].
#[derive(Debug, Clone, PartialEq)]
pub enum Queued {
    /// Queued now, or earlier under its id (a retry, or the same request
    /// twice in one batch).
    Message(Message),
    /// Its idempotency key names another request: nothing queued.
    KeyUsedElsewhere,
}

pub use super::outbox_batch::enqueue_texts_once;

pub(super) async fn queue_one_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    text: &TextToQueue,
) -> Result<Queued, InboxError> {
    let body = text.text.trim();
    if body.is_empty() {
        return Err(InboxError::Empty);
    }
    if body.chars().count() > TEXT_MAX {
        return Err(InboxError::TooLong);
    }
    if let Some(key) = &text.key {
        let claim = crate::api_tokens::idempotency::claim_in(
            tx,
            text.account,
            key.token,
            &key.key,
            &key.request,
        )
        .await?;
        if claim == Claim::Conflict {
            return Ok(Queued::KeyUsedElsewhere);
        }
    }
    if let Some(done) = already_queued(tx, text.account, text.conversation, text.id).await? {
        return Ok(Queued::Message(done));
    }
    crate::plans::check(tx, text.account, crate::plans::Limit::Messages, 1).await?;
    let message = insert_outbound_in(
        tx,
        text.id,
        text.account,
        text.conversation,
        MessageKind::Text,
        body,
        None,
    )
    .await?;
    Ok(Queued::Message(message))
}

/// The account's message with this id, in whichever conversation; `None`
/// when it has none. For a caller that queued under an id derived from what
/// asked for it (a cloud command) and must not ask again.
pub async fn queued(
    store: &Store,
    account: AccountId,
    id: MessageId,
) -> Result<Option<Message>, InboxError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?)
}

/// The message queued earlier under `id` in this conversation (the same
/// action asked twice), or `None`. An id of another conversation's message
/// is refused; another account's id is not seen here and fails the insert
/// on the primary key, so nothing of that account is read or reused.
async fn already_queued(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
) -> Result<Option<Message>, InboxError> {
    let found: Option<Message> = sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    match found {
        Some(m) if m.conversation_id == conversation => Ok(Some(m)),
        Some(_) => Err(InboxError::ConversationUnknown(account, conversation)),
        None => Ok(None),
    }
}

/// The same inside a caller's transaction (an automatic reply stored with
/// the message that caused it, so a crash keeps both or neither).
pub(crate) async fn insert_outbound_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: MessageId,
    account: AccountId,
    conversation: ConversationId,
    kind: MessageKind,
    body: &str,
    file: Option<StoredFile<'_>>,
) -> Result<Message, InboxError> {
    let instance: Option<InstanceId> =
        sqlx::query_scalar("SELECT instance_id FROM conversations WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(conversation)
            .fetch_optional(&mut **tx)
            .await?;
    let instance = instance.ok_or(InboxError::ConversationUnknown(account, conversation))?;
    let now = now_ms();
    let sql = format!(
        "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body, status,
                               media_path, media_mime, media_name, media_size, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'outbound', ?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING {MESSAGE_COLUMNS}"
    );
    let message: Message = sqlx::query_as(&sql)
        .bind(id)
        .bind(account)
        .bind(conversation)
        .bind(instance)
        .bind(kind)
        .bind(body)
        .bind(file.as_ref().map(|f| f.path))
        .bind(file.as_ref().map(|f| f.mime))
        .bind(file.as_ref().map(|f| f.name))
        .bind(file.as_ref().map(|f| f.size))
        .bind(now)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE conversations SET last_message_at = ?, last_message_id = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(now)
    .bind(message.id)
    .bind(now)
    .bind(account)
    .bind(conversation)
    .execute(&mut **tx)
    .await?;
    Ok(message)
}

/// A message the bot sends (`automation::run`), as its outbox row.
pub(crate) struct BotRow<'a> {
    /// `ids::bot_message` for a flow's turn: stepped twice, one row.
    pub(crate) id: MessageId,
    pub(crate) conversation: ConversationId,
    pub(crate) kind: MessageKind,
    /// The text, or the file's caption.
    pub(crate) body: &'a str,
    pub(crate) file: Option<StoredFile<'a>>,
    pub(crate) source: BotSource,
    /// The flow or keyword.
    pub(crate) reference: Option<uuid::Uuid>,
    pub(crate) node: Option<&'a str>,
    /// Not sent before (the typing pause), Unix ms.
    pub(crate) send_after: Option<i64>,
}

/// Writes a bot message in the caller's transaction (the turn that decided
/// it). A row already there under its id (the same turn stepped again, here
/// or on the desktop that held the number before) is left alone: `false`.
pub(crate) async fn insert_bot_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    row: &BotRow<'_>,
) -> Result<bool, InboxError> {
    let instance: Option<InstanceId> =
        sqlx::query_scalar("SELECT instance_id FROM conversations WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(row.conversation)
            .fetch_optional(&mut **tx)
            .await?;
    let instance = instance.ok_or(InboxError::ConversationUnknown(account, row.conversation))?;
    let now = now_ms();
    let file = row.file.as_ref();
    let done = sqlx::query(
        "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body, status,
                               media_path, media_mime, media_name, media_size, created_at, updated_at,
                               bot_source, bot_ref, bot_node, send_after)
         VALUES (?, ?, ?, ?, 'outbound', ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(row.id)
    .bind(account)
    .bind(row.conversation)
    .bind(instance)
    .bind(row.kind)
    .bind(row.body)
    .bind(file.map(|f| f.path))
    .bind(file.map(|f| f.mime))
    .bind(file.map(|f| f.name))
    .bind(file.map(|f| f.size))
    .bind(now)
    .bind(now)
    .bind(row.source)
    .bind(row.reference)
    .bind(row.node)
    .bind(row.send_after)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE conversations SET last_message_at = ?, last_message_id = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(now)
    .bind(row.id)
    .bind(now)
    .bind(account)
    .bind(row.conversation)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Many outbound texts of one number in a caller's transaction (a campaign
/// burst): one multi-row insert, one update of the conversations' last
/// message. With `file`, every message carries that one file (of `kind`)
/// and its text is the caption. The caller chooses the ids.
pub(crate) async fn insert_texts_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    instance: InstanceId,
    texts: &[(MessageId, ConversationId, String)],
    file: Option<(MessageKind, &StoredFile<'_>)>,
) -> Result<(), InboxError> {
    if texts.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let kind = file.map_or(MessageKind::Text, |(kind, _)| kind);
    let file = file.map(|(_, f)| f);
    let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body, status,
                               media_path, media_mime, media_name, media_size, created_at, updated_at) ",
    );
    insert.push_values(texts, |mut row, (id, conversation, body)| {
        row.push_bind(*id)
            .push_bind(account)
            .push_bind(*conversation)
            .push_bind(instance)
            .push_bind("outbound")
            .push_bind(kind)
            .push_bind(body)
            .push_bind("pending")
            .push_bind(file.map(|f| f.path))
            .push_bind(file.map(|f| f.mime))
            .push_bind(file.map(|f| f.name))
            .push_bind(file.map(|f| f.size))
            .push_bind(now)
            .push_bind(now);
    });
    insert.build().execute(&mut **tx).await?;
    // Each conversation's newest message is the one just written.
    let mut update = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "UPDATE conversations SET last_message_id = (
           SELECT m.id FROM messages m WHERE m.account_id = conversations.account_id
           AND m.conversation_id = conversations.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1),
         last_message_at = ",
    );
    update
        .push_bind(now)
        .push(", updated_at = ")
        .push_bind(now)
        .push(" WHERE account_id = ")
        .push_bind(account)
        .push(" AND id IN (");
    let mut list = update.separated(", ");
    for (_, conversation, _) in texts {
        list.push_bind(*conversation);
    }
    update.push(")");
    update.build().execute(&mut **tx).await?;
    Ok(())
}

/// Queues a file (with an optional caption) in a conversation. The file is
/// written under the data folder first; the row that points at it comes after,
/// in one transaction, so a crash leaves at most an unused file.
pub async fn enqueue_file(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    file: &super::attachments::Attachment,
    caption: &str,
) -> Result<Message, InboxError> {
    enqueue_file_once(
        store,
        account,
        conversation,
        MessageId::new(),
        file,
        caption,
    )
    .await
}

/// [`enqueue_file`] under an id chosen for one action, as [`enqueue_text_once`].
pub async fn enqueue_file_once(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    id: MessageId,
    file: &super::attachments::Attachment,
    caption: &str,
) -> Result<Message, InboxError> {
    let caption = caption.trim();
    if caption.chars().count() > TEXT_MAX {
        return Err(InboxError::TooLong);
    }
    // Checked first, so an unknown conversation (or a repeated action)
    // leaves no file behind.
    super::conversations::ensure(store, account, conversation).await?;
    let mut tx = store.write().await?;
    if let Some(done) = already_queued(&mut tx, account, conversation, id).await? {
        return Ok(done);
    }
    drop(tx);
    let ext = super::attachments::safe_ext(&file.name);
    let relative = format!("media/{account}/out-{}.{ext}", uuid::Uuid::now_v7());
    super::attachments::write_file(store, &relative, &file.bytes)?;
    let stored = StoredFile {
        path: &relative,
        mime: &file.mime,
        name: &file.name,
        size: file.bytes.len() as i64,
    };
    insert_outbound(
        store,
        id,
        account,
        conversation,
        file.kind,
        caption,
        Some(stored),
    )
    .await
}

/// Claims the message the number has to send next: the oldest of those
/// tried the fewest times, so a row whose sends keep going unanswered waits
/// behind the others instead of blocking the number. A message left
/// `sending` by a crash is claimed again: only one task sends for a number.
/// A row that already carries WhatsApp's id is WhatsApp's to deliver (it is
/// waiting for the server): never claimed again; its ack moves it on.
///
/// A bot message waits for its `send_after` (the typing pause) and counts
/// as queued then, so a turn's messages leave in order, each after its
/// pause; [`next_send_after`] says when the next one is due.
pub async fn claim_next(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
) -> Result<Option<Job>, InboxError> {
    claim_next_at(store, account, instance, now_ms()).await
}

/// [`claim_next`] at a given time (tests move the clock instead of waiting).
pub async fn claim_next_at(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    now: i64,
) -> Result<Option<Job>, InboxError> {
    let mut tx = store.write().await?;
    let next: Option<MessageId> = sqlx::query_scalar(
        "SELECT id FROM messages
         WHERE account_id = ? AND instance_id = ? AND direction = 'outbound' AND status IN ('pending', 'sending')
           AND wa_message_id IS NULL AND (send_after IS NULL OR send_after <= ?)
         ORDER BY attempts, COALESCE(send_after, created_at), created_at, id LIMIT 1",
    )
    .bind(account)
    .bind(instance)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = next else { return Ok(None) };
    sqlx::query(
        "UPDATE messages SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let job = sqlx::query_as(
        "SELECT m.id AS message, m.conversation_id AS conversation, c.phone, m.kind, m.body,
                m.media_path, m.media_mime, m.media_name
         FROM messages m
         JOIN conversations v ON v.account_id = m.account_id AND v.id = m.conversation_id
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         WHERE m.account_id = ? AND m.id = ?",
    )
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(job))
}

/// When the number's next message held back by its `send_after` (a bot's
/// typing pause) may go: the earliest such time after `now`, or `None` when
/// nothing waits. The number's sender wakes itself then.
pub async fn next_send_after(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    now: i64,
) -> Result<Option<i64>, InboxError> {
    Ok(sqlx::query_scalar(
        "SELECT min(send_after) FROM messages
         WHERE account_id = ? AND instance_id = ? AND direction = 'outbound' AND status IN ('pending', 'sending')
           AND wa_message_id IS NULL AND send_after > ?",
    )
    .bind(account)
    .bind(instance)
    .bind(now)
    .fetch_one(store.pool())
    .await?)
}

/// How far along an ack says a message is; statuses only move forward.
fn rank(status: MessageStatus) -> i64 {
    match status {
        MessageStatus::Pending | MessageStatus::Sending | MessageStatus::Received => 0,
        MessageStatus::Failed => 1,
        MessageStatus::Sent => 2,
        MessageStatus::Delivered => 3,
        MessageStatus::Read => 4,
        MessageStatus::Played => 5,
    }
}

/// The status WhatsApp's ack number means: -1 error, 0 still queued in
/// WhatsApp Web (not on the server yet: `sending`), 1 server, 2 device,
/// 3 read, 4 played.
pub fn status_of_ack(ack: i32) -> Option<MessageStatus> {
    match ack {
        -1 => Some(MessageStatus::Failed),
        0 => Some(MessageStatus::Sending),
        1 => Some(MessageStatus::Sent),
        2 => Some(MessageStatus::Delivered),
        3 => Some(MessageStatus::Read),
        4 => Some(MessageStatus::Played),
        _ => None,
    }
}

const RANK_SQL: &str = "CASE status WHEN 'failed' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'played' THEN 5 ELSE 0 END";

/// Records that WhatsApp took the message under its id `wa_id`, as far as
/// `ack` says: 0 keeps it `sending` (queued in WhatsApp Web, which delivers
/// it on its own), -1 is WhatsApp's refusal.
///
/// A copy of it that an older ZapDesk stored when WhatsApp reported our own
/// send back (before ingest recognised it) holds `wa_id` already: that copy
/// is folded into this row, so the unique id never keeps the row `sending`.
pub async fn mark_sent(
    store: &Store,
    account: AccountId,
    message: MessageId,
    wa_id: &str,
    ack: i32,
) -> Result<(), InboxError> {
    let status = status_of_ack(ack).unwrap_or(MessageStatus::Sent);
    let mut tx = store.write().await?;
    let copy: Option<(MessageId, ConversationId, MessageStatus)> = sqlx::query_as(
        "SELECT other.id, other.conversation_id, other.status FROM messages other
         JOIN messages mine ON mine.account_id = other.account_id AND mine.instance_id = other.instance_id
         WHERE mine.account_id = ? AND mine.id = ? AND other.wa_message_id = ? AND other.id <> mine.id
           AND other.direction = 'outbound'",
    )
    .bind(account)
    .bind(message)
    .bind(wa_id)
    .fetch_optional(&mut *tx)
    .await?;
    // The copy's acks are the message's acks: the farther status wins.
    let status = match &copy {
        Some((_, _, seen)) if rank(*seen) > rank(status) => *seen,
        _ => status,
    };
    if let Some((copy, conversation, _)) = copy {
        sqlx::query(
            "UPDATE conversations SET last_message_id = ? WHERE account_id = ? AND id = ? AND last_message_id = ?",
        )
        .bind(message)
        .bind(account)
        .bind(conversation)
        .bind(copy)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM messages WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(copy)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(&format!(
        "UPDATE messages SET wa_message_id = ?, updated_at = ?,
                error = CASE WHEN ? = 'failed' THEN 'WhatsApp' ELSE NULL END,
                status = CASE WHEN {RANK_SQL} < ? OR status IN ('pending', 'sending') THEN ? ELSE status END
         WHERE account_id = ? AND id = ?"
    ))
    .bind(wa_id)
    .bind(now_ms())
    .bind(status)
    .bind(rank(status))
    .bind(status)
    .bind(account)
    .bind(message)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// WhatsApp reported a message of ours back (`from_me`) under an id derived
/// from one of this number's rows that has no WhatsApp id yet (the send call
/// timed out, or has not returned yet): that row is the message. Records the
/// id and what `ack` says on it; the row's conversation, or `None` when the
/// id is not ours.
pub(crate) async fn adopt_echo(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    wa_id: &str,
    ack: Option<i32>,
) -> Result<Option<(MessageId, ConversationId)>, InboxError> {
    let Some(suffix) = super::own_ids::row_suffix(wa_id) else {
        return Ok(None);
    };
    // Reported back means WhatsApp has it: at least `sending` (queued there).
    let status = ack
        .and_then(status_of_ack)
        .unwrap_or(MessageStatus::Sending);
    let mut tx = store.write().await?;
    let candidates: Vec<MessageId> = sqlx::query_scalar(
        "SELECT id FROM messages
         WHERE account_id = ? AND instance_id = ? AND direction = 'outbound' AND wa_message_id IS NULL
           AND substr(id, 9) = ?",
    )
    .bind(account)
    .bind(instance)
    .bind(&suffix[..])
    .fetch_all(&mut *tx)
    .await?;
    // The chat is part of the id: the row must be the one sent to that chat.
    let Some(row) = candidates.into_iter().find(|id| {
        wa_id
            .strip_prefix("true_")
            .and_then(|rest| rest.rsplit_once("_3EB0"))
            .is_some_and(|(chat, _)| super::own_ids::outgoing(chat, *id) == wa_id)
    }) else {
        return Ok(None);
    };
    let conversation: ConversationId = sqlx::query_scalar(
        "UPDATE messages SET wa_message_id = ?, status = ?, updated_at = ?,
                error = CASE WHEN ? = 'failed' THEN 'WhatsApp' ELSE NULL END
         WHERE account_id = ? AND id = ? RETURNING conversation_id",
    )
    .bind(wa_id)
    .bind(status)
    .bind(now_ms())
    .bind(status)
    .bind(account)
    .bind(row)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some((row, conversation)))
}

/// The number could not send it now (disconnected, or WhatsApp Web did not
/// answer in time): back to `pending`, unless WhatsApp has it already (its
/// id was recorded meanwhile). `tried`: the send reached the page, so the
/// attempt counts and the row waits behind the others; a send that never
/// left (the number was not connected) gives its attempt back.
pub async fn release(
    store: &Store,
    account: AccountId,
    message: MessageId,
    tried: bool,
) -> Result<(), InboxError> {
    sqlx::query(
        "UPDATE messages SET status = 'pending', updated_at = ?,
                attempts = CASE WHEN ? THEN attempts ELSE max(attempts - 1, 0) END
         WHERE account_id = ? AND id = ? AND status = 'sending' AND wa_message_id IS NULL",
    )
    .bind(now_ms())
    .bind(tried)
    .bind(account)
    .bind(message)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Marks a flow's or keyword's message that a person's takeover kept from
/// leaving (`messages.error`; the inbox says it in words).
pub const BOT_STOPPED: &str = "bot_stopped";
/// Marks a flow's or keyword's message that the contact's opt-out kept from
/// leaving.
pub const BOT_OPTED_OUT: &str = "bot_opted_out";

/// Whose waiting bot messages [`cancel_waiting_bot_in`] cancels.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Waiting {
    /// One conversation's: a person took it.
    Conversation(ConversationId),
    /// Every conversation of the contact's, on every number: they opted out.
    Contact(crate::ContactId),
}

/// The bot's messages (a flow's, a keyword's) not yet claimed by the
/// sender — still in their typing pause, or waiting for the number — fail
/// with `reason` instead of leaving: the bot says nothing once a person has
/// the chat or the contact asked for no messages. One the sender claimed
/// (`sending`) may be in WhatsApp's hands already and is left alone; the
/// reply to a hand-off word (`system`) still goes.
pub(crate) async fn cancel_waiting_bot_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    whose: Waiting,
    reason: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let (scope, id) = match whose {
        Waiting::Conversation(c) => ("conversation_id = ?", c.as_uuid()),
        Waiting::Contact(c) => (
            "conversation_id IN (SELECT id FROM conversations WHERE account_id = messages.account_id AND contact_id = ?)",
            c.as_uuid(),
        ),
    };
    let done = sqlx::query(&format!(
        "UPDATE messages SET status = 'failed', error = ?, updated_at = ?
         WHERE account_id = ? AND {scope} AND direction = 'outbound' AND status = 'pending'
           AND wa_message_id IS NULL AND bot_source IN ('flow', 'keyword')"
    ))
    .bind(reason)
    .bind(now)
    .bind(account)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// WhatsApp refused the message; `reason` is shown to the operator.
pub async fn mark_failed(
    store: &Store,
    account: AccountId,
    message: MessageId,
    reason: &str,
) -> Result<(), InboxError> {
    sqlx::query("UPDATE messages SET status = 'failed', error = ?, updated_at = ? WHERE account_id = ? AND id = ?")
        .bind(reason)
        .bind(now_ms())
        .bind(account)
        .bind(message)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Applies an ack to the messages of a number; returns the conversations touched.
pub async fn apply_ack(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    wa_ids: &[String],
    ack: i32,
) -> Result<Vec<ConversationId>, InboxError> {
    let Some(status) = status_of_ack(ack) else {
        return Ok(Vec::new());
    };
    let mut touched = Vec::new();
    for wa_id in wa_ids {
        // A late "error" never undoes a delivery; a "read" always wins over "sent".
        let changed: Option<ConversationId> = sqlx::query_scalar(&format!(
            "UPDATE messages SET status = ?, error = CASE WHEN ? = 'failed' THEN 'WhatsApp' ELSE error END, updated_at = ?
             WHERE account_id = ? AND instance_id = ? AND wa_message_id = ? AND {RANK_SQL} < ?
             RETURNING conversation_id"
        ))
        .bind(status)
        .bind(status)
        .bind(now_ms())
        .bind(account)
        .bind(instance)
        .bind(wa_id)
        .bind(rank(status))
        .fetch_optional(store.pool())
        .await?;
        touched.extend(changed);
    }
    Ok(touched)
}
