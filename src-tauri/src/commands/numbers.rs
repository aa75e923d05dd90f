use serde::{Deserialize, Serialize};
use tauri::State;
use zapdesk_core::instances::{self, Instance, NumberInput};
use zapdesk_core::{AccountId, InstanceId};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::sandbox::Incoming;
use zapdesk_whatsapp::status::Status;

use crate::{AppState, IpcError};

/// A number with its live status.
#[derive(Serialize, specta::Type)]
pub struct NumberView {
    pub number: Instance,
    pub status: Status,
    /// Who runs it on another desktop now (accounts shared through the
    /// agency's server): it cannot start here until that desktop lets it go.
    pub runs_elsewhere: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<NumberView>, IpcError> {
    let fleet = state.fleet()?;
    let numbers = instances::list(state.store()?, account).await?;
    let elsewhere = fleet.run_elsewhere(account).await;
    Ok(numbers
        .into_iter()
        .map(|number| NumberView {
            status: fleet.status(number.id),
            runs_elsewhere: elsewhere
                .iter()
                .find(|h| h.instance == number.id)
                .map(|h| h.holder_name.clone()),
            number,
        })
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: NumberInput,
) -> Result<Instance, IpcError> {
    Ok(instances::create(state.store()?, account, &input).await?)
}

/// What to do with a number.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NumberAction {
    Start,
    Stop,
    Restart,
    Logout,
    Remove,
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_act(
    state: State<'_, AppState>,
    account: AccountId,
    id: InstanceId,
    action: NumberAction,
) -> Result<(), IpcError> {
    let fleet = state.fleet()?;
    let result = match action {
        NumberAction::Start => fleet.start(account, id).await,
        NumberAction::Stop => fleet.stop(account, id).await,
        NumberAction::Restart => fleet.restart(account, id).await,
        NumberAction::Logout => fleet.logout(account, id).await,
        NumberAction::Remove => fleet.remove(account, id).await,
    };
    Ok(result?)
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_pairing_code(
    state: State<'_, AppState>,
    account: AccountId,
    id: InstanceId,
    phone: String,
) -> Result<String, IpcError> {
    Ok(state.fleet()?.pairing_code(account, id, phone).await?)
}

/// What a Sandbox number can simulate from the UI.
#[derive(Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Simulation {
    /// The phone scans the QR.
    Scan,
    /// A contact writes to the number.
    Message {
        from: String,
        name: Option<String>,
        text: String,
    },
}

#[tauri::command]
#[specta::specta]
pub async fn numbers_simulate(
    state: State<'_, AppState>,
    account: AccountId,
    id: InstanceId,
    simulation: Simulation,
) -> Result<(), IpcError> {
    let action = match simulation {
        Simulation::Scan => SandboxAction::Scan,
        Simulation::Message { from, name, text } => {
            let phone = zapdesk_core::phone::normalize(&from)
                .map_err(zapdesk_core::contacts::ContactError::PhoneInvalid)?;
            SandboxAction::Incoming(Incoming {
                from: phone,
                name,
                body: text,
                ..Default::default()
            })
        }
    };
    Ok(state
        .fleet()?
        .sandbox(account, id, action)
        .await
        .map(|_| ())?)
}
