use tauri::State;
use zapdesk_core::AccountId;
use zapdesk_core::accounts::{self, Account, AccountInput};
use zapdesk_core::changes::Table;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn accounts_list(
    state: State<'_, AppState>,
    include_archived: bool,
) -> Result<Vec<Account>, IpcError> {
    // An agent sees the accounts they were given (access.rs).
    Ok(state.app()?.accounts_visible(include_archived).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_create(
    state: State<'_, AppState>,
    input: AccountInput,
) -> Result<Account, IpcError> {
    let created = accounts::create(state.store()?, &input);
    Ok(state
        .app()?
        .wrote(None, &[Table::Accounts], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_update(
    state: State<'_, AppState>,
    id: AccountId,
    input: AccountInput,
) -> Result<Account, IpcError> {
    let updated = accounts::update(state.store()?, id, &input);
    Ok(state
        .app()?
        .wrote(None, &[Table::Accounts], updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_set_archived(
    state: State<'_, AppState>,
    id: AccountId,
    archived: bool,
) -> Result<Account, IpcError> {
    let archived = accounts::set_archived(state.store()?, id, archived);
    Ok(state
        .app()?
        .wrote(None, &[Table::Accounts], archived)
        .await?)
}
