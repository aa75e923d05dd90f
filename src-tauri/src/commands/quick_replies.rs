//! The account's `/quick replies` for the composer.

use tauri::State;
use zapdesk_core::changes::Table;
use zapdesk_core::inbox::quick_replies::{self, QuickReply, QuickReplyInput};
use zapdesk_core::{AccountId, MessageId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<QuickReply>, IpcError> {
    Ok(quick_replies::list(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: QuickReplyInput,
) -> Result<QuickReply, IpcError> {
    let created = quick_replies::create(state.store()?, account, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::QuickReplies], created)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
    input: QuickReplyInput,
) -> Result<QuickReply, IpcError> {
    let updated = quick_replies::update(state.store()?, account, id, &input);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::QuickReplies], updated)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
) -> Result<(), IpcError> {
    let deleted = quick_replies::delete(state.store()?, account, id);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::QuickReplies], deleted)
        .await?)
}
