//! Settings → Sincronização: test, save (and connect), disconnect, sync now.
//! The password arrives as text from the form and goes straight into a
//! [`Password`], which never prints; it is stored only in the OS credential store.

use tauri::State;
use zapdesk_sync::{
    ConnectionSettings, ParkedChange, Password, RemoteStatus, SyncView, test_connection,
};

use crate::{AppState, IpcError};

/// The connection (no password) and the engine's status right now; the
/// `sync` event carries every later change.
#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncView, IpcError> {
    Ok(state.app()?.sync().view())
}

/// Connects once without saving anything: the server's schema version and
/// the operator's accounts, or why it failed.
#[tauri::command]
#[specta::specta]
pub async fn sync_test(
    settings: ConnectionSettings,
    password: String,
) -> Result<RemoteStatus, IpcError> {
    Ok(test_connection(&settings, &Password::new(password)).await?)
}

/// Tests, then saves the connection and (re)starts sync with it.
#[tauri::command]
#[specta::specta]
pub async fn sync_save(
    state: State<'_, AppState>,
    settings: ConnectionSettings,
    password: String,
) -> Result<RemoteStatus, IpcError> {
    let lang = state.lang();
    let app = state.app()?;
    let status = app
        .sync()
        .connect(settings, &Password::new(password), lang)
        .await?;
    // Whoever logged in is this desktop's operator from now on.
    app.adopt_login(&status).await?;
    Ok(status)
}

/// Stops sync and forgets the connection and its saved password.
#[tauri::command]
#[specta::specta]
pub async fn sync_disconnect(state: State<'_, AppState>) -> Result<(), IpcError> {
    let app = state.app()?;
    app.sync().disconnect().await?;
    Ok(app.forget_login().await?)
}

/// Pushes local changes now rather than at the next interval.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.app()?.sync().poke().await;
    Ok(())
}

/// The changes the server refused for good, set aside so the rest syncs.
#[tauri::command]
#[specta::specta]
pub async fn sync_parked(state: State<'_, AppState>) -> Result<Vec<ParkedChange>, IpcError> {
    let lang = state.lang();
    Ok(state.app()?.sync().parked(lang).await?)
}

/// Sends the parked changes again (after fixing what the reason said).
#[tauri::command]
#[specta::specta]
pub async fn sync_retry_parked(state: State<'_, AppState>) -> Result<u64, IpcError> {
    Ok(state.app()?.sync().retry_parked().await?)
}
