//! Settings → Backup: the list, "back up now", where and how long, and
//! restoring. Each a call of `zapdesk-app` (which refuses agents: access.rs,
//! Area::Settings). A restore stops the app and swaps the store; the window
//! then restarts the process (`app_restart`) — see crates/app/src/backup.rs
//! for why the store is not reopened in place.

use std::path::PathBuf;

use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use zapdesk_app::BackupStatus;
use zapdesk_core::access::Area;
use zapdesk_core::backup::{BackupInfo, BackupSettings, Restored};
use zapdesk_core::changes::Table;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn backup_status(state: State<'_, AppState>) -> Result<BackupStatus, IpcError> {
    Ok(state.app()?.backup_status().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn backup_now(state: State<'_, AppState>) -> Result<BackupInfo, IpcError> {
    let app = state.app()?;
    Ok(app
        .wrote(None, &[Table::Settings], app.back_up_now())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn backup_set_settings(
    state: State<'_, AppState>,
    settings: BackupSettings,
) -> Result<(), IpcError> {
    let app = state.app()?;
    Ok(app
        .wrote(None, &[Table::Settings], app.set_backup_settings(settings))
        .await?)
}

/// The system's folder picker for where backups go; `None` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn backup_pick_folder(app: AppHandle, title: String) -> Result<Option<String>, IpcError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .pick_folder(move |folder| {
            let _ = tx.send(folder.and_then(|f| f.into_path().ok()));
        });
    Ok(rx.await.ok().flatten().map(|p| p.display().to_string()))
}

/// The file picker for a backup kept elsewhere (another disk); `None` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn backup_pick_file(app: AppHandle, title: String) -> Result<Option<String>, IpcError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("ZapDesk", &["sqlite3"])
        .pick_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    Ok(rx.await.ok().flatten().map(|p| p.display().to_string()))
}

/// Restores `path`. The file is checked before anything stops; then the
/// local API stops (no request may reach the store being swapped), the app
/// stops its numbers, swaps the store and lets go of the data folder. The UI
/// shows the result and calls `app_restart`.
#[tauri::command]
#[specta::specta]
pub async fn backup_restore(
    state: State<'_, AppState>,
    path: String,
    sync_acknowledged: bool,
) -> Result<Restored, IpcError> {
    let app = state.app()?;
    app.require(Area::Settings).await?;
    let path = PathBuf::from(path);
    zapdesk_core::backup::check_file(&path).await?;
    state.api()?.stop().await;
    Ok(app.restore_backup(&path, sync_acknowledged).await?)
}

/// Restarts ZapDesk (after a restore): the exit runs the usual stop, then
/// the process starts again on the data folder.
#[tauri::command]
#[specta::specta]
pub fn app_restart(app: AppHandle) -> Result<(), IpcError> {
    app.request_restart();
    Ok(())
}
