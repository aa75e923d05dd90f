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

#[cfg(test)]
mod tests {
    use super::*;

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
