//! Schema migrations with two guards sqlx does not give: a database written by a
//! newer binary is refused before anything touches it, and the file is copied
//! (with `VACUUM INTO`, a consistent snapshot even under WAL) before any new
//! migration runs on a database that already holds data.
//!
//! A migration that fails after an update (each runs in its own transaction,
//! so the store stays at the last one that succeeded) names that copy in its
//! error, with how to go back: install the previous version and restore it.
//! Until the update's migrations have all run, every start names that same
//! copy ([`MIGRATING`]) instead of copying the half-migrated store again.

use std::path::{Path, PathBuf};

use sqlx::SqlitePool;
use sqlx::migrate::Migrator;

use super::{BACKUP_DIR, StoreError};
use crate::time::now_ms;

/// The migrations of `migrations/sqlite/`, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

pub(super) async fn run(
    pool: &SqlitePool,
    data_dir: &Path,
    migrator: &Migrator,
) -> Result<(), StoreError> {
    let applied = applied_versions(pool).await?;
    let supported = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(&found) = applied.iter().map(|(v, _)| v).max()
        && found > supported
    {
        return Err(StoreError::TooNew { found, supported });
    }
    if let Some((version, _)) = applied.iter().find(|(_, ok)| !ok) {
        return Err(StoreError::Dirty(*version));
    }
    let pending = migrator
        .iter()
        .any(|m| !applied.iter().any(|(v, _)| *v == m.version));
    let marker = data_dir.join(BACKUP_DIR).join(MIGRATING);
    if !pending {
        // Nothing to migrate (sqlx still checks what was applied): whatever
        // an earlier failed update copied is no longer the store's state
        // before the next one.
        forget_marker(&marker);
    }
    let mut kept = None;
    if pending && !applied.is_empty() {
        kept = Some(match copy_named_by(&marker) {
            // An earlier start of this update failed (or was killed) after
            // some of its migrations committed: its copy is the store before
            // the update, a new one would be of the half-migrated store
            // (which the previous version cannot open) and one more full
            // copy a start.
            Some(earlier) => earlier,
            None => {
                let from = applied.iter().map(|(v, _)| *v).max().unwrap_or(0);
                let copy = backup(pool, data_dir, from).await?;
                name_in_marker(&marker, &copy)?;
                copy
            }
        });
    }
    match migrator.run(pool).await {
        Ok(()) => {
            forget_marker(&marker);
            Ok(())
        }
        // Only a migration that ran and failed: a changed checksum or a
        // missing one is not "this update broke the store" (nor, with no
        // copy, "nothing had been stored yet").
        Err(source @ sqlx::migrate::MigrateError::ExecuteMigration(_, version)) => {
            Err(StoreError::MigrationFailed {
                version: Some(version),
                backup: kept,
                source,
            })
        }
        Err(other) => Err(StoreError::Migrate(other)),
    }
}

/// In the backups folder, while an update's migrations have not all run: the
/// path of the copy taken before the first of them. Removed when they have
/// all run, when a store opens with nothing to migrate, and by a restore.
pub const MIGRATING: &str = "before-migrating.path";

fn copy_named_by(marker: &Path) -> Option<PathBuf> {
    let named = PathBuf::from(std::fs::read_to_string(marker).ok()?.trim_end());
    named.is_file().then_some(named)
}

/// Written under another name, synced, then renamed: a crash leaves the
/// marker whole or absent.
fn name_in_marker(marker: &Path, copy: &Path) -> Result<(), StoreError> {
    let failed = |e: std::io::Error| StoreError::Backup(e.to_string());
    let partial = marker.with_extension("partial");
    std::fs::write(&partial, copy.as_os_str().as_encoded_bytes()).map_err(failed)?;
    crate::backup::fsync::file(&partial).map_err(failed)?;
    std::fs::rename(&partial, marker).map_err(failed)?;
    if let Some(dir) = marker.parent() {
        crate::backup::fsync::dir(dir).map_err(failed)?;
    }
    Ok(())
}

/// Best effort: the store is fine either way, and a marker left in a folder
/// this process can write to but not remove from is not worth refusing it.
fn forget_marker(marker: &Path) {
    let _ = crate::backup::fsync::remove_if_there(marker);
}

/// Versions recorded by sqlx, with whether each finished; empty for a new database.
async fn applied_versions(pool: &SqlitePool) -> Result<Vec<(i64, bool)>, StoreError> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    if !has_table {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations")
            .fetch_all(pool)
            .await?,
    )
}

/// Copies the store before migrating it; returns the copy's path.
async fn backup(
    pool: &SqlitePool,
    data_dir: &Path,
    from_version: i64,
) -> Result<PathBuf, StoreError> {
    let dir = data_dir.join(BACKUP_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::Backup(e.to_string()))?;
    let path = dir.join(format!("zapdesk-v{from_version}-{}.sqlite3", now_ms()));
    let target = path
        .to_str()
        .ok_or_else(|| StoreError::Backup(format!("path is not UTF-8: {}", path.display())))?
        .to_owned();
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(pool)
        .await
        .map_err(|e| StoreError::Backup(e.to_string()))?;
    Ok(path)
}
