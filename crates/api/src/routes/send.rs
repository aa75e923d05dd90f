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
use zapdesk_app::{QueuedText, SendRequest, Sent};
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::api_tokens::idempotency::{self, Claim, KeyClaim};
use zapdesk_core::{AccountId, MessageId};

use crate::auth::Caller;
use crate::error::{ApiError, Refusal, database};
use crate::extract::{Body, Ids};
use crate::group_commit::Answer;
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
///
/// A text to a contact already talking on the number goes through the
/// group commit (written with the other sends waiting, its key claimed in
/// the same transaction); any other send, a refused one, or one the batch
/// hands back is made alone, as before: claim the key, send, release the
/// key if refused. Both under the same message id, so it is one message
/// whichever path (or both, after a crash) made it.
pub async fn queue(
    api: &Api,
    caller: &Caller,
    account: AccountId,
    key: Option<&str>,
    input: &SendInput,
) -> Result<Sent, ApiError> {
    let request = input.clone().request()?;
    let token = caller.token.id;
    let (id, claim) = match key {
        None => (MessageId::new(), None),
        Some(key) => {
            let request = fingerprint(account, input)?;
            let id = idempotency::message_id(account, token, key, &request);
            let claim = KeyClaim {
                token,
                key: key.to_owned(),
                request,
            };
            (id, Some(claim))
        }
    };
    if let Some(group) = api.group()
        // A refusal here is made again alone: with a key, a conflict is
        // told before any other refusal, as the alone path tells it.
        && let Ok(Some(ready)) = api.app().ready_text(account, id, &request).await
    {
        match group.send(api.app(), ready, claim.clone()).await {
            Answer::Done(Ok(QueuedText::Sent(sent))) => return Ok(sent),
            Answer::Done(Ok(QueuedText::KeyUsedElsewhere)) => {
                return Err(Refusal::IdempotencyConflict.into());
            }
            Answer::Done(Err(refused)) => return Err(refused),
            Answer::Alone => {}
        }
    }
    alone(api, account, id, claim, request).await
}

/// One send in transactions of its own: the key claimed, the message
/// queued, the key released if it was refused.
async fn alone(
    api: &Api,
    account: AccountId,
    id: MessageId,
    claim: Option<KeyClaim>,
    request: SendRequest,
) -> Result<Sent, ApiError> {
    // The key, when this request claimed it first.
    let mut claimed = None;
    if let Some(claim) = &claim {
        let store = api.store();
        match idempotency::claim(store, account, claim.token, &claim.key, &claim.request)
            .await
            .map_err(database)?
        {
            Claim::First => claimed = Some(claim),
            Claim::Retry => {}
            Claim::Conflict => return Err(Refusal::IdempotencyConflict.into()),
        }
    }
    match api.app().send(account, id, request).await {
        Ok(sent) => Ok(sent),
        Err(e) => {
            // Refused with nothing queued: the key is free for a corrected
            // request. Only the first try's claim: a retry's refusal says
            // nothing of what an earlier try queued.
            if let Some(claim) = claimed
                && let Err(release) = idempotency::release(
                    api.store(),
                    account,
                    claim.token,
                    &claim.key,
                    &claim.request,
                )
                .await
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
