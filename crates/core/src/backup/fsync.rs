//! Writes that survive a crash or power cut: a file is synced before it is
//! renamed to its final name, and the folder after, so the rename itself is
//! on disk.

use std::io;
use std::path::Path;

pub(crate) fn file(path: &Path) -> io::Result<()> {
    std::fs::OpenOptions::new()
        .read(true)
        .open(path)?
        .sync_all()
}

/// Windows cannot open a folder as a file; its renames are journaled by NTFS.
pub(crate) fn dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(path)?.sync_all()?;
    }
    #[cfg(not(unix))]
    {
        let _ = path;
    }
    Ok(())
}

/// Removes a file that may not exist.
pub(crate) fn remove_if_there(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
