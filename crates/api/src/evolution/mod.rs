//! The Evolution API dialect, under `/evolution/`: the five calls that
//! n8n, Typebot and the scripts written for Evolution API v2 use most, with
//! its paths, its `apikey` header and its JSON, on ZapDesk's numbers.
//! `{instance}` is a number's id or its name. Errors are ZapDesk's
//! `{code, message}` with Evolution's `status`, `error` and
//! `response.message` beside them (see `error::render`).

pub mod shapes;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use base64::Engine;
use zapdesk_app::NumberAction;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::instances;
use zapdesk_whatsapp::status::Status;

use crate::auth::EvolutionCaller;
use crate::error::{ApiError, Refusal};
use crate::extract::{Body, Ids};
use crate::routes::instances::find_by_name_or_id;
use crate::routes::send::{idempotency_key, queue, valid_key};
use crate::schema::send::{FileInput, SendInput};
use crate::state::Api;
use shapes::{
    Connect, ConnectionState, FetchedInstance, QrCode, SendMedia, SendText, SentMessage, StateOf,
    phone_of, state_of,
};

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/evolution/instance/fetchInstances", get(fetch_instances))
        .route(
            "/evolution/instance/connectionState/{instance}",
            get(connection_state),
        )
        .route("/evolution/instance/connect/{instance}", get(connect))
        .route("/evolution/message/sendText/{instance}", post(send_text))
}

/// Files are larger than JSON: this route gets the send's body limit.
pub fn media_routes() -> Router<Api> {
    Router::new().route("/evolution/message/sendMedia/{instance}", post(send_media))
}

/// Every number the key sees, as Evolution lists instances.
#[utoipa::path(get, path = "/evolution/instance/fetchInstances", tag = "evolution",
    responses((status = 200, body = Vec<FetchedInstance>)))]
pub async fn fetch_instances(
    State(api): State<Api>,
    EvolutionCaller(caller): EvolutionCaller,
) -> Result<Json<Vec<FetchedInstance>>, ApiError> {
    caller.need(Scope::Read)?;
    let mut out = Vec::new();
    for account in caller.accounts(&api).await? {
        for number in instances::list(api.store(), account.id).await? {
            let live = api.app().fleet().status(number.id);
            out.push(FetchedInstance::of(&number, &live));
        }
    }
    Ok(Json(out))
}

/// `{instance: {instanceName, state}}`: `open`, `connecting` or `close`.
#[utoipa::path(get, path = "/evolution/instance/connectionState/{instance}", tag = "evolution",
    params(("instance" = String, Path, description = "The number's id or name")),
    responses((status = 200, body = ConnectionState)))]
pub async fn connection_state(
    State(api): State<Api>,
    EvolutionCaller(caller): EvolutionCaller,
    Ids(instance): Ids<String>,
) -> Result<Json<ConnectionState>, ApiError> {
    caller.need(Scope::Read)?;
    let (_, number) = find_by_name_or_id(&api, &caller, &instance).await?;
    let live = api.app().fleet().status(number.id);
    Ok(Json(ConnectionState {
        instance: StateOf {
            instance_name: number.name,
            state: state_of(&live, number.status).to_owned(),
        },
    }))
}

/// Starts a stopped number and answers its QR (`count` 0 until one is
/// shown: ask again); a connected number answers its state. Needs `manage`:
/// the QR pairs a phone to the number.
#[utoipa::path(get, path = "/evolution/instance/connect/{instance}", tag = "evolution",
    params(("instance" = String, Path, description = "The number's id or name")),
    responses((status = 200, body = Connect)))]
pub async fn connect(
    State(api): State<Api>,
    EvolutionCaller(caller): EvolutionCaller,
    Ids(instance): Ids<String>,
) -> Result<Json<Connect>, ApiError> {
    caller.need(Scope::Manage)?;
    let (account, number) = find_by_name_or_id(&api, &caller, &instance).await?;
    let fleet = api.app().fleet();
    let live = fleet.status(number.id);
    let qr = match live {
        Status::Connected { .. } => {
            return Ok(Json(Connect::State(ConnectionState {
                instance: StateOf {
                    instance_name: number.name,
                    state: "open".into(),
                },
            })));
        }
        Status::AwaitingQr { qr, code } => QrCode {
            pairing_code: None,
            code: Some(code),
            base64: Some(qr),
            count: 1,
        },
        Status::Stopped | Status::Failed { .. } => {
            api.app()
                .numbers_act(account, number.id, NumberAction::Start)
                .await?;
            QrCode {
                pairing_code: None,
                code: None,
                base64: None,
                count: 0,
            }
        }
        Status::Starting | Status::Pairing | Status::Disconnected { .. } => QrCode {
            pairing_code: None,
            code: None,
            base64: None,
            count: 0,
        },
    };
    Ok(Json(Connect::Qr(qr)))
}

