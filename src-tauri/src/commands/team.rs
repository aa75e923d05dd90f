use tauri::State;
use zapdesk_core::domain::User;
use zapdesk_core::inbox::quick_replies::{self, QuickReply, QuickReplyInput};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, MessageId, UserId};

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
    Ok(quick_replies::create(state.store()?, account, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
    input: QuickReplyInput,
) -> Result<QuickReply, IpcError> {
    Ok(quick_replies::update(state.store()?, account, id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
) -> Result<(), IpcError> {
    Ok(quick_replies::delete(state.store()?, account, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<User>, IpcError> {
    Ok(users::list(state.store()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn users_create(state: State<'_, AppState>, input: UserInput) -> Result<User, IpcError> {
    Ok(users::create(state.store()?, &input).await?)
}

/// The operator using this desktop, once chosen.
#[tauri::command]
#[specta::specta]
pub async fn users_me(state: State<'_, AppState>) -> Result<Option<User>, IpcError> {
    Ok(users::me(state.store()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn users_set_me(state: State<'_, AppState>, id: UserId) -> Result<User, IpcError> {
    Ok(users::set_me(state.store()?, id).await?)
}
