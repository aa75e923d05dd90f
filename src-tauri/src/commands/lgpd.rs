//! LGPD: the copy and the erasure of one contact, and the audit log.

use tauri::{AppHandle, State};
use zapdesk_core::export;
use zapdesk_core::lgpd::{self, Actor, AuditEntry};
use zapdesk_core::users;
use zapdesk_core::{AccountId, ContactId, Lang};

use crate::commands::dialogs::save_as;
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
    let title = lang.pick(
        "Exportar dados do contato (LGPD)",
        "Export the contact's data (LGPD)",
    );
    let Some(path) = save_as(&app, title, &format!("lgpd-{contact}.json"), "json").await else {
        return Ok(None);
    };
    let store = state.store()?;
    let actor = actor(&state, lang).await?;
    let json = lgpd::export(store, account, contact, &actor).await?;
    export::save(&path, json.as_bytes())?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// Erases a contact with their messages and media, and logs it.
#[tauri::command]
#[specta::specta]
pub async fn contacts_erase(
    state: State<'_, AppState>,
    account: AccountId,
    contact: ContactId,
) -> Result<(), IpcError> {
    let actor = actor(&state, state.lang()).await?;
    lgpd::erase(state.store()?, account, contact, &actor).await?;
    Ok(())
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

async fn actor(state: &State<'_, AppState>, lang: Lang) -> Result<Actor, IpcError> {
    let me = users::me(state.store()?).await?;
    Ok(Actor::or(
        me,
        lang.pick("Operador não identificado", "Unidentified operator"),
    ))
}
