//! The desktop's own settings (close to the tray, start with the system) and
//! the browser numbers run on (the first-run screen and the number cards).

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;
use zapdesk_core::{ErrorCode, Lang, UserError};
use zapdesk_whatsapp::browser_search::{self, NotFound, Platform};

use crate::desktop_prefs;
use crate::{AppState, IpcError};

/// Settings → Área de trabalho.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DesktopSettings {
    /// Closing the window keeps the numbers running in the tray.
    pub close_to_tray: bool,
    /// ZapDesk opens when the person logs in.
    pub autostart: bool,
}

/// A desktop setting could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum DesktopError {
    #[error("saving the desktop settings: {0}")]
    Save(#[from] std::io::Error),
    #[error("start with the system: {0}")]
    Autostart(String),
    #[error("looking for the browser: {0}")]
    Search(String),
}

impl UserError for DesktopError {
    fn code(&self) -> ErrorCode {
        ErrorCode::FileWriteFailed
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DesktopError::Save(e), Lang::PtBr) => {
                format!("Não foi possível salvar a configuração na pasta de dados: {e}")
            }
            (DesktopError::Save(e), Lang::En) => {
                format!("The setting could not be saved in the data folder: {e}")
            }
            (DesktopError::Autostart(e), Lang::PtBr) => {
                format!("O sistema não aceitou iniciar o ZapDesk com ele: {e}")
            }
            (DesktopError::Autostart(e), Lang::En) => {
                format!("The system did not accept starting ZapDesk with it: {e}")
            }
            (DesktopError::Search(e), Lang::PtBr) => {
                format!("A procura pelo navegador falhou: {e}")
            }
            (DesktopError::Search(e), Lang::En) => format!("Looking for the browser failed: {e}"),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn desktop_settings(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<DesktopSettings, IpcError> {
    Ok(DesktopSettings {
        close_to_tray: desktop_prefs::load(state.data_dir()).close_to_tray,
        autostart: app.autolaunch().is_enabled().unwrap_or(false),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn desktop_set_close_to_tray(
    state: State<'_, AppState>,
    on: bool,
) -> Result<(), IpcError> {
    let mut prefs = desktop_prefs::load(state.data_dir());
    prefs.close_to_tray = on;
    desktop_prefs::save(state.data_dir(), &prefs).map_err(DesktopError::from)?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn desktop_set_autostart(app: AppHandle, on: bool) -> Result<(), IpcError> {
    let autolaunch = app.autolaunch();
    let done = if on {
        autolaunch.enable()
    } else {
        autolaunch.disable()
    };
    done.map_err(|e| DesktopError::Autostart(e.to_string()))?;
    Ok(())
}

/// The browser found, as the first-run screen and the number cards show it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BrowserFound {
    /// "Chromium", "Google Chrome", "Microsoft Edge".
    pub name: String,
    pub path: PathBuf,
    /// From `--version`; `None` where the browser prints none (Windows).
    pub version: Option<String>,
}

/// Whether numbers can start on this desktop.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BrowserCheck {
    pub platform: Platform,
    pub found: Option<BrowserFound>,
    /// Why none was found, when none was.
    pub missing: Option<NotFound>,
}

/// Looks for the browser again (the first-run screen's "Tentar de novo"):
/// one found now is what numbers start with from here on, and the numbers
/// that could not resume for lack of it start.
#[tauri::command]
#[specta::specta]
pub async fn browser_check(state: State<'_, AppState>) -> Result<BrowserCheck, IpcError> {
    let platform = Platform::current();
    // The search reads the disk and `--version` starts a process: off the
    // async threads, and the version within a bound (a wrapper script that
    // hangs costs the card its version, never the check its answer).
    let found = tauri::async_runtime::spawn_blocking(browser_search::find_here)
        .await
        .map_err(|e| DesktopError::Search(e.to_string()))?;
    let searched = match found {
        Ok(found) => {
            let path = found.path.clone();
            let asked =
                tauri::async_runtime::spawn_blocking(move || browser_search::version_of(&path));
            let version = tokio::time::timeout(std::time::Duration::from_secs(5), asked)
                .await
                .ok()
                .and_then(Result::ok)
                .flatten();
            Ok((found, version))
        }
        Err(missing) => Err(missing),
    };
    match searched {
        Ok((found, version)) => {
            if let Ok(running) = state.app() {
                let fleet = running.fleet();
                let was_missing = fleet.set_chromium(found.path.clone());
                if was_missing && let Err(e) = fleet.resume().await {
                    tracing::warn!("numbers not resumed after the browser was found: {e}");
                }
            }
            Ok(BrowserCheck {
                platform,
                found: Some(BrowserFound {
                    name: found.kind.label().to_owned(),
                    path: found.path,
                    version,
                }),
                missing: None,
            })
        }
        Err(missing) => Ok(BrowserCheck {
            platform,
            found: None,
            missing: Some(missing),
        }),
    }
}

/// The conversation a notification asked to open before this window loaded.
#[tauri::command]
#[specta::specta]
pub async fn desktop_take_opening() -> Result<Option<crate::desktop::Opening>, IpcError> {
    Ok(crate::desktop::take_opening())
}
