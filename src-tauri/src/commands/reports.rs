//! The dashboard (Painel) and the reports: one account's or the agency's
//! figures over a period with the previous one, and each table as CSV.

use tauri::{AppHandle, State};
use zapdesk_app::ReportView;
use zapdesk_core::AccountId;
use zapdesk_core::reports::DateRange;
use zapdesk_core::reports::csv::{ReportTable, file_name};

use crate::commands::dialogs::save_to;
use crate::{AppState, IpcError};

/// One account's dashboard; refused for an account not given to an agent
/// (`account_not_granted`) and a period that is not valid
/// (`report_period_invalid`).
#[tauri::command]
#[specta::specta]
pub async fn reports_account(
    state: State<'_, AppState>,
    account: AccountId,
    range: DateRange,
) -> Result<ReportView, IpcError> {
    Ok(state.app()?.report_account(account, &range).await?)
}

/// The agency's dashboard: every account the operator here may see.
#[tauri::command]
#[specta::specta]
pub async fn reports_agency(
    state: State<'_, AppState>,
    range: DateRange,
) -> Result<ReportView, IpcError> {
    Ok(state.app()?.report_agency(&range).await?)
}

/// Saves one account's table as CSV where the person chooses; the path, or
/// `None` if cancelled. Refused to agents (`operator_forbidden`).
#[tauri::command]
#[specta::specta]
pub async fn reports_account_export(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    range: DateRange,
    table: ReportTable,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let running = state.app()?;
    save_to(
        &app,
        lang.pick("Exportar relatório", "Export report"),
        &file_name(table, &range, lang),
        "csv",
        move |path| async move {
            running
                .report_account_export(account, &range, table, lang, &path)
                .await
        },
    )
    .await
}

/// Saves the agency's table as CSV where the person chooses.
#[tauri::command]
#[specta::specta]
pub async fn reports_agency_export(
    app: AppHandle,
    state: State<'_, AppState>,
    range: DateRange,
    table: ReportTable,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let running = state.app()?;
    save_to(
        &app,
        lang.pick("Exportar relatório", "Export report"),
        &file_name(table, &range, lang),
        "csv",
        move |path| async move {
            running
                .report_agency_export(&range, table, lang, &path)
                .await
        },
    )
    .await
}
