//! Quick replies: canned answers per account, typed as `/shortcut` in the composer.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, UserError, database_failed};
use crate::ids::MessageId as QuickReplyId;
use crate::ids::natural_or_fresh;
use crate::time::now_ms;
use crate::{AccountId, Lang, Store};

/// A canned answer.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, specta::Type)]
pub struct QuickReply {
    pub id: QuickReplyId,
    pub shortcut: String,
    pub body: String,
}

/// What a person fills in for a quick reply.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct QuickReplyInput {
    /// Letters, digits, `-` and `_`; typed after `/`.
    pub shortcut: String,
    pub body: String,
}

/// Why a quick reply was refused.
#[derive(Debug, thiserror::Error)]
pub enum QuickReplyError {
    #[error("shortcut must be 1–32 letters, digits, - or _")]
    ShortcutInvalid,
    #[error("shortcut /{0} is taken")]
    ShortcutDuplicate(String),
    #[error("quick reply text is empty")]
    Empty,
    #[error("quick reply text is too long")]
    TooLong,
    #[error("no such quick reply")]
    Unknown,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for QuickReplyError {
    fn code(&self) -> ErrorCode {
        match self {
            QuickReplyError::ShortcutInvalid => ErrorCode::ShortcutInvalid,
            QuickReplyError::ShortcutDuplicate(_) => ErrorCode::ShortcutDuplicate,
            QuickReplyError::Empty => ErrorCode::MessageEmpty,
            QuickReplyError::TooLong => ErrorCode::MessageTooLong,
            QuickReplyError::Unknown => ErrorCode::QuickReplyUnknown,
            QuickReplyError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (QuickReplyError::ShortcutInvalid, _) => lang
                .pick(
                    "O atalho deve ter de 1 a 32 letras, números, - ou _, sem espaços (ex.: horario).",
                    "The shortcut must be 1 to 32 letters, digits, - or _, without spaces (e.g. hours).",
                )
                .to_owned(),
            (QuickReplyError::ShortcutDuplicate(s), Lang::PtBr) => format!("Já existe uma resposta rápida /{s} nesta conta."),
            (QuickReplyError::ShortcutDuplicate(s), Lang::En) => format!("This account already has a quick reply /{s}."),
            (QuickReplyError::Empty, _) => lang.pick("Escreva o texto da resposta.", "Write the reply's text.").to_owned(),
            (QuickReplyError::TooLong, _) => lang
                .pick("O texto pode ter no máximo 4096 caracteres.", "The text can have at most 4096 characters.")
                .to_owned(),
            (QuickReplyError::Unknown, _) => lang
                .pick("Esta resposta rápida não existe mais.", "This quick reply no longer exists.")
                .to_owned(),
            (QuickReplyError::Database(_), _) => database_failed(lang),
        }
    }
}

fn validate(input: &QuickReplyInput) -> Result<(String, String), QuickReplyError> {
    let shortcut = input.shortcut.trim().trim_start_matches('/').to_lowercase();
    let ok = (1..=32).contains(&shortcut.chars().count())
        && shortcut
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(QuickReplyError::ShortcutInvalid);
    }
    let body = input.body.trim();
    if body.is_empty() {
        return Err(QuickReplyError::Empty);
    }
    if body.chars().count() > super::TEXT_MAX {
        return Err(QuickReplyError::TooLong);
    }
    Ok((shortcut, body.to_owned()))
}

fn on_write(e: sqlx::Error, shortcut: &str) -> QuickReplyError {
    match e.as_database_error() {
        Some(db) if db.is_unique_violation() => {
            QuickReplyError::ShortcutDuplicate(shortcut.to_owned())
        }
        _ => QuickReplyError::Database(e),
    }
}

/// The account's quick replies by shortcut.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<QuickReply>, QuickReplyError> {
    Ok(sqlx::query_as(
        "SELECT id, shortcut, body FROM quick_replies WHERE account_id = ? ORDER BY shortcut",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?)
}

pub async fn create(
    store: &Store,
    account: AccountId,
    input: &QuickReplyInput,
) -> Result<QuickReply, QuickReplyError> {
    let (shortcut, body) = validate(input)?;
    let now = now_ms();
    let id = natural_or_fresh(
        store.pool(),
        "quick_replies",
        account,
        "quick_reply",
        &shortcut,
    )
    .await?;
    sqlx::query_as(
        "INSERT INTO quick_replies (id, account_id, shortcut, body, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id, shortcut, body",
    )
    .bind(id)
    .bind(account)
    .bind(&shortcut)
    .bind(&body)
    .bind(now)
    .bind(now)
    .fetch_one(store.pool())
    .await
    .map_err(|e| on_write(e, &shortcut))
}

pub async fn update(
    store: &Store,
    account: AccountId,
    id: QuickReplyId,
    input: &QuickReplyInput,
) -> Result<QuickReply, QuickReplyError> {
    let (shortcut, body) = validate(input)?;
    sqlx::query_as(
        "UPDATE quick_replies SET shortcut = ?, body = ?, updated_at = ? WHERE account_id = ? AND id = ?
         RETURNING id, shortcut, body",
    )
    .bind(&shortcut)
    .bind(&body)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await
    .map_err(|e| on_write(e, &shortcut))?
    .ok_or(QuickReplyError::Unknown)
}

pub async fn delete(
    store: &Store,
    account: AccountId,
    id: QuickReplyId,
) -> Result<(), QuickReplyError> {
    let done = sqlx::query("DELETE FROM quick_replies WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(QuickReplyError::Unknown);
    }
    Ok(())
}
