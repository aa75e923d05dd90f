//! Writing what the bot decided, inside the handler's transaction: its
//! messages (outbox rows with their typing pauses), tags, field values, a
//! hand-off to a person, its marks; and what the runner is told afterwards.

use std::collections::BTreeSet;

use sqlx::{Sqlite, Transaction};

use super::Done;
use super::config::{Config, Conv};
use crate::automation::AutomationError;
use crate::automation::sessions::log_in;
use crate::changes::{Change, Table};
use crate::domain::{BotSource, MessageKind};
use crate::fields::write_value;
use crate::ids::{AutomationFileId, SessionId};
use crate::inbox::attachments;
use crate::inbox::outbox::{BotRow, StoredFile, insert_bot_in};
use crate::text::fold;
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store, UserId};

/// What one handled event did so far, for [`Done`], and the clock of its
/// messages: each goes `typing_ms` after the one before.
pub(super) struct Outcome {
    pub account: AccountId,
    kick: BTreeSet<InstanceId>,
    changed: Vec<Table>,
    pub calls: Vec<SessionId>,
    pub wake_at: Option<i64>,
    /// The `send_after` of the last message queued (or now).
    clock: i64,
    /// `automation_apply` is set in this event's transaction.
    applying: bool,
}

impl Outcome {
    pub(super) fn new(account: AccountId) -> Outcome {
        Outcome {
            account,
            kick: BTreeSet::new(),
            changed: Vec::new(),
            calls: Vec::new(),
            wake_at: None,
            clock: 0,
            applying: false,
        }
    }

    pub(super) fn changed(&mut self, table: Table) {
        if !self.changed.contains(&table) {
            self.changed.push(table);
        }
    }

    pub(super) fn wake(&mut self, at: Option<i64>) {
        if let Some(at) = at {
            self.wake_at = Some(self.wake_at.map_or(at, |w| w.min(at)));
        }
    }

    pub(super) fn done(mut self) -> Done {
        let account = self.account;
        // Nearly every handled event starts, steps, ends a session or logs
        // to its conversation (the contact panel shows both); telling the
        // screens once more than needed costs one refetch of a small view.
        self.changed(Table::FlowSessions);
        Done {
            kick: self.kick.into_iter().collect(),
            changed: self
                .changed
                .into_iter()
                .map(|t| Change::of(account, t))
                .collect(),
            calls: self.calls.into_iter().map(|s| (account, s)).collect(),
            wake_at: self.wake_at,
        }
    }
}

/// A tag the bot adds starts no flow: the `automation_tag_added` trigger
/// reads `automation_apply`, set just before the bot's first tag of the
/// event (most events add none: no statement for them) and set back by
/// [`applied`] before the commit.
async fn applying(tx: &mut Transaction<'_, Sqlite>, out: &mut Outcome) -> Result<(), sqlx::Error> {
    if !out.applying {
        sqlx::query("UPDATE automation_apply SET applying = 1")
            .execute(&mut **tx)
            .await?;
        out.applying = true;
    }
    Ok(())
}

/// Sets `automation_apply` back, if this event's writes set it: call before
/// committing.
pub(super) async fn applied(
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
) -> Result<(), sqlx::Error> {
    if out.applying {
        sqlx::query("UPDATE automation_apply SET applying = 0")
            .execute(&mut **tx)
            .await?;
        out.applying = false;
    }
    Ok(())
}

/// Starts the event's message clock: after `now`, and after any message of
/// the conversation still waiting for its pause (a contact who answers
/// while the bot is still "typing" gets the new answer after the old one).
pub(super) async fn start_clock(
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    conversation: ConversationId,
    now: i64,
) -> Result<(), sqlx::Error> {
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT max(send_after) FROM messages
         WHERE account_id = ? AND conversation_id = ? AND direction = 'outbound' AND status = 'pending'
           AND send_after > ?",
    )
    .bind(out.account)
    .bind(conversation)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    out.clock = waiting.unwrap_or(now).max(now).max(out.clock);
    Ok(())
}

/// A message of the bot to queue.
pub(super) struct Send<'a> {
    pub id: MessageId,
    pub typing_ms: u32,
    pub source: BotSource,
    pub reference: Option<uuid::Uuid>,
    pub node: Option<&'a str>,
    pub content: Content<'a>,
}

pub(super) enum Content<'a> {
    Text(&'a str),
    /// An `automation_files` row (by id, as a flow or keyword names it), with
    /// its caption.
    File {
        file: &'a str,
        caption: &'a str,
    },
}

