//! Cards: a contact or deal on a stage, with an optional title, a value in
//! cents and an owner; listed with the board's filters (owner, tag, text).

use serde::{Deserialize, Serialize};

use crate::ids::TagId;
use crate::text::fold;
use crate::time::now_ms;
use crate::users;
use crate::{AccountId, Store, UserId};

use super::moves::{self, Moved};
use super::{
    Card, CardId, CardInput, OwnerChange, PipelineError, StageId, TITLE_MAX, VALUE_MAX_CENTS,
};

/// What the board shows; every condition given must hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize, specta::Type)]
pub struct CardFilter {
    /// Cards of this operator.
    pub owner: Option<UserId>,
    /// Cards whose contact has this tag.
    pub tag: Option<TagId>,
    /// Words in the contact's name or the card's title (case and accents
    /// ignored), or digits of the contact's phone.
    pub text: Option<String>,
}

impl CardFilter {
    pub fn is_empty(&self) -> bool {
        self.owner.is_none()
            && self.tag.is_none()
            && self.text.as_deref().is_none_or(|t| t.trim().is_empty())
    }
}

pub(super) const SELECT: &str = "SELECT c.id, c.account_id, c.contact_id, ct.name AS contact_name,
        ct.phone AS contact_phone, c.stage_id, c.title, c.value_cents, c.owner_email,
        (SELECT u.name FROM users u WHERE u.email = c.owner_email) AS owner_name,
        c.position, c.created_at, c.updated_at
     FROM pipeline_cards c
     JOIN contacts ct ON ct.account_id = c.account_id AND ct.id = c.contact_id";

#[derive(sqlx::FromRow)]
pub(super) struct CardRow {
    id: CardId,
    account_id: AccountId,
    contact_id: crate::ContactId,
    contact_name: Option<String>,
    contact_phone: String,
    stage_id: StageId,
    title: Option<String>,
    value_cents: i64,
    owner_email: Option<String>,
    owner_name: Option<String>,
    position: String,
    created_at: i64,
    updated_at: i64,
}

