//! Why a campaign operation was refused, in words a person can act on.

use super::pacing::PacingError;
use super::template::TemplateError;
use crate::Lang;
use crate::contacts::ContactError;
use crate::error::{ErrorCode, UserError, database_failed};
use crate::fields::FieldError;
use crate::inbox::InboxError;
use crate::inbox::attachments::AttachmentError;

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("campaign name empty or too long")]
    NameInvalid,
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Pacing(#[from] PacingError),
    #[error("schedule in the past")]
    ScheduleInPast,
    #[error("no sending number")]
    NoNumbers,
    #[error("number of another account")]
    NumberUnknown,
    #[error("number {0} not connected")]
    NumberOffline(String),
    #[error("empty audience")]
    AudienceEmpty,
    #[error("{0} opted out")]
    OptedOut(String),
    /// A test send to a phone that is no contact of the account.
    #[error("test phone {0} is not a contact")]
    TestPhoneNotContact(String),
    /// The flow a reply should start is not one of the account's (deleted).
    #[error("reply flow unknown")]
    ReplyFlowUnknown,
    /// The flow a reply should start was never published (its name).
    #[error("reply flow {0:?} not published")]
    ReplyFlowNotPublished(String),
    #[error("no such campaign")]
    Unknown,
    #[error("status change not allowed")]
    StatusChange,
    /// Starting or deleting a campaign that is not a draft (started already;
    /// a campaign that ran keeps its report).
    #[error("campaign is not a draft")]
    NotDraft,
    #[error(transparent)]
    Contact(#[from] ContactError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Inbox(#[from] InboxError),
    /// The campaign's file, refused by the inbox's rules (size, blocked type).
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for CampaignError {
    fn code(&self) -> ErrorCode {
        match self {
            CampaignError::NameInvalid => ErrorCode::NameEmpty,
            CampaignError::Template(e) => e.code(),
            CampaignError::Pacing(e) => e.code(),
            CampaignError::ScheduleInPast => ErrorCode::ScheduleInPast,
            CampaignError::NoNumbers | CampaignError::NumberUnknown => ErrorCode::NumberUnknown,
            CampaignError::NumberOffline(_) => ErrorCode::NumberOffline,
            CampaignError::AudienceEmpty => ErrorCode::AudienceEmpty,
            CampaignError::OptedOut(_) => ErrorCode::ContactOptedOut,
            CampaignError::TestPhoneNotContact(_) => ErrorCode::ContactUnknown,
            CampaignError::ReplyFlowUnknown => ErrorCode::FlowUnknown,
            CampaignError::ReplyFlowNotPublished(_) => ErrorCode::FlowNotPublished,
            CampaignError::Unknown => ErrorCode::CampaignUnknown,
            CampaignError::StatusChange | CampaignError::NotDraft => {
                ErrorCode::CampaignStatusInvalid
            }
            CampaignError::Contact(e) => e.code(),
            CampaignError::Field(e) => e.code(),
            CampaignError::Inbox(e) => e.code(),
            CampaignError::Attachment(e) => e.code(),
            CampaignError::Plan(e) => e.code(),
            CampaignError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        let text = match self {
            CampaignError::NameInvalid => lang.pick(
                "Dê à campanha um nome de até 80 caracteres.",
                "Give the campaign a name of at most 80 characters.",
            ),
            CampaignError::Template(e) => return e.message(lang),
            CampaignError::Pacing(e) => return e.message(lang),
            CampaignError::ScheduleInPast => lang.pick(
                "A data e hora de início já passaram. Escolha um momento futuro ou \"Enviar agora\".",
                "The start date and time have passed. Choose a future moment or \"Send now\".",
            ),
            CampaignError::NoNumbers => lang.pick(
                "Escolha pelo menos um número para enviar a campanha.",
                "Choose at least one number to send the campaign from.",
            ),
            CampaignError::NumberUnknown => lang.pick(
                "Um dos números escolhidos não existe mais nesta conta.",
                "One of the chosen numbers no longer exists in this account.",
            ),
            CampaignError::NumberOffline(name) => {
                return match lang {
                    Lang::PtBr => format!(
                        "O número {name} não está conectado. Conecte-o em Números ou agende a campanha para depois."
                    ),
                    Lang::En => format!(
                        "The number {name} is not connected. Connect it in Numbers or schedule the campaign for later."
                    ),
                };
            }
            CampaignError::AudienceEmpty => lang.pick(
                "Nenhum contato recebe esta campanha: o público está vazio (contatos descadastrados nunca recebem).",
                "Nobody receives this campaign: the audience is empty (opted-out contacts never receive).",
            ),
            CampaignError::OptedOut(phone) => {
                return match lang {
                    Lang::PtBr => format!(
                        "{phone} pediu para não receber mensagens (descadastrado). Use outro número para o teste."
                    ),
                    Lang::En => format!(
                        "{phone} asked not to receive messages (opted out). Use another number for the test."
                    ),
                };
            }
            CampaignError::TestPhoneNotContact(phone) => {
                return match lang {
                    Lang::PtBr => format!(
                        "{phone} não é um contato desta conta. Adicione-o em Contatos (por exemplo, com o seu nome) e envie o teste de novo."
                    ),
                    Lang::En => format!(
                        "{phone} is not a contact of this account. Add it in Contacts (with your name, for example) and send the test again."
                    ),
                };
            }
            CampaignError::ReplyFlowUnknown => lang.pick(
                "O fluxo escolhido para as respostas não existe mais nesta conta. Escolha outro ou \"Nenhum\".",
                "The flow chosen for replies no longer exists in this account. Choose another or \"None\".",
            ),
            CampaignError::ReplyFlowNotPublished(name) => {
                return match lang {
                    Lang::PtBr => format!(
                        "O fluxo \"{name}\" ainda não foi publicado, e uma resposta não poderia iniciá-lo. Publique-o em Automação → Fluxos ou escolha outro."
                    ),
                    Lang::En => format!(
                        "The flow \"{name}\" is not published yet, so a reply could not start it. Publish it in Automation → Flows or choose another."
                    ),
                };
            }
            CampaignError::Unknown => lang.pick(
                "Esta campanha não existe mais.",
                "This campaign no longer exists.",
            ),
            CampaignError::StatusChange => lang.pick(
                "Esta campanha não pode mudar para esse estado (uma campanha concluída ou cancelada não volta).",
                "This campaign cannot change to that state (a finished or cancelled campaign does not come back).",
            ),
            CampaignError::NotDraft => lang.pick(
                "Isto não é mais um rascunho: já foi iniciado (talvez em outra janela ou computador). Só um rascunho pode ser iniciado ou excluído; uma campanha criada fica com o seu relatório (cancele-a para parar o envio).",
                "This is no longer a draft: it was started already (perhaps in another window or on another computer). Only a draft can be started or deleted; a campaign already created keeps its report (cancel it to stop sending).",
            ),
            CampaignError::Contact(e) => return e.message(lang),
            CampaignError::Field(e) => return e.message(lang),
            CampaignError::Inbox(e) => return e.message(lang),
            CampaignError::Attachment(e) => return e.message(lang),
            CampaignError::Plan(e) => return e.message(lang),
            CampaignError::Database(_) => return database_failed(lang),
        };
        text.to_owned()
    }
}
