//! Schema migrations with two guards sqlx does not give: a database written by a
//! newer binary is refused before anything touches it, and the file is copied
//! (with `VACUUM INTO`, a consistent snapshot even under WAL) before any new
//! migration runs on a database that already holds data.
//!
//! A migration that fails after an update (each runs in its own transaction,
//! so the store stays at the last one that succeeded) names that copy in its
//! error, with how to go back: install the previous version and restore it.

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
    let mut kept = None;
    if pending && !applied.is_empty() {
        let from = applied.iter().map(|(v, _)| *v).max().unwrap_or(0);
        kept = Some(backup(pool, data_dir, from).await?);
    }
    match migrator.run(pool).await {
        Ok(()) => Ok(()),
        Err(source) => {
            let version = match &source {
                sqlx::migrate::MigrateError::ExecuteMigration(_, version) => Some(*version),
                _ => None,
            };
            Err(StoreError::MigrationFailed {
                version,
                backup: kept,
                source,
            })
        }
    }
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
