//! Plans per account (issue 18, item 4): each plan's limits (Settings →
//! Planos), an account's own limits (Settings → Contas) and its usage.

use tauri::State;
use zapdesk_core::AccountId;
use zapdesk_core::accounts::Plan;
use zapdesk_core::changes::Table;
use zapdesk_core::plans::{self, PlanDefaults, PlanLimits, PlanOverrides, PlanUsage};

use crate::{AppState, IpcError};

/// Every plan's limits (the agency's).
#[tauri::command]
#[specta::specta]
pub async fn plans_defaults(state: State<'_, AppState>) -> Result<Vec<PlanDefaults>, IpcError> {
    Ok(plans::defaults(state.store()?).await?)
}

/// Replaces one plan's limits. Owners only: an admin or an agent is
/// refused (`operator_forbidden`, `plans::set_defaults`).
/// The agency's: reported as a change of `plan_limits`, for no account.
#[tauri::command]
#[specta::specta]
pub async fn plans_set_defaults(
    state: State<'_, AppState>,
    plan: Plan,
    limits: PlanLimits,
) -> Result<PlanLimits, IpcError> {
    let saved = plans::set_defaults(state.store()?, plan, &limits);
    Ok(state
        .app()?
        .wrote(None, &[Table::PlanLimits], saved)
        .await?)
}

/// The account's own limits over its plan's.
#[tauri::command]
#[specta::specta]
pub async fn plans_overrides(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<PlanOverrides, IpcError> {
    Ok(plans::overrides(state.store()?, account).await?)
}

/// Replaces the account's own limits. Refused for an agent.
#[tauri::command]
#[specta::specta]
pub async fn plans_set_overrides(
    state: State<'_, AppState>,
    account: AccountId,
    overrides: PlanOverrides,
) -> Result<PlanOverrides, IpcError> {
    let saved = plans::set_overrides(state.store()?, account, &overrides);
    Ok(state
        .app()?
        .wrote(Some(account), &[Table::Accounts], saved)
        .await?)
}

/// What the account uses of each of its five limits, this month.
#[tauri::command]
#[specta::specta]
pub async fn plans_usage(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<PlanUsage, IpcError> {
    Ok(plans::usage(state.store()?, account).await?)
}
