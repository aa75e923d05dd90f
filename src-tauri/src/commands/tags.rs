use tauri::State;
use zapdesk_core::changes::Table;
use zapdesk_core::domain::Tag;
use zapdesk_core::filter::ContactSelection;
use zapdesk_core::ids::TagId;
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, ContactId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn tags_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<Tag>, IpcError> {
    Ok(tags::list(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn tags_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: TagInput,
) -> Result<Tag, IpcError> {
    let created = tags::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Tags], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn tags_delete(
    state: State<'_, AppState>,
    account: AccountId,
    tag: TagId,
) -> Result<(), IpcError> {
    let deleted = tags::delete(state.store()?, account, tag);
    let tables = [Table::Tags, Table::ContactTags];
    Ok(state.app()?.wrote(Some(account), &tables, deleted).await?)
}

/// Puts a tag on the contacts (`on`) or takes it off; returns how many changed.
#[tauri::command]
#[specta::specta]
pub async fn tags_apply(
    state: State<'_, AppState>,
    account: AccountId,
    tag: TagId,
    contacts: Vec<ContactId>,
    on: bool,
) -> Result<u32, IpcError> {
    let applied = tags::apply(state.store()?, account, tag, &contacts, on);
    let changed = state
        .app()?
        .wrote(Some(account), &[Table::ContactTags], applied)
        .await?;
    Ok(u32::try_from(changed).unwrap_or(u32::MAX))
}

#[tauri::command]
#[specta::specta]
pub async fn tags_of_contact(
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<Tag>, IpcError> {
    Ok(tags::of_contact(state.store()?, account, contact).await?)
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
    let applied = tags::apply_to(state.store()?, account, tag, &selection, on);
    let changed = state
        .app()?
        .wrote(Some(account), &[Table::ContactTags], applied)
        .await?;
    Ok(u32::try_from(changed).unwrap_or(u32::MAX))
}
