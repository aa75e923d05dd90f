//! CSV import of contacts. The native file dialog opens here, in Rust, so
//! the web UI never handles paths it did not get from the person.

use std::path::PathBuf;

use tauri::{AppHandle, Emitter, State};
use zapdesk_core::AccountId;
use zapdesk_core::import::{self, Column, ImportPreview, ImportProgress, ImportReport};

use crate::commands::dialogs::{pick, save_to};
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
    let mut progress = move |done, total| {
        let _ = app.emit(IMPORT_EVENT, ImportProgress { done, total });
    };
    Ok(state
        .app()?
        .contacts_import(
            account,
            &PathBuf::from(path),
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
    let running = state.app()?;
    let source = PathBuf::from(path);
    save_to(
        &app,
        lang.pick("Baixar linhas rejeitadas", "Download rejected rows"),
        lang.pick("linhas-rejeitadas.csv", "rejected-rows.csv"),
        "csv",
        move |target| async move {
            running
                .contacts_import_rejected(account, &source, &columns, lang, &target)
                .await
        },
    )
    .await
}
