//! The account's bot as a whole: its settings (on/off, time zone, hand-off
//! words and reply, session expiry, private HTTP, AI endpoint), the AI key on
//! this computer, and the files keywords and flows send.

use tauri::State;
use zapdesk_app::{AiKeyStatus, SETTINGS_TABLES};
use zapdesk_core::AccountId;
use zapdesk_core::automation::files::{self, AutomationFile};
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::inbox::attachments::FileInput;

use crate::{AppState, IpcError};

/// The account's settings, or the defaults when none were saved.
#[tauri::command]
#[specta::specta]
pub async fn automation_settings_get(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<AutomationSettings, IpcError> {
    Ok(settings::get(state.store()?, account).await?)
}

/// Checks and saves the settings; returns them as stored. A change of the AI
/// address or of private addresses is refused unless the operator using this
/// desktop is an owner or an admin (`automation_settings_forbidden`).
#[tauri::command]
#[specta::specta]
pub async fn automation_settings_save(
    state: State<'_, AppState>,
    account: AccountId,
    settings: AutomationSettings,
) -> Result<AutomationSettings, IpcError> {
    let saved = settings::save(state.store()?, account, &settings);
    Ok(state
        .app()?
        .wrote(Some(account), SETTINGS_TABLES, saved)
        .await?)
}

/// Stores a file (bytes in base64) for keywords and flows to send.
#[tauri::command]
#[specta::specta]
pub async fn automation_files_upload(
    state: State<'_, AppState>,
    account: AccountId,
    file: FileInput,
) -> Result<AutomationFile, IpcError> {
    Ok(state.app()?.automation_files_upload(account, &file).await?)
}

/// The account's files, newest first.
#[tauri::command]
#[specta::specta]
pub async fn automation_files_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<AutomationFile>, IpcError> {
    Ok(files::list(state.store()?, account).await?)
}

/// Keeps (a key) or forgets (`null`) the account's AI key in this computer's
/// password store, for the account's AI address as saved now (the key is sent
/// to that address only); it is never shown again.
#[tauri::command]
#[specta::specta]
pub async fn automation_ai_key_set(
    state: State<'_, AppState>,
    account: AccountId,
    key: Option<String>,
) -> Result<(), IpcError> {
    Ok(state.app()?.automation_ai_key_set(account, key).await?)
}

/// Whether this computer keeps an AI key for the account, where it is sent,
/// and why it is not sent to the account's AI address now (it changed since
/// the key was kept, …).
#[tauri::command]
#[specta::specta]
pub async fn automation_ai_key_status(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<AiKeyStatus, IpcError> {
    Ok(state.app()?.automation_ai_key_status(account).await?)
}
