//! Tags: coloured labels on an account's contacts, for the inbox and, later,
//! segments and campaigns. Adding and removing work on many contacts at once.

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::domain::Tag;
use crate::error::{ErrorCode, UserError, database_failed};
use crate::fields::{self, FieldError};
use crate::filter::{self, ContactSelection};
use crate::ids::TagId;
use crate::ids::natural_or_fresh;
use crate::text::{NameProblem, clean_name, fold};
use crate::time::now_ms;
use crate::{AccountId, ContactId, Lang, Store};

/// Longest tag name, in characters.
pub const NAME_MAX: usize = 40;

/// What a person fills in for a tag.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct TagInput {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

/// Why a tag operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    #[error("tag name is empty")]
    NameEmpty,
    #[error("tag name is too long")]
    NameTooLong,
    #[error("not a colour: {0}")]
    ColorInvalid(String),
    #[error("tag {0} exists")]
    Duplicate(String),
    #[error("no such tag")]
    Unknown,
    #[error(transparent)]
    Field(FieldError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for TagError {
    fn code(&self) -> ErrorCode {
        match self {
            TagError::NameEmpty => ErrorCode::NameEmpty,
            TagError::NameTooLong => ErrorCode::NameTooLong,
            TagError::ColorInvalid(_) => ErrorCode::ColorInvalid,
            TagError::Duplicate(_) => ErrorCode::TagDuplicate,
            TagError::Unknown => ErrorCode::TagUnknown,
            TagError::Field(e) => e.code(),
            TagError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TagError::NameEmpty, _) => lang
                .pick("Dê um nome à etiqueta.", "Give the tag a name.")
                .to_owned(),
            (TagError::NameTooLong, Lang::PtBr) => {
                format!("A etiqueta pode ter no máximo {NAME_MAX} caracteres.")
            }
            (TagError::NameTooLong, Lang::En) => {
                format!("A tag can have at most {NAME_MAX} characters.")
            }
            (TagError::ColorInvalid(c), Lang::PtBr) => {
                format!("\"{c}\" não é uma cor (use #rrggbb).")
            }
            (TagError::ColorInvalid(c), Lang::En) => {
                format!("\"{c}\" is not a colour (use #rrggbb).")
            }
            (TagError::Duplicate(n), Lang::PtBr) => {
                format!(
                    "Já existe a etiqueta \"{n}\" nesta conta (maiúsculas e acentos não fazem outra etiqueta)."
                )
            }
            (TagError::Duplicate(n), Lang::En) => {
                format!(
                    "This account already has the tag \"{n}\" (case and accents do not make another tag)."
                )
            }
            (TagError::Unknown, _) => lang
                .pick(
                    "Esta etiqueta não existe mais.",
                    "This tag no longer exists.",
                )
                .to_owned(),
            (TagError::Field(e), _) => e.message(lang),
            (TagError::Database(_), _) => database_failed(lang),
        }
    }
}

fn validate(input: &TagInput) -> Result<(String, String), TagError> {
    let name = clean_name(&input.name, NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => TagError::NameEmpty,
        NameProblem::TooLong => TagError::NameTooLong,
    })?;
    let color = input.color.trim().to_lowercase();
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(TagError::ColorInvalid(input.color.clone()));
    }
    Ok((name, color))
}

const COLUMNS: &str = "id, account_id, name, color, created_at";

/// The account's tags by name.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Tag>, TagError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tags WHERE account_id = ? ORDER BY name COLLATE NOCASE"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?)
}

pub async fn create(store: &Store, account: AccountId, input: &TagInput) -> Result<Tag, TagError> {
    let (name, color) = validate(input)?;
    if let Some((_, existing)) = folded_twin(store.pool(), account, &name).await? {
        return Err(TagError::Duplicate(existing));
    }
    // Keyed by the folded name, as the name is unique (0015): "Promoção" and
    // "promocao" created offline on two desktops are one tag once synced.
    let id = natural_or_fresh(store.pool(), "tags", account, "tag", &fold(&name)).await?;
    sqlx::query_as(&format!(
        "INSERT INTO tags (id, account_id, name, name_folded, color, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(account)
    .bind(&name)
    .bind(fold(&name))
    .bind(color)
    .bind(now_ms())
    .fetch_one(store.pool())
    .await
    .map_err(|e| match e.as_database_error() {
        // Another writer won the race between the check and the insert.
        Some(db) if db.is_unique_violation() => TagError::Duplicate(name.clone()),
        Some(db) if db.is_foreign_key_violation() => TagError::Unknown,
        _ => TagError::Database(e),
    })
}

/// The account's tag whose name folds (case and accents, [`fold`]) to the
/// same text as `name`, with its stored name: "vip", "VIP" and "Víp" are one
/// tag for a person (issue 13 item 20). Compared in Rust over the account's
/// tags (a few dozen), so it agrees with `fold` even where the SQL backfill
/// of migration 0015 could not; the unique index on `name_folded` is the
/// backstop for writers that race.
async fn folded_twin<'e, E>(
    executor: E,
    account: AccountId,
    name: &str,
) -> Result<Option<(TagId, String)>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let key = fold(name);
    let all: Vec<(TagId, String)> =
        sqlx::query_as("SELECT id, name FROM tags WHERE account_id = ?")
            .bind(account)
            .fetch_all(executor)
            .await?;
    Ok(all.into_iter().find(|(_, n)| fold(n) == key))
}

