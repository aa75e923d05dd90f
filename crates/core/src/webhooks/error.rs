//! Why a webhook operation was refused.

use crate::account_open::AccountClosed;
use crate::error::{ErrorCode, UserError, database_failed};
use crate::{AccountId, Lang};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Not an http(s) address with a host (the text as typed, for the log).
    #[error("not a webhook address: {0:?}")]
    UrlInvalid(String),
    #[error("a webhook needs at least one event")]
    EventsEmpty,
    /// `test` is sent by the button, never subscribed to.
    #[error("the test event cannot be subscribed to")]
    EventTest,
    /// Events Evolution API's format has no name for.
    #[error("the Evolution format does not carry {0}")]
    EvolutionEvents(String),
    #[error(transparent)]
    Account(#[from] AccountClosed),
    #[error("no webhook in account {0}")]
    Unknown(AccountId),
    #[error("no webhook delivery in account {0}")]
    DeliveryUnknown(AccountId),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for WebhookError {
    fn code(&self) -> ErrorCode {
        match self {
            WebhookError::UrlInvalid(_)
            | WebhookError::EventsEmpty
            | WebhookError::EventTest
            | WebhookError::EvolutionEvents(_) => ErrorCode::WebhookInvalid,
            WebhookError::Account(e) => e.code(),
            WebhookError::Unknown(_) => ErrorCode::WebhookUnknown,
            WebhookError::DeliveryUnknown(_) => ErrorCode::WebhookDeliveryUnknown,
            WebhookError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            WebhookError::UrlInvalid(_) => lang
                .pick(
                    "O endereço do webhook precisa começar com https:// (ou http://) e ter um \
                     servidor, por exemplo https://hooks.zapier.com/hooks/catch/123/abc.",
                    "The webhook's address must start with https:// (or http://) and name a \
                     server, e.g. https://hooks.zapier.com/hooks/catch/123/abc.",
                )
                .to_owned(),
            WebhookError::EventsEmpty => lang
                .pick(
                    "Escolha pelo menos um evento para o webhook receber.",
                    "Choose at least one event for the webhook to receive.",
                )
                .to_owned(),
            WebhookError::EventTest => lang
                .pick(
                    "O evento de teste não se assina: use o botão \"Enviar evento de teste\".",
                    "The test event is not subscribed to: use the \"Send test event\" button.",
                )
                .to_owned(),
            WebhookError::EvolutionEvents(names) => match lang {
                Lang::PtBr => format!(
                    "O formato da Evolution API só tem mensagens e o estado do número; \
                     tire {names} ou use o formato ZapDesk."
                ),
                Lang::En => format!(
                    "Evolution API's format only has messages and the number's status; \
                     remove {names} or use the ZapDesk format."
                ),
            },
            WebhookError::Account(e) => e.message(lang),
            WebhookError::Unknown(_) => lang
                .pick(
                    "Este webhook não existe mais nesta conta.",
                    "This webhook no longer exists in this account.",
                )
                .to_owned(),
            WebhookError::DeliveryUnknown(_) => lang
                .pick(
                    "Esta entrega não está mais no histórico do webhook (entregas antigas são \
                     apagadas após 7 dias).",
                    "This delivery is no longer in the webhook's log (old deliveries are \
                     removed after 7 days).",
                )
                .to_owned(),
            WebhookError::Database(_) => database_failed(lang),
        }
    }
}
