//! Is this file a backup this ZapDesk can restore? A SQLite file (its
//! header), sound (`PRAGMA integrity_check`), with our migrations table whose
//! every applied migration is one of ours with the same checksum, none left
//! half-applied, and none newer than this binary knows. An older one is
//! fine: the store migrates it when it opens.

use std::io::Read;
use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::BackupError;
use crate::store::{MIGRATOR, latest_version};

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Checks `path` without writing to it (opened immutable: no journal, no
/// lock file) and returns its schema version.
pub async fn check_file(path: &Path) -> Result<i64, BackupError> {
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::NotFound(path.to_path_buf()),
        _ => BackupError::io("reading", path)(e),
    })?;
    if file.read_exact(&mut header).is_err() || &header != SQLITE_HEADER {
        return Err(BackupError::NotSqlite(path.to_path_buf()));
    }
    drop(file);
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| BackupError::Damaged(e.to_string()))?;
    let verdict = check_open(&mut conn).await;
    let _ = conn.close().await;
    verdict
}

async fn check_open(conn: &mut sqlx::SqliteConnection) -> Result<i64, BackupError> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| BackupError::Damaged(e.to_string()))?;
    if problems != ["ok"] {
        return Err(BackupError::Damaged(problems.join("; ")));
    }
    let has_migrations: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !has_migrations {
        return Err(BackupError::Foreign("no migrations table".into()));
    }
    let applied: Vec<(i64, bool, Vec<u8>)> =
        sqlx::query_as("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| BackupError::Foreign(e.to_string()))?;
    let Some(&(newest, _, _)) = applied.last() else {
        return Err(BackupError::Foreign("no migration applied".into()));
    };
    let supported = latest_version();
    if newest > supported {
        return Err(BackupError::TooNew {
            found: newest,
            supported,
        });
    }
    for (version, success, checksum) in &applied {
        if !success {
            return Err(BackupError::Damaged(format!(
                "migration {version} half-applied"
            )));
        }
        let ours = MIGRATOR
            .iter()
            .any(|m| m.version == *version && *m.checksum == **checksum);
        if !ours {
            return Err(BackupError::Foreign(format!(
                "migration {version} is not ZapDesk's"
            )));
        }
    }
    Ok(newest)
}
