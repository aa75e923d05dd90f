//! Segments: saved contact filters with live counts.

use tauri::State;
use zapdesk_core::AccountId;
use zapdesk_core::changes::Table;
use zapdesk_core::ids::SegmentId;
use zapdesk_core::segments::{self, Segment, SegmentInput};

use crate::{AppState, IpcError};

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
    let created = segments::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Segments], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn segments_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: SegmentId,
    input: SegmentInput,
) -> Result<Segment, IpcError> {
    let updated = segments::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Segments], updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn segments_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: SegmentId,
) -> Result<(), IpcError> {
    let deleted = segments::delete(state.store()?, account, id);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Segments], deleted)
        .await?)
}
