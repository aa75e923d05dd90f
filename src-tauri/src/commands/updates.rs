//! Settings → Sobre → Atualizações (issue 19, item 4): the update's state,
//! a check, and installing what the check found (`crate::updates`). The
//! restart after an install is `app_restart`, as after a restore.

use tauri::{AppHandle, State};
use zapdesk_app::update::UpdateState;

use crate::updates::{self, UpdateSlot};
use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub fn update_status(slot: State<'_, UpdateSlot>) -> Result<UpdateState, IpcError> {
    Ok(slot.updates.state())
}

#[tauri::command]
#[specta::specta]
pub async fn update_check(
    app: AppHandle,
    slot: State<'_, UpdateSlot>,
    state: State<'_, AppState>,
) -> Result<UpdateState, IpcError> {
    Ok(updates::check(&app, &slot, state.lang()).await)
}

/// Downloads and installs; progress arrives as the `update` event.
#[tauri::command]
#[specta::specta]
pub async fn update_install(
    app: AppHandle,
    slot: State<'_, UpdateSlot>,
    state: State<'_, AppState>,
) -> Result<UpdateState, IpcError> {
    Ok(updates::install(&app, &slot, state.lang()).await)
}
