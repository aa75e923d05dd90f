//! Webhooks management for automation platforms (REST hooks: Zapier's and
//! Make's "subscribe" and "unsubscribe"): list, create (its signing secret
//! is in the answer, once), delete. The webhooks themselves, their events
//! and deliveries are `zapdesk_core::webhooks` and the app's sender.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete as delete_route, get};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use zapdesk_core::AccountId;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::changes::Table;
use zapdesk_core::ids::WebhookId;
use zapdesk_core::webhooks::{self, EventType, WebhookFormat};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Body, Ids};
use crate::schema::enum_schema;
use crate::state::Api;

enum_schema!(format, format_or_null, ["zapdesk", "evolution"]);
enum_schema!(
    event,
    event_or_null,
    [
        "message.received",
        "message.sent",
        "message.status",
        "contact.created",
        "contact.updated",
        "tag.added",
        "tag.removed",
        "conversation.assigned",
        "conversation.resolved",
        "conversation.handed_off",
        "campaign.finished",
        "flow.completed",
        "number.status",
        "number.qr"
    ]
);

fn events() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(event())
        .build()
}

/// A webhook of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    #[schema(value_type = uuid::Uuid)]
    pub id: WebhookId,
    #[schema(value_type = uuid::Uuid)]
    pub account_id: AccountId,
    pub url: String,
    #[schema(schema_with = events)]
    pub events: Vec<EventType>,
    #[schema(schema_with = format)]
    pub format: WebhookFormat,
    pub enabled: bool,
    /// Failing since (Unix ms); a day of failures turns it off.
    pub failing_since: Option<i64>,
    pub disabled_at: Option<i64>,
    /// `failing` (turned off by ZapDesk) or `manual`.
    pub disabled_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<webhooks::Webhook> for Webhook {
    fn from(w: webhooks::Webhook) -> Self {
        Webhook {
            id: w.id,
            account_id: w.account_id,
            url: w.url,
            events: w.events,
            format: w.format,
            enabled: w.enabled,
            failing_since: w.failing_since,
            disabled_at: w.disabled_at,
            disabled_reason: w.disabled_reason,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// A subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Where to POST the events (http or https).
    pub url: String,
    #[schema(schema_with = events)]
    pub events: Vec<EventType>,
    /// `zapdesk` (default) or `evolution` (Evolution API's body, for its receivers).
    #[serde(default)]
    #[schema(schema_with = format)]
    pub format: WebhookFormat,
}

/// A new webhook and the secret its deliveries are signed with (shown once
/// here; Settings → Webhooks shows it again).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// `X-ZapDesk-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` (docs/webhooks.md).
    pub secret: String,
}

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/api/accounts/{account}/webhooks", get(list).post(create))
        .route(
            "/api/accounts/{account}/webhooks/{webhook}",
            delete_route(delete),
        )
}

/// The account's webhooks.
#[utoipa::path(get, path = "/api/accounts/{account}/webhooks", tag = "webhooks",
    params(("account" = Uuid, Path, description = "The account's id")),
    responses((status = 200, body = Vec<Webhook>)))]
pub async fn list(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Vec<Webhook>>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let all = webhooks::list(api.store(), account).await?;
    Ok(Json(all.into_iter().map(Webhook::from).collect()))
}

/// Subscribes a URL to events (Zapier's and Make's "subscribe").
#[utoipa::path(post, path = "/api/accounts/{account}/webhooks", tag = "webhooks",
    params(("account" = Uuid, Path, description = "The account's id")),
    request_body = WebhookInput,
    responses((status = 201, body = CreatedWebhook)))]
pub async fn create(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
    Body(input): Body<WebhookInput>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let input = webhooks::WebhookInput {
        url: input.url,
        events: input.events,
        format: input.format,
    };
    let (webhook, secret) = api.app().webhooks_create(account, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            webhook: webhook.into(),
            secret,
        }),
    ))
}

/// Unsubscribes (deletes) a webhook and its log.
#[utoipa::path(delete, path = "/api/accounts/{account}/webhooks/{webhook}", tag = "webhooks",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("webhook" = Uuid, Path, description = "The webhook's id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, webhook)): Ids<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let gone = webhooks::delete(api.store(), account, WebhookId::from_uuid(webhook));
    api.app()
        .wrote(
            Some(account),
            &[Table::Webhooks, Table::WebhookDeliveries],
            gone,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
