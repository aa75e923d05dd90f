//! The media files of a backup: the data folder's `media/` mirrored file by
//! file. A hard link costs no space and is safe because ZapDesk never
//! rewrites a media file in place (a new file goes to a temporary name and
//! is renamed); a backup folder on another disk gets copies instead.

use std::io;
use std::path::Path;

use super::fsync;

/// Files and bytes in a mirrored folder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mirrored {
    pub files: u64,
    pub bytes: u64,
}

/// Mirrors `from` into `to` (created; must not exist). A missing `from` is
/// an empty mirror. Files still being written (`.part`) are left out.
pub(super) fn mirror(from: &Path, to: &Path) -> io::Result<Mirrored> {
    let mut done = Mirrored::default();
    std::fs::create_dir_all(to)?;
    if !from.is_dir() {
        return Ok(done);
    }
    let mut stack = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        for entry in std::fs::read_dir(&src)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let target = dst.join(entry.file_name());
            if kind.is_dir() {
                std::fs::create_dir_all(&target)?;
                stack.push((entry.path(), target));
            } else if kind.is_file() && !entry.file_name().to_string_lossy().ends_with(".part") {
                done.bytes += link_or_copy(&entry.path(), &target)?;
                done.files += 1;
            }
        }
    }
    Ok(done)
}

/// Puts back, under `media`, every file of a backup's `from` that is not
/// there, each through a temporary name. Files already there stay as they
/// are. Returns how many were put back.
pub(super) fn restore(from: &Path, media: &Path) -> io::Result<u64> {
    let mut restored = 0;
    if !from.is_dir() {
        return Ok(0);
    }
    let mut stack = vec![(from.to_path_buf(), media.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        for entry in std::fs::read_dir(&src)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let target = dst.join(entry.file_name());
            if kind.is_dir() {
                stack.push((entry.path(), target));
            } else if kind.is_file() && !target.exists() {
                std::fs::create_dir_all(&dst)?;
                let tmp = dst.join(format!("{}.part", entry.file_name().to_string_lossy()));
                fsync::remove_if_there(&tmp)?;
                link_or_copy(&entry.path(), &tmp)?;
                std::fs::rename(&tmp, &target)?;
                restored += 1;
            }
        }
    }
    Ok(restored)
}

fn link_or_copy(from: &Path, to: &Path) -> io::Result<u64> {
    let bytes = std::fs::metadata(from)?.len();
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)?;
        fsync::file(to)?;
    }
    Ok(bytes)
}
