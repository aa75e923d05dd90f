//! Settings → Sobre: versions and the diagnostics text for support
//! (`zapdesk_app::Diagnostics`: no names, phones, messages or secrets).

use tauri::State;
use zapdesk_app::Diagnostics;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn app_diagnostics(state: State<'_, AppState>) -> Result<Diagnostics, IpcError> {
    let lang = state.lang();
    Ok(state.app()?.diagnostics(lang).await?)
}
