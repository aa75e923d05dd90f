//! Preferences of this desktop (not of an account): the language and the
//! agency server it syncs with.

use crate::error::database_failed;
use crate::{ErrorCode, Lang, Store, UserError};

/// Reading or writing a setting failed.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct SettingsError(#[from] sqlx::Error);

impl UserError for SettingsError {
    fn code(&self) -> ErrorCode {
        ErrorCode::DatabaseFailed
    }
    fn message(&self, lang: Lang) -> String {
        database_failed(lang)
    }
}

const LANGUAGE: &str = "language";

/// The interface language; Portuguese (Brazil) until someone picks another.
pub async fn language(store: &Store) -> Result<Lang, SettingsError> {
    let tag: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(LANGUAGE)
        .fetch_optional(store.pool())
        .await?;
    Ok(tag.as_deref().and_then(Lang::from_tag).unwrap_or_default())
}

/// Stores the interface language.
pub async fn set_language(store: &Store, lang: Lang) -> Result<(), SettingsError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(LANGUAGE)
        .bind(lang.tag())
        .execute(store.pool())
        .await?;
    Ok(())
}

const SYNC_CONNECTION: &str = "sync.connection";

/// The agency server this desktop syncs with, as the sync crate serialises
/// it (JSON, never a password: that lives in the OS credential store); `None`
/// when this desktop works alone.
pub async fn sync_connection(store: &Store) -> Result<Option<String>, SettingsError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(SYNC_CONNECTION)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// Saves (`Some`) or forgets (`None`) the sync connection.
pub async fn set_sync_connection(store: &Store, json: Option<&str>) -> Result<(), SettingsError> {
    match json {
        Some(json) => {
            sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(SYNC_CONNECTION)
                .bind(json)
                .execute(store.pool())
                .await?;
        }
        None => {
            sqlx::query("DELETE FROM settings WHERE key = ?")
                .bind(SYNC_CONNECTION)
                .execute(store.pool())
                .await?;
        }
    }
    Ok(())
}
