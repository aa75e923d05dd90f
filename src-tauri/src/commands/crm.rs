//! Custom fields, segments, counts and bulk tagging: the CRM side of contacts.

use tauri::State;
use zapdesk_core::contacts;
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
    Ok(fields::list(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn fields_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: FieldInput,
) -> Result<CustomField, IpcError> {
    Ok(fields::create(state.store()?, account, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn fields_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: FieldId,
    input: FieldInput,
) -> Result<CustomField, IpcError> {
    Ok(fields::update(state.store()?, account, id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn fields_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: FieldId,
) -> Result<(), IpcError> {
    Ok(fields::delete(state.store()?, account, id).await?)
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
    Ok(fields::set_values(state.store()?, account, contact, &values).await?)
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
    let changed = tags::apply_to(state.store()?, account, tag, &selection, on).await?;
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
    Ok(contacts::delete_selection(state.store()?, account, &selection).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn segments_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<Segment>, IpcError> {
    Ok(segments::list(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn segments_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: SegmentInput,
) -> Result<Segment, IpcError> {
    Ok(segments::create(state.store()?, account, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn segments_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: SegmentId,
    input: SegmentInput,
) -> Result<Segment, IpcError> {
    Ok(segments::update(state.store()?, account, id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn segments_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: SegmentId,
) -> Result<(), IpcError> {
    Ok(segments::delete(state.store()?, account, id).await?)
}