pub async fn delete(store: &Store, account: AccountId, tag: TagId) -> Result<(), TagError> {
    let done = sqlx::query("DELETE FROM tags WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(tag)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(TagError::Unknown);
    }
    Ok(())
}

/// Puts a tag on many contacts (`on = true`) or takes it off, in one
/// transaction; contacts of other accounts are ignored. Returns how many changed.
pub async fn apply(
    store: &Store,
    account: AccountId,
    tag: TagId,
    contacts: &[ContactId],
    on: bool,
) -> Result<u64, TagError> {
    let selection = ContactSelection::Ids {
        ids: contacts.to_vec(),
    };
    apply_to(store, account, tag, &selection, on).await
}

/// [`apply`] on a selection: picked contacts, or every contact a filter
/// matches (the whole result of a search or segment, not just what is on
/// screen). One statement per chunk of ids, all in one transaction.
pub async fn apply_to(
    store: &Store,
    account: AccountId,
    tag: TagId,
    selection: &ContactSelection,
    on: bool,
) -> Result<u64, TagError> {
    let fields = fields::list(store, account)
        .await
        .map_err(TagError::Field)?;
    let mut tx = store.write().await?;
    let known: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tags WHERE account_id = ? AND id = ?)")
            .bind(account)
            .bind(tag)
            .fetch_one(&mut *tx)
            .await?;
    if !known {
        return Err(TagError::Unknown);
    }
    let now = now_ms();
    let mut changed = 0;
    let start = |sql: &mut QueryBuilder<'_, Sqlite>| {
        if on {
            sql.push("INSERT INTO contact_tags (account_id, contact_id, tag_id, created_at) SELECT c.account_id, c.id, ")
                .push_bind(tag)
                .push(", ")
                .push_bind(now);
        } else {
            sql.push("DELETE FROM contact_tags WHERE account_id = ")
                .push_bind(account)
                .push(" AND tag_id = ")
                .push_bind(tag)
                .push(" AND contact_id IN (SELECT c.id");
        }
    };
    let end = |sql: &mut QueryBuilder<'_, Sqlite>| {
        sql.push(if on { " ON CONFLICT DO NOTHING" } else { ")" });
    };
    match selection {
        ContactSelection::Filter { filter } => {
            let mut sql = QueryBuilder::new("");
            start(&mut sql);
            filter::push_from_where(&mut sql, account, filter, &fields).map_err(TagError::Field)?;
            end(&mut sql);
            changed += sql.build().execute(&mut *tx).await?.rows_affected();
        }
        ContactSelection::Ids { ids } => {
            for chunk in ids.chunks(filter::IDS_PER_STATEMENT) {
                let mut sql = QueryBuilder::new("");
                start(&mut sql);
                sql.push(" FROM contacts c WHERE c.account_id = ")
                    .push_bind(account);
                filter::push_id_list(&mut sql, chunk);
                end(&mut sql);
                changed += sql.build().execute(&mut *tx).await?.rows_affected();
            }
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// The account's tag called `name` (ignoring case and accents), created with a colour
/// from the palette if there is none; for imports, which name tags in cells.
pub(crate) async fn ensure_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    name: &str,
) -> Result<(TagId, bool), sqlx::Error> {
    if let Some((id, _)) = folded_twin(&mut **tx, account, name).await? {
        return Ok((id, false));
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM tags WHERE account_id = ?")
        .bind(account)
        .fetch_one(&mut **tx)
        .await?;
    let color = PALETTE[usize::try_from(count).unwrap_or(0) % PALETTE.len()];
    let id =
        TagId::from_uuid(natural_or_fresh(&mut **tx, "tags", account, "tag", &fold(name)).await?);
    sqlx::query(
        "INSERT INTO tags (id, account_id, name, name_folded, color, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(account)
    .bind(name)
    .bind(fold(name))
    .bind(color)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok((id, true))
}

/// Colours given to tags an import creates, in turn.
const PALETTE: [&str; 8] = [
    "#2563eb", "#16a34a", "#db2777", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626",
];

/// Reads a tag name as the tag screen would store it; `None` when it is not a valid name.
pub(crate) fn clean(raw: &str) -> Option<String> {
    clean_name(raw, NAME_MAX).ok()
}

/// The tags of one contact, by name.
pub async fn of_contact(
    store: &Store,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<Tag>, TagError> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.account_id, t.name, t.color, t.created_at
         FROM contact_tags ct JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id
         WHERE ct.account_id = ? AND ct.contact_id = ? ORDER BY t.name COLLATE NOCASE",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?)
}
