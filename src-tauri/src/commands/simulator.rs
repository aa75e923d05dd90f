//! The flow simulator panel: a conversation with a flow (the canvas's
//! draft as it is, or a published version) in a throwaway store, with the
//! engine the bot runs. Each command is one call of the running app.

use tauri::State;
use zapdesk_app::{SimSource, SimView};
use zapdesk_core::AccountId;
use zapdesk_core::ids::FlowId;

use crate::{AppState, IpcError};

/// Opens a simulation and runs the flow's first turn. A document that
/// could not be published is refused with every problem (`flow_invalid`).
/// With `skip_calls`, HTTP and AI nodes are answered "skipped" instead of
/// called. A fifth open simulation closes the oldest.
#[tauri::command]
#[specta::specta]
pub async fn flows_simulate_open(
    state: State<'_, AppState>,
    account: AccountId,
    flow: FlowId,
    source: SimSource,
    skip_calls: bool,
) -> Result<SimView, IpcError> {
    Ok(state
        .app()?
        .flows_simulate_open(account, flow, &source, skip_calls)
        .await?)
}

/// The simulated contact writes `text`; `simulation_unknown` for a closed
/// simulation.
#[tauri::command]
#[specta::specta]
pub async fn flows_simulate_write(
    state: State<'_, AppState>,
    simulation: String,
    text: String,
) -> Result<SimView, IpcError> {
    Ok(state
        .app()?
        .flows_simulate_write(&simulation, &text)
        .await?)
}

/// Fast-forwards to the end of the session's wait (a delay, a question's
/// time limit) and handles what is due then.
#[tauri::command]
#[specta::specta]
pub async fn flows_simulate_advance(
    state: State<'_, AppState>,
    simulation: String,
) -> Result<SimView, IpcError> {
    Ok(state.app()?.flows_simulate_advance(&simulation).await?)
}

/// Closes the simulation and removes its throwaway store.
#[tauri::command]
#[specta::specta]
pub async fn flows_simulate_close(
    state: State<'_, AppState>,
    simulation: String,
) -> Result<(), IpcError> {
    Ok(state.app()?.flows_simulate_close(&simulation).await?)
}
