//! Custom fields per account: definitions and a contact's values.

use tauri::State;
use zapdesk_core::changes::Table;
use zapdesk_core::fields::{self, CustomField, FieldInput, FieldValue};
use zapdesk_core::ids::FieldId;
use zapdesk_core::{AccountId, ContactId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn fields_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<CustomField>, IpcError> {
    Ok(fields::list(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn fields_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: FieldInput,
) -> Result<CustomField, IpcError> {
    let created = fields::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::CustomFields], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn fields_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: FieldId,
    input: FieldInput,
) -> Result<CustomField, IpcError> {
    let updated = fields::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::CustomFields], updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn fields_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: FieldId,
) -> Result<(), IpcError> {
    let deleted = fields::delete(state.store()?, account, id);
    let tables = [Table::CustomFields, Table::ContactFields];
    Ok(state.app()?.wrote(Some(account), &tables, deleted).await?)
}

/// One contact's custom field values.
#[tauri::command]
#[specta::specta]
pub async fn fields_of_contact(
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<FieldValue>, IpcError> {
    Ok(fields::values_of(state.store()?, account, contact).await?)
}

/// Sets some of a contact's values (empty clears); all or nothing.
#[tauri::command]
#[specta::specta]
pub async fn fields_set_values(
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
    values: Vec<FieldValue>,
) -> Result<Vec<FieldValue>, IpcError> {
    let set = fields::set_values(state.store()?, account, contact, &values);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::ContactFields], set)
        .await?)
}
