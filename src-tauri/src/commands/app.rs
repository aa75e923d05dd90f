use serde::Serialize;
use tauri::State;
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::changes::Table;
use zapdesk_core::fields::{FieldOperators, field_operators};
use zapdesk_core::limits::{Limits, limits};
use zapdesk_core::{Lang, settings};

use crate::{AppState, IpcError};

/// What the UI needs to know when it starts.
#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub language: Lang,
    /// What the core accepts, for the UI's inputs and hints.
    pub limits: Limits,
    /// A new campaign's pacing.
    pub default_pacing: Pacing,
    /// The comparisons each kind of custom field offers in filters.
    pub field_operators: FieldOperators,
}

/// Called once by the UI on start: the store's state and the saved language.
/// Fails with the reason when the store could not be opened.
#[tauri::command]
#[specta::specta]
pub fn app_start(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    state.store()?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir().display().to_string(),
        language: state.lang(),
        limits: limits(),
        default_pacing: Pacing::default(),
        field_operators: field_operators(),
    })
}

/// Saves the interface language; error texts follow it from now on.
#[tauri::command]
#[specta::specta]
pub async fn settings_set_language(
    state: State<'_, AppState>,
    language: Lang,
) -> Result<(), IpcError> {
    let saved = settings::set_language(state.store()?, language);
    state.app()?.wrote(None, &[Table::Settings], saved).await?;
    state.set_lang(language);
    Ok(())
}
