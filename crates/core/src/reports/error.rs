//! Why a report was refused: its code and its text in both languages.

use crate::Lang;
use crate::access::AccessError;
use crate::error::{ErrorCode, UserError, database_failed};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A date that is no `YYYY-MM-DD`, a period that ends before it starts,
    /// or one longer than [`super::period::MAX_DAYS`].
    #[error("report period {from:?}..{to:?} is not valid")]
    PeriodInvalid { from: String, to: String },
    #[error(transparent)]
    Campaign(#[from] crate::campaigns::CampaignError),
    /// The account's stored business hours or time zone are not valid
    /// (saved by a newer or damaged copy): its figures cannot be worked out.
    #[error("business hours stored for the account are not valid: {0}")]
    BusinessHours(crate::business_hours::BusinessHoursError),
    /// Business hours are on but their stored week does not read.
    #[error("business hours stored for the account do not read")]
    HoursUnreadable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for ReportError {
    fn code(&self) -> ErrorCode {
        match self {
            ReportError::Access(e) => e.code(),
            ReportError::Campaign(e) => e.code(),
            ReportError::PeriodInvalid { .. } => ErrorCode::ReportPeriodInvalid,
            ReportError::BusinessHours(e) => e.code(),
            ReportError::HoursUnreadable => ErrorCode::BusinessHoursInvalid,
            ReportError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            ReportError::Access(e) => e.message(lang),
            ReportError::Campaign(e) => e.message(lang),
            ReportError::PeriodInvalid { .. } => lang
                .pick(
                    "O período do relatório não é válido: escolha uma data inicial e uma final (a final depois da inicial), com no máximo 366 dias.",
                    "The report's period is not valid: choose a start and an end date (the end after the start), 366 days at most.",
                )
                .to_owned(),
            ReportError::BusinessHours(e) => match lang {
                Lang::PtBr => format!(
                    "O horário de atendimento salvo nesta conta não é válido ({}). Corrija-o em Configurações → Horário de atendimento.",
                    e.message(lang)
                ),
                Lang::En => format!(
                    "The business hours saved in this account are not valid ({}). Fix them in Settings → Business hours.",
                    e.message(lang)
                ),
            },
            ReportError::HoursUnreadable => lang
                .pick(
                    "O horário de atendimento salvo nesta conta não pôde ser lido. Salve-o de novo em Configurações → Horário de atendimento.",
                    "The business hours saved in this account could not be read. Save them again in Settings → Business hours.",
                )
                .to_owned(),
            ReportError::Database(_) => database_failed(lang),
        }
    }
}
