//! Settings → Integrações: the account's cloud commands (rows Zapier, Make
//! or n8n write to the agency's `zapdesk.commands`) and "run again" for a
//! failed one. Each command is one call of `zapdesk-app`, which reads the
//! server on the sync connection.

use tauri::State;
use zapdesk_app::{CloudCommandList, CommandState};
use zapdesk_core::AccountId;
use zapdesk_core::access::Area;
use zapdesk_core::ids::CommandId;

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn cloud_commands_list(
    state: State<'_, AppState>,
    account: AccountId,
    filter: Option<CommandState>,
    limit: Option<u32>,
) -> Result<CloudCommandList, IpcError> {
    // The rows carry customers' phones and texts: the agency's settings,
    // not an agent's (access.rs), as the webhooks are.
    state.app()?.require(Area::Settings).await?;
    Ok(state
        .app()?
        .cloud_commands_list(account, filter, limit)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cloud_commands_retry(
    state: State<'_, AppState>,
    account: AccountId,
    id: CommandId,
) -> Result<CommandId, IpcError> {
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.cloud_commands_retry(account, id).await?)
}

/// Gives up on a "run again" pinned to one desktop that still waits for it
/// (pending, or stuck on a desktop silent for ten minutes): the row is
/// deleted on the server, so no desktop runs it.
#[tauri::command]
#[specta::specta]
pub async fn cloud_commands_give_up(
    state: State<'_, AppState>,
    account: AccountId,
    id: CommandId,
) -> Result<(), IpcError> {
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.cloud_commands_give_up(account, id).await?)
}
