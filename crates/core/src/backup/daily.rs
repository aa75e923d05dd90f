//! The automatic backup: at most one a day, whoever asks how often. "Made
//! today" is read from the backup folder itself, so it holds across
//! restarts, and a backup made by hand today counts.

use jiff::tz::TimeZone;

use super::list::{BackupInfo, list, prune};
use super::names::{self, BackupKind};
use super::{BackupError, BackupSettings, back_up};
use crate::Store;

/// Takes the day's backup unless one of today (daily or manual) is in the
/// folder, then deletes the backups past `settings.keep_days`. Returns the
/// backup taken, if one was.
pub async fn back_up_if_due(
    store: &Store,
    settings: &BackupSettings,
    now_ms: i64,
    tz: &TimeZone,
) -> Result<Option<BackupInfo>, BackupError> {
    let folder = settings.folder_in(store.data_dir());
    let today = names::local(now_ms, tz).date();
    let made_today = list(std::slice::from_ref(&folder), tz)?
        .into_iter()
        .any(|b| {
            matches!(b.kind, BackupKind::Daily | BackupKind::Manual)
                && names::local(b.taken_at, tz).date() == today
        });
    let taken = if made_today {
        None
    } else {
        Some(back_up(store, &folder, BackupKind::Daily, now_ms, tz).await?)
    };
    prune(&folder, settings.keep_days, now_ms, tz)?;
    Ok(taken)
}
