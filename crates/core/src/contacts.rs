//! Contacts: the people an account talks to, one row per phone per account.
//! Every function takes the account first; no query here runs without
//! `account_id = ?`.

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use crate::error::{ErrorCode, UserError, database_failed};
use crate::text::{NameProblem, clean_name, fold};
use crate::time::now_ms;
use crate::{AccountId, ContactId, Lang, Store, phone};

/// Longest contact name, in characters.
pub const NAME_MAX: usize = 120;
/// Most contacts one page of a listing returns.
pub const PAGE_MAX: u32 = 500;

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, specta::Type)]
pub struct Contact {
    pub id: ContactId,
    pub account_id: AccountId,
    /// E.164, e.g. `+5511987654321`.
    pub phone: String,
    pub name: Option<String>,
    /// When the contact asked not to receive messages; `None` while they accept them.
    pub opted_out_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The fields a person fills in for a contact.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
pub struct ContactInput {
    pub phone: String,
    /// Empty or `None`: a contact known only by their number.
    pub name: Option<String>,
}

/// Which contacts to list: an optional search and a window for paging.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
pub struct ContactQuery {
    /// Matches the name (ignoring case and accents) or the digits of the phone.
    pub search: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// One page of a listing and how many contacts match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ContactPage {
    pub total: u32,
    pub offset: u32,
    pub items: Vec<Contact>,
}

/// Why a contact operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ContactError {
    #[error("contact name is longer than {NAME_MAX} characters")]
    NameTooLong,
    #[error(transparent)]
    PhoneInvalid(#[from] phone::InvalidPhone),
    #[error("another contact of this account already has the phone {0}")]
    PhoneDuplicate(String),
    #[error("no account with id {0}")]
    AccountUnknown(AccountId),
    #[error("account {0} is archived")]
    AccountArchived(AccountId),
    #[error("no contact {1} in account {0}")]
    Unknown(AccountId, ContactId),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for ContactError {
    fn code(&self) -> ErrorCode {
        match self {
            ContactError::NameTooLong => ErrorCode::NameTooLong,
            ContactError::PhoneInvalid(_) => ErrorCode::PhoneInvalid,
            ContactError::PhoneDuplicate(_) => ErrorCode::PhoneDuplicate,
            ContactError::AccountUnknown(_) => ErrorCode::AccountUnknown,
            ContactError::AccountArchived(_) => ErrorCode::AccountArchived,
            ContactError::Unknown(..) => ErrorCode::ContactUnknown,
            ContactError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            ContactError::NameTooLong => match lang {
                Lang::PtBr => {
                    format!("O nome do contato pode ter no máximo {NAME_MAX} caracteres.")
                }
                Lang::En => format!("The contact name can have at most {NAME_MAX} characters."),
            },
            ContactError::PhoneInvalid(e) if e.0.is_empty() => lang
                .pick(
                    "Informe o telefone do contato.",
                    "Enter the contact's phone number.",
                )
                .to_owned(),
            ContactError::PhoneInvalid(e) => match lang {
                Lang::PtBr => format!(
                    "\"{}\" não é um telefone válido. Use o DDD, por exemplo (11) 98765-4321.",
                    e.0
                ),
                Lang::En => format!(
                    "\"{}\" is not a valid phone number. Include the area code, e.g. +55 11 98765-4321.",
                    e.0
                ),
            },
            ContactError::PhoneDuplicate(phone) => match lang {
                Lang::PtBr => format!("Já existe um contato com o telefone {phone} nesta conta."),
                Lang::En => format!("This account already has a contact with the phone {phone}."),
            },
            ContactError::AccountUnknown(_) => lang
                .pick(
                    "Esta conta não existe mais. Escolha outra conta.",
                    "This account no longer exists. Choose another account.",
                )
                .to_owned(),
            ContactError::AccountArchived(_) => lang
                .pick(
                    "Esta conta está arquivada. Restaure-a para alterar os contatos.",
                    "This account is archived. Restore it to change its contacts.",
                )
                .to_owned(),
            ContactError::Unknown(..) => lang
                .pick(
                    "Este contato não existe mais nesta conta.",
                    "This contact no longer exists in this account.",
                )
                .to_owned(),
            ContactError::Database(_) => database_failed(lang),
        }
    }
}

struct Valid {
    phone: String,
    name: Option<String>,
}

fn validate(input: &ContactInput) -> Result<Valid, ContactError> {
    let phone = phone::normalize(&input.phone)?;
    let name = match input.name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(clean_name(raw, NAME_MAX).map_err(|p| match p {
            // Unreachable after the empty check above, but keep the mapping total.
            NameProblem::Empty | NameProblem::TooLong => ContactError::NameTooLong,
        })?),
    };
    Ok(Valid { phone, name })
}

/// Refuses writes to an account that does not exist or is archived; runs in the
/// writing transaction so the check and the write see the same state.
async fn writable(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
) -> Result<(), ContactError> {
    let archived: Option<Option<i64>> =
        sqlx::query_scalar("SELECT archived_at FROM accounts WHERE id = ?")
            .bind(account)
            .fetch_optional(&mut **tx)
            .await?;
    match archived {
        None => Err(ContactError::AccountUnknown(account)),
        Some(Some(_)) => Err(ContactError::AccountArchived(account)),
        Some(None) => Ok(()),
    }
}

/// Maps the unique (account, phone) violation to the error a person understands.
fn on_write_error(e: sqlx::Error, phone: &str) -> ContactError {
    match e.as_database_error() {
        Some(db) if db.is_unique_violation() => ContactError::PhoneDuplicate(phone.to_owned()),
        _ => ContactError::Database(e),
    }
}

const COLUMNS: &str = "id, account_id, phone, name, opted_out_at, created_at, updated_at";

/// Adds a contact to an account.
pub async fn create(
    store: &Store,
    account: AccountId,
    input: &ContactInput,
) -> Result<Contact, ContactError> {
    let valid = validate(input)?;
    let now = now_ms();
    let mut tx = store.write().await?;
    writable(&mut tx, account).await?;
    let sql = format!(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    );
    let contact = sqlx::query_as(&sql)
        .bind(ContactId::new())
        .bind(account)
        .bind(&valid.phone)
        .bind(&valid.name)
        .bind(valid.name.as_deref().map(fold).unwrap_or_default())
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_write_error(e, &valid.phone))?;
    tx.commit().await?;
    Ok(contact)
}

