//! Every refusal of the API is `{code, message}` JSON with the app's stable
//! error code and its HTTP status; the message is in the language the
//! request's `Accept-Language` prefers (pt-BR unless it prefers English).
//!
//! A handler returns [`ApiError`] wrapping any of the core's or the app's
//! errors with `?`; the text is written by [`render`], the middleware that
//! sees the request's headers, so no handler has to carry the language.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::lang;

/// The body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, snake_case (`contact_unknown`, `api_unauthorized`, …): branch on it.
    #[schema(value_type = String, example = "api_not_found")]
    pub code: ErrorCode,
    /// For a person, in the request's language: what went wrong and what to do.
    pub message: String,
}

/// The API's own refusals (not the core's).
#[derive(Debug, Clone, thiserror::Error)]
pub enum Refusal {
    #[error("no valid token")]
    Unauthorized,
    #[error("scope {0:?} missing")]
    Forbidden(Scope),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    #[error("body over the limit")]
    BodyTooLarge,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not a UUID: {0}")]
    IdInvalid(String),
    #[error("idempotency key reused")]
    IdempotencyConflict,
    #[error("no QR now")]
    NoQr,
    #[error("a control character in {0}")]
    ControlCharacter(String),
    #[error("several numbers are named {0:?}")]
    InstanceAmbiguous(String),
    #[error("the request failed")]
    Internal,
}

impl UserError for Refusal {
    fn code(&self) -> ErrorCode {
        match self {
            Refusal::Unauthorized => ErrorCode::ApiUnauthorized,
            Refusal::Forbidden(_) => ErrorCode::ApiForbidden,
            Refusal::NotFound | Refusal::MethodNotAllowed | Refusal::NoQr => ErrorCode::ApiNotFound,
            Refusal::RateLimited(_) => ErrorCode::ApiRateLimited,
            Refusal::BodyTooLarge => ErrorCode::ApiBodyTooLarge,
            Refusal::BadRequest(_)
            | Refusal::ControlCharacter(_)
            | Refusal::InstanceAmbiguous(_) => ErrorCode::ApiBadRequest,
            Refusal::IdInvalid(_) => ErrorCode::IdInvalid,
            Refusal::IdempotencyConflict => ErrorCode::ApiIdempotencyConflict,
            Refusal::Internal => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::Unauthorized => lang
                .pick(
                    "Token ausente, inválido ou revogado. Envie o cabeçalho \"Authorization: Bearer <token>\" com um token criado em Configurações → API.",
                    "Missing, invalid or revoked token. Send the header \"Authorization: Bearer <token>\" with a token created in Settings → API.",
                )
                .to_owned(),
            Refusal::Forbidden(scope) => {
                let name = match scope {
                    Scope::Read => "read",
                    Scope::Send => "send",
                    Scope::Manage => "manage",
                };
                match lang {
                    Lang::PtBr => format!(
                        "Este token não tem a permissão \"{name}\" exigida por esta operação. Crie um token com ela em Configurações → API."
                    ),
                    Lang::En => format!(
                        "This token lacks the \"{name}\" permission this operation needs. Create a token with it in Settings → API."
                    ),
                }
            }
            Refusal::NotFound => lang
                .pick(
                    "Não encontrado: o endereço não existe ou este token não tem acesso a ele.",
                    "Not found: the address does not exist or this token has no access to it.",
                )
                .to_owned(),
            Refusal::MethodNotAllowed => lang
                .pick(
                    "Este endereço não aceita este método HTTP. Veja a documentação em /docs.",
                    "This address does not take this HTTP method. See the documentation at /docs.",
                )
                .to_owned(),
            Refusal::RateLimited(secs) => match lang {
                Lang::PtBr => format!(
                    "Muitas requisições com este token. Tente de novo em {secs} s (cabeçalho Retry-After)."
                ),
                Lang::En => format!(
                    "Too many requests with this token. Try again in {secs} s (Retry-After header)."
                ),
            },
            Refusal::BodyTooLarge => {
                let (json, send) = (
                    crate::config::JSON_LIMIT / 1024 / 1024,
                    crate::config::SEND_LIMIT / 1024 / 1024,
                );
                match lang {
                    Lang::PtBr => format!(
                        "O corpo da requisição passa do limite: {json} MiB ({send} MiB para envios com arquivo)."
                    ),
                    Lang::En => format!(
                        "The request body is over the limit: {json} MiB ({send} MiB for sends with a file)."
                    ),
                }
            }
            Refusal::BadRequest(detail) => match lang {
                Lang::PtBr => format!(
                    "Requisição inválida: {detail}. Confira o JSON e os parâmetros na documentação em /docs."
                ),
                Lang::En => format!(
                    "Invalid request: {detail}. Check the JSON and the parameters in the documentation at /docs."
                ),
            },
            Refusal::IdInvalid(id) => match lang {
                Lang::PtBr => format!("\"{id}\" não é um identificador válido (UUID)."),
                Lang::En => format!("\"{id}\" is not a valid identifier (UUID)."),
            },
            Refusal::IdempotencyConflict => lang
                .pick(
                    "Esta Idempotency-Key já foi usada com outra requisição. Use uma chave nova para cada envio diferente.",
                    "This Idempotency-Key was already used with another request. Use a new key for each different send.",
                )
                .to_owned(),
            Refusal::NoQr => lang
                .pick(
                    "Este número não está esperando a leitura de um QR agora (está parado, iniciando ou já conectado). Inicie-o e consulte o status até \"awaiting_qr\".",
                    "This number is not waiting for a QR scan now (it is stopped, starting or already connected). Start it and poll its status until \"awaiting_qr\".",
                )
                .to_owned(),
            Refusal::ControlCharacter(field) => match lang {
                Lang::PtBr => format!(
                    "\"{field}\" tem um caractere de controle (como \\u0000), que o ZapDesk não aceita. Remova-o e envie de novo (no corpo JSON, quebras de linha e tabulações são aceitas)."
                ),
                Lang::En => format!(
                    "\"{field}\" holds a control character (such as \\u0000), which ZapDesk does not take. Remove it and send again (line breaks and tabs are fine in the JSON body)."
                ),
            },
            Refusal::InstanceAmbiguous(name) => match lang {
                Lang::PtBr => format!(
                    "Mais de um número se chama \"{name}\". Use o id do número no lugar do nome (veja GET /evolution/instance/fetchInstances) ou dê nomes diferentes aos números."
                ),
                Lang::En => format!(
                    "More than one number is named \"{name}\". Use the number's id instead of its name (see GET /evolution/instance/fetchInstances) or give the numbers different names."
                ),
            },
            Refusal::Internal => lang
                .pick(
                    "Algo deu errado neste computador. Nada foi alterado; tente novamente.",
                    "Something went wrong on this computer. Nothing was changed; please try again.",
                )
                .to_owned(),
        }
    }
}

