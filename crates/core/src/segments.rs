//! Segments: named, saved contact filters ("Clientes VIP de SP que não compram
//! há 90 dias"). They store the filter, not the contacts, so their count and
//! members are always current; campaigns target them.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, UserError, database_failed};
use crate::filter::ContactFilter;
use crate::ids::SegmentId;
use crate::ids::natural_or_fresh;
use crate::text::{NameProblem, clean_name};
use crate::time::now_ms;
use crate::{AccountId, Lang, Store};

/// Longest segment name, in characters.
pub const NAME_MAX: usize = 60;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Segment {
    pub id: SegmentId,
    pub account_id: AccountId,
    pub name: String,
    pub filter: ContactFilter,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct SegmentInput {
    pub name: String,
    pub filter: ContactFilter,
}

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("segment name is empty")]
    NameEmpty,
    #[error("segment name is too long")]
    NameTooLong,
    #[error("segment {0} exists")]
    Duplicate(String),
    #[error("no such segment")]
    Unknown,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for SegmentError {
    fn code(&self) -> ErrorCode {
        match self {
            SegmentError::NameEmpty => ErrorCode::NameEmpty,
            SegmentError::NameTooLong => ErrorCode::NameTooLong,
            SegmentError::Duplicate(_) => ErrorCode::SegmentDuplicate,
            SegmentError::Unknown => ErrorCode::SegmentUnknown,
            SegmentError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (SegmentError::NameEmpty, _) => lang
                .pick("Dê um nome ao segmento.", "Give the segment a name.")
                .to_owned(),
            (SegmentError::NameTooLong, Lang::PtBr) => {
                format!("O nome do segmento pode ter no máximo {NAME_MAX} caracteres.")
            }
            (SegmentError::NameTooLong, Lang::En) => {
                format!("A segment name can have at most {NAME_MAX} characters.")
            }
            (SegmentError::Duplicate(name), Lang::PtBr) => {
                format!("Já existe um segmento \"{name}\" nesta conta.")
            }
            (SegmentError::Duplicate(name), Lang::En) => {
                format!("This account already has a segment \"{name}\".")
            }
            (SegmentError::Unknown, _) => lang
                .pick(
                    "Este segmento não existe mais.",
                    "This segment no longer exists.",
                )
                .to_owned(),
            (SegmentError::Database(_), _) => database_failed(lang),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SegmentRow {
    id: SegmentId,
    account_id: AccountId,
    name: String,
    filter: String,
    created_at: i64,
    updated_at: i64,
}

impl From<SegmentRow> for Segment {
    fn from(row: SegmentRow) -> Self {
        Segment {
            id: row.id,
            account_id: row.account_id,
            name: row.name,
            // Written by this module from a ContactFilter; unknown keys of an
            // older or newer filter fall back to "no condition" field by field.
            filter: serde_json::from_str(&row.filter).unwrap_or_default(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

const COLUMNS: &str = "id, account_id, name, filter, created_at, updated_at";

fn validate(input: &SegmentInput) -> Result<(String, String), SegmentError> {
    let name = clean_name(&input.name, NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => SegmentError::NameEmpty,
        NameProblem::TooLong => SegmentError::NameTooLong,
    })?;
    let filter = serde_json::to_string(&input.filter).unwrap_or_else(|_| "{}".into());
    Ok((name, filter))
}

fn on_write_error(e: sqlx::Error, name: &str) -> SegmentError {
    match e.as_database_error() {
        Some(db) if db.is_unique_violation() => SegmentError::Duplicate(name.to_owned()),
        Some(db) if db.is_foreign_key_violation() => SegmentError::Unknown,
        _ => SegmentError::Database(e),
    }
}

/// The account's segments by name.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Segment>, SegmentError> {
    let rows: Vec<SegmentRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM segments WHERE account_id = ? ORDER BY name COLLATE NOCASE"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(Segment::from).collect())
}

pub async fn get(
    store: &Store,
    account: AccountId,
    id: SegmentId,
) -> Result<Segment, SegmentError> {
    let row: Option<SegmentRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM segments WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(Segment::from).ok_or(SegmentError::Unknown)
}

pub async fn create(
    store: &Store,
    account: AccountId,
    input: &SegmentInput,
) -> Result<Segment, SegmentError> {
    let (name, filter) = validate(input)?;
    let now = now_ms();
    let id = natural_or_fresh(
        store.pool(),
        "segments",
        account,
        "segment",
        &name.to_lowercase(),
    )
    .await?;
    let row: SegmentRow = sqlx::query_as(&format!(
        "INSERT INTO segments (id, account_id, name, filter, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(account)
    .bind(&name)
    .bind(filter)
    .bind(now)
    .bind(now)
    .fetch_one(store.pool())
    .await
    .map_err(|e| on_write_error(e, &name))?;
    Ok(row.into())
}

pub async fn update(
    store: &Store,
    account: AccountId,
    id: SegmentId,
    input: &SegmentInput,
) -> Result<Segment, SegmentError> {
    let (name, filter) = validate(input)?;
    let row: Option<SegmentRow> = sqlx::query_as(&format!(
        "UPDATE segments SET name = ?, filter = ?, updated_at = ?
         WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(&name)
    .bind(filter)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await
    .map_err(|e| on_write_error(e, &name))?;
    row.map(Segment::from).ok_or(SegmentError::Unknown)
}

pub async fn delete(store: &Store, account: AccountId, id: SegmentId) -> Result<(), SegmentError> {
    let done = sqlx::query("DELETE FROM segments WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(SegmentError::Unknown);
    }
    Ok(())
}