/// Replaces a contact's phone and name.
pub async fn update(
    store: &Store,
    account: AccountId,
    id: ContactId,
    input: &ContactInput,
) -> Result<Contact, ContactError> {
    let valid = validate(input)?;
    let mut tx = store.write().await?;
    writable(&mut tx, account).await?;
    let sql = format!(
        "UPDATE contacts SET phone = ?, name = ?, name_folded = ?, updated_at = ?
         WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    );
    let contact = sqlx::query_as(&sql)
        .bind(&valid.phone)
        .bind(&valid.name)
        .bind(valid.name.as_deref().map(fold).unwrap_or_default())
        .bind(now_ms())
        .bind(account)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| on_write_error(e, &valid.phone))?
        .ok_or(ContactError::Unknown(account, id))?;
    tx.commit().await?;
    Ok(contact)
}

/// Deletes a contact (and, through foreign keys, their tags and conversations).
pub async fn delete(store: &Store, account: AccountId, id: ContactId) -> Result<(), ContactError> {
    let mut tx = store.write().await?;
    writable(&mut tx, account).await?;
    let done = sqlx::query("DELETE FROM contacts WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ContactError::Unknown(account, id));
    }
    tx.commit().await?;
    Ok(())
}

/// One contact of the account.
pub async fn get(
    store: &Store,
    account: AccountId,
    id: ContactId,
) -> Result<Contact, ContactError> {
    let sql = format!("SELECT {COLUMNS} FROM contacts WHERE account_id = ? AND id = ?");
    sqlx::query_as(&sql)
        .bind(account)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(ContactError::Unknown(account, id))
}

/// A page of the account's contacts, named ones first by name, then by phone.
pub async fn list(
    store: &Store,
    account: AccountId,
    query: &ContactQuery,
) -> Result<ContactPage, ContactError> {
    let search = query.search.as_deref().map(str::trim).unwrap_or("");
    let name_pattern = like_pattern(&fold(search));
    let digits = phone::digits(search);
    // An empty digit string would match every phone; NULL matches none.
    let phone_pattern = (!digits.is_empty()).then(|| like_pattern(&digits));
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM contacts WHERE account_id = ?1 AND {SEARCH_FILTER}"
    ))
    .bind(account)
    .bind(&name_pattern)
    .bind(&phone_pattern)
    .fetch_one(store.pool())
    .await?;
    let limit = query.limit.clamp(1, PAGE_MAX);
    let items = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE account_id = ?1 AND {SEARCH_FILTER}
         ORDER BY name IS NULL, name_folded, phone, id LIMIT ?4 OFFSET ?5"
    ))
    .bind(account)
    .bind(&name_pattern)
    .bind(&phone_pattern)
    .bind(limit)
    .bind(query.offset)
    .fetch_all(store.pool())
    .await?;
    if total == 0 {
        // An empty page is ambiguous; an account that does not exist is an error.
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .bind(account)
            .fetch_one(store.pool())
            .await?;
        if !known {
            return Err(ContactError::AccountUnknown(account));
        }
    }
    Ok(ContactPage {
        total: u32::try_from(total).unwrap_or(u32::MAX),
        offset: query.offset,
        items,
    })
}

/// Matches `?2` (a folded name pattern, `%%` for everything) or `?3` (a phone digits pattern).
const SEARCH_FILTER: &str =
    "(?2 = '%%' OR name_folded LIKE ?2 ESCAPE '\\' OR phone LIKE ?3 ESCAPE '\\')";

/// `%text%` with LIKE's wildcards in the text escaped.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
