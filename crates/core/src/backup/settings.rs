//! Where backups go and how long they are kept: preferences of this desktop,
//! in the store's `settings` table (not synced).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::BackupError;
use crate::Store;

pub const DEFAULT_KEEP_DAYS: u32 = 7;
/// A year of daily copies is already more than most disks want.
pub const MAX_KEEP_DAYS: u32 = 365;

const FOLDER: &str = "backup.folder";
const KEEP_DAYS: &str = "backup.keep_days";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BackupSettings {
    /// A folder the owner picked; `None`: the data folder's `backups/`.
    pub folder: Option<String>,
    /// Daily and manual backups older than this many days are deleted.
    pub keep_days: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            folder: None,
            keep_days: DEFAULT_KEEP_DAYS,
        }
    }
}

impl BackupSettings {
    /// The folder backups are written to.
    pub fn folder_in(&self, data_dir: &Path) -> PathBuf {
        match &self.folder {
            Some(folder) => PathBuf::from(folder),
            None => super::default_folder(data_dir),
        }
    }
}

/// The saved settings, the defaults for what was never saved or cannot be read.
pub async fn backup_settings(store: &Store) -> Result<BackupSettings, BackupError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key IN (?, ?)")
            .bind(FOLDER)
            .bind(KEEP_DAYS)
            .fetch_all(store.pool())
            .await?;
    let mut settings = BackupSettings::default();
    for (key, value) in rows {
        match key.as_str() {
            FOLDER if !value.is_empty() => settings.folder = Some(value),
            KEEP_DAYS => {
                settings.keep_days = value
                    .parse()
                    .ok()
                    .filter(|d| (1..=MAX_KEEP_DAYS).contains(d))
                    .unwrap_or(DEFAULT_KEEP_DAYS)
            }
            _ => {}
        }
    }
    Ok(settings)
}

/// Saves the settings after checking the days and that the folder can be
/// written (it is created if missing).
pub async fn set_backup_settings(
    store: &Store,
    settings: &BackupSettings,
) -> Result<(), BackupError> {
    if !(1..=MAX_KEEP_DAYS).contains(&settings.keep_days) {
        return Err(BackupError::KeepDays {
            given: settings.keep_days,
            max: MAX_KEEP_DAYS,
        });
    }
    let folder = settings
        .folder
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty());
    if let Some(folder) = folder {
        writable(Path::new(folder))?;
    }
    let mut tx = store.write().await?;
    for (key, value) in [
        (FOLDER, folder.unwrap_or_default().to_owned()),
        (KEEP_DAYS, settings.keep_days.to_string()),
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

/// A relative folder would move with the working directory; a folder that
/// cannot take a file would fail every night without anyone seeing it.
fn writable(folder: &Path) -> Result<(), BackupError> {
    let refused = |reason: String| BackupError::Folder {
        path: folder.to_path_buf(),
        reason,
    };
    if !folder.is_absolute() {
        return Err(refused("not an absolute path".into()));
    }
    std::fs::create_dir_all(folder).map_err(|e| refused(e.to_string()))?;
    let probe = folder.join(".zapdesk-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| refused(e.to_string()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
