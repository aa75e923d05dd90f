//! Contacts: the people an account talks to, one row per phone per account.
//! Every function takes the account first; no query here runs without
//! `account_id = ?`.

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::account_open::{self, AccountClosed};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::fields::{self, FieldError};
use crate::filter::{self, ContactFilter, ContactSelection};
use crate::ids::TagId;
use crate::ids::natural_or_fresh;
use crate::text::{NameProblem, clean_name, fold};
use crate::time::now_ms;
use crate::{AccountId, ContactId, Lang, Store, contact_index, phone};

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

/// Which contacts to list: a filter and a window for paging.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
pub struct ContactQuery {
    pub filter: ContactFilter,
    pub offset: u32,
    pub limit: u32,
}

/// A contact in a listing, with the ids of their tags and their custom
/// fields' values (the list's optional columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ContactItem {
    #[serde(flatten)]
    pub contact: Contact,
    pub tags: Vec<TagId>,
    pub fields: Vec<fields::FieldValue>,
}

/// One page of a listing and how many contacts match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ContactPage {
    pub total: u32,
    pub offset: u32,
    pub items: Vec<ContactItem>,
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
    #[error(transparent)]
    Account(#[from] AccountClosed),
    #[error("no contact {1} in account {0}")]
    Unknown(AccountId, ContactId),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for ContactError {
    fn code(&self) -> ErrorCode {
        match self {
            ContactError::NameTooLong => ErrorCode::NameTooLong,
            ContactError::PhoneInvalid(_) => ErrorCode::PhoneInvalid,
            ContactError::PhoneDuplicate(_) => ErrorCode::PhoneDuplicate,
            ContactError::Account(e) => e.code(),
            ContactError::Unknown(..) => ErrorCode::ContactUnknown,
            ContactError::Field(e) => e.code(),
            ContactError::Plan(e) => e.code(),
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
            ContactError::Account(e) => e.message(lang),
            ContactError::Unknown(..) => lang
                .pick(
                    "Este contato não existe mais nesta conta.",
                    "This contact no longer exists in this account.",
                )
                .to_owned(),
            ContactError::Field(e) => e.message(lang),
            ContactError::Plan(e) => e.message(lang),
            ContactError::Database(_) => database_failed(lang),
        }
    }
}

pub(crate) struct Valid {
    pub phone: String,
    pub name: Option<String>,
}

pub(crate) fn validate(input: &ContactInput) -> Result<Valid, ContactError> {
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
pub(crate) async fn writable(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
) -> Result<(), ContactError> {
    Ok(account_open::check(tx, account).await??)
}

/// Maps the unique (account, phone) violation to the error a person understands.
fn on_write_error(e: sqlx::Error, phone: &str) -> ContactError {
    match e.as_database_error() {
        Some(db) if db.is_unique_violation() => ContactError::PhoneDuplicate(phone.to_owned()),
        _ => ContactError::Database(e),
    }
}

pub(crate) const COLUMNS: &str =
    "id, account_id, phone, name, opted_out_at, created_at, updated_at";

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
    crate::plans::check(&mut tx, account, crate::plans::Limit::Contacts, 1).await?;
    let sql = format!(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    );
    let id = natural_or_fresh(&mut *tx, "contacts", account, "contact", &valid.phone).await?;
    let contact = sqlx::query_as(&sql)
        .bind(id)
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

/// Deletes a contact (and, through foreign keys, their tags, fields,
/// conversations and messages), then their media files.
pub async fn delete(store: &Store, account: AccountId, id: ContactId) -> Result<(), ContactError> {
    let deleted =
        delete_selection(store, account, &ContactSelection::Ids { ids: vec![id] }).await?;
    if deleted == 0 {
        return Err(ContactError::Unknown(account, id));
    }
    Ok(())
}

/// Deletes picked contacts or every contact a filter matches, in one
/// transaction, then their media files. Returns how many were deleted.
pub async fn delete_selection(
    store: &Store,
    account: AccountId,
    selection: &ContactSelection,
) -> Result<u32, ContactError> {
    let ids = resolve(store, account, selection).await?;
    let mut tx = store.write().await?;
    writable(&mut tx, account).await?;
    let mut media = Vec::new();
    let mut deleted = 0;
    for chunk in ids.chunks(filter::IDS_PER_STATEMENT) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT m.media_path FROM contacts c
             JOIN conversations cv ON cv.account_id = c.account_id AND cv.contact_id = c.id
             JOIN messages m ON m.account_id = cv.account_id AND m.conversation_id = cv.id WHERE c.account_id = ",
        );
        sql.push_bind(account);
        filter::push_id_list(&mut sql, chunk);
        sql.push(" AND m.media_path IS NOT NULL");
        media.extend(
            sql.build_query_scalar::<String>()
                .fetch_all(&mut *tx)
                .await?,
        );
        let mut sql = QueryBuilder::<Sqlite>::new("DELETE FROM contacts WHERE account_id = ");
        sql.push_bind(account)
            .push(" AND id IN (SELECT c.id FROM contacts c WHERE c.account_id = ");
        sql.push_bind(account);
        filter::push_id_list(&mut sql, chunk);
        sql.push(")");
        deleted += sql.build().execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    remove_media(store, &media);
    Ok(u32::try_from(deleted).unwrap_or(u32::MAX))
}

/// A campaign's file (`media/<account>/campaign-<id>.<ext>`) is shared by
/// every message of the campaign: deleting one recipient must not take it
/// from the others, so it stays with the campaign.
fn is_campaign_file(relative: &str) -> bool {
    let parts: Vec<&str> = relative.split('/').collect();
    matches!(parts.as_slice(), ["media", _, file] if file.starts_with("campaign-"))
}

/// Removes media files of deleted messages. Runs after the commit: a crash
/// in between leaves files no row points to, never a row pointing to a
/// missing file. Returns how many files were removed.
pub(crate) fn remove_media(store: &Store, relative_paths: &[String]) -> u32 {
    let mut removed = 0;
    for relative in relative_paths {
        let path = store.data_dir().join(relative);
        // Only files inside the data folder, whatever a row says.
        let inside = !std::path::Path::new(relative)
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)));
        if inside && !is_campaign_file(relative) && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
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