/// Queues one of the bot's messages, `typing_ms` after the previous one. A
/// file the account no longer has is skipped and logged. Whether a row was
/// written (not when the same turn already wrote it).
pub(super) async fn send(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    conv: &Conv,
    session: Option<SessionId>,
    message: Send<'_>,
    now: i64,
) -> Result<bool, AutomationError> {
    let account = out.account;
    // Strictly after the one before, even with no pause: two messages of one
    // turn (a flow and the flow it went to) written in the same millisecond
    // would otherwise go out in the order of their ids. Every bot message
    // has its time, so they sort among themselves by it alone.
    let at = out.clock.max(now) + i64::from(message.typing_ms);
    out.clock = if at <= out.clock { out.clock + 1 } else { at };
    let send_after = Some(out.clock);
    let (kind, body, stored) = match message.content {
        Content::Text(text) => (MessageKind::Text, text, None),
        Content::File { file, caption } => match bot_file(store, tx, account, file).await? {
            Some(found) => (found.kind, caption, Some(found)),
            None => {
                log_in(
                    tx,
                    account,
                    conv.id,
                    session,
                    "skipped",
                    &format!("file {file}: not in this account"),
                    now,
                )
                .await?;
                return Ok(false);
            }
        },
    };
    let row = BotRow {
        id: message.id,
        conversation: conv.id,
        kind,
        body,
        file: stored.as_ref().map(|f| StoredFile {
            path: &f.path,
            mime: &f.mime,
            name: &f.name,
            size: f.size,
        }),
        source: message.source,
        reference: message.reference,
        node: message.node,
        send_after,
    };
    let written = insert_bot_in(tx, account, &row).await?;
    if written {
        out.kick.insert(conv.instance);
        out.changed(Table::Messages);
        out.changed(Table::Conversations);
    }
    Ok(written)
}

/// A bot file as written under the data folder.
struct BotFile {
    path: String,
    mime: String,
    name: String,
    size: i64,
    kind: MessageKind,
}

/// The file `id` of the account, written under its media folder once
/// (`media/<account>/bot-<id>.<ext>`: a file never changes, so every
/// message that sends it shares it). Written when queued, so the send reads
/// it like any other file (`read_media` reads the account's media folder
/// only). `None` when the account has no such file.
async fn bot_file(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    id: &str,
) -> Result<Option<BotFile>, AutomationError> {
    let Ok(id) = id.parse::<AutomationFileId>() else {
        return Ok(None);
    };
    let row: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT name, mime, kind, length(bytes) FROM automation_files WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((name, mime, kind, size)) = row else {
        return Ok(None);
    };
    let path = file_path(account, id, &name);
    if !store.data_dir().join(&path).is_file() {
        let bytes: Vec<u8> = sqlx::query_scalar(
            "SELECT bytes FROM automation_files WHERE account_id = ? AND id = ?",
        )
        .bind(account)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        attachments::write_file(store, &path, &bytes).map_err(crate::inbox::InboxError::from)?;
    }
    let kind = match kind.as_str() {
        "image" => MessageKind::Image,
        "audio" => MessageKind::Audio,
        _ => MessageKind::Document,
    };
    Ok(Some(BotFile {
        path,
        mime,
        name,
        size,
        kind,
    }))
}

/// Where a bot file lives under the data folder.
fn file_path(account: AccountId, id: AutomationFileId, name: &str) -> String {
    format!("media/{account}/bot-{id}.{}", attachments::safe_ext(name))
}

/// A bot message's file that is not under the data folder (the message was
/// queued on the desktop that ran the number before this one): writes it
/// from the store. Whether the file is there now. For the fleet's
/// `read_media`, beside the campaigns' `restore_for_message`.
pub async fn restore_bot_file(
    store: &Store,
    account: AccountId,
    media_path: &str,
) -> Result<bool, AutomationError> {
    let Some(rest) = media_path.strip_prefix(&format!("media/{account}/bot-")) else {
        return Ok(false);
    };
    let Some(id) = rest
        .get(..36)
        .and_then(|id| id.parse::<AutomationFileId>().ok())
    else {
        return Ok(false);
    };
    let row: Option<(String, Vec<u8>)> =
        sqlx::query_as("SELECT name, bytes FROM automation_files WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    let Some((name, bytes)) = row else {
        return Ok(false);
    };
    // Only the one place this file may be: never another path a synced
    // column names.
    if file_path(account, id, &name) != media_path {
        return Ok(false);
    }
    attachments::write_file(store, media_path, &bytes).map_err(crate::inbox::InboxError::from)?;
    Ok(true)
}

/// Puts a tag (named as a flow or keyword writes it: found folded) on the
/// contact or takes it off. A tag the account does not have is skipped and
/// logged.
#[allow(clippy::too_many_arguments)]
pub(super) async fn tag(
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    conv: &Conv,
    session: Option<SessionId>,
    name: &str,
    on: bool,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    let id: Option<crate::ids::TagId> =
        sqlx::query_scalar("SELECT id FROM tags WHERE account_id = ? AND name_folded = ?")
            .bind(account)
            .bind(fold(name.trim()))
            .fetch_optional(&mut **tx)
            .await?;
    let Some(id) = id else {
        log_in(
            tx,
            account,
            conv.id,
            session,
            "skipped",
            &format!("tag {name}: not in this account"),
            now,
        )
        .await?;
        return Ok(());
    };
    let done = if on {
        applying(tx, out).await?;
        sqlx::query(
            "INSERT INTO contact_tags (account_id, contact_id, tag_id, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(conv.contact)
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "DELETE FROM contact_tags WHERE account_id = ? AND contact_id = ? AND tag_id = ?",
        )
        .bind(account)
        .bind(conv.contact)
        .bind(id)
        .execute(&mut **tx)
        .await?
    };
    if done.rows_affected() > 0 {
        out.changed(Table::ContactTags);
    }
    Ok(())
}

