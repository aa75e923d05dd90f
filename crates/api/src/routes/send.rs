//! `POST /send`: one message, queued in the durable outbox.
//!
//! With an `Idempotency-Key`, the message's id is derived from the token,
//! the account, the key and the request's hash: a retry (after a timeout, or
//! a crash of either side between accepting and answering) finds the message
//! queued the first time and answers with it; one message is sent. The same
//! key with a different request is refused (409) while the key is
//! remembered, and is a message of its own after that.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zapdesk_app::Sent;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::api_tokens::idempotency::{self, Claim};
use zapdesk_core::{AccountId, MessageId};

use crate::auth::Caller;
use crate::error::{ApiError, Refusal, database};
use crate::extract::{Body, Ids};
use crate::schema::send::{SendInput, SendResult};
use crate::state::Api;

/// The header a client sets to make a retried send go once.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Sends a text or a file to a phone or a contact. 202: queued (sent at once
/// when its number is connected). Give an `Idempotency-Key` header (any
/// unique text up to 255 characters, e.g. your order id) so that a request
/// you retry sends once.
#[utoipa::path(post, path = "/api/accounts/{account}/send", tag = "messages",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request send once")),
    request_body = SendInput,
    responses((status = 202, body = SendResult, description = "Queued")))]
pub async fn send(
    State(api): State<Api>,
    caller: Caller,
    headers: HeaderMap,
    Ids(id): Ids<Uuid>,
    Body(input): Body<SendInput>,
) -> Result<(StatusCode, Json<SendResult>), ApiError> {
    caller.need(Scope::Send)?;
    let account = caller.account(&api, id).await?;
    let key = idempotency_key(&headers)?;
    if let Some(hold) = &api.hooks().before_send {
        hold().await;
    }
    let sent = queue(&api, &caller, account, key.as_deref(), &input).await?;
    if let Some(hook) = &api.hooks().after_send {
        hook();
    }
    Ok((StatusCode::ACCEPTED, Json(sent.into())))
}

/// The `Idempotency-Key` header, if any: 1–255 visible characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().map_err(|_| bad_key("Idempotency-Key"))?;
    valid_key(key, "Idempotency-Key").map(Some)
}

/// An idempotency key (the header, or Evolution's `messageId`) as it is
/// kept: trimmed, 1–255 bytes, no control character.
pub fn valid_key(key: &str, field: &str) -> Result<String, ApiError> {
    let key = key.trim();
    if key.is_empty() || key.len() > idempotency::KEY_MAX {
        return Err(bad_key(field));
    }
    crate::extract::no_control(key, field, false)?;
    Ok(key.to_owned())
}

fn bad_key(field: &str) -> ApiError {
    Refusal::BadRequest(format!("{field} must be 1 to 255 visible characters")).into()
}

/// Queues `input` for the account, once per idempotency key. Shared with the
/// Evolution dialect's sends.
pub async fn queue(
    api: &Api,
    caller: &Caller,
    account: AccountId,
    key: Option<&str>,
    input: &SendInput,
) -> Result<Sent, ApiError> {
    let request = input.clone().request()?;
    let token = caller.token.id;
    // The key and the request's hash, when this request claimed the key first.
    let mut claimed = None;
    let id = match key {
        None => MessageId::new(),
        Some(key) => {
            let fingerprint = fingerprint(account, input)?;
            let claim = idempotency::claim(api.store(), account, token, key, &fingerprint)
                .await
                .map_err(database)?;
            match claim {
                Claim::First => claimed = Some((key, fingerprint)),
                Claim::Retry => {}
                Claim::Conflict => return Err(Refusal::IdempotencyConflict.into()),
            }
            idempotency::message_id(account, token, key, &fingerprint)
        }
    };
    match api.app().send(account, id, request).await {
        Ok(sent) => Ok(sent),
        Err(e) => {
            // Refused with nothing queued: the key is free for a corrected
            // request. Only the first try's claim: a retry's refusal says
            // nothing of what an earlier try queued.
            if let Some((key, fingerprint)) = claimed
                && let Err(release) =
                    idempotency::release(api.store(), account, token, key, &fingerprint).await
            {
                tracing::warn!("api: releasing an idempotency key: {release}");
            }
            Err(e.into())
        }
    }
}

/// What makes two sends the same request: the account and the body.
fn fingerprint(account: AccountId, input: &SendInput) -> Result<[u8; 32], ApiError> {
    let body = serde_json::to_vec(input).map_err(|_| Refusal::Internal)?;
    let mut hash = Sha256::new();
    hash.update(account.as_uuid().as_bytes());
    hash.update(&body);
    Ok(hash.finalize().into())
}
