use tauri::State;
use zapdesk_core::contacts::{self, Contact, ContactInput, ContactPage, ContactQuery};
use zapdesk_core::{AccountId, ContactId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn contacts_list(
    state: State<'_, AppState>,
    account: AccountId,
    query: ContactQuery,
) -> Result<ContactPage, IpcError> {
    contacts::list(state.store()?, account, &query)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: ContactInput,
) -> Result<Contact, IpcError> {
    contacts::create(state.store()?, account, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
    input: ContactInput,
) -> Result<Contact, IpcError> {
    contacts::update(state.store()?, account, id, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
) -> Result<(), IpcError> {
    contacts::delete(state.store()?, account, id)
        .await
        .map_err(|e| state.fail(e))
}
