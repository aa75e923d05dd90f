//! The agency's operators, and who is at this desktop.

use tauri::State;
use zapdesk_core::UserId;
use zapdesk_core::changes::Table;
use zapdesk_core::domain::User;
use zapdesk_core::users::{self, UserInput};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<User>, IpcError> {
    Ok(users::list(state.store()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn users_create(state: State<'_, AppState>, input: UserInput) -> Result<User, IpcError> {
    let created = users::create(state.store()?, &input);
    Ok(state.app()?.wrote(None, &[Table::Users], created).await?)
}

/// The operator using this desktop, once chosen.
#[tauri::command]
#[specta::specta]
pub async fn users_me(state: State<'_, AppState>) -> Result<Option<User>, IpcError> {
    Ok(users::me(state.store()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn users_set_me(state: State<'_, AppState>, id: UserId) -> Result<User, IpcError> {
    let set = users::set_me(state.store()?, id);
    Ok(state.app()?.wrote(None, &[Table::Settings], set).await?)
}
