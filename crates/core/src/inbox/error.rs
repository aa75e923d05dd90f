use crate::error::{ErrorCode, UserError, database_failed};
use crate::{AccountId, ConversationId, Lang};

/// Why an inbox operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("no conversation {1} in account {0}")]
    ConversationUnknown(AccountId, ConversationId),
    #[error("no operator {0}")]
    UserUnknown(crate::UserId),
    #[error("message is empty")]
    Empty,
    #[error("message is longer than {} characters", super::TEXT_MAX)]
    TooLong,
    #[error("media file: {0}")]
    Media(#[from] std::io::Error),
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for InboxError {
    fn code(&self) -> ErrorCode {
        match self {
            InboxError::ConversationUnknown(..) => ErrorCode::ConversationUnknown,
            InboxError::UserUnknown(_) => ErrorCode::UserUnknown,
            InboxError::Empty => ErrorCode::MessageEmpty,
            InboxError::TooLong => ErrorCode::MessageTooLong,
            InboxError::Plan(e) => e.code(),
            InboxError::Media(_) | InboxError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            InboxError::ConversationUnknown(..) => lang
                .pick(
                    "Esta conversa não existe mais nesta conta.",
                    "This conversation no longer exists in this account.",
                )
                .to_owned(),
            InboxError::UserUnknown(_) => lang
                .pick(
                    "Este atendente não existe mais.",
                    "This operator no longer exists.",
                )
                .to_owned(),
            InboxError::Empty => lang
                .pick(
                    "Escreva a mensagem antes de enviar.",
                    "Write the message before sending.",
                )
                .to_owned(),
            InboxError::TooLong => match lang {
                Lang::PtBr => format!(
                    "A mensagem pode ter no máximo {} caracteres.",
                    super::TEXT_MAX
                ),
                Lang::En => format!(
                    "The message can have at most {} characters.",
                    super::TEXT_MAX
                ),
            },
            InboxError::Plan(e) => e.message(lang),
            InboxError::Media(_) | InboxError::Database(_) => database_failed(lang),
        }
    }
}
