//! The agency's operators. On a desktop without sync there is one "me",
//! chosen in Settings; with sync (issue 6) operators come from the agency's
//! database. Operators are not account data: one operator works on many accounts.

use serde::{Deserialize, Serialize};

use crate::access::AccessError;
use crate::domain::{Role, User};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::ids::{AccountId, UserId};
use crate::text::{NameProblem, clean_name};
use crate::time::now_ms;
use crate::{Lang, Store};

/// What a person fills in to add an operator.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct UserInput {
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// Why an operator operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum UserErrorKind {
    #[error("operator name is empty")]
    NameEmpty,
    #[error("operator name is too long")]
    NameTooLong,
    #[error("not an e-mail address: {0}")]
    EmailInvalid(String),
    #[error("an operator with e-mail {0} exists")]
    EmailDuplicate(String),
    #[error("no operator {0}")]
    Unknown(UserId),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("only an owner manages owners")]
    OwnersByOwners,
    #[error("the agency's last owner cannot be removed or demoted")]
    LastOwner,
    #[error("no account {0} to give")]
    AccountUnknown(AccountId),
    #[error("this desktop's operator is the sync login")]
    MeFromLogin,
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for UserErrorKind {
    fn code(&self) -> ErrorCode {
        match self {
            UserErrorKind::NameEmpty => ErrorCode::NameEmpty,
            UserErrorKind::NameTooLong => ErrorCode::NameTooLong,
            UserErrorKind::EmailInvalid(_) => ErrorCode::EmailInvalid,
            UserErrorKind::EmailDuplicate(_) => ErrorCode::EmailDuplicate,
            UserErrorKind::Unknown(_) => ErrorCode::UserUnknown,
            UserErrorKind::Access(e) => e.code(),
            UserErrorKind::OwnersByOwners => ErrorCode::OperatorForbidden,
            UserErrorKind::LastOwner => ErrorCode::LastOwner,
            UserErrorKind::AccountUnknown(_) => ErrorCode::AccountUnknown,
            UserErrorKind::MeFromLogin => ErrorCode::OperatorForbidden,
            UserErrorKind::Plan(e) => e.code(),
            UserErrorKind::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (UserErrorKind::NameEmpty, _) => lang
                .pick("Dê um nome ao atendente.", "Give the operator a name.")
                .to_owned(),
            (UserErrorKind::NameTooLong, _) => lang
                .pick(
                    "O nome do atendente pode ter no máximo 80 caracteres.",
                    "The operator's name can have at most 80 characters.",
                )
                .to_owned(),
            (UserErrorKind::EmailInvalid(e), Lang::PtBr) => {
                format!("\"{e}\" não é um e-mail válido.")
            }
            (UserErrorKind::EmailInvalid(e), Lang::En) => {
                format!("\"{e}\" is not a valid e-mail address.")
            }
            (UserErrorKind::EmailDuplicate(e), Lang::PtBr) => {
                format!("Já existe um atendente com o e-mail {e}.")
            }
            (UserErrorKind::EmailDuplicate(e), Lang::En) => {
                format!("An operator with the e-mail {e} already exists.")
            }
            (UserErrorKind::Unknown(_), _) => lang
                .pick(
                    "Este atendente não existe mais.",
                    "This operator no longer exists.",
                )
                .to_owned(),
            (UserErrorKind::Access(e), _) => e.message(lang),
            (UserErrorKind::OwnersByOwners, _) => lang
                .pick(
                    "Só um dono pode convidar, mudar ou remover donos.",
                    "Only an owner can invite, change or remove owners.",
                )
                .to_owned(),
            (UserErrorKind::LastOwner, _) => lang
                .pick(
                    "A agência precisa de pelo menos um dono. Torne outra pessoa dona antes de remover ou rebaixar este.",
                    "The agency needs at least one owner. Make someone else an owner before removing or demoting this one.",
                )
                .to_owned(),
            (UserErrorKind::AccountUnknown(_), _) => lang
                .pick(
                    "Uma das contas escolhidas não existe mais. Recarregue e escolha de novo.",
                    "One of the chosen accounts no longer exists. Reload and choose again.",
                )
                .to_owned(),
            (UserErrorKind::MeFromLogin, _) => lang
                .pick(
                    "Com a sincronização ligada, quem usa este computador é quem entrou no banco da agência.",
                    "With sync on, this desktop's operator is whoever logged in to the agency's database.",
                )
                .to_owned(),
            (UserErrorKind::Plan(e), _) => e.message(lang),
            (UserErrorKind::Database(_), _) => database_failed(lang),
        }
    }
}

const COLUMNS: &str = "id, name, email, role, created_at";

/// Adds an operator.
pub async fn create(store: &Store, input: &UserInput) -> Result<User, UserErrorKind> {
    let name = operator_name(&input.name)?;
    let email = operator_email(&input.email)?;
    let sql = format!(
        "INSERT INTO users (id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    );
    sqlx::query_as(&sql)
        .bind(UserId::new())
        .bind(name)
        .bind(&email)
        .bind(input.role)
        .bind(now_ms())
        .fetch_one(store.pool())
        .await
        .map_err(|e| match e.as_database_error() {
            Some(db) if db.is_unique_violation() => UserErrorKind::EmailDuplicate(email.clone()),
            _ => UserErrorKind::Database(e),
        })
}

pub(crate) fn operator_name(raw: &str) -> Result<String, UserErrorKind> {
    clean_name(raw, 80).map_err(|p| match p {
        NameProblem::Empty => UserErrorKind::NameEmpty,
        NameProblem::TooLong => UserErrorKind::NameTooLong,
    })
}

pub(crate) fn operator_email(raw: &str) -> Result<String, UserErrorKind> {
    let email = raw.trim().to_lowercase();
    let valid = email.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.')
    }) && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(UserErrorKind::EmailInvalid(raw.trim().to_owned()))
    }
}

/// Every operator of the team (not the removed ones), by name.
pub async fn list(store: &Store) -> Result<Vec<User>, UserErrorKind> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE, id"
    ))
    .fetch_all(store.pool())
    .await?)
}

/// An operator, removed or not (their name still labels their history).
pub async fn get(store: &Store, id: UserId) -> Result<User, UserErrorKind> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(UserErrorKind::Unknown(id))
}

/// An operator still in the team.
async fn get_live(store: &Store, id: UserId) -> Result<User, UserErrorKind> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = ? AND removed_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(UserErrorKind::Unknown(id))
}

const ME: &str = "current_user";

/// The operator using this desktop, once chosen (and not removed since).
pub async fn me(store: &Store) -> Result<Option<User>, UserErrorKind> {
    let id: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(ME)
        .fetch_optional(store.pool())
        .await?;
    match id.and_then(|s| s.parse::<UserId>().ok()) {
        Some(id) => match get_live(store, id).await {
            Ok(user) => Ok(Some(user)),
            Err(UserErrorKind::Unknown(_)) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// Chooses who uses this desktop.
pub async fn set_me(store: &Store, id: UserId) -> Result<User, UserErrorKind> {
    if crate::team::me_from_login(store).await? {
        return Err(UserErrorKind::MeFromLogin);
    }
    let user = get_live(store, id).await?;
    sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(ME)
        .bind(id.to_string())
        .execute(store.pool())
        .await?;
    Ok(user)
}
