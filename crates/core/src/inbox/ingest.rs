//! Storing what WhatsApp delivers, exactly once. WhatsApp repeats itself (a
//! history sync after a reconnect, a page reload), so a message is keyed by
//! its number and WhatsApp's id; a repeat changes nothing. The contact and
//! the conversation are created on the first message, in the same transaction.

use std::path::{Path, PathBuf};

use sqlx::{Sqlite, Transaction};

use super::InboxError;
use crate::domain::{Direction, MessageKind};
use crate::ids::{natural, natural_or_fresh};
use crate::text::fold;
use crate::time::now_ms;
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

/// A message as a number saw it.
#[derive(Debug, Clone, Default)]
pub struct Inbound {
    /// WhatsApp's id of the message.
    pub wa_id: String,
    /// The other side's phone, E.164.
    pub phone: String,
    /// Written from the phone itself (not by a contact).
    pub from_me: bool,
    /// The contact's own display name, used for a contact without a name.
    pub push_name: Option<String>,
    pub kind: Option<MessageKind>,
    pub body: String,
    /// WhatsApp's time of the message (Unix ms).
    pub sent_at: i64,
    pub media: Option<Media>,
    pub media_error: Option<String>,
    /// WhatsApp's ack on the message when it was reported (ours, `from_me`).
    pub ack: Option<i32>,
}

/// The bytes of an image, audio or document.
#[derive(Debug, Clone, Default)]
pub struct Media {
    pub bytes: Vec<u8>,
    pub mime: Option<String>,
    pub filename: Option<String>,
}

/// Where a new message landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    pub message: MessageId,
    pub conversation: ConversationId,
    pub contact: ContactId,
    /// The message was an opt-out request and a confirmation is queued.
    pub opted_out: bool,
    /// It was one of our own sends reported back by WhatsApp: no new
    /// message, the outbox row it came from now carries WhatsApp's id.
    pub own: bool,
}

