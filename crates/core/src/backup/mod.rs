//! Backups a person can restore: copies of the local store taken with
//! `VACUUM INTO` (a consistent snapshot even while the app writes), named by
//! their local date and time and the store's schema version, in the data
//! folder's `backups/` or a folder the owner picks (`settings.rs`).
//!
//! **Media files are included**: next to each `zapdesk-backup-….sqlite3` is a
//! `….media/` folder mirroring the data folder's `media/` (each file a hard
//! link when the backup folder is on the same disk — no extra space, media
//! files are never rewritten — and a copy when it is not, the case that
//! survives a broken disk). A restore puts back the media files missing from
//! the data folder and leaves the others. The numbers' Chromium profiles
//! (their WhatsApp sessions) are not in a backup: a restored number is
//! linked again with its QR code.
//!
//! A backup is written under a `.partial` name, synced to disk and renamed:
//! a crash never leaves a file that looks like a complete backup. Retention
//! (`prune`) deletes only this module's daily and manual backups, never a
//! file it did not name, the copies taken before a migration or the safety
//! copies a restore keeps.
//!
//! Restoring (`restore.rs`) copies and checks the file first while the app
//! still runs, then — once the caller has stopped the numbers and closed the
//! store — keeps the current store aside and swaps the checked copy in with
//! one rename.

mod check;
mod daily;
mod error;
pub(crate) mod fsync;
mod list;
mod make;
mod media;
mod names;
mod restore;
mod settings;

pub use check::check_file;
pub use daily::back_up_if_due;
pub use error::BackupError;
pub use list::{BackupInfo, list, prune};
pub use make::{back_up, back_up_now, schema_version};
pub use names::BackupKind;
pub use restore::{Prepared, Restored, prepare, swap};
pub use settings::{
    BackupSettings, DEFAULT_KEEP_DAYS, MAX_KEEP_DAYS, backup_settings, set_backup_settings,
};

use std::path::{Path, PathBuf};

/// Where backups go when no folder was picked: the data folder's
/// `backups/`, next to the copies taken before migrating.
pub fn default_folder(data_dir: &Path) -> PathBuf {
    data_dir.join(crate::store::BACKUP_DIR)
}

/// Where a restore keeps the store it replaces: always inside the data
/// folder (the same disk, so nothing depends on a picked folder being there).
pub fn safety_folder(data_dir: &Path) -> PathBuf {
    default_folder(data_dir)
}

/// Every backup a restore can pick, newest first: the folder the settings
/// name, and the data folder's `backups/` (copies taken before migrations
/// and restores) when another folder was picked.
pub async fn known(
    store: &crate::Store,
    tz: &jiff::tz::TimeZone,
) -> Result<Vec<BackupInfo>, BackupError> {
    let folder = backup_settings(store).await?.folder_in(store.data_dir());
    list(&[folder, safety_folder(store.data_dir())], tz)
}
