//! LGPD (Brazil's data protection law) requests about one contact: a copy of
//! everything ZapDesk stores about them (the bot's sessions with their
//! answers and its log included), and erasure of the contact with their
//! conversations, messages, notes, bot sessions and media files. Both are recorded in the
//! account's audit log (who, when, which contact id); the log keeps the id, not
//! the person's data, so it survives the erasure it records.

use serde::Serialize;
use serde_json::{Value, json};

use crate::automation::engine::Session;
use crate::contacts::{self, ContactError};
use crate::domain::User;
use crate::fields;
use crate::time::now_ms;
use crate::{AccountId, ContactId, Store, UserId};

/// Who asked: the operator chosen on this desktop, or the tool that ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<UserId>,
    pub name: String,
}

impl Actor {
    /// The operator if one is chosen ("Eu sou" in Settings), else `fallback`.
    pub fn or(user: Option<User>, fallback: &str) -> Actor {
        match user {
            Some(u) => Actor {
                id: Some(u.id),
                name: u.name,
            },
            None => Actor {
                id: None,
                name: fallback.to_owned(),
            },
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, specta::Type)]
pub struct AuditEntry {
    /// Chosen by the desktop that wrote it (the log is synced).
    pub id: uuid::Uuid,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    /// `contact_exported` or `contact_erased`.
    pub action: String,
    pub contact_id: ContactId,
    pub at: i64,
}

/// Everything stored about one contact, as pretty JSON, and an audit line.
pub async fn export(
    store: &Store,
    account: AccountId,
    contact: ContactId,
    actor: &Actor,
) -> Result<String, ContactError> {
    let person = contacts::get(store, account, contact).await?;
    let tag_names: Vec<String> = sqlx::query_scalar(
        "SELECT t.name FROM contact_tags ct JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id
         WHERE ct.account_id = ? AND ct.contact_id = ? ORDER BY t.name COLLATE NOCASE",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?;
    let all_fields = fields::list(store, account).await?;
    let mut field_values = serde_json::Map::new();
    for v in fields::values_of(store, account, contact).await? {
        if let Some(f) = all_fields.iter().find(|f| f.id == v.field_id) {
            field_values.insert(f.label.clone(), Value::String(v.value));
        }
    }
    let conversations: Vec<(crate::ConversationId, String, String, String, i64)> = sqlx::query_as(
        "SELECT cv.id, i.name, coalesce(i.phone, ''), cv.status, cv.created_at
         FROM conversations cv JOIN instances i ON i.account_id = cv.account_id AND i.id = cv.instance_id
         WHERE cv.account_id = ? AND cv.contact_id = ? ORDER BY cv.created_at",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?;
    let mut threads = Vec::with_capacity(conversations.len());
    for (id, number_name, number_phone, status, created_at) in conversations {
        type MessageRow = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
        );
        let messages: Vec<MessageRow> = sqlx::query_as(
            "SELECT direction, kind, body, status, media_name, media_mime, sent_at, created_at
             FROM messages WHERE account_id = ? AND conversation_id = ? ORDER BY created_at, id",
        )
        .bind(account)
        .bind(id)
        .fetch_all(store.pool())
        .await?;
        let notes: Vec<(String, i64)> = sqlx::query_as(
            "SELECT body, created_at FROM notes WHERE account_id = ? AND conversation_id = ? ORDER BY created_at",
        )
        .bind(account)
        .bind(id)
        .fetch_all(store.pool())
        .await?;
        let sessions = bot_sessions(store, account, id).await?;
        let log: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT at, what, detail FROM automation_log
             WHERE account_id = ? AND conversation_id = ? ORDER BY seq",
        )
        .bind(account)
        .bind(id)
        .fetch_all(store.pool())
        .await?;
        threads.push(json!({
            "id": id,
            "number": { "name": number_name, "phone": number_phone },
            "status": status,
            "created_at": created_at,
            "messages": messages.into_iter().map(|(direction, kind, body, status, media_name, media_mime, sent_at, created_at)| json!({
                "direction": direction, "kind": kind, "body": body, "status": status,
                "media_name": media_name, "media_mime": media_mime,
                "sent_at": sent_at, "created_at": created_at,
            })).collect::<Vec<_>>(),
            "internal_notes": notes.into_iter().map(|(body, created_at)| json!({"body": body, "created_at": created_at})).collect::<Vec<_>>(),
            "bot_sessions": sessions,
            "bot_log": log.into_iter().map(|(at, what, detail)| json!({"at": at, "what": what, "detail": detail})).collect::<Vec<_>>(),
        }));
    }
    // When the bot last did something for them (a keyword's cooldown, the
    // default reply, a campaign's reply flow): this desktop's own marks.
    let marks: Vec<(String, i64)> = sqlx::query_as(
        "SELECT what, at FROM automation_marks WHERE account_id = ? AND contact_id = ? ORDER BY at, what",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?;
    let document = json!({
        "format": "zapdesk-lgpd-export/1",
        "exported_at": now_ms(),
        "account_id": account,
        "contact": person,
        "tags": tag_names,
        "fields": field_values,
        "conversations": threads,
        "bot_marks": marks.into_iter().map(|(what, at)| json!({"what": what, "at": at})).collect::<Vec<_>>(),
    });
    record(store, account, contact, actor, "contact_exported").await?;
    Ok(serde_json::to_string_pretty(&document).unwrap_or_default())
}

/// The bot's sessions in one conversation, oldest first: the flow, when and
/// why each started and ended, and the variables it kept (the contact's
/// answers to its questions and menus).
async fn bot_sessions(
    store: &Store,
    account: AccountId,
    conversation: crate::ConversationId,
) -> Result<Vec<Value>, sqlx::Error> {
    type SessionRow = (
        String,
        i64,
        String,
        String,
        i64,
        Option<i64>,
        Option<String>,
        String,
    );
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT f.name, v.number, s.status, s.started_by, s.started_at, s.ended_at, s.ended_reason, s.state
         FROM flow_sessions s
         JOIN flows f ON f.account_id = s.account_id AND f.id = s.flow_id
         JOIN flow_versions v ON v.account_id = s.account_id AND v.id = s.version_id
         WHERE s.account_id = ? AND s.conversation_id = ?
         ORDER BY s.started_at, s.id",
    )
    .bind(account)
    .bind(conversation)
    .fetch_all(store.pool())
    .await?;
    let json_or_text =
        |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::String(text.to_owned()));
    Ok(rows
        .into_iter()
        .map(
            |(flow, version, status, by, started_at, ended_at, reason, state)| {
                let variables = serde_json::from_str::<Session>(&state)
                    .map(|s| json!(s.vars))
                    // A state this ZapDesk cannot read is handed over as stored.
                    .unwrap_or_else(|_| json_or_text(&state));
                json!({
                    "flow": flow,
                    "version": version,
                    "status": status,
                    "started_by": json_or_text(&by),
                    "started_at": started_at,
                    "ended_at": ended_at,
                    "ended_reason": reason.as_deref().map(json_or_text),
                    "variables": variables,
                })
            },
        )
        .collect())
}

