//! Files the bot sends (a keyword's or a flow node's image, audio or
//! document), kept in the store (`automation_files`, synced) so that every
//! desktop that runs a number can send them. A file is never changed: a new
//! upload is a new row. The inbox's rules apply: WhatsApp's size limit, and
//! programs and scripts refused.

use serde::{Deserialize, Serialize};

use super::AutomationError;
use crate::domain::MessageKind;
use crate::ids::AutomationFileId;
use crate::inbox::attachments;
use crate::limits::FILE_BYTES;
use crate::time::now_ms;
use crate::{AccountId, Store, account_open};

/// A stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AutomationFile {
    pub id: AutomationFileId,
    pub name: String,
    pub mime: String,
    /// How WhatsApp shows it: `image`, `audio` or `document`.
    pub kind: MessageKind,
    /// In bytes.
    pub size: i64,
    pub created_at: i64,
}

type Row = (AutomationFileId, String, String, MessageKind, i64, i64);

const COLUMNS: &str = "id, name, mime, kind, length(bytes), created_at";

fn from_row((id, name, mime, kind, size, created_at): Row) -> AutomationFile {
    AutomationFile {
        id,
        name,
        mime,
        kind,
        size,
        created_at,
    }
}

/// Stores a file for the account's keywords and flows. Refused, with nothing
/// written: an empty file, one over [`FILE_BYTES`], a program or script.
pub async fn upload(
    store: &Store,
    account: AccountId,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> Result<AutomationFileId, AutomationError> {
    attachments::refuse_blocked(name, mime)?;
    if bytes.is_empty() {
        return Err(AutomationError::FileEmpty);
    }
    if bytes.len() > FILE_BYTES {
        return Err(attachments::AttachmentError::TooLarge.into());
    }
    let mime = match mime.trim() {
        "" => "application/octet-stream",
        m => m,
    };
    let name = match attachments::plain_name(name.trim()) {
        n if n.trim().is_empty() => "arquivo".to_owned(),
        n => n,
    };
    let id = AutomationFileId::new();
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    sqlx::query(
        "INSERT INTO automation_files (id, account_id, name, mime, kind, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(account)
    .bind(&name)
    .bind(mime)
    .bind(only_sendable(attachments::kind_of(mime)))
    .bind(bytes)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The kinds a file is sent as (`kind_of` gives no other, the table takes no other).
fn only_sendable(kind: MessageKind) -> MessageKind {
    match kind {
        MessageKind::Image | MessageKind::Audio => kind,
        _ => MessageKind::Document,
    }
}

pub async fn get(
    store: &Store,
    account: AccountId,
    id: AutomationFileId,
) -> Result<AutomationFile, AutomationError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM automation_files WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(from_row).ok_or(AutomationError::FileUnknown)
}

/// A file's bytes, to send it.
pub async fn bytes(
    store: &Store,
    account: AccountId,
    id: AutomationFileId,
) -> Result<Vec<u8>, AutomationError> {
    let bytes: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT bytes FROM automation_files WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    bytes.ok_or(AutomationError::FileUnknown)
}

/// The account's files, newest first.
pub async fn list(
    store: &Store,
    account: AccountId,
) -> Result<Vec<AutomationFile>, AutomationError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM automation_files WHERE account_id = ? ORDER BY created_at DESC, id DESC"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}
