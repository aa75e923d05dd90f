//! Why a plan refused an action, in words that name the limit, the plan and
//! what the account already uses.

use super::Limit;
use crate::accounts::Plan;
use crate::error::{ErrorCode, UserError, database_failed};
use crate::{AccountId, Lang};

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The action would take the account past one of its limits. `adding`
    /// is what the action asked for (1 for one contact, the new contacts of
    /// an import, a campaign's recipients).
    #[error(
        "plan {plan:?} allows {max} {limit:?}; the account has {used} and asked for {adding} more"
    )]
    Reached {
        limit: Limit,
        plan: Plan,
        max: u32,
        used: u32,
        adding: u32,
        /// Of `used`, for messages: what campaigns already started still
        /// have to send in that month (their pending recipients).
        reserved: u32,
    },
    #[error("no account with id {0}")]
    AccountUnknown(AccountId),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for PlanError {
    fn code(&self) -> ErrorCode {
        match self {
            PlanError::Reached { .. } => ErrorCode::PlanLimitReached,
            PlanError::AccountUnknown(_) => ErrorCode::AccountUnknown,
            PlanError::Access(e) => e.code(),
            PlanError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            PlanError::Reached {
                limit,
                plan,
                max,
                used,
                adding,
                reserved,
            } => reached(lang, *limit, *plan, *max, *used, *adding, *reserved),
            PlanError::AccountUnknown(_) => lang
                .pick(
                    "Esta conta não existe mais. Escolha outra conta.",
                    "This account no longer exists. Choose another account.",
                )
                .to_owned(),
            PlanError::Access(e) => e.message(lang),
            PlanError::Database(_) => database_failed(lang),
        }
    }
}

/// The plan's name as the Settings screen shows it.
pub fn plan_name(plan: Plan, lang: Lang) -> &'static str {
    match plan {
        Plan::Free => lang.pick("Gratuito", "Free"),
        Plan::Starter => lang.pick("Inicial", "Starter"),
        Plan::Pro => "Pro",
        Plan::Enterprise => lang.pick("Empresarial", "Enterprise"),
    }
}

fn reached(
    lang: Lang,
    limit: Limit,
    plan: Plan,
    max: u32,
    used: u32,
    adding: u32,
    reserved: u32,
) -> String {
    let name = plan_name(plan, lang);
    let fit = max.saturating_sub(used);
    // Messages: what was sent, and apart what started campaigns still owe.
    let sent = used.saturating_sub(reserved);
    let owed = match (lang, reserved) {
        (_, 0) => String::new(),
        (Lang::PtBr, n) => format!(", e campanhas já iniciadas ainda vão enviar {n}"),
        (Lang::En, n) => format!(", and campaigns already started will still send {n}"),
    };
    let what = match lang {
        Lang::PtBr => match limit {
            Limit::Numbers => {
                format!("O plano {name} permite {max} números; esta conta já tem {used}.")
            }
            Limit::Contacts if adding > 1 => format!(
                "O plano {name} permite {max} contatos; esta conta já tem {used} e a importação traria {adding} novos; cabem {fit}. A importação parou antes deles: importar o arquivo de novo não repete quem já entrou."
            ),
            Limit::Contacts => {
                format!("O plano {name} permite {max} contatos; esta conta já tem {used}.")
            }
            Limit::Messages if adding > 1 => format!(
                "O plano {name} permite {max} mensagens enviadas por mês; esta conta já enviou {sent} neste mês{owed} e a campanha tem {adding} destinatários. Restam {fit}: a campanha não foi iniciada nem agendada (ela não é cortada para caber)."
            ),
            Limit::Messages => format!(
                "O plano {name} permite {max} mensagens enviadas por mês; esta conta já enviou {sent} neste mês{owed}."
            ),
            Limit::Operators => format!(
                "O plano {name} permite {max} operadores por conta; esta conta já tem {used}."
            ),
            Limit::Flows => {
                format!("O plano {name} permite {max} fluxos; esta conta já tem {used}.")
            }
        },
        Lang::En => match limit {
            Limit::Numbers => {
                format!("The {name} plan allows {max} numbers; this account already has {used}.")
            }
            Limit::Contacts if adding > 1 => format!(
                "The {name} plan allows {max} contacts; this account already has {used} and the import would add {adding} new ones; {fit} fit. The import stopped before them: importing the file again does not repeat anyone already in."
            ),
            Limit::Contacts => {
                format!("The {name} plan allows {max} contacts; this account already has {used}.")
            }
            Limit::Messages if adding > 1 => format!(
                "The {name} plan allows {max} messages sent per month; this account has sent {sent} this month{owed} and the campaign has {adding} recipients. {fit} remain: the campaign was neither started nor scheduled (it is not cut down to fit)."
            ),
            Limit::Messages => format!(
                "The {name} plan allows {max} messages sent per month; this account has sent {sent} this month{owed}."
            ),
            Limit::Operators => format!(
                "The {name} plan allows {max} operators per account; this account already has {used}."
            ),
            Limit::Flows => {
                format!("The {name} plan allows {max} flows; this account already has {used}.")
            }
        },
    };
    let what_to_do = lang.pick(
        " Para ir além, mude o plano ou o limite da conta em Configurações → Contas.",
        " To go further, change the plan or the account's limit in Settings → Accounts.",
    );
    format!("{what}{what_to_do}")
}