type Shared = Arc<dyn UserError + Send + Sync>;

/// A refusal on its way out: its status now, its text once the language is known.
#[derive(Clone)]
pub struct ApiError {
    error: Shared,
    /// Seconds for `Retry-After` (a rate limit).
    retry_after: Option<u64>,
    /// A status other than the code's (405 for a method a path does not take).
    status: Option<StatusCode>,
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.error.code(), self.error)
    }
}

impl ApiError {
    pub fn code(&self) -> ErrorCode {
        self.error.code()
    }

    /// Too many requests: try again in `secs`.
    pub fn rate_limited(secs: u64) -> ApiError {
        ApiError {
            error: Arc::new(Refusal::RateLimited(secs)),
            retry_after: Some(secs),
            status: None,
        }
    }

    /// A number's name that is several numbers: 409, asking for the id.
    pub fn instance_ambiguous(name: &str) -> ApiError {
        ApiError {
            error: Arc::new(Refusal::InstanceAmbiguous(name.to_owned())),
            retry_after: None,
            status: Some(StatusCode::CONFLICT),
        }
    }

    /// A method the path does not take.
    pub fn method_not_allowed() -> ApiError {
        ApiError {
            error: Arc::new(Refusal::MethodNotAllowed),
            retry_after: None,
            status: Some(StatusCode::METHOD_NOT_ALLOWED),
        }
    }
}

impl<E: UserError + Send + Sync + 'static> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError {
            error: Arc::new(e),
            retry_after: None,
            status: None,
        }
    }
}