/// Stores one message of `instance`; `None` when it was already stored.
pub async fn ingest(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    msg: &Inbound,
) -> Result<Option<Ingested>, InboxError> {
    // Our own send, reported back before (or without) its send call's answer:
    // it is the outbox row it was derived from, never a second message.
    if msg.from_me
        && let Some((message, conversation)) =
            super::outbox::adopt_echo(store, account, instance, &msg.wa_id, msg.ack).await?
    {
        let contact: ContactId = sqlx::query_scalar(
            "SELECT contact_id FROM conversations WHERE account_id = ? AND id = ?",
        )
        .bind(account)
        .bind(conversation)
        .fetch_one(store.pool())
        .await?;
        return Ok(Some(Ingested {
            message,
            conversation,
            contact,
            opted_out: false,
            own: true,
        }));
    }
    let already: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE account_id = ? AND instance_id = ? AND wa_message_id = ?)",
    )
    .bind(account)
    .bind(instance)
    .bind(&msg.wa_id)
    .fetch_one(store.pool())
    .await?;
    if already {
        return Ok(None);
    }
    // The file first, under a name derived from WhatsApp's id: a crash before
    // the row leaves a file the repeat of the message overwrites, never a row
    // pointing at nothing.
    let (media_path, media_error) = save_media(store.data_dir(), account, msg)?;

    let mut tx = store.write().await?;
    let contact = contact_for(&mut tx, account, msg).await?;
    let now = now_ms();
    let at = if msg.sent_at > 0 { msg.sent_at } else { now };
    let conversation = conversation_for(&mut tx, account, instance, contact, at).await?;
    let direction = if msg.from_me {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    let id = MessageId::new();
    let media = msg.media.as_ref();
    let inserted = sqlx::query(
        "INSERT INTO messages (id, account_id, conversation_id, instance_id, wa_message_id, direction, kind, body,
                               status, media_path, media_mime, media_name, media_size, media_error, sent_at,
                               created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, instance_id, wa_message_id) DO NOTHING",
    )
    .bind(id)
    .bind(account)
    .bind(conversation)
    .bind(instance)
    .bind(&msg.wa_id)
    .bind(direction)
    .bind(msg.kind.unwrap_or(MessageKind::Text))
    .bind(&msg.body)
    .bind(if msg.from_me { "sent" } else { "received" })
    .bind(&media_path)
    .bind(media.and_then(|m| m.mime.clone()))
    .bind(media.and_then(|m| m.filename.clone()))
    .bind(media.map(|m| m.bytes.len() as i64))
    .bind(&media_error)
    .bind(msg.sent_at)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE conversations
         SET last_message_at = max(COALESCE(last_message_at, 0), ?),
             last_message_id = ?,
             unread_count = unread_count + ?,
             status = CASE WHEN ? AND status = 'resolved' THEN 'open' ELSE status END,
             updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(at)
    .bind(id)
    .bind(i64::from(!msg.from_me))
    .bind(!msg.from_me)
    .bind(now)
    .bind(account)
    .bind(conversation)
    .execute(&mut *tx)
    .await?;
    // The bot looks at what a contact just wrote (automation::run), queued in
    // the message's own transaction: looked at once, never lost. Old history
    // (a catch-up) is only stored.
    if !msg.from_me && now - at < crate::automation::run::STALE_AFTER {
        sqlx::query(
            "INSERT INTO automation_queue (account_id, contact_id, event, conversation_id, message_id, created_at)
             VALUES (?, ?, 'message', ?, ?, ?)",
        )
        .bind(account)
        .bind(contact)
        .bind(conversation)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // "SAIR": the contact opts out, and the confirmation is queued in the
    // same transaction, so it is sent once even if we crash right here.
    let mut opted_out = false;
    if !msg.from_me
        && msg.kind.unwrap_or(MessageKind::Text) == MessageKind::Text
        && crate::opt_out::is_request(&msg.body)
    {
        let changed = sqlx::query(
            "UPDATE contacts SET opted_out_at = ?, updated_at = ? WHERE account_id = ? AND id = ? AND opted_out_at IS NULL",
        )
        .bind(now)
        .bind(now)
        .bind(account)
        .bind(contact)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() > 0 {
            super::outbox::insert_outbound_in(
                &mut tx,
                MessageId::new(),
                account,
                conversation,
                MessageKind::Text,
                crate::opt_out::CONFIRMATION,
                None,
            )
            .await?;
            super::outbox::cancel_waiting_bot_in(
                &mut tx,
                account,
                super::outbox::Waiting::Contact(contact),
                super::outbox::BOT_OPTED_OUT,
                now,
            )
            .await?;
            opted_out = true;
        }
    }
    tx.commit().await?;
    Ok(Some(Ingested {
        message: id,
        conversation,
        contact,
        opted_out,
        own: false,
    }))
}

/// Writes media within the limit to `media/<account>/<id>`; returns its path
/// relative to the data folder, or why it is missing.
fn save_media(
    data_dir: &Path,
    account: AccountId,
    msg: &Inbound,
) -> Result<(Option<String>, Option<String>), InboxError> {
    let Some(media) = &msg.media else {
        return Ok((None, msg.media_error.clone()));
    };
    // Larger than WhatsApp's own limit for most media: not kept.
    if media.bytes.len() > crate::limits::FILE_BYTES {
        return Ok((None, Some("too_large".into())));
    }
    let name: String = msg
        .wa_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let relative = PathBuf::from("media")
        .join(account.to_string())
        .join(format!("{name}{}", extension(media)));
    let path = data_dir.join(&relative);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, &media.bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok((Some(relative.to_string_lossy().replace('\\', "/")), None))
}

fn extension(media: &Media) -> String {
    if let Some(ext) = media
        .filename
        .as_deref()
        .and_then(|f| Path::new(f).extension())
        .and_then(|e| e.to_str())
    {
        let ext: String = ext
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        if !ext.is_empty() {
            return format!(".{}", ext.to_ascii_lowercase());
        }
    }
    let ext = match media.mime.as_deref().and_then(|m| m.split(';').next()) {
        Some("image/jpeg") => ".jpg",
        Some("image/png") => ".png",
        Some("image/webp") => ".webp",
        Some("audio/ogg") => ".ogg",
        Some("audio/mpeg") => ".mp3",
        Some("application/pdf") => ".pdf",
        _ => ".bin",
    };
    ext.to_owned()
}

