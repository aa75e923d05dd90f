//! The account's business hours: weekdays and hours, time zone, holidays and
//! the away message (Configurações → Horário de atendimento).

use tauri::State;
use zapdesk_app::SETTINGS_TABLES;
use zapdesk_core::AccountId;
use zapdesk_core::business_hours::{self, BusinessHours};

use crate::{AppState, IpcError};

/// The account's business hours, or the defaults (off) when none were saved.
#[tauri::command]
#[specta::specta]
pub async fn business_hours_get(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<BusinessHours, IpcError> {
    Ok(business_hours::get(state.store()?, account).await?)
}

/// Checks and saves the business hours; returns them as stored. Refused for
/// an agent (`operator_forbidden`) and for intervals, a zone, holidays or an
/// away message that are not valid (`business_hours_invalid`).
#[tauri::command]
#[specta::specta]
pub async fn business_hours_save(
    state: State<'_, AppState>,
    account: AccountId,
    hours: BusinessHours,
) -> Result<BusinessHours, IpcError> {
    let saved = business_hours::save(state.store()?, account, &hours);
    Ok(state
        .app()?
        .wrote(Some(account), SETTINGS_TABLES, saved)
        .await?)
}

/// The IANA time zone names this computer knows, in order, for the picker.
#[tauri::command]
#[specta::specta]
pub async fn business_hours_time_zones() -> Result<Vec<String>, IpcError> {
    Ok(business_hours::time_zones())
}
