use tauri::State;
use zapdesk_core::domain::Message;
use zapdesk_core::inbox::conversations::{self, ConversationSummary};
use zapdesk_core::{AccountId, ConversationId, InstanceId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn inbox_list(
    state: State<'_, AppState>,
    account: AccountId,
    instance: Option<InstanceId>,
) -> Result<Vec<ConversationSummary>, IpcError> {
    conversations::list(state.store()?, account, instance, 200)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_thread(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    before: Option<i64>,
) -> Result<Vec<Message>, IpcError> {
    conversations::thread(state.store()?, account, conversation, before, 100)
        .await
        .map_err(|e| state.fail(e))
}

/// Queues a reply; `true` when its number is connected and it goes out now.
#[tauri::command]
#[specta::specta]
pub async fn inbox_reply(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    text: String,
) -> Result<bool, IpcError> {
    state
        .fleet()?
        .reply(account, conversation, &text)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_mark_read(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(), IpcError> {
    state
        .fleet()?
        .mark_read(account, conversation)
        .await
        .map_err(|e| state.fail(e))
}
