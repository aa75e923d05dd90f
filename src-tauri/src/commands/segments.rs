//! Segments: saved contact filters with live counts.

use tauri::State;
use zapdesk_core::AccountId;
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
