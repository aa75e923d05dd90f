//! Taking a backup: media first, the database last, each under a `.partial`
//! name until complete, so what a listing shows is always whole.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use tokio::sync::Mutex;

use super::list::BackupInfo;
use super::names::{self, BackupKind, DB_EXT, MEDIA_EXT, PARTIAL};
use super::{BackupError, fsync, media};
use crate::Store;

/// One backup at a time in this process: the daily one and "back up now"
/// would otherwise write the same names.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Copies the store (and its media) into `folder` as a backup of `kind`,
/// named by `now_ms` in `tz`.
pub async fn back_up(
    store: &Store,
    folder: &Path,
    kind: BackupKind,
    now_ms: i64,
    tz: &TimeZone,
) -> Result<BackupInfo, BackupError> {
    let _one = ONE_AT_A_TIME.lock().await;
    std::fs::create_dir_all(folder).map_err(BackupError::io("creating", folder))?;
    let version = schema_version(store).await?;
    let at = names::local(now_ms, tz);
    let stem = names::stem(at, version, kind);
    let db = folder.join(format!("{stem}{DB_EXT}"));
    if db.exists() {
        return Err(BackupError::JustMade(db));
    }
    let media_dir = folder.join(format!("{stem}{MEDIA_EXT}"));
    let media_partial = folder.join(format!("{stem}{MEDIA_EXT}{PARTIAL}"));
    let db_partial = folder.join(format!("{stem}{DB_EXT}{PARTIAL}"));
    // Leftovers of a crash under these very names.
    remove_dir_if_there(&media_partial)?;
    remove_dir_if_there(&media_dir)?;
    fsync::remove_if_there(&db_partial).map_err(BackupError::io("removing", &db_partial))?;

    let media_src = store.data_dir().join("media");
    let mirrored = media::mirror(&media_src, &media_partial)
        .map_err(BackupError::io("copying media into", &media_partial))?;
    std::fs::rename(&media_partial, &media_dir)
        .map_err(BackupError::io("renaming", &media_partial))?;

    let target = db_partial
        .to_str()
        .ok_or_else(|| BackupError::Folder {
            path: folder.to_path_buf(),
            reason: "path is not UTF-8".into(),
        })?
        .to_owned();
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(store.pool())
        .await?;
    fsync::file(&db_partial).map_err(BackupError::io("syncing", &db_partial))?;
    std::fs::rename(&db_partial, &db).map_err(BackupError::io("renaming", &db_partial))?;
    fsync::dir(folder).map_err(BackupError::io("syncing", folder))?;
    let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    Ok(BackupInfo::new(&db, at, version, kind, bytes, true, tz)
        .with_media(mirrored.files, mirrored.bytes))
}

/// The newest migration applied to the store.
pub async fn schema_version(store: &Store) -> Result<i64, BackupError> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(store.pool())
            .await?,
    )
}

pub(super) fn remove_dir_if_there(dir: &PathBuf) -> Result<(), BackupError> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(BackupError::io("removing", dir)(e))
        }
        _ => Ok(()),
    }
}

/// "Back up now" (Settings and the CLI): a manual backup into the folder the
/// settings name, then that folder's retention.
pub async fn back_up_now(
    store: &Store,
    now_ms: i64,
    tz: &TimeZone,
) -> Result<BackupInfo, BackupError> {
    let settings = super::backup_settings(store).await?;
    let folder = settings.folder_in(store.data_dir());
    let made = back_up(store, &folder, BackupKind::Manual, now_ms, tz).await?;
    super::prune(&folder, settings.keep_days, now_ms, tz)?;
    Ok(made)
}
