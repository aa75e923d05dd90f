//! What the operator at this desktop may do (issue 18). The UI hides what an
//! agent may not use; these checks are what refuses it, so a call that does
//! not come from the UI's buttons is refused too.
//!
//! - Owners and admins may do everything on every account; an admin may not
//!   make, change or remove an owner (as the agency's server's
//!   `zapdesk.may_manage`), nor set each plan's limits, which are every
//!   account's (owners only, as the server's postgres 0022).
//! - Agents work the accounts they were given (`user_accounts`) and may not
//!   change settings, export, erase a contact (LGPD) or manage the team.
//! - A desktop where nobody is chosen is a desktop without a team (one
//!   person, its owner): everything is allowed, as `automation::settings`
//!   already decided. An operator chosen and later removed is allowed
//!   nothing until someone else is chosen.

use std::collections::HashSet;

use crate::domain::Role;
use crate::error::{ErrorCode, UserError, database_failed};
use crate::ids::{AccountId, UserId};
use crate::{Lang, Store};

/// What an agent may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Settings: accounts, API, webhooks, the bot's settings, sync.
    Settings,
    /// CSV exports (contacts, campaign recipients) and a contact's LGPD copy.
    Export,
    /// Erasing a contact (LGPD).
    Erase,
    /// Inviting, editing and removing operators.
    Team,
    /// Each plan's limits: the agency's, over every account (owners only,
    /// [`require_owner`]).
    Plans,
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("the operator at this desktop may not do this ({0:?})")]
    Forbidden(Area),
    #[error("the operator at this desktop was not given account {0}")]
    AccountNotGranted(AccountId),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for AccessError {
    fn code(&self) -> ErrorCode {
        match self {
            AccessError::Forbidden(_) => ErrorCode::OperatorForbidden,
            AccessError::AccountNotGranted(_) => ErrorCode::AccountNotGranted,
            AccessError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            AccessError::Forbidden(area) => match area {
                Area::Settings => lang.pick(
                    "Só donos e administradores podem mudar as configurações.",
                    "Only owners and admins can change the settings.",
                ),
                Area::Export => lang.pick(
                    "Só donos e administradores podem exportar dados.",
                    "Only owners and admins can export data.",
                ),
                Area::Erase => lang.pick(
                    "Só donos e administradores podem apagar os dados de um contato (LGPD).",
                    "Only owners and admins can erase a contact's data (LGPD).",
                ),
                Area::Team => lang.pick(
                    "Só donos e administradores podem gerenciar a equipe.",
                    "Only owners and admins can manage the team.",
                ),
                Area::Plans => lang.pick(
                    "Só donos podem mudar os limites dos planos; os de uma conta, donos e administradores.",
                    "Only owners can change the plans' limits; an account's own, owners and admins.",
                ),
            }
            .to_owned(),
            AccessError::AccountNotGranted(_) => lang
                .pick(
                    "Você não tem acesso a esta conta. Peça a um administrador para liberá-la.",
                    "You do not have access to this account. Ask an admin to give it to you.",
                )
                .to_owned(),
            AccessError::Database(_) => database_failed(lang),
        }
    }
}

/// Who is at this desktop, as far as permissions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// Nobody chosen: a desktop without a team.
    Nobody,
    /// A chosen operator who was removed from the team since.
    Removed,
    Member(UserId, Role),
}

/// The operator at this desktop (the `current_user` setting `users::set_me`
/// writes), read whether or not they were removed.
pub async fn operator(store: &Store) -> Result<Operator, AccessError> {
    let chosen: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'current_user'")
            .fetch_optional(store.pool())
            .await?;
    let Some(chosen) = chosen else {
        return Ok(Operator::Nobody);
    };
    let Ok(id) = chosen.parse::<UserId>() else {
        return Ok(Operator::Removed);
    };
    let row: Option<(Role, Option<i64>)> =
        sqlx::query_as("SELECT role, removed_at FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    Ok(match row {
        Some((role, None)) => Operator::Member(id, role),
        // The operator's row is gone, or they were removed from the team.
        _ => Operator::Removed,
    })
}

/// Refuses an agent (and a removed operator) what only owners and admins do.
pub async fn require(store: &Store, area: Area) -> Result<(), AccessError> {
    match operator(store).await? {
        Operator::Nobody | Operator::Member(_, Role::Owner | Role::Admin) => Ok(()),
        Operator::Member(_, Role::Agent) | Operator::Removed => Err(AccessError::Forbidden(area)),
    }
}

/// Refuses everyone but an owner (and a desktop without a team): what is
/// the whole agency's, over accounts an admin may not have been given on the
/// agency's server (each plan's limits; postgres 0022 refuses the same).
pub async fn require_owner(store: &Store, area: Area) -> Result<(), AccessError> {
    match operator(store).await? {
        Operator::Nobody | Operator::Member(_, Role::Owner) => Ok(()),
        Operator::Member(_, Role::Admin | Role::Agent) | Operator::Removed => {
            Err(AccessError::Forbidden(area))
        }
    }
}

/// Refuses an account's data to an agent who was not given it.
pub async fn require_account(store: &Store, account: AccountId) -> Result<(), AccessError> {
    match visible_accounts(store).await? {
        Some(granted) if !granted.contains(&account) => {
            Err(AccessError::AccountNotGranted(account))
        }
        _ => Ok(()),
    }
}

/// The accounts the operator at this desktop may see: `None` for all of them
/// (owners, admins, a desktop without a team).
pub async fn visible_accounts(store: &Store) -> Result<Option<HashSet<AccountId>>, AccessError> {
    match operator(store).await? {
        Operator::Nobody | Operator::Member(_, Role::Owner | Role::Admin) => Ok(None),
        Operator::Removed => Ok(Some(HashSet::new())),
        Operator::Member(id, Role::Agent) => {
            let granted: Vec<AccountId> =
                sqlx::query_scalar("SELECT account_id FROM user_accounts WHERE user_id = ?")
                    .bind(id)
                    .fetch_all(store.pool())
                    .await?;
            Ok(Some(granted.into_iter().collect()))
        }
    }
}
