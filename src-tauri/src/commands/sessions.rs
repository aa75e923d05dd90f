//! The bot in one conversation (the inbox's contact panel): the session
//! running there with its variables, what the bot did and why, starting a
//! flow by hand and stopping the bot.

use tauri::State;
use zapdesk_core::automation::sessions::{self, LogLine, SessionView};
use zapdesk_core::ids::{FlowId, SessionId};
use zapdesk_core::{AccountId, ConversationId};

use crate::{AppState, IpcError};

/// Lines of the bot's log the panel shows.
const LOG_LINES: u32 = 50;

/// The session running in the conversation, if any.
#[tauri::command]
#[specta::specta]
pub async fn sessions_active(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Option<SessionView>, IpcError> {
    Ok(sessions::active_session(state.store()?, account, conversation).await?)
}

/// The bot's latest log lines in the conversation, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn sessions_log(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Vec<LogLine>, IpcError> {
    Ok(sessions::log(state.store()?, account, conversation, LOG_LINES).await?)
}

/// "Iniciar fluxo": starts a published flow in the conversation.
#[tauri::command]
#[specta::specta]
pub async fn sessions_start(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    flow: FlowId,
) -> Result<SessionId, IpcError> {
    Ok(state.app()?.flow_start(account, conversation, flow).await?)
}

/// "Parar o bot": ends the conversation's session; whether one was running.
#[tauri::command]
#[specta::specta]
pub async fn sessions_stop(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<bool, IpcError> {
    Ok(state.app()?.flow_stop(account, conversation).await?)
}
