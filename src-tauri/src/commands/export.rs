//! CSV export of contacts, saved where the person chooses.

use tauri::{AppHandle, State};
use zapdesk_core::AccountId;
use zapdesk_core::export;
use zapdesk_core::filter::ContactSelection;

use crate::commands::dialogs::save_as;
use crate::{AppState, IpcError};

/// Saves a selection as CSV where the person chooses; the path, or `None` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn contacts_export(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    selection: ContactSelection,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let bytes = export::csv(state.store()?, account, &selection, lang).await?;
    let name = lang.pick("contatos.csv", "contacts.csv");
    let Some(path) = save_as(
        &app,
        lang.pick("Exportar contatos", "Export contacts"),
        name,
        "csv",
    )
    .await
    else {
        return Ok(None);
    };
    export::save(&path, &bytes)?;
    Ok(Some(path.to_string_lossy().into_owned()))
}
