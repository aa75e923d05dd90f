//! Settings → Backup: the daily backup while the app runs, "back up now",
//! the list, and restoring a backup (`zapdesk_core::backup` does the files).
//!
//! A restore does not reopen the store in place: the store, the fleet, the
//! flow and campaign runners, sync, the webhooks and the local API all hold
//! the store, and reopening each of them would be a second start path for a
//! rare action. The app instead stops everything in its stop order, closes
//! the store, swaps the file, lets go of the data folder's lock and reports
//! `Restored`; the shell then restarts the process, whose normal start opens
//! (and, for an older backup, migrates) the restored store.
//!
//! Sync: a restored store still holds its sync state as it was at the
//! backup — its pull position and its unpushed changes with their clocks. At
//! the next connection it pulls everything the server received since (rows
//! changed or deleted after the backup come back as the server has them: the
//! newer clock wins) and pushes what it had not pushed, which the server
//! keeps only where it is newer. A backup therefore brings this desktop back,
//! but cannot undo a change already synced; a restore with sync on must be
//! acknowledged (`sync_acknowledged`) after the screen said so.

use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;
use serde::Serialize;
use tokio::task::JoinHandle;
use zapdesk_core::access::{self, Area};
use zapdesk_core::backup::{self, BackupError, BackupInfo, BackupKind, BackupSettings, Restored};
use zapdesk_core::settings;
use zapdesk_core::time::now_ms;

use crate::{App, AppError};

/// How often the running app asks whether the day's backup is due: the
/// answer is read from the backup folder, so asking often costs a listing.
pub const DAILY_CHECK: Duration = Duration::from_secs(15 * 60);

/// Settings → Backup as the screen shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BackupStatus {
    pub settings: BackupSettings,
    /// Where backups are written now (the picked folder or the default).
    pub folder: String,
    /// Where a restore keeps the store it replaces.
    pub safety_folder: String,
    /// Newest first: the folder's, and the data folder's `backups/` (copies
    /// taken before migrations and restores) when another folder was picked.
    pub backups: Vec<BackupInfo>,
    /// The newest daily or manual backup.
    pub last: Option<BackupInfo>,
    /// Sync is configured: a restore must be acknowledged (see the module).
    pub sync_on: bool,
}

impl App {
    pub async fn backup_status(&self) -> Result<BackupStatus, AppError> {
        access::require(self.store(), Area::Settings).await?;
        let settings = backup::backup_settings(self.store()).await?;
        let folder = settings.folder_in(self.data_dir());
        let safety = backup::safety_folder(self.data_dir());
        let backups = backup::known(self.store(), &TimeZone::system()).await?;
        let last = backups
            .iter()
            .find(|b| matches!(b.kind, BackupKind::Daily | BackupKind::Manual))
            .cloned();
        Ok(BackupStatus {
            settings,
            folder: folder.display().to_string(),
            safety_folder: safety.display().to_string(),
            backups,
            last,
            sync_on: settings::sync_connection(self.store()).await?.is_some(),
        })
    }

    /// "Fazer backup agora": a backup, then retention.
    pub async fn back_up_now(&self) -> Result<BackupInfo, AppError> {
        access::require(self.store(), Area::Settings).await?;
        Ok(backup::back_up_now(self.store(), now_ms(), &TimeZone::system()).await?)
    }

    pub async fn set_backup_settings(&self, settings: BackupSettings) -> Result<(), AppError> {
        access::require(self.store(), Area::Settings).await?;
        backup::set_backup_settings(self.store(), &settings).await?;
        Ok(())
    }

    /// Restores `path`: checked while everything runs (a refusal changes
    /// nothing), then the app is shut down, the store closed and swapped, and
    /// the data folder let go. The app cannot be used afterwards: the caller
    /// restarts the process.
    pub async fn restore_backup(
        &self,
        path: &std::path::Path,
        sync_acknowledged: bool,
    ) -> Result<Restored, AppError> {
        access::require(self.store(), Area::Settings).await?;
        if !sync_acknowledged && settings::sync_connection(self.store()).await?.is_some() {
            return Err(BackupError::SyncOn.into());
        }
        let prepared = backup::prepare(self.data_dir(), path).await?;
        self.shutdown().await;
        let data_dir = self.data_dir().to_path_buf();
        self.store().clone().close().await;
        let restored = backup::swap(&data_dir, prepared, now_ms(), &TimeZone::system()).await?;
        self.release_data_dir();
        Ok(restored)
    }

    /// The daily backup while the app runs: now, then every [`DAILY_CHECK`]
    /// (one a day at most: `back_up_if_due`). Ended with the app's other
    /// followers at shutdown.
    pub(crate) fn spawn_daily_backup(&self) -> JoinHandle<()> {
        let app = Arc::new(self.clone());
        tokio::spawn(async move {
            loop {
                let store = app.store();
                match backup::backup_settings(store).await {
                    Ok(settings) => {
                        let due =
                            backup::back_up_if_due(store, &settings, now_ms(), &TimeZone::system())
                                .await;
                        match due {
                            Ok(Some(made)) => tracing::info!("daily backup: {}", made.file_name),
                            Ok(None) => {}
                            Err(e) => tracing::warn!("daily backup failed: {e}"),
                        }
                    }
                    Err(e) => tracing::warn!("backup settings unreadable: {e}"),
                }
                tokio::time::sleep(DAILY_CHECK).await;
            }
        })
    }
}