/// Erases a contact: the row and, through foreign keys, their tags, field
/// values, conversations, messages (and their search index rows), notes and
/// drafts, the bot's sessions, log lines, queued events and marks, plus the
/// audit line, in one transaction; then their media files.
/// Returns how many media files were removed.
pub async fn erase(
    store: &Store,
    account: AccountId,
    contact: ContactId,
    actor: &Actor,
) -> Result<u32, ContactError> {
    let mut tx = store.write().await?;
    contacts::writable(&mut tx, account).await?;
    let media: Vec<String> = sqlx::query_scalar(
        "SELECT m.media_path FROM messages m
         JOIN conversations cv ON cv.account_id = m.account_id AND cv.id = m.conversation_id
         WHERE m.account_id = ? AND cv.contact_id = ? AND m.media_path IS NOT NULL",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(&mut *tx)
    .await?;
    let done = sqlx::query("DELETE FROM contacts WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(contact)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ContactError::Unknown(account, contact));
    }
    insert_audit(&mut tx, account, contact, actor, "contact_erased").await?;
    tx.commit().await?;
    let removed = contacts::remove_media(store, &media);
    // FTS5 only marks deleted rows; their words stay in the index's segments
    // until they are merged. `optimize` merges them all, so the erased words
    // are gone from the file too. It rewrites the index (seconds on a million
    // messages), which an erasure, being rare, can afford.
    sqlx::query("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")
        .execute(store.pool())
        .await?;
    Ok(removed)
}

/// The account's audit log, newest first.
pub async fn audit(
    store: &Store,
    account: AccountId,
    limit: u32,
) -> Result<Vec<AuditEntry>, ContactError> {
    Ok(sqlx::query_as(
        "SELECT id, actor_id, actor_name, action, contact_id, at FROM audit_log
         WHERE account_id = ? ORDER BY at DESC, rowid DESC LIMIT ?",
    )
    .bind(account)
    .bind(limit.clamp(1, 1000))
    .fetch_all(store.pool())
    .await?)
}

async fn record(
    store: &Store,
    account: AccountId,
    contact: ContactId,
    actor: &Actor,
    action: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = store.write().await?;
    insert_audit(&mut tx, account, contact, actor, action).await?;
    tx.commit().await
}

async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    contact: ContactId,
    actor: &Actor,
    action: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, account_id, actor_id, actor_name, action, contact_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(account)
    .bind(actor.id)
    .bind(&actor.name)
    .bind(action)
    .bind(contact)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