/// A page of the account's contacts matching a filter, named ones first by
/// name, then by phone; each with their tags.
pub async fn list(
    store: &Store,
    account: AccountId,
    query: &ContactQuery,
) -> Result<ContactPage, ContactError> {
    let fields = fields::list(store, account).await?;
    let total = count_with(store, account, &query.filter, &fields).await?;
    let mut sql = QueryBuilder::<Sqlite>::new(format!("SELECT {PREFIXED}"));
    filter::push_from_where(&mut sql, account, &query.filter, &fields)?;
    sql.push(" ORDER BY c.name IS NULL, c.name_folded, c.phone, c.id LIMIT ")
        .push_bind(query.limit.clamp(1, PAGE_MAX))
        .push(" OFFSET ")
        .push_bind(query.offset);
    let contacts: Vec<Contact> = sql.build_query_as().fetch_all(store.pool()).await?;
    let mut tags = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, ct.tag_id FROM contacts c JOIN contact_tags ct ON ct.account_id = c.account_id AND ct.contact_id = c.id JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id WHERE c.account_id = ",
    );
    tags.push_bind(account);
    filter::push_id_list(
        &mut tags,
        &contacts.iter().map(|c| c.id).collect::<Vec<_>>(),
    );
    tags.push(" ORDER BY t.name COLLATE NOCASE");
    let pairs: Vec<(ContactId, TagId)> = tags.build_query_as().fetch_all(store.pool()).await?;
    // The page's field values, for the columns the list may show.
    let mut values = QueryBuilder::<Sqlite>::new(
        "SELECT contact_id, field_id, value FROM contact_fields WHERE account_id = ",
    );
    values.push_bind(account).push(" AND contact_id IN (");
    let mut list = values.separated(", ");
    for contact in &contacts {
        list.push_bind(contact.id);
    }
    if contacts.is_empty() {
        list.push("NULL");
    }
    values.push(")");
    let values: Vec<(ContactId, crate::ids::FieldId, String)> =
        values.build_query_as().fetch_all(store.pool()).await?;
    let items = contacts
        .into_iter()
        .map(|contact| ContactItem {
            tags: pairs
                .iter()
                .filter(|(c, _)| *c == contact.id)
                .map(|(_, t)| *t)
                .collect(),
            fields: values
                .iter()
                .filter(|(c, _, _)| *c == contact.id)
                .map(|(_, field_id, value)| fields::FieldValue {
                    field_id: *field_id,
                    value: value.clone(),
                })
                .collect(),
            contact,
        })
        .collect();
    if total == 0 {
        // An empty page is ambiguous; an account that does not exist is an error.
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .bind(account)
            .fetch_one(store.pool())
            .await?;
        if !known {
            return Err(AccountClosed::Unknown(account).into());
        }
    }
    Ok(ContactPage {
        total,
        offset: query.offset,
        items,
    })
}

/// How many of the account's contacts a filter matches (a segment's live count).
pub async fn count(
    store: &Store,
    account: AccountId,
    filter: &ContactFilter,
) -> Result<u32, ContactError> {
    let fields = fields::list(store, account).await?;
    count_with(store, account, filter, &fields).await
}

