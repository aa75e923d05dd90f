//! The connection this desktop syncs with: the settings in the local
//! `settings` table (host, port, database, operator, TLS; no secret) and the
//! password in the OS credential store through [`SavedPassword`]. Nothing is
//! saved until the settings validate, so a saved connection is always one the
//! engine may use.

use zapdesk_core::settings::{self, SettingsError};
use zapdesk_core::{ErrorCode, Lang, Store, UserError};

use crate::connection::ConnectionSettings;
use crate::error::RemoteError;
use crate::secret::{Password, SavedPassword};

/// Why the saved connection could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
}

impl UserError for SavedError {
    fn code(&self) -> ErrorCode {
        match self {
            SavedError::Settings(e) => e.code(),
            SavedError::Remote(e) => e.code(),
        }
    }
    fn message(&self, lang: Lang) -> String {
        match self {
            SavedError::Settings(e) => e.message(lang),
            SavedError::Remote(e) => e.message(lang),
        }
    }
}

/// The saved settings, if any. Unreadable JSON (a setting written by a newer
/// ZapDesk) counts as none: the operator types the connection again rather
/// than the app refusing to start.
pub async fn load(store: &Store) -> Result<Option<ConnectionSettings>, SavedError> {
    let json = settings::sync_connection(store).await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Validates and saves the settings and the password. The password goes
/// first: settings without their password would start an engine that cannot log in.
pub async fn save(
    store: &Store,
    connection: &ConnectionSettings,
    password: &Password,
) -> Result<(), SavedError> {
    connection.validate()?;
    SavedPassword::of(connection)?.save(password)?;
    let json = serde_json::to_string(connection).map_err(|e| RemoteError::UrlInvalid {
        detail: e.to_string(),
    })?;
    settings::set_sync_connection(store, Some(&json)).await?;
    Ok(())
}

/// Forgets the settings and the password; nothing saved is not an error.
pub async fn forget(store: &Store) -> Result<(), SavedError> {
    if let Some(connection) = load(store).await? {
        SavedPassword::of(&connection)?.forget()?;
    }
    settings::set_sync_connection(store, None).await?;
    Ok(())
}
