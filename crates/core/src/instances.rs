//! The WhatsApp numbers of an account (the seed calls them instances): the
//! rows the Numbers screen lists. Running them is `zapdesk-whatsapp`'s job;
//! this module only stores what they are and where they stand.

use serde::{Deserialize, Serialize};

use crate::account_open::{self, AccountClosed};
use crate::domain::{InstanceKind, InstanceStatus};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::ids::InstanceId;
use crate::text::{NameProblem, clean_name};
use crate::time::now_ms;
use crate::{AccountId, Lang, Store};

/// Longest number name, in characters.
pub const NAME_MAX: usize = 80;

/// A number as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Instance {
    pub id: InstanceId,
    pub account_id: AccountId,
    pub name: String,
    pub kind: InstanceKind,
    /// The last status a running number reported.
    pub status: InstanceStatus,
    pub status_detail: Option<String>,
    /// The number's own phone once connected, E.164.
    pub phone: Option<String>,
    /// Started again when ZapDesk starts (it was running when it closed).
    pub autostart: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a person fills in to add a number.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct NumberInput {
    pub name: String,
    pub kind: InstanceKind,
}

/// Why a number operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum NumberError {
    #[error("number name is empty")]
    NameEmpty,
    #[error("number name is longer than {NAME_MAX} characters")]
    NameTooLong,
    #[error(transparent)]
    Account(#[from] AccountClosed),
    #[error("no number {1} in account {0}")]
    Unknown(AccountId, InstanceId),
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for NumberError {
    fn code(&self) -> ErrorCode {
        match self {
            NumberError::NameEmpty => ErrorCode::NameEmpty,
            NumberError::NameTooLong => ErrorCode::NameTooLong,
            NumberError::Account(e) => e.code(),
            NumberError::Unknown(..) => ErrorCode::NumberUnknown,
            NumberError::Plan(e) => e.code(),
            NumberError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            NumberError::NameEmpty => lang
                .pick(
                    "Dê um nome ao número, por exemplo \"Vendas\".",
                    "Give the number a name, e.g. \"Sales\".",
                )
                .to_owned(),
            NumberError::NameTooLong => match lang {
                Lang::PtBr => format!("O nome do número pode ter no máximo {NAME_MAX} caracteres."),
                Lang::En => format!("The number's name can have at most {NAME_MAX} characters."),
            },
            NumberError::Account(e) => e.message(lang),
            NumberError::Unknown(..) => lang
                .pick(
                    "Este número não existe mais nesta conta.",
                    "This number no longer exists in this account.",
                )
                .to_owned(),
            NumberError::Plan(e) => e.message(lang),
            NumberError::Database(_) => database_failed(lang),
        }
    }
}

const COLUMNS: &str =
    "id, account_id, name, kind, status, status_detail, phone, autostart, created_at, updated_at";

/// An update or delete that touched no row means the number is not there.
fn found(
    done: sqlx::sqlite::SqliteQueryResult,
    account: AccountId,
    id: InstanceId,
) -> Result<(), NumberError> {
    if done.rows_affected() == 0 {
        return Err(NumberError::Unknown(account, id));
    }
    Ok(())
}

/// Adds a number to an account; it starts stopped.
pub async fn create(
    store: &Store,
    account: AccountId,
    input: &NumberInput,
) -> Result<Instance, NumberError> {
    let name = clean_name(&input.name, NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => NumberError::NameEmpty,
        NameProblem::TooLong => NumberError::NameTooLong,
    })?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    crate::plans::check(&mut tx, account, crate::plans::Limit::Numbers, 1).await?;
    let now = now_ms();
    let sql = format!(
        "INSERT INTO instances (id, account_id, name, kind, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'stopped', ?, ?) RETURNING {COLUMNS}"
    );
    let number = sqlx::query_as(&sql)
        .bind(InstanceId::new())
        .bind(account)
        .bind(name)
        .bind(input.kind)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(number)
}

/// The account's numbers, oldest first.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Instance>, NumberError> {
    let sql =
        format!("SELECT {COLUMNS} FROM instances WHERE account_id = ? ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql)
        .bind(account)
        .fetch_all(store.pool())
        .await?)
}

pub async fn get(
    store: &Store,
    account: AccountId,
    id: InstanceId,
) -> Result<Instance, NumberError> {
    let sql = format!("SELECT {COLUMNS} FROM instances WHERE account_id = ? AND id = ?");
    sqlx::query_as(&sql)
        .bind(account)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(NumberError::Unknown(account, id))
}

/// Records the status a running number reported, and its phone once known.
pub async fn set_status(
    store: &Store,
    account: AccountId,
    id: InstanceId,
    status: InstanceStatus,
    detail: Option<&str>,
    phone: Option<&str>,
) -> Result<(), NumberError> {
    let done = sqlx::query(
        "UPDATE instances SET status = ?, status_detail = ?, phone = COALESCE(?, phone), updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(status)
    .bind(detail)
    .bind(phone)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .execute(store.pool())
    .await?;
    found(done, account, id)
}

/// Remembers whether the number should run when ZapDesk starts.
pub async fn set_autostart(
    store: &Store,
    account: AccountId,
    id: InstanceId,
    on: bool,
) -> Result<(), NumberError> {
    let done = sqlx::query(
        "UPDATE instances SET autostart = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(on)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .execute(store.pool())
    .await?;
    found(done, account, id)
}

/// Deletes a number with its conversations and messages.
pub async fn delete(store: &Store, account: AccountId, id: InstanceId) -> Result<(), NumberError> {
    let done = sqlx::query("DELETE FROM instances WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(store.pool())
        .await?;
    found(done, account, id)
}
