//! Settings → Webhooks: an account's webhooks, their secret and their
//! delivery log. Each command is one call of `zapdesk-app`, which keeps the
//! secret in the OS credential store and wakes the sender.

use serde::Serialize;
use tauri::State;
use zapdesk_core::AccountId;
use zapdesk_core::access::Area;
use zapdesk_core::ids::{DeliveryId, WebhookId};
use zapdesk_core::webhooks::{Delivery, Webhook, WebhookInput};

use crate::{AppState, IpcError};

/// A new webhook and its signing secret, shown once (and on request later).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

#[tauri::command]
#[specta::specta]
pub async fn webhooks_list(
    state: State<'_, AppState>,
    account: AccountId,
) -> Result<Vec<Webhook>, IpcError> {
    Ok(state.app()?.webhooks_list(account).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn webhooks_create(
    state: State<'_, AppState>,
    account: AccountId,
    input: WebhookInput,
) -> Result<CreatedWebhook, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    let (webhook, secret) = state.app()?.webhooks_create(account, &input).await?;
    Ok(CreatedWebhook { webhook, secret })
}

#[tauri::command]
#[specta::specta]
pub async fn webhooks_update(
    state: State<'_, AppState>,
    account: AccountId,
    id: WebhookId,
    input: WebhookInput,
) -> Result<Webhook, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.webhooks_update(account, id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn webhooks_set_enabled(
    state: State<'_, AppState>,
    account: AccountId,
    id: WebhookId,
    enabled: bool,
) -> Result<Webhook, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state
        .app()?
        .webhooks_set_enabled(account, id, enabled)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn webhooks_delete(
    state: State<'_, AppState>,
    account: AccountId,
    id: WebhookId,
) -> Result<(), IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.webhooks_delete(account, id).await?)
}

/// The signing secret again ("Mostrar segredo").
#[tauri::command]
#[specta::specta]
pub async fn webhooks_secret(
    state: State<'_, AppState>,
    account: AccountId,
    id: WebhookId,
) -> Result<String, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.webhooks_secret(account, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn webhooks_rotate_secret(
    state: State<'_, AppState>,
    account: AccountId,
    id: WebhookId,
) -> Result<String, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.webhooks_rotate_secret(account, id).await?)
}

/// A page of the webhook's delivery log, newest first.
#[tauri::command]
#[specta::specta]
pub async fn webhooks_deliveries(
    state: State<'_, AppState>,
    account: AccountId,
    webhook: WebhookId,
    before: Option<i64>,
) -> Result<Vec<Delivery>, IpcError> {
    Ok(state
        .app()?
        .webhooks_deliveries(account, webhook, before)
        .await?)
}

/// "Enviar de novo".
#[tauri::command]
#[specta::specta]
pub async fn webhooks_redeliver(
    state: State<'_, AppState>,
    account: AccountId,
    delivery: DeliveryId,
) -> Result<Delivery, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.webhooks_redeliver(account, delivery).await?)
}

/// "Enviar evento de teste".
#[tauri::command]
#[specta::specta]
pub async fn webhooks_test(
    state: State<'_, AppState>,
    account: AccountId,
    webhook: WebhookId,
) -> Result<Delivery, IpcError> {
    // Webhooks are the agency's settings: not an agent's (access.rs).
    state.app()?.require(Area::Settings).await?;
    Ok(state.app()?.webhooks_test(account, webhook).await?)
}
