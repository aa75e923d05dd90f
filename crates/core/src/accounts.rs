//! Accounts: the client businesses an agency serves. Every other piece of data
//! belongs to one account. Accounts are archived, never deleted from here:
//! archiving hides an account and stops new data, and can be undone.

use serde::{Deserialize, Serialize};

use crate::access::{self, Area};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::text::{NameProblem, clean_name};
use crate::time::now_ms;
use crate::{AccountId, Lang, Store, phone};

/// Longest account name, in characters.
pub const NAME_MAX: usize = 80;

/// What the agency sells this client.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, sqlx::Type, specta::Type,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Plan {
    Free,
    #[default]
    Starter,
    Pro,
    Enterprise,
}

/// Where the business relationship stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, sqlx::Type, specta::Type,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum AccountStatus {
    #[default]
    Active,
    Trial,
    Suspended,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The business's own phone, E.164.
    pub phone: Option<String>,
    pub plan: Plan,
    pub status: AccountStatus,
    /// When it was archived (Unix ms); `None` while in use.
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The fields a person fills in to create or edit an account.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
pub struct AccountInput {
    pub name: String,
    /// Empty or `None` means no phone.
    pub phone: Option<String>,
    pub plan: Plan,
    pub status: AccountStatus,
}

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("account name is empty")]
    NameEmpty,
    #[error("account name is longer than {NAME_MAX} characters")]
    NameTooLong,
    #[error(transparent)]
    PhoneInvalid(#[from] phone::InvalidPhone),
    #[error("no account with id {0}")]
    Unknown(AccountId),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for AccountError {
    fn code(&self) -> ErrorCode {
        match self {
            AccountError::NameEmpty => ErrorCode::NameEmpty,
            AccountError::NameTooLong => ErrorCode::NameTooLong,
            AccountError::PhoneInvalid(_) => ErrorCode::PhoneInvalid,
            AccountError::Unknown(_) => ErrorCode::AccountUnknown,
            AccountError::Access(e) => e.code(),
            AccountError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            AccountError::NameEmpty => lang
                .pick("Dê um nome à conta.", "Give the account a name.")
                .to_owned(),
            AccountError::NameTooLong => match lang {
                Lang::PtBr => format!("O nome da conta pode ter no máximo {NAME_MAX} caracteres."),
                Lang::En => format!("The account name can have at most {NAME_MAX} characters."),
            },
            AccountError::PhoneInvalid(e) => match lang {
                Lang::PtBr => format!(
                    "\"{}\" não é um telefone válido. Use o DDD, por exemplo (11) 98765-4321.",
                    e.0
                ),
                Lang::En => format!(
                    "\"{}\" is not a valid phone number. Include the area code, e.g. +55 11 98765-4321.",
                    e.0
                ),
            },
            AccountError::Unknown(_) => lang
                .pick(
                    "Esta conta não existe mais. Escolha outra conta.",
                    "This account no longer exists. Choose another account.",
                )
                .to_owned(),
            AccountError::Access(e) => e.message(lang),
            AccountError::Database(_) => database_failed(lang),
        }
    }
}

struct Valid {
    name: String,
    phone: Option<String>,
}

fn validate(input: &AccountInput) -> Result<Valid, AccountError> {
    let name = clean_name(&input.name, NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => AccountError::NameEmpty,
        NameProblem::TooLong => AccountError::NameTooLong,
    })?;
    let phone = match input.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(phone::normalize(raw)?),
    };
    Ok(Valid { name, phone })
}

const COLUMNS: &str = "id, name, phone, plan, status, archived_at, created_at, updated_at";

/// Creates an account.
pub async fn create(store: &Store, input: &AccountInput) -> Result<Account, AccountError> {
    // The agency's settings: not an agent's (access.rs).
    access::require(store, Area::Settings).await?;
    let valid = validate(input)?;
    let now = now_ms();
    let account = Account {
        id: AccountId::new(),
        name: valid.name,
        phone: valid.phone,
        plan: input.plan,
        status: input.status,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    sqlx::query(
        "INSERT INTO accounts (id, name, phone, plan, status, archived_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
    )
    .bind(account.id)
    .bind(&account.name)
    .bind(&account.phone)
    .bind(account.plan)
    .bind(account.status)
    .bind(account.created_at)
    .bind(account.updated_at)
    .execute(store.pool())
    .await?;
    Ok(account)
}

/// Lists accounts by name; archived ones only when asked.
pub async fn list(store: &Store, include_archived: bool) -> Result<Vec<Account>, AccountError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM accounts WHERE archived_at IS NULL OR ? ORDER BY name COLLATE NOCASE, id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(include_archived)
        .fetch_all(store.pool())
        .await?)
}

/// One account, archived or not.
pub async fn get(store: &Store, id: AccountId) -> Result<Account, AccountError> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = ?");
    sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(AccountError::Unknown(id))
}

/// Replaces the editable fields of an account: name, phone, plan and status.
pub async fn update(
    store: &Store,
    id: AccountId,
    input: &AccountInput,
) -> Result<Account, AccountError> {
    access::require(store, Area::Settings).await?;
    let valid = validate(input)?;
    let sql = format!(
        "UPDATE accounts SET name = ?, phone = ?, plan = ?, status = ?, updated_at = ?
         WHERE id = ? RETURNING {COLUMNS}"
    );
    sqlx::query_as(&sql)
        .bind(valid.name)
        .bind(valid.phone)
        .bind(input.plan)
        .bind(input.status)
        .bind(now_ms())
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(AccountError::Unknown(id))
}

/// Archives an account (`archived = true`) or brings it back (`false`).
pub async fn set_archived(
    store: &Store,
    id: AccountId,
    archived: bool,
) -> Result<Account, AccountError> {
    access::require(store, Area::Settings).await?;
    let now = now_ms();
    let sql = format!(
        "UPDATE accounts
         SET archived_at = CASE WHEN ? THEN COALESCE(archived_at, ?) ELSE NULL END, updated_at = ?
         WHERE id = ? RETURNING {COLUMNS}"
    );
    sqlx::query_as(&sql)
        .bind(archived)
        .bind(now)
        .bind(now)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(AccountError::Unknown(id))
}
