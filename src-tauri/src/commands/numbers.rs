use tauri::State;
use zapdesk_app::{NumberAction, NumberView, Simulation};
use zapdesk_core::instances::{Instance, NumberInput};
use zapdesk_core::{AccountId, InstanceId};

use crate::{AppState, IpcError};

#[tauri::command]
#[specta::specta]
pub async fn numbers_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<NumberView>, IpcError> {
    Ok(state.app()?.numbers_list(account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: NumberInput,
) -> Result<Instance, IpcError> {
    Ok(state.app()?.numbers_create(account, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_act(
    state: State<'_, AppState>,
    account: AccountId,
    id: InstanceId,
    action: NumberAction,
) -> Result<(), IpcError> {
    Ok(state.app()?.numbers_act(account, id, action).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_pairing_code(
    state: State<'_, AppState>,
    account: AccountId,
    id: InstanceId,
    phone: String,
) -> Result<String, IpcError> {
    Ok(state
        .app()?
        .fleet()
        .pairing_code(account, id, phone)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_simulate(
    state: State<'_, AppState>,
    account: AccountId,
    id: InstanceId,
    simulation: Simulation,
) -> Result<(), IpcError> {
    Ok(state
        .app()?
        .numbers_simulate(account, id, simulation)
        .await?)
}
