//! The WhatsApp numbers ("instances") a token sees: their live status, the
//! QR to pair one, start and stop.

use axum::Json;
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use uuid::Uuid;
use zapdesk_app::NumberAction;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::instances::{self, Instance as CoreInstance, NumberError};
use zapdesk_core::{AccountId, InstanceId};
use zapdesk_whatsapp::status::Status;

use crate::auth::Caller;
use crate::error::{ApiError, Refusal};
use crate::extract::Ids;
use crate::schema::accounts::{Instance, NumberStatus, Qr};
use crate::state::Api;

/// A PNG image, as the document describes it.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Png(Vec<u8>);

/// A number of one of the accounts the caller sees (404 otherwise, as for
/// an id that does not exist).
pub async fn find(
    api: &Api,
    caller: &Caller,
    id: InstanceId,
) -> Result<(AccountId, CoreInstance), ApiError> {
    for account in caller.accounts(api).await? {
        match instances::get(api.store(), account.id, id).await {
            Ok(number) => return Ok((account.id, number)),
            Err(NumberError::Unknown(..)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(Refusal::NotFound.into())
}

/// A number by its id, or (for the Evolution dialect) its name.
pub async fn find_by_name_or_id(
    api: &Api,
    caller: &Caller,
    instance: &str,
) -> Result<(AccountId, CoreInstance), ApiError> {
    if let Ok(id) = instance.parse::<InstanceId>() {
        return find(api, caller, id).await;
    }
    // Names are not unique (across accounts, or even in one): a name that
    // is several numbers the token sees is refused rather than guessed.
    let mut found = None;
    for account in caller.accounts(api).await? {
        for number in instances::list(api.store(), account.id).await? {
            if number.name != instance {
                continue;
            }
            if found.is_some() {
                return Err(ApiError::instance_ambiguous(instance));
            }
            found = Some((account.id, number));
        }
    }
    found.ok_or_else(|| Refusal::NotFound.into())
}

/// The numbers of the accounts this token sees, with their live status.
#[utoipa::path(get, path = "/api/instances", tag = "instances",
    responses((status = 200, body = Vec<Instance>)))]
pub async fn list(State(api): State<Api>, caller: Caller) -> Result<Json<Vec<Instance>>, ApiError> {
    caller.need(Scope::Read)?;
    let mut out = Vec::new();
    for account in caller.accounts(&api).await? {
        for number in instances::list(api.store(), account.id).await? {
            let live = api.app().fleet().status(number.id);
            out.push(Instance::of(number, &live));
        }
    }
    Ok(Json(out))
}

/// A number's status now.
#[utoipa::path(get, path = "/api/instances/{instance}/status", tag = "instances",
    params(("instance" = Uuid, Path, description = "The number's id")),
    responses((status = 200, body = NumberStatus)))]
pub async fn status(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<NumberStatus>, ApiError> {
    caller.need(Scope::Read)?;
    let (_, number) = find(&api, &caller, InstanceId::from_uuid(id)).await?;
    Ok(Json(NumberStatus::from(
        &api.app().fleet().status(number.id),
    )))
}

/// The QR of a number waiting to be paired: the QR's text and a PNG data
/// URL, or the PNG itself when asked with `Accept: image/png`. 404 when the
/// number is not waiting for a scan (stopped, starting, connected). Needs
/// `manage`: whoever scans it pairs their phone to the number.
#[utoipa::path(get, path = "/api/instances/{instance}/qr", tag = "instances",
    params(("instance" = Uuid, Path, description = "The number's id")),
    responses(
        (status = 200, description = "The QR; a PNG with `Accept: image/png`", content(
            (Qr = "application/json"),
            (Png = "image/png")
        ))
    ))]
pub async fn qr(
    State(api): State<Api>,
    caller: Caller,
    headers: HeaderMap,
    Ids(id): Ids<Uuid>,
) -> Result<Response, ApiError> {
    // Scanning it pairs a phone to the number: as much as starting it.
    caller.need(Scope::Manage)?;
    let (_, number) = find(&api, &caller, InstanceId::from_uuid(id)).await?;
    let Status::AwaitingQr { qr, code } = api.app().fleet().status(number.id) else {
        return Err(Refusal::NoQr.into());
    };
    if wants_png(&headers) {
        let png = qr
            .strip_prefix("data:image/png;base64,")
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .ok_or(Refusal::Internal)?;
        let mut response = png.into_response();
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
        return Ok(response);
    }
    Ok(Json(Qr { code, png: qr }).into_response())
}

/// Whether `Accept` prefers a PNG to JSON.
fn wants_png(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            let png = accept.find("image/png");
            let json = accept.find("application/json");
            match (png, json) {
                (Some(p), Some(j)) => p < j,
                (Some(_), None) => true,
                _ => false,
            }
        })
}

async fn act(
    api: &Api,
    caller: &Caller,
    id: Uuid,
    action: NumberAction,
) -> Result<Json<NumberStatus>, ApiError> {
    caller.need(Scope::Manage)?;
    let (account, number) = find(api, caller, InstanceId::from_uuid(id)).await?;
    api.app().numbers_act(account, number.id, action).await?;
    Ok(Json(NumberStatus::from(
        &api.app().fleet().status(number.id),
    )))
}

/// Starts a number (and keeps it starting with ZapDesk). Its status is
/// `starting` at first; a number not paired yet then waits for its QR.
#[utoipa::path(post, path = "/api/instances/{instance}/start", tag = "instances",
    params(("instance" = Uuid, Path, description = "The number's id")),
    responses((status = 200, body = NumberStatus)))]
pub async fn start(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<NumberStatus>, ApiError> {
    act(&api, &caller, id, NumberAction::Start).await
}

/// Stops a number (it stays stopped when ZapDesk starts again); its queued
/// messages wait.
#[utoipa::path(post, path = "/api/instances/{instance}/stop", tag = "instances",
    params(("instance" = Uuid, Path, description = "The number's id")),
    responses((status = 200, body = NumberStatus)))]
pub async fn stop(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<NumberStatus>, ApiError> {
    act(&api, &caller, id, NumberAction::Stop).await
}
