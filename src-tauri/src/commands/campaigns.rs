//! Broadcast campaigns: list and report, create, pause / resume / cancel,
//! pacing changes, the editor's live checks (variables, preview) and test
//! send, and the detail page's recipients export and chart.

use serde::Serialize;
use tauri::{AppHandle, State};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::report::{self, CampaignReport};
use zapdesk_core::campaigns::store::{self, CampaignInfo, CampaignInput};
use zapdesk_core::campaigns::template::Template;
use zapdesk_core::campaigns::timeline::{self, TimelineBucket};
use zapdesk_core::campaigns::{CampaignError, export as recipients, sender, test_send};
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::fields;
use zapdesk_core::ids::{CampaignId, InstanceId};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ContactId, MessageId, Store};

use crate::commands::dialogs::save_bytes;
use crate::{AppState, IpcError};

/// A campaign with how it is doing, as the Campaigns screen lists it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CampaignSummary {
    #[serde(flatten)]
    pub campaign: CampaignInfo,
    pub report: CampaignReport,
}

async fn summary(
    store: &Store,
    account: AccountId,
    campaign: CampaignInfo,
) -> Result<CampaignSummary, CampaignError> {
    let report = report::report(store, account, campaign.id).await?;
    Ok(CampaignSummary { campaign, report })
}

/// The account's campaigns, newest first, each with its report.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<CampaignSummary>, IpcError> {
    let store = state.store()?;
    let run = async {
        let mut out = Vec::new();
        for campaign in store::list(store, account).await? {
            out.push(summary(store, account, campaign).await?);
        }
        Ok::<_, CampaignError>(out)
    };
    Ok(run.await?)
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns_get(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
) -> Result<CampaignSummary, IpcError> {
    let store = state.store()?;
    let run = async { summary(store, account, store::get(store, account, id).await?).await };
    Ok(run.await?)
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
    // Numbers another desktop runs (shared accounts) send from there.
    let elsewhere: Vec<_> = state
        .fleet()?
        .run_elsewhere(account)
        .await
        .into_iter()
        .map(|h| h.instance)
        .collect();
    let created = store::create_with(state.store()?, account, &input, now_ms(), &elsewhere).await?;
    state.campaigns_changed();
    Ok(created)
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
    let changed = store::set_status(state.store()?, account, id, status, now_ms()).await?;
    state.campaigns_changed();
    Ok(changed)
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns_set_pacing(
    state: State<'_, AppState>,
    account: AccountId,
    id: CampaignId,
    pacing: Pacing,
) -> Result<CampaignInfo, IpcError> {
    let changed = store::set_pacing(state.store()?, account, id, &pacing, now_ms()).await?;
    state.campaigns_changed();
    Ok(changed)
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
    let store = state.store()?;
    let run = async {
        let fields = fields::list(store, account).await?;
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        Ok::<_, CampaignError>(Template::parse(&message, &keys)?.variables())
    };
    Ok(run.await?)
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
    let bytes = recipients::csv(state.store()?, account, id, lang).await?;
    save_bytes(
        &app,
        lang.pick("Exportar destinatários", "Export recipients"),
        lang.pick("destinatarios.csv", "recipients.csv"),
        "csv",
        &bytes,
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
    let queued = test_send::test_send(
        state.store()?,
        account,
        id,
        &message,
        number,
        &phone,
        preview,
    )
    .await?;
    state.fleet()?.kick_number(number);
    Ok(queued)
}