/// [`count`] with the account's fields already read. Without a filter the
/// count is the one the triggers of migration 0024 keep (one row read
/// instead of the account's whole index: 2.4 ms on 100 000 contacts); with
/// one, set operations on the account's in-memory index
/// (`crate::contact_index`, exact, rebuilt after contacts change), which
/// took combined conditions from 130–280 ms in SQL to a few ms
/// (docs/benchmarks.md, issue 18).
async fn count_with(
    store: &Store,
    account: AccountId,
    filter: &ContactFilter,
    fields: &[fields::CustomField],
) -> Result<u32, ContactError> {
    if filter.is_everyone() {
        let kept: Option<i64> =
            sqlx::query_scalar("SELECT contacts FROM contact_counts WHERE account_id = ?")
                .bind(account)
                .fetch_optional(store.pool())
                .await?;
        if let Some(total) = kept {
            return Ok(u32::try_from(total).unwrap_or(u32::MAX));
        }
    }
    // Field conditions are read (and a wrong one refused) the same way
    // whichever path counts.
    let tests = filter::field_tests(filter, fields)?;
    let wait = contact_index::Wait::No;
    match contact_index::count(store, account, filter, &tests, wait).await? {
        contact_index::Counted::Yes(total) => Ok(total),
        contact_index::Counted::Stale => {
            let total = count_sql(store, account, filter, fields).await?;
            contact_index::rebuild_later(store, account);
            Ok(total)
        }
        contact_index::Counted::NotIndexed => count_sql(store, account, filter, fields).await,
    }
}

/// The filter's count in SQL alone: what the index answers for, and what
/// counts a filter the index cannot (the last message time).
async fn count_sql(
    store: &Store,
    account: AccountId,
    filter: &ContactFilter,
    fields: &[fields::CustomField],
) -> Result<u32, ContactError> {
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT count(*)");
    filter::push_from_where(&mut sql, account, filter, fields)?;
    let total: i64 = sql.build_query_scalar().fetch_one(store.pool()).await?;
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

/// [`count`] by SQL only, never from the in-memory index: the reference the
/// index is tested and benchmarked against.
#[doc(hidden)]
pub async fn count_in_sql(
    store: &Store,
    account: AccountId,
    filter: &ContactFilter,
) -> Result<u32, ContactError> {
    let fields = fields::list(store, account).await?;
    count_sql(store, account, filter, &fields).await
}

/// [`count`] from the in-memory index only (built first if not current);
/// `None` where [`count`] would fall back to SQL. For tests and benchmarks.
#[doc(hidden)]
pub async fn count_in_index(
    store: &Store,
    account: AccountId,
    filter: &ContactFilter,
) -> Result<Option<u32>, ContactError> {
    let fields = fields::list(store, account).await?;
    let tests = filter::field_tests(filter, &fields)?;
    let wait = contact_index::Wait::ForIndex;
    Ok(
        match contact_index::count(store, account, filter, &tests, wait).await? {
            contact_index::Counted::Yes(total) => Some(total),
            contact_index::Counted::Stale | contact_index::Counted::NotIndexed => None,
        },
    )
}

/// The ids of a selection's contacts, in a stable order (by id).
pub async fn resolve(
    store: &Store,
    account: AccountId,
    selection: &ContactSelection,
) -> Result<Vec<ContactId>, ContactError> {
    let mut out = Vec::new();
    match selection {
        ContactSelection::Filter { filter } => {
            let fields = fields::list(store, account).await?;
            let mut sql = QueryBuilder::<Sqlite>::new("SELECT c.id");
            filter::push_from_where(&mut sql, account, filter, &fields)?;
            sql.push(" ORDER BY c.rowid");
            out = sql.build_query_scalar().fetch_all(store.pool()).await?;
        }
        ContactSelection::Ids { ids } => {
            for chunk in ids.chunks(filter::IDS_PER_STATEMENT) {
                let mut sql = QueryBuilder::<Sqlite>::new(
                    "SELECT c.id FROM contacts c WHERE c.account_id = ",
                );
                sql.push_bind(account);
                filter::push_id_list(&mut sql, chunk);
                out.extend(
                    sql.build_query_scalar::<ContactId>()
                        .fetch_all(store.pool())
                        .await?,
                );
            }
            out.sort();
            out.dedup();
        }
    }
    Ok(out)
}

/// The contact columns prefixed by the `c` alias the filters use.
const PREFIXED: &str =
    "c.id, c.account_id, c.phone, c.name, c.opted_out_at, c.created_at, c.updated_at";