/// Sets a custom field (by key) to `value` as typed (read the Brazilian
/// way; canonical values read back as themselves); `None` or empty clears
/// it. A field the account no longer has, or a value it does not take, is
/// skipped and logged.
#[allow(clippy::too_many_arguments)]
pub(super) async fn field(
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    config: &Config,
    conv: &Conv,
    session: Option<SessionId>,
    key: &str,
    value: Option<&str>,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    let Some(field) = config.fields.iter().find(|f| f.key == key) else {
        log_in(
            tx,
            account,
            conv.id,
            session,
            "skipped",
            &format!("field {key}: not in this account"),
            now,
        )
        .await?;
        return Ok(());
    };
    let canonical = match field.canonical(value.unwrap_or("")) {
        Ok(c) => c,
        Err(_) => {
            log_in(
                tx,
                account,
                conv.id,
                session,
                "skipped",
                &format!("field {key}: does not take {:?}", value.unwrap_or("")),
                now,
            )
            .await?;
            return Ok(());
        }
    };
    if write_value(tx, account, conv.contact, field.id, canonical.as_ref()).await? {
        sqlx::query("UPDATE contacts SET updated_at = ? WHERE account_id = ? AND id = ?")
            .bind(now)
            .bind(account)
            .bind(conv.contact)
            .execute(&mut **tx)
            .await?;
        out.changed(Table::ContactFields);
        out.changed(Table::Contacts);
    }
    Ok(())
}

/// Hands the conversation to a person: owner `human`, the operator if one
/// is named and known (else unassigned, logged), an internal note saying
/// why. `note_id` is stable for a turn (stepped twice: one note). The
/// caller ends the session.
#[allow(clippy::too_many_arguments)]
pub(super) async fn handoff(
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    conv: &Conv,
    session: Option<SessionId>,
    assign: Option<&str>,
    note: &str,
    note_id: MessageId,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    let mut assignee: Option<UserId> = None;
    if let Some(wanted) = assign.filter(|a| !a.trim().is_empty()) {
        let known = match wanted.parse::<UserId>() {
            Ok(user) => {
                sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)")
                    .bind(user)
                    .fetch_one(&mut **tx)
                    .await?
                    .then_some(user)
            }
            Err(_) => None,
        };
        if known.is_none() {
            log_in(
                tx,
                account,
                conv.id,
                session,
                "skipped",
                &format!("operator {wanted}: unknown, left unassigned"),
                now,
            )
            .await?;
        }
        assignee = known;
    }
    sqlx::query(
        "UPDATE conversations SET owner = 'human', assignee_id = COALESCE(?, assignee_id),
                assigned_to = COALESCE((SELECT email FROM users WHERE id = ?), assigned_to),
                assigned_at = CASE WHEN ? IS NULL THEN assigned_at ELSE ? END, updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(assignee)
    .bind(assignee)
    .bind(assignee)
    .bind(now)
    .bind(now)
    .bind(account)
    .bind(conv.id)
    .execute(&mut **tx)
    .await?;
    let text = note.trim();
    let text = if text.is_empty() {
        "Transferido pelo bot."
    } else {
        text
    };
    let text: String = text.chars().take(crate::inbox::TEXT_MAX).collect();
    sqlx::query(
        "INSERT INTO notes (id, account_id, conversation_id, author_id, body, created_at) VALUES (?, ?, ?, NULL, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(note_id)
    .bind(account)
    .bind(conv.id)
    .bind(&text)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    log_in(tx, account, conv.id, session, "handoff", &text, now).await?;
    // Nobody named: the conversation waits for a person in the account's
    // queue (when its automatic assignment is on). A keyword's hand-off
    // only: a flow's session is still active here, and its turn tries again
    // once it ended (`turn::run`).
    crate::assignment::wait_in(tx, account, conv.id, now).await?;
    out.changed(Table::Conversations);
    out.changed(Table::Notes);
    Ok(())
}

/// When `what` (`keyword:<id>`, `no_match`, `campaign:<id>`) last happened
/// for the contact.
pub(super) async fn mark(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    contact: ContactId,
    what: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT at FROM automation_marks WHERE account_id = ? AND contact_id = ? AND what = ?",
    )
    .bind(account)
    .bind(contact)
    .bind(what)
    .fetch_optional(&mut **tx)
    .await
}

pub(super) async fn set_mark(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    contact: ContactId,
    what: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO automation_marks (account_id, contact_id, what, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id, contact_id, what) DO UPDATE SET at = excluded.at",
    )
    .bind(account)
    .bind(contact)
    .bind(what)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
