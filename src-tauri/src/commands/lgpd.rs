//! LGPD: the copy and the erasure of one contact, and the audit log.

use tauri::{AppHandle, State};
use zapdesk_core::lgpd::{self, AuditEntry};
use zapdesk_core::{AccountId, ContactId};

use crate::commands::dialogs::save_to;
use crate::{AppState, IpcError};

/// Saves everything stored about one contact as JSON (LGPD), and logs it.
#[tauri::command]
#[specta::specta]
pub async fn contacts_lgpd_export(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let running = state.app()?;
    save_to(
        &app,
        lang.pick(
            "Exportar dados do contato (LGPD)",
            "Export the contact's data (LGPD)",
        ),
        &format!("lgpd-{contact}.json"),
        "json",
        move |path| async move {
            running
                .contacts_lgpd_export(account, contact, lang, &path)
                .await
        },
    )
    .await
}

/// Erases a contact with their messages and media, and logs it.
#[tauri::command]
#[specta::specta]
pub async fn contacts_erase(
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
) -> Result<(), IpcError> {
    Ok(state
        .app()?
        .contacts_erase(account, contact, state.lang())
        .await?)
}

/// The account's audit log, newest first.
#[tauri::command]
#[specta::specta]
pub async fn audit_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<AuditEntry>, IpcError> {
    Ok(lgpd::audit(state.store()?, account, 200).await?)
}
