//! What the pipeline refuses, in the operator's language.

use crate::Lang;
use crate::error::{ErrorCode, UserError, database_failed};

use super::{STAGE_NAME_MAX, TITLE_MAX};

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("stage name is empty")]
    NameEmpty,
    #[error("stage name is too long")]
    NameTooLong,
    #[error("{0:?} is not a colour")]
    ColorInvalid(String),
    #[error("no such stage")]
    StageUnknown,
    #[error("no such card")]
    CardUnknown,
    #[error("no such contact")]
    ContactUnknown,
    #[error("no such operator")]
    OwnerUnknown,
    #[error("the stage has {0} cards and no stage to move them to")]
    StageHasCards(i64),
    #[error("card title is too long")]
    TitleTooLong,
    #[error("card value out of range")]
    ValueInvalid,
    #[error("the stage's tag is not one of the account's tags")]
    TagUnknown,
    #[error("the stage's flow is not one of the account's flows")]
    FlowUnknown,
    #[error("the stages to reorder are not the account's stages")]
    OrderInvalid,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for PipelineError {
    fn code(&self) -> ErrorCode {
        match self {
            PipelineError::NameEmpty => ErrorCode::NameEmpty,
            PipelineError::NameTooLong => ErrorCode::NameTooLong,
            PipelineError::ColorInvalid(_) => ErrorCode::ColorInvalid,
            PipelineError::StageUnknown => ErrorCode::PipelineStageUnknown,
            PipelineError::CardUnknown => ErrorCode::PipelineCardUnknown,
            PipelineError::ContactUnknown => ErrorCode::ContactUnknown,
            PipelineError::OwnerUnknown => ErrorCode::UserUnknown,
            PipelineError::StageHasCards(_) => ErrorCode::PipelineStageHasCards,
            PipelineError::TitleTooLong | PipelineError::ValueInvalid => {
                ErrorCode::PipelineCardInvalid
            }
            PipelineError::OrderInvalid => ErrorCode::PipelineStageUnknown,
            PipelineError::TagUnknown => ErrorCode::TagUnknown,
            PipelineError::FlowUnknown => ErrorCode::FlowUnknown,
            PipelineError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PipelineError::NameEmpty, _) => lang
                .pick("Dê um nome à etapa.", "Give the stage a name.")
                .to_owned(),
            (PipelineError::NameTooLong, Lang::PtBr) => {
                format!("O nome da etapa pode ter no máximo {STAGE_NAME_MAX} caracteres.")
            }
            (PipelineError::NameTooLong, Lang::En) => {
                format!("A stage name can have at most {STAGE_NAME_MAX} characters.")
            }
            (PipelineError::ColorInvalid(c), Lang::PtBr) => {
                format!("\"{c}\" não é uma cor (use #rrggbb).")
            }
            (PipelineError::ColorInvalid(c), Lang::En) => {
                format!("\"{c}\" is not a colour (use #rrggbb).")
            }
            (PipelineError::StageUnknown | PipelineError::OrderInvalid, _) => lang
                .pick(
                    "Esta etapa não existe mais (talvez tenha sido apagada em outro computador). Recarregue o funil.",
                    "This stage no longer exists (it may have been deleted on another computer). Reload the pipeline.",
                )
                .to_owned(),
            (PipelineError::CardUnknown, _) => lang
                .pick(
                    "Este cartão não existe mais.",
                    "This card no longer exists.",
                )
                .to_owned(),
            (PipelineError::ContactUnknown, _) => lang
                .pick(
                    "Este contato não existe mais nesta conta.",
                    "This contact no longer exists in this account.",
                )
                .to_owned(),
            (PipelineError::OwnerUnknown, _) => lang
                .pick(
                    "Este operador não existe mais.",
                    "This operator no longer exists.",
                )
                .to_owned(),
            (PipelineError::StageHasCards(n), Lang::PtBr) => format!(
                "A etapa tem {n} cartão(ões). Escolha para qual etapa eles vão antes de apagá-la."
            ),
            (PipelineError::StageHasCards(n), Lang::En) => format!(
                "The stage has {n} card(s). Choose the stage they move to before deleting it."
            ),
            (PipelineError::TitleTooLong, Lang::PtBr) => {
                format!("O título pode ter no máximo {TITLE_MAX} caracteres.")
            }
            (PipelineError::TitleTooLong, Lang::En) => {
                format!("A title can have at most {TITLE_MAX} characters.")
            }
            (PipelineError::ValueInvalid, _) => lang
                .pick(
                    "O valor precisa ser zero ou positivo, até R$ 10 bilhões.",
                    "The value must be zero or more, up to R$ 10 billion.",
                )
                .to_owned(),
            (PipelineError::TagUnknown, _) => lang
                .pick(
                    "A etiqueta escolhida para a etapa não existe nesta conta (talvez tenha sido apagada). Escolha outra.",
                    "The tag chosen for the stage does not exist in this account (it may have been deleted). Choose another.",
                )
                .to_owned(),
            (PipelineError::FlowUnknown, _) => lang
                .pick(
                    "O fluxo escolhido para a etapa não existe nesta conta (talvez tenha sido apagado). Escolha outro.",
                    "The flow chosen for the stage does not exist in this account (it may have been deleted). Choose another.",
                )
                .to_owned(),
            (PipelineError::Database(_), _) => database_failed(lang),
        }
    }
}
