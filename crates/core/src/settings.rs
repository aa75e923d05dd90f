//! Preferences of this desktop (not of an account): the language, the
//! agency server it syncs with, and where the local API listens.

use serde::{Deserialize, Serialize};

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

/// The local API's port until someone picks another (Settings → API).
pub const API_DEFAULT_PORT: u16 = 8787;

/// Where the local API listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ApiSettings {
    pub port: u16,
    /// Listen on every network interface (the local network), not only on
    /// this computer; off until the owner turns it on.
    pub lan: bool,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            port: API_DEFAULT_PORT,
            lan: false,
        }
    }
}

const API_PORT: &str = "api.port";
const API_LAN: &str = "api.lan";

/// The local API's port and whether it listens on the local network; the
/// defaults until saved (a value that cannot be read counts as unsaved).
pub async fn api(store: &Store) -> Result<ApiSettings, SettingsError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key IN (?, ?)")
            .bind(API_PORT)
            .bind(API_LAN)
            .fetch_all(store.pool())
            .await?;
    let mut settings = ApiSettings::default();
    for (key, value) in rows {
        match key.as_str() {
            API_PORT => settings.port = value.parse().unwrap_or(API_DEFAULT_PORT),
            API_LAN => settings.lan = value == "true",
            _ => {}
        }
    }
    Ok(settings)
}

/// Saves the local API's port and network choice, both in one transaction.
/// Whether the port can be used is the server's to say when it listens.
pub async fn set_api(store: &Store, settings: ApiSettings) -> Result<(), SettingsError> {
    let mut tx = store.write().await?;
    for (key, value) in [
        (API_PORT, settings.port.to_string()),
        (API_LAN, settings.lan.to_string()),
    ] {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
