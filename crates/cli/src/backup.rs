//! `zapdesk-cli backup …`: Settings → Backup from a terminal — a backup now,
//! the list, and a restore — for a server run with `serve` or a desktop
//! whose window does not open. The same core calls as the screen, so the
//! checks (the file is a ZapDesk store, sync must be acknowledged) and the
//! safety copy are the same.

use std::path::Path;

use clap::Subcommand;
use jiff::tz::TimeZone;
use zapdesk_core::backup::{self, BackupError, BackupInfo, Restored};
use zapdesk_core::time::now_ms;
use zapdesk_core::{Store, data_dir, settings};

use crate::output::{Failure, json, table};

#[derive(Subcommand)]
pub enum Command {
    /// Back up the store (and media) now into the backup folder.
    Now,
    /// The backups found, newest first.
    List,
    /// Replace the store with a backup. The app must not be running on this
    /// data folder; the current store is kept aside first.
    Restore {
        /// The backup's database file (`zapdesk-….sqlite3`).
        file: std::path::PathBuf,
        /// Sync is on: restoring brings this desktop back, but changes
        /// already sent to the agency's database come back at the next sync.
        #[arg(long)]
        sync_acknowledged: bool,
    },
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    let tz = TimeZone::system();
    match cmd {
        Command::Now => {
            let made = backup::back_up_now(store, now_ms(), &tz).await?;
            Ok(if as_json { json(&made) } else { rows(&[made]) })
        }
        Command::List => {
            let found = backup::known(store, &tz).await?;
            Ok(if as_json { json(&found) } else { rows(&found) })
        }
        Command::Restore {
            file,
            sync_acknowledged,
        } => {
            let restored = restore(store, &file, sync_acknowledged, &tz).await?;
            Ok(restored_text(restored, as_json))
        }
    }
}

fn restored_text(restored: Restored, as_json: bool) -> String {
    if as_json {
        return json(&restored);
    }
    let kept = restored.safety_copy.map_or_else(String::new, |p| {
        format!("; the replaced store is kept at {p}")
    });
    format!(
        "restored (schema {}, {} media files){kept}",
        restored.version, restored.media_restored
    )
}

/// `backup restore FILE` on a data folder whose store this version cannot
/// open: newer than it knows, or left by an update whose migration failed
/// (docs/release.md, "Updates"). Restoring is then the way back, and needs
/// only the folder: its lock, the same checks of the file, the same safety
/// copy. Sync's setting is in the store that cannot be read, so its question
/// is not asked: a restore is never refused for it here.
pub async fn restore_unopened(dir: &Path, file: &Path, as_json: bool) -> Result<String, Failure> {
    let _lock = data_dir::lock(dir)?;
    let prepared = backup::prepare(dir, file).await?;
    let restored = backup::swap(dir, prepared, now_ms(), &TimeZone::system()).await?;
    Ok(restored_text(restored, as_json))
}

/// The app's restore without an app: the data folder's lock (refused while
/// the app or `serve` runs on it), the same checks, then the swap once this
/// process's connections are closed.
async fn restore(
    store: &Store,
    file: &Path,
    sync_acknowledged: bool,
    tz: &TimeZone,
) -> Result<Restored, Failure> {
    let dir = store.data_dir().to_path_buf();
    let _lock = data_dir::lock(&dir)?;
    if !sync_acknowledged && settings::sync_connection(store).await?.is_some() {
        return Err(BackupError::SyncOn.into());
    }
    let prepared = backup::prepare(&dir, file).await?;
    store.clone().close().await;
    Ok(backup::swap(&dir, prepared, now_ms(), tz).await?)
}

fn rows(backups: &[BackupInfo]) -> String {
    table(
        &["taken_at", "kind", "schema", "bytes", "media", "path"],
        &backups
            .iter()
            .map(|b| {
                vec![
                    jiff::Timestamp::from_millisecond(b.taken_at)
                        .map_or_else(|_| b.taken_at.to_string(), |t| t.to_string()),
                    format!("{:?}", b.kind).to_lowercase(),
                    b.version.to_string(),
                    b.bytes.to_string(),
                    if b.media { "yes" } else { "no" }.into(),
                    b.path.clone(),
                ]
            })
            .collect::<Vec<_>>(),
    )
}
