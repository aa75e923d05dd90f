//! The system's file dialogs, in Rust: the UI only gets paths a person chose.

use std::future::Future;
use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use zapdesk_core::UserError;

use crate::IpcError;

/// The file picker for a CSV; `None` if the person cancels.
pub(crate) async fn pick(app: &AppHandle, title: &str) -> Option<PathBuf> {
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

/// The save dialog for a file `name` of type `ext`; `None` if cancelled.
async fn save_as(app: &AppHandle, title: &str, name: &str, ext: &str) -> Option<PathBuf> {
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

/// Asks where to save a file `name` of type `ext`, then has `write` (the
/// app) write it there; the path written, or `None` if the person cancelled.
pub(crate) async fn save_to<E, F>(
    app: &AppHandle,
    title: &str,
    name: &str,
    ext: &str,
    write: impl FnOnce(PathBuf) -> F,
) -> Result<Option<String>, IpcError>
where
    E: UserError,
    F: Future<Output = Result<(), E>>,
{
    let Some(path) = save_as(app, title, name, ext).await else {
        return Ok(None);
    };
    let shown = path.to_string_lossy().into_owned();
    write(path).await?;
    Ok(Some(shown))
}
