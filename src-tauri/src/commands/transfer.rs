//! Files in and out of the contacts: CSV import and export, and the LGPD copy
//! and erasure of one contact. The native file dialogs open here, in Rust, so
//! the web UI never handles paths it did not get from the person.

use std::path::PathBuf;

use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;
use zapdesk_core::export;
use zapdesk_core::filter::ContactSelection;
use zapdesk_core::import::{self, Column, ImportPreview, ImportProgress, ImportReport};
use zapdesk_core::lgpd::{self, Actor, AuditEntry};
use zapdesk_core::{AccountId, ContactId, Lang, users};

use crate::{AppState, IpcError};

/// Name of the event that carries [`ImportProgress`] to the UI.
pub const IMPORT_EVENT: &str = "import";

/// A file the person chose, and what is in it.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct ImportFile {
    pub path: String,
    pub name: String,
    pub preview: ImportPreview,
}

/// Opens the system's file picker for a CSV; `None` if the person cancels.
#[tauri::command]
#[specta::specta]
pub async fn contacts_import_pick(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Option<ImportFile>, IpcError> {
    let title = state.lang().pick("Importar contatos", "Import contacts");
    let Some(path) = pick(&app, title).await else {
        return Ok(None);
    };
    preview_of(&state, account, path).await.map(Some)
}

async fn preview_of(
    state: &State<'_, AppState>,
    account: AccountId,
    path: PathBuf,
) -> Result<ImportFile, IpcError> {
    let sheet = import::open(&path)?;
    let preview = import::preview(state.store()?, account, &sheet).await?;
    Ok(ImportFile {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_string_lossy().into_owned(),
        preview,
    })
}

/// Imports the file with the mapping the person confirmed; progress arrives
/// as `import` events.
#[tauri::command]
#[specta::specta]
pub async fn contacts_import_run(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    path: String,
    columns: Vec<Column>,
) -> Result<ImportReport, IpcError> {
    let sheet = import::open(&PathBuf::from(path))?;
    let mut progress = move |done, total| {
        let _ = app.emit(IMPORT_EVENT, ImportProgress { done, total });
    };
    Ok(import::run(
        state.store()?,
        account,
        &sheet,
        &columns,
        state.lang(),
        &mut progress,
    )
    .await?)
}

/// Saves the rows an import rejected (the file's columns and a reason) as CSV
/// where the person chooses, to fix and import again; the path, or `None` if
/// cancelled.
#[tauri::command]
#[specta::specta]
pub async fn contacts_import_rejected(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    path: String,
    columns: Vec<Column>,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let title = lang.pick("Baixar linhas rejeitadas", "Download rejected rows");
    let name = lang.pick("linhas-rejeitadas.csv", "rejected-rows.csv");
    let Some(target) = save_as(&app, title, name, "csv").await else {
        return Ok(None);
    };
    import::save_rejected(
        state.store()?,
        account,
        &PathBuf::from(path),
        &columns,
        lang,
        &target,
    )
    .await?;
    Ok(Some(target.to_string_lossy().into_owned()))
}

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

async fn pick(app: &AppHandle, title: &str) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("CSV", &["csv", "txt"])
        .pick_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    rx.await.ok().flatten()
}

pub(crate) async fn save_as(
    app: &AppHandle,
    title: &str,
    name: &str,
    ext: &str,
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(name)
        .add_filter(ext.to_uppercase(), &[ext])
        .save_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    rx.await.ok().flatten()
}
