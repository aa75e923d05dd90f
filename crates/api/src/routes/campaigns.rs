//! Campaigns: listed with their reports, created with the editor's checks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use uuid::Uuid;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::campaigns::store::CampaignInput as CoreInput;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Body, Ids};
use crate::schema::campaigns::{Campaign, CampaignInput};
use crate::state::Api;

/// The account's campaigns, newest first, each with its report.
#[utoipa::path(get, path = "/api/accounts/{account}/campaigns", tag = "campaigns",
    params(("account" = Uuid, Path, description = "The account's id")),
    responses((status = 200, body = Vec<Campaign>)))]
pub async fn list(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Vec<Campaign>>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let all = api.app().campaigns_list(account).await?;
    Ok(Json(all.into_iter().map(Campaign::from).collect()))
}

/// Creates a campaign and its recipients, refused with nothing written when
/// the editor would refuse it: an empty name or audience, an unknown
/// variable, a schedule in the past, impossible pacing, a number of another
/// account or (starting now) not connected. It starts at `starts_at`.
#[utoipa::path(post, path = "/api/accounts/{account}/campaigns", tag = "campaigns",
    params(("account" = Uuid, Path, description = "The account's id")),
    request_body = CampaignInput,
    responses((status = 201, body = Campaign)))]
pub async fn create(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
    Body(input): Body<CampaignInput>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let input = CoreInput {
        name: input.name,
        message: input.message,
        audience: input.audience.into(),
        numbers: input.numbers,
        pacing: input.pacing.map(Into::into).unwrap_or_default(),
        starts_at: input.starts_at,
        attachment: None,
        reply_flow: input.reply_flow,
    };
    let app = api.app();
    let created = app.campaigns_create(account, &input).await?;
    let summary = app.campaigns_get(account, created.id).await?;
    Ok((StatusCode::CREATED, Json(summary.into())))
}
