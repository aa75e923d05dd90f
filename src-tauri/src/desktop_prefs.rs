//! How this desktop's window behaves, kept per computer (not synced: closing
//! to the tray is a habit of the machine, not of the agency): `desktop.json`
//! in the data folder. Tauri-free.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FILE: &str = "desktop.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DesktopPrefs {
    /// Closing the window keeps the numbers running in the tray (on by default).
    pub close_to_tray: bool,
    /// The person was told once, on the first close, that ZapDesk went on.
    pub close_told: bool,
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        DesktopPrefs {
            close_to_tray: true,
            close_told: false,
        }
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The saved choices; the defaults when none were saved or the file is unreadable.
pub fn load(dir: &Path) -> DesktopPrefs {
    std::fs::read(path(dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Saves through a temporary file, so a crash mid-write leaves the old choices.
pub fn save(dir: &Path, prefs: &DesktopPrefs) -> std::io::Result<()> {
    use std::io::Write;
    // Written whole and synced before it replaces the old file: a crash
    // leaves the old choices or the new ones, never half a file.
    let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(&serde_json::to_vec_pretty(prefs)?)?;
    file.sync_all()?;
    std::fs::rename(tmp, path(dir))
}

/// What closing the window does now, and the choices after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// Quit the app (numbers stop).
    Quit,
    /// Stay in the tray; `tell` the first time.
    StayInTray { tell: bool },
}

/// Decides a close, marking the first one as told.
pub fn on_close(prefs: &mut DesktopPrefs) -> OnClose {
    if !prefs.close_to_tray {
        return OnClose::Quit;
    }
    let tell = !prefs.close_told;
    prefs.close_told = true;
    OnClose::StayInTray { tell }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zapdesk-prefs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn close_to_tray_is_on_by_default_and_told_once() {
        let mut prefs = DesktopPrefs::default();
        assert_eq!(on_close(&mut prefs), OnClose::StayInTray { tell: true });
        assert_eq!(on_close(&mut prefs), OnClose::StayInTray { tell: false });
        prefs.close_to_tray = false;
        assert_eq!(on_close(&mut prefs), OnClose::Quit);
    }

    #[test]
    fn saved_choices_are_read_back_and_a_broken_file_gives_defaults() {
        let dir = temp_dir("roundtrip");
        assert_eq!(load(&dir), DesktopPrefs::default());
        let chosen = DesktopPrefs {
            close_to_tray: false,
            close_told: true,
        };
        save(&dir, &chosen).unwrap();
        assert_eq!(load(&dir), chosen);
        std::fs::write(dir.join(FILE), b"{not json").unwrap();
        assert_eq!(load(&dir), DesktopPrefs::default());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
