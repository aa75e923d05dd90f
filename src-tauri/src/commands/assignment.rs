//! Fair assignment (issue 18, item 6): the account's switch and caps (the
//! Team screen; owners and admins, refused to agents in the core), the
//! operator at this desktop available or away, the queue, and transfers
//! with a note. The chats themselves are given out by the flow runner of the
//! desktop that runs each number (`zapdesk_core::assignment::drain`).

use tauri::State;
use zapdesk_core::assignment::{self, AssignmentSettings, Availability, QueuedChat, Transfer};
use zapdesk_core::changes::Table;
use zapdesk_core::{AccountId, ConversationId, UserId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn assignment_settings(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<AssignmentSettings, IpcError> {
    Ok(assignment::settings(state.store()?, account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn assignment_set_account(
    state: State<'_, AppState>,
    account: AccountId,
    auto: bool,
    default_cap: u32,
) -> Result<AssignmentSettings, IpcError> {
    let set = assignment::set_account(state.store()?, account, auto, default_cap);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::AutomationSettings], set)
        .await?)
}

/// An operator's own cap in the account (`None`: the account's default).
#[tauri::command]
#[specta::specta]
pub async fn assignment_set_cap(
    state: State<'_, AppState>,
    account: AccountId,
    user: UserId,
    cap: Option<u32>,
) -> Result<AssignmentSettings, IpcError> {
    let set = assignment::set_operator_cap(state.store()?, account, user, cap);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::AutomationSettings], set)
        .await?)
}

/// The conversations waiting for a person, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn assignment_queue(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<QueuedChat>, IpcError> {
    Ok(assignment::queue(state.store()?, account).await?)
}

/// Whether the operator at this desktop is available.
#[tauri::command]
#[specta::specta]
pub async fn assignment_availability(state: State<'_, AppState>) -> Result<Availability, IpcError> {
    Ok(assignment::availability(state.store()?).await?)
}

/// "Disponível / Ausente" for the operator at this desktop, in every
/// account they were given.
#[tauri::command]
#[specta::specta]
pub async fn assignment_set_available(
    state: State<'_, AppState>,
    available: bool,
) -> Result<Availability, IpcError> {
    let set = assignment::set_available(state.store()?, available);
    Ok(state
        .app()?
        .wrote(None, &[Table::AutomationSettings], set)
        .await?)
}

/// Transfers the conversation to another operator or number with a note;
/// the conversation where the chat is now.
#[tauri::command]
#[specta::specta]
pub async fn inbox_transfer(
    state: State<'_, AppState>,
    account: AccountId,
    conversation: ConversationId,
    to: Transfer,
) -> Result<ConversationId, IpcError> {
    let moved = assignment::transfer(state.store()?, account, conversation, &to);
    Ok(state
        .app()?
        .wrote(
            Some(account),
            &[Table::Conversations, Table::Notes, Table::FlowSessions],
            moved,
        )
        .await?)
}