/// Queues a text from this number (durable, sent at once when connected).
#[utoipa::path(post, path = "/evolution/message/sendText/{instance}", tag = "evolution",
    params(("instance" = String, Path, description = "The number's id or name")),
    request_body = SendText,
    responses((status = 201, body = SentMessage)))]
pub async fn send_text(
    State(api): State<Api>,
    EvolutionCaller(caller): EvolutionCaller,
    headers: HeaderMap,
    Ids(instance): Ids<String>,
    Body(input): Body<SendText>,
) -> Result<(axum::http::StatusCode, Json<SentMessage>), ApiError> {
    let send = SendInput {
        phone: Some(phone(&input.number)?),
        contact_id: None,
        from: None,
        text: Some(input.text),
        file: None,
    };
    sent(&api, &caller, &headers, &instance, send, input.message_id).await
}

/// Queues a file from this number. `media` is base64 (a URL is refused).
#[utoipa::path(post, path = "/evolution/message/sendMedia/{instance}", tag = "evolution",
    params(("instance" = String, Path, description = "The number's id or name")),
    request_body = SendMedia,
    responses((status = 201, body = SentMessage)))]
pub async fn send_media(
    State(api): State<Api>,
    EvolutionCaller(caller): EvolutionCaller,
    headers: HeaderMap,
    Ids(instance): Ids<String>,
    Body(input): Body<SendMedia>,
) -> Result<(axum::http::StatusCode, Json<SentMessage>), ApiError> {
    let media = input.media.trim();
    if media.starts_with("http://") || media.starts_with("https://") {
        return Err(Refusal::BadRequest(
            "\"media\" must be the file in base64: ZapDesk does not download URLs".into(),
        )
        .into());
    }
    // A data URL carries its type; the rest is the base64.
    let (data_type, data) = match media.strip_prefix("data:").and_then(|r| r.split_once(",")) {
        Some((meta, data)) => (meta.strip_suffix(";base64").map(str::to_owned), data),
        None => (None, media),
    };
    if base64::engine::general_purpose::STANDARD
        .decode(data.get(..data.len().min(64) / 4 * 4).unwrap_or(""))
        .is_err()
    {
        return Err(Refusal::BadRequest("\"media\" is not base64".into()).into());
    }
    let name = input
        .file_name
        .clone()
        .unwrap_or_else(|| format!("arquivo.{}", default_ext(&input.mediatype)));
    let mime = input
        .mimetype
        .clone()
        .or(data_type)
        .unwrap_or_else(|| mime_of(&name).to_owned());
    let send = SendInput {
        phone: Some(phone(&input.number)?),
        contact_id: None,
        from: None,
        text: None,
        file: Some(FileInput {
            name,
            mime,
            data: data.to_owned(),
            caption: input.caption.clone(),
        }),
    };
    sent(&api, &caller, &headers, &instance, send, input.message_id).await
}

fn phone(number: &str) -> Result<String, ApiError> {
    phone_of(number).ok_or_else(|| {
        Refusal::BadRequest(
            "\"number\" must be a phone with its country code (groups are not supported)".into(),
        )
        .into()
    })
}

async fn sent(
    api: &Api,
    caller: &crate::auth::Caller,
    headers: &HeaderMap,
    instance: &str,
    mut send: SendInput,
    message_id: Option<String>,
) -> Result<(axum::http::StatusCode, Json<SentMessage>), ApiError> {
    caller.need(Scope::Send)?;
    let (account, number) = find_by_name_or_id(api, caller, instance).await?;
    send.from = Some(number.id);
    // The header first; else `messageId`, checked as the header is (an
    // empty one is no key, as Evolution's clients send it blank).
    let key = match idempotency_key(headers)? {
        Some(key) => Some(key),
        None => match message_id.filter(|k| !k.trim().is_empty()) {
            Some(id) => Some(valid_key(&id, "messageId")?),
            None => None,
        },
    };
    let sent = queue(api, caller, account, key.as_deref(), &send).await?;
    if let Some(hook) = &api.hooks().after_send {
        hook();
    }
    let contact = zapdesk_core::contacts::get(api.store(), account, sent.contact).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(SentMessage::of(&sent.message, &contact.phone)),
    ))
}

/// An extension for a file without a name.
fn default_ext(mediatype: &str) -> &'static str {
    match mediatype {
        "image" => "jpg",
        "audio" => "ogg",
        "video" => "mp4",
        _ => "bin",
    }
}

/// A file's type from its name, for the types WhatsApp shows.
fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "ogg" | "opus" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "mp4" => "video/mp4",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}