/// A database failure of the API's own queries (tokens, idempotency keys):
/// the detail to the log, "something went wrong" to the caller.
pub fn database(e: impl std::fmt::Display) -> ApiError {
    tracing::warn!("api: database: {e}");
    Refusal::Internal.into()
}

/// The HTTP status of an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    use ErrorCode as C;
    match code {
        C::ApiUnauthorized => StatusCode::UNAUTHORIZED,
        C::ApiForbidden | C::AutomationSettingsForbidden | C::RemoteForbidden => {
            StatusCode::FORBIDDEN
        }
        C::ApiNotFound
        | C::ApiTokenUnknown
        | C::AccountUnknown
        | C::ContactUnknown
        | C::NumberUnknown
        | C::ConversationUnknown
        | C::UserUnknown
        | C::QuickReplyUnknown
        | C::TagUnknown
        | C::FieldUnknown
        | C::SegmentUnknown
        | C::CampaignUnknown
        | C::KeywordUnknown
        | C::FlowUnknown
        | C::SessionUnknown
        | C::AutomationFileUnknown
        | C::SimulationUnknown
        | C::WebhookUnknown
        | C::WebhookDeliveryUnknown => StatusCode::NOT_FOUND,
        C::ApiRateLimited => StatusCode::TOO_MANY_REQUESTS,
        C::ApiBodyTooLarge | C::AttachmentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        C::ApiBadRequest | C::IdInvalid => StatusCode::BAD_REQUEST,
        C::ApiIdempotencyConflict
        | C::PhoneDuplicate
        | C::EmailDuplicate
        | C::ShortcutDuplicate
        | C::TagDuplicate
        | C::FieldDuplicate
        | C::SegmentDuplicate
        | C::FlowDuplicate
        | C::KeywordConflict
        | C::FlowStale
        | C::FlowInUse
        | C::FlowRunning
        | C::FlowTriggerConflict
        | C::FlowNotPublished
        | C::CampaignStatusInvalid
        | C::AccountArchived
        | C::ContactOptedOut
        | C::AlreadyRunning
        | C::NumberRunsElsewhere
        // The account is at its plan's limit: its state, not the request,
        // is what has to change (the plan, a limit, or next month).
        | C::PlanLimitReached => StatusCode::CONFLICT,
        C::NumberOffline
        | C::NumberLeaseUnknown
        // No browser on this desktop: the service cannot run numbers yet.
        | C::BrowserNotFound
        | C::WhatsappFailed
        | C::RemoteUnreachable
        | C::RemoteTlsFailed
        | C::RemoteAuthFailed => StatusCode::SERVICE_UNAVAILABLE,
        C::DatabaseFailed
        | C::DatabaseTooNew
        | C::DataDirUnusable
        | C::FileWriteFailed
        | C::SimulationFailed
        | C::RemoteFailed
        | C::RemoteSecretUnavailable => StatusCode::INTERNAL_SERVER_ERROR,
        // What a person (or a client) got wrong in what they sent.
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status.unwrap_or_else(|| status_of(self.error.code()));
        if status.is_server_error() {
            // The detail is for the log; the person reads the message.
            tracing::warn!("api: {:?}: {}", self.error.code(), self.error);
        }
        let mut response = status.into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Writes the body of an error response in the request's language. Runs
/// around every route, so every refusal has the same shape. Under
/// `/evolution/` the body also carries Evolution API's own error fields
/// (`status`, `error`, `response.message`), which its clients read.
pub async fn render(request: Request, next: Next) -> Response {
    let lang = lang::of(request.headers());
    let evolution = request.uri().path().starts_with("/evolution/");
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<ApiError>() else {
        return response;
    };
    let status = response.status();
    let body = ErrorBody {
        code: error.error.code(),
        message: error.error.message(lang),
    };
    let mut out = if evolution {
        let mut value = serde_json::to_value(&body).unwrap_or_default();
        value["status"] = status.as_u16().into();
        value["error"] = status.canonical_reason().unwrap_or("Error").into();
        value["response"] = serde_json::json!({ "message": [body.message] });
        (status, axum::Json(value)).into_response()
    } else {
        (status, axum::Json(body)).into_response()
    };
    if let Some(value) = response.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, value.clone());
    }
    out
}
