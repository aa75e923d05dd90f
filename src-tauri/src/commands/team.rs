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
    quick_replies::list(state.store()?, account)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: QuickReplyInput,
) -> Result<QuickReply, IpcError> {
    quick_replies::create(state.store()?, account, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
    input: QuickReplyInput,
) -> Result<QuickReply, IpcError> {
    quick_replies::update(state.store()?, account, id, &input)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn quick_replies_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
) -> Result<(), IpcError> {
    quick_replies::delete(state.store()?, account, id)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<User>, IpcError> {
    users::list(state.store()?).await.map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn users_create(state: State<'_, AppState>, input: UserInput) -> Result<User, IpcError> {
    users::create(state.store()?, &input)
        .await
        .map_err(|e| state.fail(e))
}

/// The operator using this desktop, once chosen.
#[tauri::command]
#[specta::specta]
pub async fn users_me(state: State<'_, AppState>) -> Result<Option<User>, IpcError> {
    users::me(state.store()?).await.map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn users_set_me(state: State<'_, AppState>, id: UserId) -> Result<User, IpcError> {
    users::set_me(state.store()?, id)
        .await
        .map_err(|e| state.fail(e))
}
