//! Broadcast campaigns: list and report, create, pause / resume / cancel,
//! pacing changes, the editor's live checks (variables, preview) and test
//! send, and the detail page's recipients export and chart.

use tauri::{AppHandle, State};
use zapdesk_app::CampaignSummary;
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::recipients::{self, RecipientPage, RecipientQuery};
use zapdesk_core::campaigns::sender;
use zapdesk_core::campaigns::store::{CampaignInfo, CampaignInput};
use zapdesk_core::campaigns::timeline::{self, TimelineBucket};
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::ids::{CampaignId, InstanceId};
use zapdesk_core::{AccountId, ContactId, MessageId};

use crate::commands::dialogs::save_to;
use crate::{AppState, IpcError};

/// The account's campaigns, newest first, each with its report.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<CampaignSummary>, IpcError> {
    Ok(state.app()?.campaigns_list(account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns_get(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
) -> Result<CampaignSummary, IpcError> {
    Ok(state.app()?.campaigns_get(account, id).await?)
}

/// Creates a campaign and its recipients; refused with nothing written when
/// anything a person could get wrong is wrong.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: CampaignInput,
) -> Result<CampaignInfo, IpcError> {
    Ok(state.app()?.campaigns_create(account, &input).await?)
}

/// Pause (`paused`), resume (`running`) or cancel (`cancelled`).
#[tauri::command]
#[specta::specta]
pub async fn campaigns_set_status(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
    status: CampaignStatus,
) -> Result<CampaignInfo, IpcError> {
    Ok(state
        .app()?
        .campaigns_set_status(account, id, status)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns_set_pacing(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
    pacing: Pacing,
) -> Result<CampaignInfo, IpcError> {
    Ok(state
        .app()?
        .campaigns_set_pacing(account, id, &pacing)
        .await?)
}

/// The message as one contact would receive it.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_preview(
    state: State<'_, AppState>,
    account: AccountId,
    message: String,
    contact: ContactId,
) -> Result<String, IpcError> {
    Ok(sender::preview(state.store()?, account, &message, contact).await?)
}

/// The variables a message uses, or why it is refused (unknown variable,
/// unbalanced braces, empty).
#[tauri::command]
#[specta::specta]
pub async fn campaigns_check_message(
    state: State<'_, AppState>,
    account: AccountId,
    message: String,
) -> Result<Vec<String>, IpcError> {
    Ok(state
        .app()?
        .campaigns_check_message(account, &message)
        .await?)
}

/// Saves the campaign's recipients and their states as CSV where the person
/// chooses; the path, or `None` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_export(
    app: AppHandle,
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
) -> Result<Option<String>, IpcError> {
    let lang = state.lang();
    let running = state.app()?;
    save_to(
        &app,
        lang.pick("Exportar destinatários", "Export recipients"),
        lang.pick("destinatarios.csv", "recipients.csv"),
        "csv",
        move |path| async move { running.campaigns_export(account, id, lang, &path).await },
    )
    .await
}

/// Per hour: messages queued, taken by WhatsApp, and first replies.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_timeline(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
) -> Result<Vec<TimelineBucket>, IpcError> {
    Ok(timeline::timeline(state.store()?, account, id).await?)
}

/// A page of the campaign's recipients with where each stands, filtered by
/// state or by a name or phone: the list the CSV export writes, on screen.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_recipients(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
    query: RecipientQuery,
) -> Result<RecipientPage, IpcError> {
    let lang = state.lang();
    Ok(recipients::page(state.store()?, account, id, &query, lang).await?)
}

/// Queues the message for one phone (a contact of the account), rendered for
/// the contact the editor's preview shows (`preview`), on one connected
/// number, and wakes that number's sender so the test leaves now. `id` is
/// the editor's for this one press of "Enviar teste" (pressed twice, one test).
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn campaigns_test_send(
    state: State<'_, AppState>,
    account: AccountId,
    id: MessageId,
    message: String,
    number: InstanceId,
    phone: String,
    preview: Option<ContactId>,
) -> Result<MessageId, IpcError> {
    Ok(state
        .app()?
        .campaigns_test_send(account, id, &message, number, &phone, preview)
        .await?)
}

/// Copies a campaign as a draft named `name`: its settings and file, no
/// recipients until it is started.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_duplicate(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
    name: String,
) -> Result<CampaignInfo, IpcError> {
    Ok(state.app()?.campaigns_duplicate(account, id, &name).await?)
}

/// Starts a draft as the editor left it (every check of a new campaign): the
/// draft becomes the campaign, keeping its id, once only (started already:
/// refused); `keep_file` sends the draft's file when no other was picked.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_start_draft(
    state: State<'_, AppState>,
    account: AccountId,
    draft: CampaignId,
    input: CampaignInput,
    keep_file: bool,
) -> Result<CampaignInfo, IpcError> {
    Ok(state
        .app()?
        .campaigns_start_draft(account, draft, &input, keep_file)
        .await?)
}

/// Deletes a draft; a campaign that is not a draft is refused.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_delete_draft(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
) -> Result<(), IpcError> {
    Ok(state.app()?.campaigns_delete_draft(account, id).await?)
}
