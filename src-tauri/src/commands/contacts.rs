use tauri::State;
use zapdesk_core::changes::Table;
use zapdesk_core::contacts::{self, Contact, ContactInput, ContactPage, ContactQuery};
use zapdesk_core::filter::{ContactFilter, ContactSelection};
use zapdesk_core::{AccountId, ContactId};

use crate::{AppState, IpcError};

/// What deleting contacts removes with them (their conversations' bot
/// sessions go with the conversations).
const DELETED: &[Table] = &[
    Table::Contacts,
    Table::ContactTags,
    Table::ContactFields,
    Table::Conversations,
    Table::Messages,
    Table::FlowSessions,
];

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
    let created = contacts::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Contacts], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
    input: ContactInput,
) -> Result<Contact, IpcError> {
    let updated = contacts::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Contacts], updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: ContactId,
) -> Result<(), IpcError> {
    let deleted = contacts::delete(state.store()?, account, id);
    Ok(state.app()?.wrote(Some(account), DELETED, deleted).await?)
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
    Ok(state
        .app()?
        .contacts_set_opt_out(account, id, opted_out)
        .await?)
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
    let deleted = contacts::delete_selection(state.store()?, account, &selection);
    Ok(state.app()?.wrote(Some(account), DELETED, deleted).await?)
}