impl From<CardRow> for Card {
    fn from(r: CardRow) -> Self {
        Card {
            id: r.id,
            account_id: r.account_id,
            contact_id: r.contact_id,
            contact_name: r.contact_name,
            contact_phone: r.contact_phone,
            stage_id: r.stage_id,
            title: r.title,
            value_cents: r.value_cents,
            owner_email: r.owner_email,
            owner_name: r.owner_name,
            position: r.position,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The owner a card is saved with: `Keep` leaves the column as it is.
pub(super) enum Owner {
    Keep,
    Email(Option<String>),
}

/// The title trimmed (empty: none), the value in range, the owner's e-mail.
pub(super) async fn validate(
    store: &Store,
    input: &CardInput,
) -> Result<(Option<String>, Owner), PipelineError> {
    let title = input
        .title
        .as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    if title
        .as_ref()
        .is_some_and(|t| t.chars().count() > TITLE_MAX)
    {
        return Err(PipelineError::TitleTooLong);
    }
    if !(0..=VALUE_MAX_CENTS).contains(&input.value_cents) {
        return Err(PipelineError::ValueInvalid);
    }
    let owner = match input.owner {
        OwnerChange::Keep => Owner::Keep,
        OwnerChange::Clear => Owner::Email(None),
        OwnerChange::Set { user } => Owner::Email(owner_email(store, Some(user)).await?),
    };
    Ok((title, owner))
}

/// Operators are this desktop's rows; a card keeps its owner's e-mail.
async fn owner_email(
    store: &Store,
    owner: Option<UserId>,
) -> Result<Option<String>, PipelineError> {
    match owner {
        None => Ok(None),
        Some(id) => users::get(store, id)
            .await
            .map(|u| Some(u.email))
            .map_err(|_| PipelineError::OwnerUnknown),
    }
}

/// A new card at the end of `stage`. Entering the stage does what the stage
/// says (its tag now, its flow returned to be started: [`moves`]).
pub async fn create(
    store: &Store,
    account: AccountId,
    stage: StageId,
    input: &CardInput,
) -> Result<Moved, PipelineError> {
    let (title, owner) = validate(store, input).await?;
    // A new card has no owner to keep.
    let owner = match owner {
        Owner::Keep => None,
        Owner::Email(email) => email,
    };
    let now = now_ms();
    let id = CardId::new();
    let mut tx = store.write().await?;
    let contact_known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM contacts WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(input.contact_id)
    .fetch_one(&mut *tx)
    .await?;
    if !contact_known {
        return Err(PipelineError::ContactUnknown);
    }
    let key = moves::key_at_end(&mut tx, account, stage).await?;
    sqlx::query(
        "INSERT INTO pipeline_cards (id, account_id, contact_id, stage_id, title, value_cents,
             owner_email, position, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(account)
    .bind(input.contact_id)
    .bind(stage)
    .bind(&title)
    .bind(input.value_cents)
    .bind(&owner)
    .bind(&key)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let entered = moves::enter(&mut tx, account, input.contact_id, stage).await?;
    tx.commit().await?;
    Ok(Moved {
        card: get(store, account, id).await?,
        entered,
    })
}

/// Changes a card's contact, title, value and owner (not its stage or place).
pub async fn update(
    store: &Store,
    account: AccountId,
    id: CardId,
    input: &CardInput,
) -> Result<Card, PipelineError> {
    let (title, owner) = validate(store, input).await?;
    let (keep, email) = match owner {
        Owner::Keep => (true, None),
        Owner::Email(email) => (false, email),
    };
    let done = sqlx::query(
        "UPDATE pipeline_cards SET contact_id = ?, title = ?, value_cents = ?,
             owner_email = CASE WHEN ? THEN owner_email ELSE ? END, updated_at = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(input.contact_id)
    .bind(&title)
    .bind(input.value_cents)
    .bind(keep)
    .bind(&email)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .execute(store.pool())
    .await
    .map_err(|e| match e.as_database_error() {
        Some(db) if db.is_foreign_key_violation() => PipelineError::ContactUnknown,
        _ => PipelineError::Database(e),
    })?;
    if done.rows_affected() == 0 {
        return Err(PipelineError::CardUnknown);
    }
    get(store, account, id).await
}

pub async fn delete(store: &Store, account: AccountId, id: CardId) -> Result<(), PipelineError> {
    let done = sqlx::query("DELETE FROM pipeline_cards WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(PipelineError::CardUnknown);
    }
    Ok(())
}

pub async fn get(store: &Store, account: AccountId, id: CardId) -> Result<Card, PipelineError> {
    let row: Option<CardRow> =
        sqlx::query_as(&format!("{SELECT} WHERE c.account_id = ? AND c.id = ?"))
            .bind(account)
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    row.map(Card::from).ok_or(PipelineError::CardUnknown)
}

/// The account's cards the filter lets through, by stage and place. Owner
/// and tag are conditions of the query; the text is matched here, folded
/// as the contacts' search folds it (titles have no folded column).
pub async fn list(
    store: &Store,
    account: AccountId,
    filter: &CardFilter,
) -> Result<Vec<Card>, PipelineError> {
    let owner = owner_email(store, filter.owner).await?;
    let mut sql = sqlx::QueryBuilder::new(SELECT);
    sql.push(" WHERE c.account_id = ").push_bind(account);
    if let Some(email) = owner {
        sql.push(" AND c.owner_email = ").push_bind(email);
    }
    if let Some(tag) = filter.tag {
        sql.push(
            " AND EXISTS (SELECT 1 FROM contact_tags t
                 WHERE t.account_id = c.account_id AND t.contact_id = c.contact_id AND t.tag_id = ",
        )
        .push_bind(tag)
        .push(")");
    }
    sql.push(" ORDER BY c.stage_id, c.position, c.id");
    let rows: Vec<CardRow> = sql.build_query_as().fetch_all(store.pool()).await?;
    let text = filter.text.as_deref().map(str::trim).unwrap_or_default();
    let words = fold(text);
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    Ok(rows
        .into_iter()
        .map(Card::from)
        .filter(|c| text.is_empty() || matches(c, &words, &digits))
        .collect())
}

fn matches(card: &Card, words: &str, digits: &str) -> bool {
    let hay = |s: &Option<String>| s.as_deref().is_some_and(|s| fold(s).contains(words));
    hay(&card.contact_name)
        || hay(&card.title)
        || (!digits.is_empty() && card.contact_phone.contains(digits))
}
