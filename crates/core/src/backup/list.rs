//! The backups of a folder, and retention.

use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::names::{self, BackupKind, DB_EXT, MEDIA_EXT};
use super::{BackupError, fsync};

/// One backup as Settings → Backup lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct BackupInfo {
    /// The database file, to restore from.
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    /// When it was taken (Unix milliseconds).
    pub taken_at: i64,
    /// The store's schema version in it.
    pub version: i64,
    /// Size of the database file.
    pub bytes: u64,
    /// Whether a media folder goes with it (copies taken before a migration
    /// or a restore have none: their media are the data folder's).
    pub media: bool,
    /// Media files and their bytes, when just taken (a listing does not count them).
    pub media_files: Option<u64>,
    pub media_bytes: Option<u64>,
}

impl BackupInfo {
    pub(super) fn new(
        db: &Path,
        at: DateTime,
        version: i64,
        kind: BackupKind,
        bytes: u64,
        media: bool,
        tz: &TimeZone,
    ) -> BackupInfo {
        BackupInfo {
            path: db.display().to_string(),
            file_name: db
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kind,
            taken_at: tz.to_timestamp(at).map(|t| t.as_millisecond()).unwrap_or(0),
            version,
            bytes,
            media,
            media_files: None,
            media_bytes: None,
        }
    }

    pub(super) fn with_media(mut self, files: u64, bytes: u64) -> BackupInfo {
        self.media_files = Some(files);
        self.media_bytes = Some(bytes);
        self
    }
}

/// The complete backups in `folders` (missing folders are empty), newest first.
pub fn list(folders: &[PathBuf], tz: &TimeZone) -> Result<Vec<BackupInfo>, BackupError> {
    let mut out: Vec<BackupInfo> = Vec::new();
    for folder in folders {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(BackupError::io("listing", folder)(e)),
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if !file_name.ends_with(DB_EXT) {
                continue;
            }
            let Some(name) = names::parse(&file_name, tz) else {
                continue;
            };
            let path = entry.path();
            if out.iter().any(|b| Path::new(&b.path) == path) {
                continue;
            }
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            let stem = &file_name[..file_name.len() - DB_EXT.len()];
            let media = folder.join(format!("{stem}{MEDIA_EXT}")).is_dir();
            out.push(BackupInfo::new(
                &path,
                name.at,
                name.version,
                name.kind,
                bytes,
                media,
                tz,
            ));
        }
    }
    out.sort_by(|a, b| {
        b.taken_at
            .cmp(&a.taken_at)
            .then(b.file_name.cmp(&a.file_name))
    });
    Ok(out)
}

/// Deletes the daily and manual backups of `folder` (with their media, and
/// leftovers of a crash) dated more than `keep_days` days before the day of
/// `now_ms`. Nothing else in the folder is touched. Returns what was deleted.
pub fn prune(
    folder: &Path,
    keep_days: u32,
    now_ms: i64,
    tz: &TimeZone,
) -> Result<Vec<PathBuf>, BackupError> {
    let today = names::local(now_ms, tz).date();
    let Ok(cutoff) = today.checked_sub(i64::from(keep_days).days()) else {
        return Ok(Vec::new());
    };
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BackupError::io("listing", folder)(e)),
    };
    let mut old: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            names::parse(&entry.file_name().to_string_lossy(), tz)
                .is_some_and(|n| n.kind.pruned() && n.at.date() < cutoff)
        })
        .map(|entry| entry.path())
        .collect();
    // The database first: once it is gone the backup is no longer listed,
    // so a crash midway never leaves a listed backup without its media.
    old.sort_by_key(|p| !p.to_string_lossy().ends_with(DB_EXT));
    for path in &old {
        if path.is_dir() {
            super::make::remove_dir_if_there(path)?;
        } else {
            fsync::remove_if_there(path).map_err(BackupError::io("removing", path))?;
        }
    }
    Ok(old)
}
