//! Conversation flows: list and open, create, duplicate and rename, save the draft
//! (revision-checked), check, publish into versions, history and restore,
//! triggers, on/off, delete, import from a file's text and export to a file
//! the person chooses; where its conversations went (analytics).

use tauri::{AppHandle, State};
use zapdesk_app::{FLOW_DELETE_TABLES, FLOW_TABLES, PUBLISH_TABLES};
use zapdesk_core::AccountId;
use zapdesk_core::automation::flow::FlowDocument;
use zapdesk_core::automation::flows::{
    self, DocumentCheck, Flow, FlowAnalytics, FlowFinding, FlowSummary, SavedDraft, Trigger,
    Version, VersionSummary,
};
use zapdesk_core::ids::{FlowId, FlowVersionId};

use crate::commands::dialogs::save_to;
use crate::{AppState, IpcError};

/// The account's flows by name, with their published version and how many
/// conversations are in each now.
#[tauri::command]
#[specta::specta]
pub async fn flows_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<FlowSummary>, IpcError> {
    Ok(flows::summaries(state.store()?, account).await?)
}

/// One flow with its draft.
#[tauri::command]
#[specta::specta]
pub async fn flows_get(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
) -> Result<Flow, IpcError> {
    Ok(flows::get(state.store()?, account, id).await?)
}

/// A new flow from `document`, or a one-message starter when `null`.
#[tauri::command]
#[specta::specta]
pub async fn flows_create(
    state: State<'_, AppState>,
    account: AccountId,
    name: String,
    document: Option<FlowDocument>,
) -> Result<Flow, IpcError> {
    let created = flows::create(state.store()?, account, &name, document);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_TABLES, created)
        .await?)
}

/// A copy of the flow's draft as a new unpublished flow named `name`,
/// without the source's triggers.
#[tauri::command]
#[specta::specta]
pub async fn flows_duplicate(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    name: String,
) -> Result<Flow, IpcError> {
    let copied = flows::duplicate(state.store()?, account, id, &name);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_TABLES, copied)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn flows_rename(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    name: String,
) -> Result<Flow, IpcError> {
    let renamed = flows::rename(state.store()?, account, id, &name);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_TABLES, renamed)
        .await?)
}

/// Saves the draft opened at `revision` (refused with `flow_stale` when
/// someone saved since); the new revision and the draft's problems.
#[tauri::command]
#[specta::specta]
pub async fn flows_save_draft(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    revision: i64,
    document: FlowDocument,
) -> Result<SavedDraft, IpcError> {
    let lang = state.lang();
    let saved = flows::save_draft(state.store()?, account, id, revision, document, lang);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_TABLES, saved)
        .await?)
}

/// Every problem of the draft, errors and warnings.
#[tauri::command]
#[specta::specta]
pub async fn flows_check(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
) -> Result<Vec<FlowFinding>, IpcError> {
    let lang = state.lang();
    Ok(flows::check(state.store()?, account, id, lang).await?)
}

/// A document's text as the editor has it, read as Rust reads it: the first
/// wrong place, or the document and every problem of it in this account.
/// Nothing is saved.
#[tauri::command]
#[specta::specta]
pub async fn flows_check_text(
    state: State<'_, AppState>,
    account: AccountId,
    json: String,
) -> Result<DocumentCheck, IpcError> {
    let lang = state.lang();
    Ok(flows::check_text(state.store()?, account, &json, lang).await?)
}

/// Publishes the draft at `revision` as a new version; refused with every
/// error listed while any remains.
#[tauri::command]
#[specta::specta]
pub async fn flows_publish(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    revision: i64,
) -> Result<VersionSummary, IpcError> {
    let published = flows::publish(state.store()?, account, id, revision);
    Ok(state
        .app()?
        .wrote(Some(account), PUBLISH_TABLES, published)
        .await?)
}

/// The flow's published versions, newest first.
#[tauri::command]
#[specta::specta]
pub async fn flows_versions(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
) -> Result<Vec<VersionSummary>, IpcError> {
    Ok(flows::versions(state.store()?, account, id).await?)
}

/// One of the flow's versions with its document: opened read-only on the
/// canvas. By id: two desktops publishing offline may give two versions
/// one number.
#[tauri::command]
#[specta::specta]
pub async fn flows_version(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    version: FlowVersionId,
) -> Result<Version, IpcError> {
    Ok(flows::version_of(state.store()?, account, id, version).await?)
}

/// Where the flow's conversations started in `[from, to)` (Unix ms) went:
/// the flow's totals, per node and per branch, from the synced sessions.
#[tauri::command]
#[specta::specta]
pub async fn flows_analytics(
    state: State<'_, AppState>,
    account: AccountId,
    flow: FlowId,
    from: i64,
    to: i64,
) -> Result<FlowAnalytics, IpcError> {
    Ok(flows::analytics(state.store()?, account, flow, from, to).await?)
}

/// Makes a version's document the draft (the draft opened at `revision`).
#[tauri::command]
#[specta::specta]
pub async fn flows_restore(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    version: FlowVersionId,
    revision: i64,
) -> Result<Flow, IpcError> {
    let restored = flows::restore(state.store()?, account, id, version, revision);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_TABLES, restored)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn flows_set_triggers(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    triggers: Vec<Trigger>,
) -> Result<Flow, IpcError> {
    let set = flows::set_triggers(state.store()?, account, id, triggers);
    Ok(state.app()?.wrote(Some(account), FLOW_TABLES, set).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn flows_set_enabled(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    enabled: bool,
) -> Result<Flow, IpcError> {
    let set = flows::set_enabled(state.store()?, account, id, enabled);
    Ok(state.app()?.wrote(Some(account), FLOW_TABLES, set).await?)
}

/// Deletes a flow with its versions and sessions. While conversations are
/// in it, refused with `flow_running` (how many) unless `end_sessions`:
/// then they end (`stopped`) and the bot's messages still waiting there
/// are not sent, in the same transaction.
#[tauri::command]
#[specta::specta]
pub async fn flows_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    end_sessions: bool,
) -> Result<(), IpcError> {
    let deleted = flows::delete(state.store()?, account, id, end_sessions);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_DELETE_TABLES, deleted)
        .await?)
}

/// A new flow from a document file's text (the UI reads the file the
/// person picked); a malformed file is refused naming its first wrong place.
#[tauri::command]
#[specta::specta]
pub async fn flows_import(
    state: State<'_, AppState>,
    account: AccountId,
    name: String,
    json: String,
) -> Result<Flow, IpcError> {
    let imported = flows::import(state.store()?, account, &name, &json);
    Ok(state
        .app()?
        .wrote(Some(account), FLOW_TABLES, imported)
        .await?)
}

/// Saves the draft (or version number `version`) as JSON where the person
/// chooses; the path, or `null` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn flows_export(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    id: FlowId,
    version: Option<i64>,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let running = state.app()?;
    let name = running.flows_export_name(account, id).await?;
    save_to(
        &app,
        lang.pick("Exportar fluxo", "Export flow"),
        &name,
        "json",
        move |path| async move { running.flows_export(account, id, version, &path).await },
    )
    .await
}
