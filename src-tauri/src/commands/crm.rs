//! Custom fields, segments, counts and bulk tagging: the CRM side of contacts.

use tauri::State;
use zapdesk_core::contacts::{self, ContactError};
use zapdesk_core::fields::{self, CustomField, FieldInput, FieldValue};
use zapdesk_core::filter::{ContactFilter, ContactSelection};
use zapdesk_core::ids::{FieldId, SegmentId, TagId};
use zapdesk_core::segments::{self, Segment, SegmentInput};
use zapdesk_core::tags;
use zapdesk_core::{AccountId, ContactId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn fields_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<CustomField>, IpcError> {
    fields::list(state.store()?, account)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn fields_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: FieldInput,
) -> Result<CustomField, IpcError> {
    fields::create(state.store()?, account, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn fields_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: FieldId,
    input: FieldInput,
) -> Result<CustomField, IpcError> {
    fields::update(state.store()?, account, id, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn fields_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: FieldId,
) -> Result<(), IpcError> {
    fields::delete(state.store()?, account, id)
        .await
        .map_err(|e| state.fail(e))
}

/// One contact's custom field values.
#[tauri::command]
#[specta::specta]
pub async fn fields_of_contact(
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<FieldValue>, IpcError> {
    fields::values_of(state.store()?, account, contact)
        .await
        .map_err(|e| state.fail(e))
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
    fields::set_values(state.store()?, account, contact, &values)
        .await
        .map_err(|e| state.fail(e))
}

/// How many contacts a filter matches (the live count of a segment being edited).
#[tauri::command]
#[specta::specta]
pub async fn contacts_count(
    state: State<'_, AppState>,
    account: AccountId,
    filter: ContactFilter,
) -> Result<u32, IpcError> {
    contacts::count(state.store()?, account, &filter)
        .await
        .map_err(|e| state.fail(e))
}

/// Puts a tag on (or takes it off) picked contacts or a whole filter result.
#[tauri::command]
#[specta::specta]
pub async fn tags_apply_selection(
    state: State<'_, AppState>,
    account: AccountId,
    tag: TagId,
    selection: ContactSelection,
    on: bool,
) -> Result<u32, IpcError> {
    let changed = tags::apply_to(state.store()?, account, tag, &selection, on)
        .await
        .map_err(|e| state.fail(e))?;
    Ok(u32::try_from(changed).unwrap_or(u32::MAX))
}

/// Deletes picked contacts or a whole filter result; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn contacts_delete_selection(
    state: State<'_, AppState>,
    account: AccountId,
    selection: ContactSelection,
) -> Result<u32, IpcError> {
    contacts::delete_selection(state.store()?, account, &selection)
        .await
        .map_err(|e: ContactError| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn segments_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<Segment>, IpcError> {
    segments::list(state.store()?, account)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn segments_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: SegmentInput,
) -> Result<Segment, IpcError> {
    segments::create(state.store()?, account, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn segments_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: SegmentId,
    input: SegmentInput,
) -> Result<Segment, IpcError> {
    segments::update(state.store()?, account, id, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn segments_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: SegmentId,
) -> Result<(), IpcError> {
    segments::delete(state.store()?, account, id)
        .await
        .map_err(|e| state.fail(e))
}
