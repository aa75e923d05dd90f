use tauri::State;
use zapdesk_core::contacts::{self, Contact, ContactInput, ContactPage, ContactQuery};
use zapdesk_core::filter::{ContactFilter, ContactSelection};
use zapdesk_core::{AccountId, ContactId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn contacts_list(
    state: State<'_, AppState>,
    account: AccountId,
    query: ContactQuery,
) -> Result<ContactPage, IpcError> {
    Ok(contacts::list(state.store()?, account, &query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: ContactInput,
) -> Result<Contact, IpcError> {
    Ok(contacts::create(state.store()?, account, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
    input: ContactInput,
) -> Result<Contact, IpcError> {
    Ok(contacts::update(state.store()?, account, id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
) -> Result<(), IpcError> {
    Ok(contacts::delete(state.store()?, account, id).await?)
}

/// Marks a contact as opted out of messages, or back in (an operator's decision).
#[tauri::command]
#[specta::specta]
pub async fn contacts_set_opt_out(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
    opted_out: bool,
) -> Result<Contact, IpcError> {
    let store = state.store()?;
    zapdesk_core::opt_out::set(store, account, id, opted_out)
        .await
        .map_err(zapdesk_core::contacts::ContactError::Database)?;
    Ok(contacts::get(store, account, id).await?)
}

/// How many contacts a filter matches (the live count of a segment being edited).
#[tauri::command]
#[specta::specta]
pub async fn contacts_count(
    state: State<'_, AppState>,
    account: AccountId,
    filter: ContactFilter,
) -> Result<u32, IpcError> {
    Ok(contacts::count(state.store()?, account, &filter).await?)
}

/// Deletes picked contacts or a whole filter result; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn contacts_delete_selection(
    state: State<'_, AppState>,
    account: AccountId,
    selection: ContactSelection,
) -> Result<u32, IpcError> {
    Ok(contacts::delete_selection(state.store()?, account, &selection).await?)
}
