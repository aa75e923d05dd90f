//! Where ZapDesk keeps its data: the local database, its backups and (later)
//! the Chromium profiles of the numbers.
//!
//! The order of precedence is the `--data-dir` flag, then `ZAPDESK_DATA_DIR`,
//! then the platform default the caller passes (the desktop app passes Tauri's
//! app data dir). Tests always pass a temporary folder.

use std::path::{Path, PathBuf};

/// The environment variable that overrides the data folder.
pub const ENV_VAR: &str = "ZAPDESK_DATA_DIR";

/// Chooses the data folder: the explicit flag, else the environment, else the default.
pub fn resolve(
    flag: Option<&Path>,
    env: Option<&str>,
    default: impl FnOnce() -> PathBuf,
) -> PathBuf {
    if let Some(flag) = flag {
        return flag.to_path_buf();
    }
    match env.map(str::trim) {
        Some(env) if !env.is_empty() => PathBuf::from(env),
        _ => default(),
    }
}

/// The app's identifier; the desktop app's data folder is named after it.
pub const APP_IDENTIFIER: &str = "app.zapdesk.desktop";

/// The platform's per-user data folder for ZapDesk, the same one Tauri's
/// `app_data_dir` gives the desktop app, so the CLI and the app share a store.
pub fn platform_default() -> PathBuf {
    let home = || {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    };
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA")
            .map(PathBuf::from)
            .unwrap_or_else(home)
    } else if cfg!(target_os = "macos") {
        home().join("Library").join("Application Support")
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| home().join(".local").join("share"))
    };
    base.join(APP_IDENTIFIER)
}

/// Reads `ZAPDESK_DATA_DIR` from the process environment.
pub fn from_env() -> Option<String> {
    std::env::var(ENV_VAR).ok()
}

/// Proof that this process is the only ZapDesk using a data folder: two
/// copies must never drive the same Chromium profiles or send the same outbox.
/// The OS releases the lock when the process ends, even when it is killed.
#[derive(Debug)]
pub struct DataDirLock {
    _file: std::fs::File,
}

/// Another ZapDesk (the app or `zapdesk-cli serve`) holds the data folder.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another ZapDesk is already using {0}")]
    AlreadyRunning(PathBuf),
    #[error("cannot lock the data folder: {0}")]
    Io(#[from] std::io::Error),
}

impl crate::UserError for LockError {
    fn code(&self) -> crate::ErrorCode {
        match self {
            LockError::AlreadyRunning(_) => crate::ErrorCode::AlreadyRunning,
            LockError::Io(_) => crate::ErrorCode::DataDirUnusable,
        }
    }

    fn message(&self, lang: crate::Lang) -> String {
        match (self, lang) {
            (LockError::AlreadyRunning(dir), crate::Lang::PtBr) => format!(
                "O ZapDesk já está aberto com a pasta de dados {}. Use a janela aberta, ou feche-a antes.",
                dir.display()
            ),
            (LockError::AlreadyRunning(dir), crate::Lang::En) => format!(
                "ZapDesk is already running with the data folder {}. Use that window, or close it first.",
                dir.display()
            ),
            (LockError::Io(e), crate::Lang::PtBr) => {
                format!("Não foi possível usar a pasta de dados: {e}")
            }
            (LockError::Io(e), crate::Lang::En) => format!("The data folder cannot be used: {e}"),
        }
    }
}

/// Takes the data folder for this process, or says who has it.
pub fn lock(dir: &Path) -> Result<DataDirLock, LockError> {
    std::fs::create_dir_all(dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("zapdesk.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(DataDirLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(LockError::AlreadyRunning(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_folder_is_locked_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = lock(dir.path()).expect("first lock");
        assert!(matches!(
            lock(dir.path()),
            Err(LockError::AlreadyRunning(_))
        ));
        drop(first);
        assert!(lock(dir.path()).is_ok());
    }

    #[test]
    fn flag_beats_env_beats_default() {
        let default = || PathBuf::from("/default");
        assert_eq!(
            resolve(Some(Path::new("/flag")), Some("/env"), default),
            PathBuf::from("/flag")
        );
        assert_eq!(resolve(None, Some("/env"), default), PathBuf::from("/env"));
        assert_eq!(
            resolve(None, Some("  "), default),
            PathBuf::from("/default")
        );
        assert_eq!(resolve(None, None, default), PathBuf::from("/default"));
    }
}
