//! CSV export of contacts, saved where the person chooses.

use tauri::{AppHandle, State};
use zapdesk_core::AccountId;
use zapdesk_core::filter::ContactSelection;

use crate::commands::dialogs::save_to;
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
    let running = state.app()?;
    save_to(
        &app,
        lang.pick("Exportar contatos", "Export contacts"),
        lang.pick("contatos.csv", "contacts.csv"),
        "csv",
        move |path| async move {
            running
                .contacts_export(account, &selection, lang, &path)
                .await
        },
    )
    .await
}
