//! Restoring a backup, in two halves so the running app stops nothing for a
//! file it will refuse:
//!
//! 1. [`prepare`], while the app runs: copy the backup next to the store as
//!    `zapdesk.sqlite3.restoring` (synced), and check the copy. A refusal
//!    removes the copy; nothing else was touched.
//! 2. [`swap`], once the caller has stopped the numbers and closed the store:
//!    the current store is copied aside into the data folder's `backups/`
//!    (synced and renamed — the person's data is safe before anything
//!    replaces it), its WAL and shared-memory files are removed (they belong
//!    to the old file), and the checked copy is renamed over the store. The
//!    rename is the one step that switches; a crash before it leaves the old
//!    store in place (the leftover copy is replaced at the next restore), a
//!    crash after it leaves the restored one. The backup's media files
//!    missing from the data folder are put back before that rename (adding
//!    files only, so harmless if the swap then fails): a crash right after
//!    the switch never leaves the restored store without its media.
//!
//! The store that opens next migrates an older backup as any older store.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use serde::Serialize;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::names::{self, BackupKind, DB_EXT, MEDIA_EXT, PARTIAL};
use super::{BackupError, check_file, fsync, media};
use crate::store::{BACKUP_DIR, DB_FILE, MIGRATING};

const RESTORING: &str = "zapdesk.sqlite3.restoring";

/// A backup copied next to the store and checked, ready for [`swap`].
#[derive(Debug)]
pub struct Prepared {
    copy: PathBuf,
    media: Option<PathBuf>,
    /// The backup's schema version.
    pub version: i64,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Restored {
    /// Where the store that was replaced is kept (`None`: there was none).
    pub safety_copy: Option<String>,
    /// The restored backup's schema version (migrated when the store opens).
    pub version: i64,
    /// Media files of the backup put back in the data folder.
    pub media_restored: u64,
}

/// Copies `backup` next to the store in `data_dir` and checks the copy.
pub async fn prepare(data_dir: &Path, backup: &Path) -> Result<Prepared, BackupError> {
    // Refused before anything is copied: a foreign file costs no disk.
    check_file(backup).await?;
    let copy = data_dir.join(RESTORING);
    fsync::remove_if_there(&copy).map_err(BackupError::io("removing", &copy))?;
    std::fs::copy(backup, &copy).map_err(BackupError::io("copying", backup))?;
    // What was checked above could have changed since: the copy is what counts.
    let version = match async {
        fsync::file(&copy).map_err(BackupError::io("syncing", &copy))?;
        check_file(&copy).await
    }
    .await
    {
        Ok(version) => version,
        Err(e) => {
            let _ = std::fs::remove_file(&copy);
            return Err(e);
        }
    };
    let media = backup
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(DB_EXT))
        .map(|stem| backup.with_file_name(format!("{stem}{MEDIA_EXT}")))
        .filter(|m| m.is_dir());
    Ok(Prepared {
        copy,
        media,
        version,
    })
}

/// Swaps the prepared copy in for the store of `data_dir`. The store must be
/// closed (every connection of this process), and no other process may use
/// the folder (the caller holds the data folder's lock).
pub async fn swap(
    data_dir: &Path,
    prepared: Prepared,
    now_ms: i64,
    tz: &TimeZone,
) -> Result<Restored, BackupError> {
    let db = data_dir.join(DB_FILE);
    let wal = data_dir.join(format!("{DB_FILE}-wal"));
    let shm = data_dir.join(format!("{DB_FILE}-shm"));
    let safety_copy = if db.exists() {
        Some(keep_aside(data_dir, &db, &wal, now_ms, tz).await?)
    } else {
        None
    };
    let media_restored = match &prepared.media {
        Some(from) => media::restore(from, &data_dir.join("media"))
            .map_err(BackupError::io("restoring media from", from))?,
        None => 0,
    };
    for side in [&wal, &shm] {
        fsync::remove_if_there(side).map_err(BackupError::io("removing", side))?;
    }
    fsync::dir(data_dir).map_err(BackupError::io("syncing", data_dir))?;
    std::fs::rename(&prepared.copy, &db).map_err(BackupError::io("renaming", &prepared.copy))?;
    fsync::dir(data_dir).map_err(BackupError::io("syncing", data_dir))?;
    // A failed update's copy is of the store just replaced, not of this
    // one: the next update must copy this one before migrating it.
    let marker = data_dir.join(BACKUP_DIR).join(MIGRATING);
    fsync::remove_if_there(&marker).map_err(BackupError::io("removing", &marker))?;
    Ok(Restored {
        safety_copy: safety_copy.map(|p| p.display().to_string()),
        version: prepared.version,
        media_restored,
    })
}

/// Copies the current store (with what its WAL still holds) into the safety
/// folder, under a `.partial` name until it is complete and synced.
async fn keep_aside(
    data_dir: &Path,
    db: &Path,
    wal: &Path,
    now_ms: i64,
    tz: &TimeZone,
) -> Result<PathBuf, BackupError> {
    // Folds the WAL into the file, so the copy is one file. A store too
    // damaged for that is copied with its WAL beside it instead.
    let version = checkpoint(db).await;
    let folder = super::safety_folder(data_dir);
    std::fs::create_dir_all(&folder).map_err(BackupError::io("creating", &folder))?;
    let mut stem = names::stem(names::local(now_ms, tz), version, BackupKind::BeforeRestore);
    // Two restores within a second (or an hour repeated when clocks go
    // back) must not replace the copy of the data before the first one.
    let base = stem.clone();
    let mut n = 1;
    while folder.join(format!("{stem}{DB_EXT}")).exists() {
        n += 1;
        stem = format!("{base}-{n}");
    }
    let target = folder.join(format!("{stem}{DB_EXT}"));
    let partial = folder.join(format!("{stem}{DB_EXT}{PARTIAL}"));
    if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
        let wal_copy = folder.join(format!("{stem}{DB_EXT}-wal"));
        std::fs::copy(wal, &wal_copy).map_err(BackupError::io("copying", wal))?;
        fsync::file(&wal_copy).map_err(BackupError::io("syncing", &wal_copy))?;
    }
    std::fs::copy(db, &partial).map_err(BackupError::io("copying", db))?;
    fsync::file(&partial).map_err(BackupError::io("syncing", &partial))?;
    std::fs::rename(&partial, &target).map_err(BackupError::io("renaming", &partial))?;
    fsync::dir(&folder).map_err(BackupError::io("syncing", &folder))?;
    Ok(target)
}

/// Checkpoints the closed store's WAL into its file and returns its schema
/// version (0 when it cannot be read).
async fn checkpoint(db: &Path) -> i64 {
    let Ok(mut conn) = SqliteConnectOptions::new().filename(db).connect().await else {
        return 0;
    };
    let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await;
    let version = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    let _ = conn.close().await;
    version
}