async fn contact_for(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    msg: &Inbound,
) -> Result<ContactId, InboxError> {
    // The phone as ZapDesk stores it (the fleet gave an old 8-digit WhatsApp
    // id its ninth digit: `phone::from_whatsapp`); the bridge finds the id
    // WhatsApp knows it by again before each send (`queryExists`).
    let phone = msg.phone.clone();
    let name = msg
        .push_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty() && !msg.from_me);
    let now = now_ms();
    let id = natural_or_fresh(&mut **tx, "contacts", account, "contact", &phone).await?;
    sqlx::query(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, phone) DO NOTHING",
    )
    .bind(id)
    .bind(account)
    .bind(&phone)
    .bind(name.map(|n| {
        n.chars()
            .take(crate::contacts::NAME_MAX)
            .collect::<String>()
    }))
    .bind(name.map(fold).unwrap_or_default())
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM contacts WHERE account_id = ? AND phone = ?")
            .bind(account)
            .bind(&phone)
            .fetch_one(&mut **tx)
            .await?,
    )
}

pub(crate) async fn conversation_for(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    instance: InstanceId,
    contact: ContactId,
    // When the conversation starts (its first message), for the chat list's order.
    at: i64,
) -> Result<ConversationId, InboxError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, status, last_message_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)
         ON CONFLICT (account_id, instance_id, contact_id) DO NOTHING",
    )
    .bind(thread_id(account, instance, contact))
    .bind(account)
    .bind(contact)
    .bind(instance)
    .bind(at)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversations WHERE account_id = ? AND instance_id = ? AND contact_id = ?",
    )
    .bind(account)
    .bind(instance)
    .bind(contact)
    .fetch_one(&mut **tx)
    .await?)
}

/// [`conversation_for`] for many contacts of one number at once (a campaign
/// burst): one multi-row insert of the missing conversations, one lookup.
pub(crate) async fn conversations_for(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    instance: InstanceId,
    contacts: &[ContactId],
    at: i64,
) -> Result<std::collections::HashMap<ContactId, ConversationId>, InboxError> {
    if contacts.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let now = now_ms();
    let mut insert = sqlx::QueryBuilder::<Sqlite>::new(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, status, last_message_at, created_at, updated_at) ",
    );
    insert.push_values(contacts, |mut row, contact| {
        // Time-ordered, not `thread_id`: a campaign burst of random ids
        // doubled the sender's cost per message (docs/benchmarks.md). Only
        // the desktop that runs a number starts its conversations, so two
        // desktops hardly ever start the same one.
        row.push_bind(ConversationId::new())
            .push_bind(account)
            .push_bind(*contact)
            .push_bind(instance)
            .push_bind("open")
            .push_bind(at)
            .push_bind(now)
            .push_bind(now);
    });
    insert.push(" ON CONFLICT (account_id, instance_id, contact_id) DO NOTHING");
    insert.build().execute(&mut **tx).await?;
    let mut select = sqlx::QueryBuilder::<Sqlite>::new(
        "SELECT contact_id, id FROM conversations WHERE account_id = ",
    );
    select
        .push_bind(account)
        .push(" AND instance_id = ")
        .push_bind(instance)
        .push(" AND contact_id IN (");
    let mut list = select.separated(", ");
    for contact in contacts {
        list.push_bind(*contact);
    }
    select.push(")");
    let rows: Vec<(ContactId, ConversationId)> =
        select.build_query_as().fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().collect())
}

/// A conversation's id from its number and contact (see `ids::natural`): the
/// same thread started on two desktops (a number that moved between them
/// while one was offline) is one conversation once synced. A conversation
/// never changes number or contact, so the id is never taken.
fn thread_id(account: AccountId, instance: InstanceId, contact: ContactId) -> ConversationId {
    ConversationId::from_uuid(natural(
        account,
        "conversation",
        &format!("{instance}:{contact}"),
    ))
}
